"""One torch thread against two, for the lesson's training, measured in one run.

    python -m benchmarks.bench_threads [--repeats 5]     (from the repository root)

softmax_core sets torch to one thread when imported. This script trains each
implementation with torch.set_num_threads(1) and with 2, alternating within
every repeat, and reports two medians per setting: the wall-clock time a person
waits for, and the CPU time of the whole process (both threads), which is what
the second thread takes from everything else on the machine.
"""

import argparse
import gc
import os
import platform
import statistics
import time

import torch

from softmax_core.data import load_builtin
from softmax_core.training import IMPLEMENTATIONS, prepare, train

LEARNING_RATE, LAM = 0.1, 0.01
ITERATIONS = (250, 5000)
THREADS = (1, 2)


def measure(problem, repeats: int) -> dict[tuple[str, int, int], tuple[float, float]]:
    """Median (wall, CPU) microseconds per iteration for each (name, T, threads)."""
    samples: dict[tuple[str, int, int], list[tuple[float, float]]] = {}
    for iterations in ITERATIONS:
        for _ in range(repeats):
            for name in IMPLEMENTATIONS:
                for threads in THREADS:
                    torch.set_num_threads(threads)
                    wall, cpu = time.perf_counter(), time.process_time()
                    train(problem, name, LEARNING_RATE, LAM, iterations)
                    wall = (time.perf_counter() - wall) / iterations * 1e6
                    cpu = (time.process_time() - cpu) / iterations * 1e6
                    key = (name, iterations, threads)
                    samples.setdefault(key, []).append((wall, cpu))
    torch.set_num_threads(1)
    return {
        key: (
            statistics.median(wall for wall, _ in pairs),
            statistics.median(cpu for _, cpu in pairs),
        )
        for key, pairs in samples.items()
    }


def table(medians: dict[tuple[str, int, int], tuple[float, float]]) -> str:
    rows = [
        "| implementation | iterations | wall 1 thread (us/it) | wall 2 threads "
        "| wall 2/1 | CPU 1 thread (us/it) | CPU 2 threads | CPU 2/1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for iterations in ITERATIONS:
        for name in IMPLEMENTATIONS:
            wall_1, cpu_1 = medians[name, iterations, 1]
            wall_2, cpu_2 = medians[name, iterations, 2]
            rows.append(
                f"| {name} | {iterations} | {wall_1:.0f} | {wall_2:.0f} "
                f"| {wall_2 / wall_1:.2f} | {cpu_1:.0f} | {cpu_2:.0f} "
                f"| {cpu_2 / cpu_1:.2f} |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    problem = prepare(load_builtin("iris"), seed=-999, train_fraction=0.8)
    # Warm up: the first torch.optim optimizer imports torch._dynamo (about 1 s).
    for name in IMPLEMENTATIONS:
        train(problem, name, LEARNING_RATE, LAM, 5)
    # Keep a full garbage collection (~0.2 s with torch loaded) out of the timings.
    gc.freeze()

    load_before = os.getloadavg()[0]
    medians = measure(problem, args.repeats)
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"torch {torch.__version__}, {os.cpu_count()} CPUs"
    )
    # The 1-minute load average: above the CPU count, other work is queueing.
    print(f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print(
        f"Iris, learning rate {LEARNING_RATE}, lam {LAM}; median of "
        f"{args.repeats} repeats"
    )
    print()
    print(table(medians))


if __name__ == "__main__":
    main()
