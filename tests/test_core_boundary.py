"""The core knows nothing of the page, and sets torch to one thread.

conftest.py imports streamlit into this process, so the import checks run in a
fresh interpreter: import softmax_core and every submodule, then report what got
loaded.
"""

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import softmax_core

ROOT = Path(__file__).parents[1]
PAGE_LIBRARIES = ("streamlit", "plotly")
CORE_FILES = sorted(Path(softmax_core.__file__).parent.glob("*.py"))

# Runs in a fresh interpreter; prints what importing the whole core loaded.
PROBE = """
import importlib, json, pkgutil, sys
import softmax_core
import torch

names = [info.name for info in pkgutil.walk_packages(
    softmax_core.__path__, "softmax_core.") if info.name != "softmax_core.__main__"]
for name in names:
    importlib.import_module(name)
print(json.dumps({
    "submodules": names,
    "loaded": sorted({module.split(".")[0] for module in sys.modules}),
    "threads": torch.get_num_threads(),
}))
"""


@pytest.fixture(scope="module")
def fresh_import() -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_probe_imported_every_submodule(fresh_import):
    # __main__ is left out: importing it runs the command line.
    expected = {
        f"softmax_core.{info.name}"
        for info in pkgutil.iter_modules(softmax_core.__path__)
        if info.name != "__main__"
    }

    assert set(fresh_import["submodules"]) == expected
    assert {"softmax_core.training", "softmax_core.cli"} <= expected


@pytest.mark.parametrize("library", PAGE_LIBRARIES)
def test_importing_the_core_loads_no_page_library(fresh_import, library):
    assert "torch" in fresh_import["loaded"]
    assert library not in fresh_import["loaded"]


def imported_names(path: Path) -> set[str]:
    """The top-level package of every import statement in a source file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda path: path.name)
def test_no_core_source_imports_a_page_library(path):
    names = imported_names(path)

    assert names, "the scan found no import at all"
    assert not names & set(PAGE_LIBRARIES)


def test_the_source_scan_sees_imports_inside_functions(tmp_path):
    source = tmp_path / "sample.py"
    source.write_text("def draw():\n    import plotly.graph_objects as go\n")

    assert imported_names(source) == {"plotly"}


def test_importing_the_core_sets_torch_to_one_thread(fresh_import):
    assert fresh_import["threads"] == 1
