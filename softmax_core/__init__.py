"""softmax_core: softmax regression on Iris, written three ways in PyTorch.

The package knows nothing of pages or plots; the app and the command line both
stand on it. Importing it sets torch to one thread: the lesson's tensors are so
small that a second thread only adds overhead (benchmarks/bench_threads.py measures it).
"""

import torch

torch.set_num_threads(1)

from softmax_core.data import (  # noqa: E402
    BUILTIN_DATASETS,
    DataError,
    Dataset,
    load_builtin,
    load_csv,
)
from softmax_core.training import IMPLEMENTATIONS, Problem, Run, prepare, train  # noqa: E402

__all__ = [
    "BUILTIN_DATASETS",
    "DataError",
    "Dataset",
    "IMPLEMENTATIONS",
    "Problem",
    "Run",
    "load_builtin",
    "load_csv",
    "prepare",
    "train",
]
