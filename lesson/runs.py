"""Cached data, splits and training runs: the only place the app calls the core.

Caches take plain numbers and strings as keys, never tensors. Training to N
iterations is the first N steps of a longer run, so a run is trained to the next
length in RUN_LENGTHS and every shorter request is cut from it. A longer request
goes on from the stored run's end: moving only the iterations slider never
trains a step twice. Runs are shared by every
session, so a hall of students on the same settings trains once.
"""

import threading
from collections import OrderedDict

import streamlit as st

# The first torch.optim optimizer imports torch._dynamo: about 1 s and 800 modules.
# Importing it with the app's other imports moves that second from the first
# visit to a page with an nn run to the server's first page, and ui.py's
# gc.freeze() then covers those modules too.
import torch._dynamo  # noqa: F401

from lesson.settings import Settings
from softmax_core import Dataset, Problem, Run, load_builtin, prepare, train
from softmax_core.sweep import Sweep, sweep
from softmax_core.training import train_more

RUN_LENGTHS = (250, 1000, 5000)
MAX_STORED_RUNS = 256


@st.cache_resource(show_spinner=False)
def builtin_dataset(name: str) -> Dataset:
    return load_builtin(name)


@st.cache_resource(show_spinner=False, max_entries=64)
def problem(
    dataset_key: str,
    _dataset: Dataset,
    seed: int,
    train_fraction: float,
    standardize: bool,
) -> Problem:
    """The split and the start; dataset_key names _dataset, which is not hashed."""
    return prepare(_dataset, seed, train_fraction, standardize)


class RunStore:
    """The longest run trained so far for each setting, least recently used out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.runs: OrderedDict[tuple, Run] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple) -> Run | None:
        with self.lock:
            run = self.runs.get(key)
            if run is not None:
                self.runs.move_to_end(key)
            return run

    def put(self, key: tuple, run: Run) -> None:
        with self.lock:
            self.runs[key] = run
            self.runs.move_to_end(key)
            while len(self.runs) > self.capacity:
                self.runs.popitem(last=False)


@st.cache_resource(show_spinner=False)
def run_store() -> RunStore:
    return RunStore(MAX_STORED_RUNS)


def run_length(iterations: int) -> int:
    """How far to train so that nearby iteration counts reuse the run."""
    return next((n for n in RUN_LENGTHS if n >= iterations), iterations)


def run_key(dataset_key: str, settings: Settings, implementation: str) -> tuple:
    """Everything a run depends on except its length."""
    return (
        dataset_key,
        settings.seed,
        settings.train_fraction,
        settings.standardize,
        implementation,
        settings.learning_rate,
        settings.lam,
        settings.article_nn and implementation == "nn",
    )


def get_run(
    dataset_key: str, dataset: Dataset, settings: Settings, implementation: str
) -> Run:
    """The run for these settings, cut to settings.iterations; trained if need be."""
    s = settings
    key = run_key(dataset_key, s, implementation)
    store = run_store()
    run = store.get(key)
    if run is None or run.iterations < s.iterations:
        split = problem(dataset_key, dataset, s.seed, s.train_fraction, s.standardize)
        length = run_length(s.iterations)
        if run is None:
            run = train(
                split, implementation, s.learning_rate, s.lam, length, s.article_nn
            )
        else:
            # Longer than what is stored: go on from its end, never from the start.
            more = length - run.iterations
            run = train_more(split, run, s.learning_rate, s.lam, more, s.article_nn)
        store.put(key, run)
    return run.first(s.iterations)


@st.cache_resource(show_spinner=False, max_entries=64)
def _sweep(
    dataset_key: str,
    _dataset: Dataset,
    seed: int,
    train_fraction: float,
    standardize: bool,
    learning_rates: tuple,
    lams: tuple,
    iterations: int,
) -> Sweep:
    split = problem(dataset_key, _dataset, seed, train_fraction, standardize)
    return sweep(split, learning_rates, lams, iterations)


def get_sweep(
    dataset_key: str,
    dataset: Dataset,
    settings: Settings,
    learning_rates: tuple[float, ...],
    lams: tuple[float, ...],
) -> Sweep:
    """The manual loop for several (alpha, lam) at once, cut to settings.iterations.

    The split and start come from settings; the learning rate and lam on the
    sidebar are ignored in favour of the pairs given.
    """
    s = settings
    result = _sweep(
        dataset_key,
        dataset,
        s.seed,
        s.train_fraction,
        s.standardize,
        learning_rates,
        lams,
        run_length(s.iterations),
    )
    return result.first(s.iterations)
