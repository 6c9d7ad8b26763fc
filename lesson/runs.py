"""Cached data, splits and training runs: the only place the app calls the core.

Caches take plain numbers and strings as keys, never tensors. Training to N
iterations is the first N steps of a longer run, so a run is trained to the next
length in RUN_LENGTHS and every shorter request is cut from it. A longer request
goes on from the stored run's end: moving only the iterations slider never
trains a step twice. Runs are shared by every session, so a hall of students on
the same settings trains once. While the server is idle, a background thread
trains the runs one step of α or λ away from those a page just showed.
"""

import atexit
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import streamlit as st

# The first torch.optim optimizer imports torch._dynamo: about 1 s and 800 modules.
# Importing it with the app's other imports moves that second from the first
# visit to a page with an nn run to the server's first page, and ui.py's
# gc.freeze() then covers those modules too.
import torch._dynamo  # noqa: F401

from lesson.settings import LAMS, LEARNING_RATES, Settings
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
            stored = self.runs.get(key)
            # Two threads may train the same run; the longer one stays.
            if stored is None or stored.iterations <= run.iterations:
                self.runs[key] = run
            self.runs.move_to_end(key)
            while len(self.runs) > self.capacity:
                self.runs.popitem(last=False)

    def has(self, key: tuple, iterations: int) -> bool:
        """Whether a run of at least `iterations` is stored under key."""
        with self.lock:
            run = self.runs.get(key)
            return run is not None and run.iterations >= iterations


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
    """The run for these settings, cut to settings.iterations; trained if need be.

    Its neighbours, one step of α or λ either side, are then trained ahead in
    the background, so the next move of either slider finds its run ready.
    """
    s = settings
    key = run_key(dataset_key, s, implementation)
    store = run_store()
    run = store.get(key)
    split = problem(dataset_key, dataset, s.seed, s.train_fraction, s.standardize)
    length = run_length(s.iterations)
    if run is None or run.iterations < s.iterations:
        if run is None:
            run = train(
                split, implementation, s.learning_rate, s.lam, length, s.article_nn
            )
        else:
            # Longer than what is stored: go on from its end, never from the start.
            more = length - run.iterations
            run = train_more(split, run, s.learning_rate, s.lam, more, s.article_nn)
        store.put(key, run)
    ahead = trainer_ahead()
    for rank, neighbour in enumerate(neighbours(s)):
        ahead.want(
            run_key(dataset_key, neighbour, implementation),
            Job(split, implementation, neighbour, length),
            rank,
        )
    return run.first(s.iterations)


def neighbours(settings: Settings) -> list[Settings]:
    """The settings one step of α, then one step of λ, either side of these."""
    found = []
    for name, steps in (("learning_rate", LEARNING_RATES), ("lam", LAMS)):
        value = getattr(settings, name)
        if value not in steps:
            continue
        at = steps.index(value)
        for near in (at + 1, at - 1):
            if 0 <= near < len(steps):
                found.append(replace(settings, **{name: steps[near]}))
    return found


# Training ahead -----------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """A run to train ahead: the split it trains on, and how far."""

    problem: Problem
    implementation: str
    settings: Settings
    length: int


class TrainerAhead:
    """Trains, in one background thread, the runs a person is likely to ask for next.

    A lecturer moves α or λ one step at a time. While no script runs, this
    thread trains the runs one step either side of what a page just showed, a
    few iterations at a time, and stores them with the others. As soon as a
    script starts it pauses, so a rerun never waits behind it for more than one
    chunk of iterations; a run the rerun needs meanwhile the rerun trains itself.
    The wishes of the newest script run come first, most likely first (a
    smaller rank); beyond `backlog`, the least wanted are dropped.
    """

    def __init__(self, store: RunStore, chunk: int = 50, backlog: int = 12) -> None:
        self.store, self.chunk, self.backlog = store, chunk, backlog
        # Each wish with how much it is wanted: (script run, -rank), larger first.
        self.wishes: dict[tuple, tuple[tuple[int, int], Job]] = {}
        self.script_runs = 0
        self.scripts_running = 0
        self.busy = False  # True while the thread trains a wish
        self.stopping = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(
            target=self._work, name="train-ahead", daemon=True
        )
        self.thread.start()
        # torch must not be mid-operation in this thread when Python shuts down.
        atexit.register(self.stop)

    def stop(self) -> None:
        """Finish the chunk in hand, drop the rest, and end the thread."""
        with self.changed:
            self.stopping = True
            self.wishes.clear()
            self.changed.notify_all()
        self.thread.join(timeout=10)

    def want(self, key: tuple, job: Job, rank: int = 0) -> None:
        """Train the run under key to job.length, unless it is stored already.

        rank orders the wishes of one script run: 0 is trained first.
        """
        if self.store.has(key, job.length):
            return
        with self.changed:
            wanted = (self.script_runs, -rank)
            if key in self.wishes:
                wanted = max(wanted, self.wishes[key][0])
            self.wishes[key] = (wanted, job)
            while len(self.wishes) > self.backlog:
                del self.wishes[min(self.wishes, key=self._wanted)]
            self.changed.notify_all()

    def _wanted(self, key: tuple) -> tuple[int, int]:
        return self.wishes[key][0]

    @contextmanager
    def script_running(self) -> Iterator[None]:
        """Hold the background training back while a script runs."""
        with self.changed:
            self.scripts_running += 1
            self.script_runs += 1
        try:
            yield
        finally:
            with self.changed:
                self.scripts_running -= 1
                self.changed.notify_all()

    def wait_until_done(self, timeout: float) -> bool:
        """Wait until every wish is trained; False if timeout seconds ran out."""
        with self.changed:
            return self.changed.wait_for(
                lambda: not self.wishes and not self.busy, timeout
            )

    def _wait_for_quiet(self) -> bool:
        """Wait until no script runs; False when the thread is to stop instead."""
        with self.changed:
            self.changed.wait_for(lambda: self.stopping or self.scripts_running == 0)
            return not self.stopping

    def _work(self) -> None:
        while True:
            with self.changed:
                self.changed.wait_for(
                    lambda: self.stopping or (self.wishes and self.scripts_running == 0)
                )
                if self.stopping:
                    return
                key = max(self.wishes, key=self._wanted)
                _, job = self.wishes.pop(key)
                self.busy = True
            try:
                self._train(key, job)
            except Exception:
                # A run that cannot train here fails the same way in the page's
                # own rerun, which says why; the thread goes on with the rest.
                pass
            finally:
                with self.changed:
                    self.busy = False
                    self.changed.notify_all()

    def _train(self, key: tuple, job: Job) -> None:
        """Train in chunks, pausing whenever a script runs."""
        s, run = job.settings, None
        while run is None or run.iterations < job.length:
            if not self._wait_for_quiet():
                return
            if self.store.has(key, job.length):
                return  # a rerun trained it meanwhile
            steps = min(self.chunk, job.length - (run.iterations if run else 0))
            if run is None:
                run = train(
                    job.problem, job.implementation, s.learning_rate, s.lam, steps,
                    s.article_nn,
                )  # fmt: skip
            else:
                run = train_more(
                    job.problem, run, s.learning_rate, s.lam, steps, s.article_nn
                )
        self.store.put(key, run)


@st.cache_resource(show_spinner=False)
def trainer_ahead() -> TrainerAhead:
    return TrainerAhead(run_store())


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
