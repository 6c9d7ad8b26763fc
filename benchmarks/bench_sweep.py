"""Is one batched sweep faster than one training run per setting?

    python -m benchmarks.bench_sweep      (from the root of the repository)

For each data set and length it times softmax_core.sweep.sweep (G settings in
one loop) and sweep_one_by_one (G calls of training.train), alternating the two
so that both meet the same machine load, and prints the median of each and
their ratio. A ratio above 1 means the batched sweep is faster.
"""

import statistics
import time

from softmax_core import load_builtin, prepare
from softmax_core.sweep import sweep, sweep_one_by_one

# The learning-rate page's sweep: seven rates at the article's lam.
LEARNING_RATES = (0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0)
LAM = 0.01
REPEATS = 5


def seconds(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def main() -> None:
    print(f"{'data':<14}{'T':>6}{'batched s':>12}{'one by one s':>14}{'ratio':>8}")
    lams = [LAM] * len(LEARNING_RATES)
    for name in ("iris", "wine", "breast_cancer"):
        problem = prepare(load_builtin(name))
        for iterations in (250, 1000):
            batched, separate = [], []
            for _ in range(REPEATS):
                args = (problem, LEARNING_RATES, lams, iterations)
                batched.append(seconds(sweep, *args))
                separate.append(seconds(sweep_one_by_one, *args))
            b, s = statistics.median(batched), statistics.median(separate)
            print(f"{name:<14}{iterations:>6}{b:>12.3f}{s:>14.3f}{s / b:>8.2f}")


if __name__ == "__main__":
    main()
