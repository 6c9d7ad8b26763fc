"""A run as files to take away: W and b, the loss history, JSON, and a script.

The JSON is the command line's own (softmax_core.cli), so the page's download
and the exported script print the same object. Nothing here calls Streamlit.
"""

import json

import numpy as np
import pandas as pd

from lesson.settings import Settings
from softmax_core import BUILTIN_DATASETS, Dataset, Problem, Run
from softmax_core.cli import as_json

BIAS_ROW = "b (bias)"
# Where the exported script looks for a data set that is not built in.
DATA_FILE = "my_data.csv"


def parameters_csv(run: Run, dataset: Dataset) -> str:
    """W (n, k), a row per feature, then b (k,) as the last row; a column per class."""
    table = pd.DataFrame(
        np.vstack([run.W, run.b]),
        index=[*dataset.feature_names, BIAS_ROW],
        columns=list(dataset.class_names),
    )
    return table.to_csv(index_label="feature")


def history_csv(run: Run) -> str:
    """One line per iteration: the loss and its parts, and the accuracies after it."""
    table = pd.DataFrame(
        {
            "iteration": np.arange(1, run.iterations + 1),
            "loss": run.losses,
            "cross_entropy": run.data_losses,
            "l2_term": run.l2_terms,
            "train_accuracy_after": run.train_accuracy[1:],
            "test_accuracy_after": run.test_accuracy[1:],
        }
    )
    return table.to_csv(index=False)


def run_json(dataset: Dataset, problem: Problem, implementation: str, run: Run) -> str:
    """What `python -m softmax_core --json` prints for this run."""
    return json.dumps(as_json(dataset, problem, {implementation: run}), indent=1)


def cli_arguments(
    dataset_key: str, settings: Settings, implementation: str
) -> list[str]:
    """The flags of `python -m softmax_core` that repeat this run and print its JSON.

    Floats are written with repr, which reads back as exactly the same number.
    A data set that is not built in is read from a CSV, named DATA_FILE here.
    """
    if dataset_key in BUILTIN_DATASETS:
        data = ["--dataset", dataset_key]
    else:
        data = ["--data", DATA_FILE]
    flags = [
        *data,
        "--implementation", implementation,
        "--learning-rate", repr(settings.learning_rate),
        "--lam", repr(settings.lam),
        "--iterations", str(settings.iterations),
        "--seed", str(settings.seed),
        "--train-fraction", repr(settings.train_fraction),
    ]  # fmt: skip
    if settings.standardize:
        flags.append("--standardize")
    if settings.article_nn:
        flags.append("--article-nn")
    return [*flags, "--json"]


SCRIPT = '''"""Repeat a run of the softmax lesson from the command line.

Exported from the lesson's Export page. Run it from the root of the lesson's
repository, the folder that holds softmax_core/:

    python {filename}

It trains with the settings below and prints the same JSON as the page's
download: the loss at every iteration, the accuracies, W and b. Remove "--json"
from COMMAND to see the article's printout instead.{data_note}
"""

import subprocess
import sys
{path_import}
COMMAND = [
    sys.executable, "-m", "softmax_core",
{flags}
]
{data_check}
sys.exit(subprocess.run(COMMAND).returncode)
'''

UPLOAD_NOTE = f"""

Data: this run used a file you uploaded, which this script cannot contain. Save
that CSV as {DATA_FILE} next to this script, or put its path after "--data". If
its label is not the last text column, add "--label-column", "NAME". The command
line uses every other column as a feature and refuses missing values: if you left
columns out or dropped rows in the app, save the file that way."""

UPLOAD_CHECK = f"""
if not Path("{DATA_FILE}").is_file():
    sys.exit(
        "This run needs the CSV file you uploaded: save it as {DATA_FILE} "
        "next to this script, or edit the path after --data."
    )
"""


def reproduce_script(
    dataset_key: str,
    settings: Settings,
    implementation: str,
    filename: str = "reproduce_run.py",
) -> str:
    """A standalone script that runs `python -m softmax_core` with these settings."""
    arguments = cli_arguments(dataset_key, settings, implementation)
    # One flag per line, with its value beside it.
    lines, i = [], 0
    while i < len(arguments):
        takes_value = i + 1 < len(arguments) and not arguments[i + 1].startswith("--")
        group = arguments[i : i + 2] if takes_value else arguments[i : i + 1]
        lines.append("    " + ", ".join(json.dumps(part) for part in group) + ",")
        i += len(group)
    uploaded = dataset_key not in BUILTIN_DATASETS
    return SCRIPT.format(
        filename=filename,
        flags="\n".join(lines),
        data_note=UPLOAD_NOTE if uploaded else "",
        data_check=UPLOAD_CHECK if uploaded else "",
        path_import="from pathlib import Path\n" if uploaded else "",
    )
