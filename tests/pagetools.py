"""What the page tests share: the settings to try, and reading a page's charts."""

import base64
import json
import re

import numpy as np

# The starting settings, each sidebar control at both ends, and the other data.
SETTINGS = [
    {},
    {"learning_rate": 0.0001},
    {"learning_rate": 10.0},
    {"lam": 0.0},
    {"lam": 1.0},
    {"iterations": 1},
    {"iterations": 5000},
    {"seed": -(2**31)},
    {"seed": 2**31 - 1},
    {"train_fraction": 0.5},
    {"train_fraction": 0.95},
    {"standardize": True},
    {"article_nn": True},
    {"lecture": True},
    {"data": "wine"},
    {"data": "breast_cancer", "standardize": True},
    {"data": "breast_cancer", "learning_rate": 10.0, "lam": 1.0},
]


def read(markdown: str) -> str:
    """What a person reads of Markdown that lesson.text.plain escaped: a
    backslash before a mark prints the mark alone; a word joiner, nothing."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def visit(at, page):
    """Switch an AppTest to page, run it, and check it raised nothing."""
    at.switch_page(page)
    at.run()
    assert not at.exception, f"{page}: {[e.value for e in at.exception]}"
    return at


def chart(at, key: str) -> dict:
    """The Plotly figure a page showed under `key`, as a dict."""
    for element in at.get("plotly_chart"):
        if element.key == key or element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart with key {key!r}")


def figures(at) -> list[dict]:
    """Every Plotly figure the page drew, as dicts."""
    return [json.loads(element.proto.spec) for element in at.get("plotly_chart")]


def values(array) -> np.ndarray:
    """A figure's data array; Plotly sends NumPy arrays as base64 with a dtype."""
    if isinstance(array, dict) and "bdata" in array:
        flat = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
        shape = array.get("shape")
        return flat.reshape([int(d) for d in str(shape).split(",")]) if shape else flat
    return np.asarray(array)
