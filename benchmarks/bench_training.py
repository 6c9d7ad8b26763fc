"""Microseconds per iteration: the lesson's three loops against the article's.

    python -m benchmarks.bench_training [--repeats 5]     (from the repository root)

"ours" is softmax_core.training.train, everything included: the loop, the
recorded trajectory and the batched evaluation of every loss and accuracy
afterwards. "article" is a bare loop written the way the article wrote it: the
naive softmax, the loss computed and read with .item() at every iteration, and
in-place updates. Both start from the same W0 and b0 on the same split.

Each cell is the median over the repeats; ours and the article's alternate
within a repeat. The clock is this thread's CPU time by default: torch runs on
one thread here, so that is all the work, and it hardly moves when other
programs load the machine, as wall-clock time does. --clock wall measures what a
person waits for on an idle machine.
"""

import argparse
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable

import torch

import softmax_core  # noqa: F401  (sets torch to one thread, as the app runs)
from softmax_core.data import load_builtin
from softmax_core.training import IMPLEMENTATIONS, Problem, prepare, train

LEARNING_RATE, LAM = 0.1, 0.01
ITERATIONS = (250, 5000)


# The article's loops -------------------------------------------------------------


def article_manual(problem: Problem, iterations: int) -> list[float]:
    """Hand gradients, naive softmax, the loss every step, W -= lr * dW in place."""
    X, Y = problem.X_train, problem.Y_train
    W, b = problem.W0.clone(), problem.b0.clone()
    m = X.shape[0]
    losses = []
    for _ in range(iterations):
        Z = X @ W + b
        A = torch.exp(Z) / torch.sum(torch.exp(Z), dim=1, keepdim=True)
        loss = -torch.sum(Y * torch.log(A)) / m + LAM * torch.sum(W**2)
        losses.append(loss.item())
        dW = -(X.T @ (Y - A)) / m + 2 * LAM * W
        db = -torch.sum(Y - A, dim=0) / m
        W -= LEARNING_RATE * dW
        b -= LEARNING_RATE * db
    return losses


def article_autograd(problem: Problem, iterations: int) -> list[float]:
    """The same loss through autograd, updated in place under no_grad."""
    X, Y = problem.X_train, problem.Y_train
    W = problem.W0.clone().requires_grad_()
    b = problem.b0.clone().requires_grad_()
    m = X.shape[0]
    losses = []
    for _ in range(iterations):
        Z = X @ W + b
        A = torch.exp(Z) / torch.sum(torch.exp(Z), dim=1, keepdim=True)
        loss = -torch.sum(Y * torch.log(A)) / m + LAM * torch.sum(W**2)
        losses.append(loss.item())
        loss.backward()
        with torch.no_grad():
            W -= LEARNING_RATE * W.grad
            b -= LEARNING_RATE * b.grad
            W.grad.zero_()
            b.grad.zero_()
    return losses


def article_nn(problem: Problem, iterations: int) -> list[float]:
    """nn.Linear, nn.CrossEntropyLoss and optim.SGD with weight_decay = lam."""
    n, k = problem.W0.shape
    model = torch.nn.Linear(n, k)
    with torch.no_grad():
        model.weight.copy_(problem.W0.T)
        model.bias.copy_(problem.b0)
    criterion = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE, weight_decay=LAM)
    losses = []
    for _ in range(iterations):
        optimizer.zero_grad()
        loss = criterion(model(problem.X_train), problem.y_train)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    return losses


ARTICLE = {"manual": article_manual, "autograd": article_autograd, "nn": article_nn}


# Timing --------------------------------------------------------------------------


CLOCKS = {"cpu": time.thread_time, "wall": time.perf_counter}


def microseconds_per_iteration(
    run: Callable[[], object], iterations: int, clock: Callable[[], float]
) -> float:
    start = clock()
    run()
    return (clock() - start) / iterations * 1e6


def measure(
    problem: Problem, repeats: int, clock: Callable[[], float]
) -> dict[tuple[str, str, int], float]:
    """Median microseconds per iteration for each (who, implementation, T)."""
    samples: dict[tuple[str, str, int], list[float]] = {}
    for iterations in ITERATIONS:
        for _ in range(repeats):
            for name in IMPLEMENTATIONS:

                def ours(name=name, iterations=iterations):
                    return train(problem, name, LEARNING_RATE, LAM, iterations)

                def article(name=name, iterations=iterations):
                    return ARTICLE[name](problem, iterations)

                for who, run in (("ours", ours), ("article", article)):
                    time_ = microseconds_per_iteration(run, iterations, clock)
                    samples.setdefault((who, name, iterations), []).append(time_)
    return {key: statistics.median(times) for key, times in samples.items()}


def load_average() -> str:
    """The 1-minute load average: above the CPU count, other work is queueing."""
    return f"{os.getloadavg()[0]:.2f}"


def machine() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"torch {torch.__version__}, {os.cpu_count()} CPUs, "
        f"torch threads {torch.get_num_threads()}"
    )


def table(medians: dict[tuple[str, str, int], float]) -> str:
    rows = [
        "| implementation | iterations | ours (us/it) | article (us/it) "
        "| ours / article | ours / article manual |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for iterations in ITERATIONS:
        article_manual_time = medians["article", "manual", iterations]
        for name in IMPLEMENTATIONS:
            ours = medians["ours", name, iterations]
            article = medians["article", name, iterations]
            rows.append(
                f"| {name} | {iterations} | {ours:.0f} | {article:.0f} "
                f"| {ours / article:.2f} | {ours / article_manual_time:.2f} |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--clock", choices=tuple(CLOCKS), default="cpu")
    args = parser.parse_args()

    problem = prepare(load_builtin("iris"), seed=-999, train_fraction=0.8)
    # Warm up: the first torch.optim optimizer imports torch._dynamo (about 1 s).
    for name in IMPLEMENTATIONS:
        train(problem, name, LEARNING_RATE, LAM, 5)
        ARTICLE[name](problem, 5)
    # With torch loaded, one full garbage collection walks ~300k objects and takes
    # ~0.2 s; it lands at random in one loop or another. Freezing what is loaded
    # now, as an app can after its imports, keeps it out of the comparison.
    gc.freeze()

    load_before = load_average()
    medians = measure(problem, args.repeats, CLOCKS[args.clock])
    print(machine())
    print(f"load average {load_before} before, {load_average()} after")
    print(
        f"Iris, learning rate {LEARNING_RATE}, lam {LAM}; median {args.clock} time "
        f"of {args.repeats} repeats"
    )
    print()
    print(table(medians))


if __name__ == "__main__":
    main()
