"""The export page's files: CSV, JSON, and a script that trains the run again."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lesson import runs
from lesson.export import (
    BIAS_ROW,
    DATA_FILE,
    cli_arguments,
    history_csv,
    parameters_csv,
    reproduce_script,
    run_json,
)
from lesson.settings import Settings
from softmax_core import load_builtin
from softmax_core.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]

# (data set, settings, implementation): the defaults, then every flag changed.
CASES = [
    ("iris", Settings(), "manual"),
    (
        "iris",
        Settings(
            learning_rate=0.5,
            lam=0.001,
            iterations=300,
            seed=7,
            train_fraction=0.7,
            standardize=True,
        ),
        "autograd",
    ),  # fmt: skip
    ("wine", Settings(iterations=40, standardize=True, article_nn=True), "nn"),
    ("breast_cancer", Settings(iterations=30), "manual"),
    ("iris", Settings(learning_rate=10.0, lam=0.5, iterations=60), "manual"),
]


def app_run(dataset_key: str, settings: Settings, implementation: str):
    """The run the app shows for these settings: trained longer, then cut."""
    dataset = runs.builtin_dataset(dataset_key)
    return dataset, runs.get_run(dataset_key, dataset, settings, implementation)


def start_script(script: str, folder: Path) -> subprocess.Popen:
    """Save the script outside the repository and start it from the repository root."""
    folder.mkdir()
    path = folder / "reproduce_run.py"
    path.write_text(script)
    return subprocess.Popen(
        [sys.executable, str(path)], cwd=ROOT, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.fixture(scope="module")
def script_outputs(tmp_path_factory):
    """(exit status, stdout, stderr) of each case's script, all run at once.

    Each script starts Python twice, and each start imports torch: run one after
    another, the cases took 45 s.
    """
    started = [
        start_script(reproduce_script(*case), tmp_path_factory.mktemp("s") / "x")
        for case in CASES
    ]
    outputs = []
    for process in started:
        out, err = process.communicate(timeout=300)
        outputs.append((process.returncode, out, err))
    return outputs


@pytest.mark.parametrize("case", range(len(CASES)))
def test_the_exported_script_prints_the_apps_numbers(case, script_outputs):
    dataset_key, settings, implementation = CASES[case]
    _, run = app_run(dataset_key, settings, implementation)

    status, out, err = script_outputs[case]

    assert status == 0, err
    printed = json.loads(out)["runs"][implementation]
    # JSON has no NaN or infinity: the command line writes null for both.
    losses = np.array([np.nan if v is None else v for v in printed["losses"]])
    expected = np.where(np.isfinite(run.losses), run.losses, np.nan)
    assert len(losses) == settings.iterations
    np.testing.assert_allclose(losses, expected, rtol=1e-6, atol=1e-6, equal_nan=True)
    assert printed["diverged_at"] == run.diverged_at
    if run.diverged_at is None:
        np.testing.assert_allclose(printed["weights"], run.W, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(printed["bias"], run.b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(("dataset_key", "settings", "implementation"), CASES)
def test_the_flags_read_back_as_the_settings(dataset_key, settings, implementation):
    args = build_parser().parse_args(
        cli_arguments(dataset_key, settings, implementation)
    )

    assert args.dataset == dataset_key and args.data is None
    assert args.implementation == implementation
    assert (args.learning_rate, args.lam) == (settings.learning_rate, settings.lam)
    assert (args.iterations, args.seed) == (settings.iterations, settings.seed)
    assert args.train_fraction == settings.train_fraction
    assert (args.standardize, args.article_nn) == (
        settings.standardize,
        settings.article_nn,
    )
    assert args.json


def test_a_script_for_uploaded_data_says_which_file_it_needs(tmp_path):
    script = reproduce_script("upload:flowers.csv", Settings(), "manual")

    assert f'"--data", "{DATA_FILE}"' in script
    assert "cannot contain" in script
    process = start_script(script, tmp_path / "upload")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert f"needs the CSV file you uploaded: save it as {DATA_FILE}" in err


def test_the_command_line_refuses_a_file_and_a_built_in_set_together():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--data", "x.csv", "--dataset", "wine"])


def test_parameters_csv_holds_W_then_b():
    dataset, run = app_run("iris", Settings(iterations=20), "manual")

    table = pd.read_csv(io.StringIO(parameters_csv(run, dataset)), index_col=0)

    assert list(table.index) == [*dataset.feature_names, BIAS_ROW]
    assert list(table.columns) == list(dataset.class_names)
    np.testing.assert_allclose(table.to_numpy()[:-1], run.W, rtol=1e-6)
    np.testing.assert_allclose(table.to_numpy()[-1], run.b, rtol=1e-6)


def test_history_csv_has_a_line_per_iteration():
    _, run = app_run("iris", Settings(iterations=20), "autograd")

    table = pd.read_csv(io.StringIO(history_csv(run)))

    assert list(table["iteration"]) == list(range(1, 21))
    np.testing.assert_allclose(table["loss"], run.losses, rtol=1e-6)
    np.testing.assert_allclose(
        table["cross_entropy"] + table["l2_term"], run.losses, rtol=1e-5
    )
    np.testing.assert_allclose(table["test_accuracy_after"], run.test_accuracy[1:])


def test_run_json_is_the_command_lines_object():
    settings = Settings(iterations=20, standardize=True)
    dataset = load_builtin("wine")
    problem = runs.problem(
        "wine", dataset, settings.seed, settings.train_fraction, True
    )
    run = runs.get_run("wine", dataset, settings, "nn")

    data = json.loads(run_json(dataset, problem, "nn", run))

    assert set(data) == {
        "classes", "features", "train_rows", "test_rows", "standardization", "runs",
    }  # fmt: skip
    assert list(data["runs"]) == ["nn"]
    assert data["standardization"]["mean"] == pytest.approx(problem.mean.tolist())
    assert data["runs"]["nn"]["losses"] == pytest.approx(run.losses.tolist())
