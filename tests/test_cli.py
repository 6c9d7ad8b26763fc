"""The command line: the article's printout, the JSON a script reads, one-line errors.

Most tests call main() in this process and read what it printed through capsys;
one runs `python -m softmax_core` in a subprocess to prove the entry point.
"""

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from softmax_core.cli import main
from softmax_core.training import IMPLEMENTATIONS

ROOT = Path(__file__).parents[1]
IRIS_CSV = ROOT / "data" / "Iris.csv"

ARTICLE_LINES = (
    "Loss at iteration 1: 1.15469",
    "Loss at iteration 250: 0.37205",
    "Final Test Accuracy: 29/30",
)
KEYS = {"classes", "features", "train_rows", "test_rows", "standardization", "runs"}
RUN_KEYS = {
    "losses",
    "train_accuracy",
    "test_accuracy",
    "weights",
    "bias",
    "diverged_at",
}


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """main(argv) -> (exit status, stdout, stderr), counting SystemExit as a status."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def strict_json(text: str):
    """Parse JSON, refusing the NaN and Infinity that Python's json writes."""

    def refuse(constant: str):
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


# The article's printout ----------------------------------------------------------


def test_default_output_is_the_articles(capsys):
    status, out, err = run_cli(capsys)

    assert (status, err) == (0, "")
    lines = out.splitlines()
    for expected in ARTICLE_LINES:
        assert any(line.startswith(expected) for line in lines), expected
    losses = [line for line in lines if line.startswith("Loss at iteration ")]
    printed = [int(line.split()[3].rstrip(":")) for line in losses]
    assert printed == [1, *range(25, 251, 25)]


def test_all_prints_each_implementation_with_the_articles_numbers(capsys):
    status, out, _ = run_cli(capsys, "--implementation", "all")

    assert status == 0
    sections = out.split("== ")[1:]
    assert [section.split(" ==")[0] for section in sections] == list(IMPLEMENTATIONS)
    for section in sections:
        for expected in ARTICLE_LINES:
            assert expected in section


def test_a_diverging_run_says_so(capsys):
    status, out, _ = run_cli(capsys, "--learning-rate", "10", "--lam", "0.5")

    assert status == 0
    assert "Training diverged at iteration" in out
    assert "Loss at iteration 250: nan" in out or "Loss at iteration 250: inf" in out
    # The accuracy of NaN weights is said to be that, and the last finite one given.
    assert "from weights whose loss is no longer finite" in out
    assert re.search(r"Test Accuracy after \d+ updates, the last with a finite loss: "
                     r"\d+/30", out)  # fmt: skip


# JSON ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def iris_frame() -> pd.DataFrame:
    return pd.read_csv(IRIS_CSV)


def test_json_has_every_key_and_the_articles_run(capsys, iris_frame):
    status, out, _ = run_cli(capsys, "--json", "--implementation", "all")

    assert status == 0
    result = strict_json(out)
    assert set(result) == KEYS
    assert result["classes"] == list(dict.fromkeys(iris_frame["Species"]))
    assert result["features"] == list(iris_frame.columns[1:5])
    assert result["standardization"] is None

    # 0-based CSV data rows: together the two parts hold 0..149 once.
    train_rows, test_rows = result["train_rows"], result["test_rows"]
    assert (len(train_rows), len(test_rows)) == (120, 30)
    assert sorted(train_rows + test_rows) == list(range(150))

    assert set(result["runs"]) == set(IMPLEMENTATIONS)
    for run in result["runs"].values():
        assert set(run) == RUN_KEYS
        assert len(run["losses"]) == 250
        assert round(run["losses"][0], 5) == 1.15469
        assert round(run["losses"][-1], 5) == 0.37205
        assert round(run["test_accuracy"] * 30) == 29
        assert 0 <= run["train_accuracy"] <= 1
        assert np.shape(run["weights"]) == (4, 3)
        assert np.shape(run["bias"]) == (3,)
        assert run["diverged_at"] is None


def test_json_test_rows_are_the_csv_rows_the_model_was_scored_on(capsys, iris_frame):
    # Score the reported W and b on the CSV rows the JSON names as test rows.
    _, out, _ = run_cli(capsys, "--json")
    result = strict_json(out)
    run = result["runs"]["manual"]

    rows = iris_frame.iloc[result["test_rows"]]
    X = rows.iloc[:, 1:5].to_numpy(dtype=np.float32)
    y = rows["Species"].map(result["classes"].index).to_numpy()
    Z = X @ np.array(run["weights"], dtype=np.float32) + np.array(run["bias"])

    assert (Z.argmax(axis=1) == y).mean() == pytest.approx(run["test_accuracy"])


def test_json_standardization_is_the_training_rows_mean_and_std(capsys, iris_frame):
    status, out, _ = run_cli(capsys, "--json", "--standardize")

    assert status == 0
    result = strict_json(out)
    features = iris_frame.iloc[result["train_rows"], 1:5]
    np.testing.assert_allclose(
        result["standardization"]["mean"], features.mean(), rtol=1e-5
    )
    np.testing.assert_allclose(
        result["standardization"]["std"], features.std(ddof=1), rtol=1e-5
    )


def test_json_of_a_diverging_run_has_nulls_and_where_it_diverged(capsys):
    status, out, _ = run_cli(
        capsys, "--json", "--learning-rate", "10", "--lam", "0.5", "--iterations", "60"
    )

    assert status == 0
    run = strict_json(out)["runs"]["manual"]
    t = run["diverged_at"]
    assert isinstance(t, int) and 1 < t <= 60
    assert all(math.isfinite(loss) for loss in run["losses"][: t - 1])
    assert run["losses"][t - 1] is None
    assert None in np.ravel(np.array(run["weights"], dtype=object)).tolist()


# Errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--data", "no/such/file.csv"], "does not exist"),
        (["--learning-rate", "0"], "learning_rate must be a positive number"),
        (["--iterations", "0"], "iterations must be a whole number"),
        (["--train-fraction", "1"], "train_fraction must lie strictly between"),
        (["--lam", "-1"], "lam must be zero or positive"),
        (["--label-column", "petal"], "'petal'"),
        (["--learning-rate", "fast"], "--learning-rate"),
        (["--iterations", "2.5"], "--iterations"),
        (["--implementation", "sklearn"], "--implementation"),
        (["--no-such-flag"], "--no-such-flag"),
        (["--seed", "99999999999999999999"], "seed must be a whole number from"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, message):
    status, out, err = run_cli(capsys, *argv)

    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "content",
    [b"", b"a,b\n1,x\n", b"\x00\x01\x02binary", b"a,b,c\n1,2\n3,4,5,6\n"],
    ids=["empty", "one-class", "binary", "extra-fields"],
)
def test_a_bad_csv_exits_2_with_one_line(capsys, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    status, out, err = run_cli(capsys, "--data", str(path))

    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("error: ")


# The entry point -----------------------------------------------------------------


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "softmax_core", "--data", str(IRIS_CSV)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    for expected in ARTICLE_LINES:
        assert expected in result.stdout
