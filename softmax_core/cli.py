"""The command line: train on a CSV and print what the article printed.

    python -m softmax_core --implementation all --iterations 250
    python -m softmax_core --data my.csv --label-column kind --json
    python -m softmax_core --dataset wine --standardize

Bad input prints one line to stderr and exits with status 2.
"""

import argparse
import json
import math
import sys
from typing import NoReturn

from softmax_core.data import (
    BUILTIN_DATASETS,
    IRIS_PATH,
    DataError,
    load_builtin,
    load_csv,
)
from softmax_core.training import (
    IMPLEMENTATIONS,
    Problem,
    Run,
    divergence_advice,
    prepare,
    train,
)

PRINT_EVERY = 25


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors, like every other error here, take one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message}; see {self.prog} --help.\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="python -m softmax_core",
        description="Train softmax regression three ways in PyTorch.",
    )
    parser.add_argument(
        "--implementation", choices=(*IMPLEMENTATIONS, "all"), default="manual"
    )
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--lam", type=float, default=0.01, help="L2 strength lambda")
    parser.add_argument("--iterations", type=int, default=250)
    parser.add_argument("--seed", type=int, default=-999)
    parser.add_argument("--train-fraction", type=float, default=0.8)
    parser.add_argument("--standardize", action="store_true")
    parser.add_argument(
        "--article-nn",
        action="store_true",
        help="the article's nn settings: weight_decay = lam on weight and bias",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--data", metavar="PATH", help="a CSV file (default: Iris)")
    source.add_argument(
        "--dataset",
        choices=tuple(BUILTIN_DATASETS),
        help="a built-in data set instead of a CSV, as the app offers them",
    )
    parser.add_argument("--label-column", metavar="NAME")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.dataset:
            dataset = load_builtin(args.dataset)
        else:
            dataset = load_csv(args.data or IRIS_PATH, args.label_column)
        problem = prepare(dataset, args.seed, args.train_fraction, args.standardize)
        names = (
            IMPLEMENTATIONS if args.implementation == "all" else (args.implementation,)
        )
        runs = {
            name: train(
                problem,
                name,
                args.learning_rate,
                args.lam,
                args.iterations,
                args.article_nn,
            )
            for name in names
        }
    except (DataError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    if args.json:
        print(json.dumps(as_json(dataset, problem, runs)))
    else:
        for name, run in runs.items():
            if len(runs) > 1:
                print(f"== {name} ==")
            _print_run(run, len(problem.y_test), args)
    return 0


def _print_run(run: Run, test_rows: int, args: argparse.Namespace) -> None:
    """The article's output: the loss at iteration 1 and every 25th, then accuracy."""
    for t, loss in enumerate(run.losses, start=1):
        if t == 1 or t % PRINT_EVERY == 0:
            print(f"Loss at iteration {t}: {loss:.5f}")
    if run.diverged_at is not None:
        print(
            f"Training diverged at iteration {run.diverged_at}: the loss is no "
            "longer finite: {}. {}".format(
                *divergence_advice(
                    args.learning_rate,
                    args.lam,
                    args.standardize,
                    args.article_nn and run.implementation == "nn",
                )
            )
        )
    correct = round(float(run.test_accuracy[-1]) * test_rows)
    if run.diverged_at is None:
        print(f"Final Test Accuracy: {correct}/{test_rows} = {correct / test_rows:.4f}")
        return
    # Predictions from inf and NaN weights say nothing; the last finite ones do,
    # and they are what the app judges a diverged run by.
    print(
        f"Final Test Accuracy: {correct}/{test_rows} = {correct / test_rows:.4f}, "
        "from weights whose loss is no longer finite"
    )
    t = run.last_finite
    correct = round(float(run.test_accuracy[t]) * test_rows)
    print(
        f"Test Accuracy after {t} updates, the last with a finite loss: "
        f"{correct}/{test_rows} = {correct / test_rows:.4f}"
    )


def as_json(dataset, problem: Problem, runs: dict[str, Run]) -> dict:
    """Everything a script needs to check a run, in plain JSON types."""
    rows = dataset.rows
    standardization = None
    if problem.mean is not None:
        standardization = {
            "mean": problem.mean.tolist(),
            "std": problem.std.tolist(),
        }
    return {
        "classes": list(dataset.class_names),
        "features": list(dataset.feature_names),
        "train_rows": [rows[i] for i in problem.train_rows.tolist()],
        "test_rows": [rows[i] for i in problem.test_rows.tolist()],
        "standardization": standardization,
        "runs": {name: _run_json(run) for name, run in runs.items()},
    }


def _run_json(run: Run) -> dict:
    return {
        "losses": [_finite_or_none(loss) for loss in run.losses.tolist()],
        "train_accuracy": _finite_or_none(float(run.train_accuracy[-1])),
        "test_accuracy": _finite_or_none(float(run.test_accuracy[-1])),
        "weights": [[_finite_or_none(w) for w in row] for row in run.W.tolist()],
        "bias": [_finite_or_none(b) for b in run.b.tolist()],
        "diverged_at": run.diverged_at,
    }


def _finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity; a value that is not finite becomes null."""
    return value if math.isfinite(value) else None
