"""The app's run store and the runs it trains ahead, in the background."""

import time

import numpy as np
import pytest

from lesson import runs
from lesson.runs import Job, RunStore, TrainerAhead, neighbours
from lesson.settings import LAMS, LEARNING_RATES, Settings
from softmax_core import IMPLEMENTATIONS, load_builtin, prepare, train

FIELDS = ("losses", "train_accuracy", "test_accuracy", "weights", "biases")


@pytest.fixture
def ahead():
    """A trainer ahead with its own store, stopped afterwards."""
    trainer = TrainerAhead(RunStore(64), chunk=7)
    yield trainer
    trainer.stop()


def test_neighbours_are_one_step_of_alpha_then_lambda_either_side():
    found = neighbours(Settings(learning_rate=0.1, lam=0.01))

    assert [(s.learning_rate, s.lam) for s in found] == [
        (0.2, 0.01),
        (0.05, 0.01),
        (0.1, 0.02),
        (0.1, 0.005),
    ]
    # Everything else stays as it was.
    assert {(s.iterations, s.seed, s.standardize) for s in found} == {
        (250, -999, False)
    }


def test_neighbours_stop_at_the_ends_of_the_sliders():
    found = neighbours(Settings(learning_rate=LEARNING_RATES[-1], lam=LAMS[0]))

    assert [(s.learning_rate, s.lam) for s in found] == [
        (LEARNING_RATES[-2], LAMS[0]),
        (LEARNING_RATES[-1], LAMS[1]),
    ]


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_run_trained_ahead_in_chunks_equals_one_trained_at_once(
    ahead, implementation
):
    problem = prepare(load_builtin("iris"))
    settings = Settings(learning_rate=0.5, lam=0.02)
    key = ("test", implementation)

    ahead.want(key, Job(problem, implementation, settings, 30))

    assert ahead.wait_until_done(timeout=60)
    stored = ahead.store.get(key)
    whole = train(problem, implementation, 0.5, 0.02, 30)
    assert stored.iterations == 30
    for field in FIELDS:
        assert np.array_equal(getattr(stored, field), getattr(whole, field)), field


def test_nothing_trains_ahead_while_a_script_runs(ahead):
    problem = prepare(load_builtin("iris"))
    key = ("test", "manual")

    with ahead.script_running():
        ahead.want(key, Job(problem, "manual", Settings(), 20))
        time.sleep(0.5)
        assert ahead.store.get(key) is None
        assert not ahead.wait_until_done(timeout=0.1)

    assert ahead.wait_until_done(timeout=60)
    assert ahead.store.get(key).iterations == 20


def test_a_script_that_starts_meanwhile_pauses_the_run_between_chunks(ahead):
    problem = prepare(load_builtin("iris"))
    key = ("test", "nn")
    # Record how far the run had got each time a chunk finished.
    chunks = []
    original = ahead._wait_for_quiet

    def watched():
        chunks.append(ahead.scripts_running)
        return original()

    ahead._wait_for_quiet = watched
    ahead.want(key, Job(problem, "nn", Settings(), 2000))
    time.sleep(0.05)
    with ahead.script_running():
        waiting_since = len(chunks)
        time.sleep(0.5)
        # At most the chunk in hand finished; the next one waits for the script.
        assert len(chunks) <= waiting_since + 1
    assert ahead.wait_until_done(timeout=120)
    assert ahead.store.get(key).iterations == 2000


def test_a_run_already_stored_is_not_trained_again(ahead):
    problem = prepare(load_builtin("iris"))
    key = ("test", "manual")
    stored = train(problem, "manual", 0.1, 0.01, 40)
    ahead.store.put(key, stored)

    ahead.want(key, Job(problem, "manual", Settings(), 40))

    assert ahead.wait_until_done(timeout=10)
    assert ahead.store.get(key) is stored


def test_only_the_newest_wishes_are_kept(ahead):
    problem = prepare(load_builtin("iris"))
    with ahead.script_running():
        for i in range(ahead.backlog + 5):
            ahead.want(("test", i), Job(problem, "manual", Settings(), 5))
        kept = list(ahead.wishes)

    assert kept == [("test", i) for i in range(5, ahead.backlog + 5)]
    assert ahead.wait_until_done(timeout=60)


def test_the_newest_script_runs_wishes_train_first_most_likely_first(ahead):
    problem = prepare(load_builtin("iris"))
    order = []
    ahead._train = lambda key, job: order.append(key)
    job = Job(problem, "manual", Settings(), 5)

    with ahead.script_running():
        ahead.want("old, likely", job, rank=0)
    with ahead.script_running():
        ahead.want("new, less likely", job, rank=3)
        ahead.want("new, likely", job, rank=0)

    assert ahead.wait_until_done(timeout=10)
    assert order == ["new, likely", "new, less likely", "old, likely"]


def test_a_wish_that_cannot_train_is_dropped_and_the_thread_goes_on(ahead):
    problem = prepare(load_builtin("iris"))
    broken = Job(problem, "no such loop", Settings(), 10)

    ahead.want(("test", "broken"), broken)
    ahead.want(("test", "good"), Job(problem, "manual", Settings(), 10))

    assert ahead.wait_until_done(timeout=60)
    assert ahead.store.get(("test", "broken")) is None
    assert ahead.store.get(("test", "good")).iterations == 10


def test_stop_ends_the_thread():
    trainer = TrainerAhead(RunStore(4))

    trainer.stop()

    assert not trainer.thread.is_alive()


def test_the_store_keeps_the_longer_of_two_runs_of_one_setting():
    store = RunStore(4)
    problem = prepare(load_builtin("iris"))
    longer = train(problem, "manual", 0.1, 0.01, 30)

    store.put("key", longer)
    store.put("key", longer.first(10))

    assert store.get("key") is longer
    assert store.has("key", 30) and not store.has("key", 31)


def test_a_page_run_has_its_neighbours_trained_ahead():
    dataset = runs.builtin_dataset("iris")
    settings = Settings(learning_rate=0.5, lam=0.05, iterations=60, seed=4321)

    runs.get_run("iris", dataset, settings, "autograd")

    assert runs.trainer_ahead().wait_until_done(timeout=120)
    store = runs.run_store()
    for near in neighbours(settings):
        key = runs.run_key("iris", near, "autograd")
        assert store.has(key, runs.run_length(60)), (near.learning_rate, near.lam)
        # The page finds it ready: the same run it would have trained itself.
        problem = prepare(dataset, 4321)
        whole = train(problem, "autograd", near.learning_rate, near.lam, 250)
        assert np.array_equal(store.get(key).losses, whole.losses)
