"""The three loops against each other, the article and an independent optimizer.

The long runs (5000 iterations, about 0.3-2 s each) are trained once per module
through `long_run` and shared by every test that reads them.
"""

import dataclasses
import functools
import gc
import math
import threading
from pathlib import Path

import numpy as np
import pytest
import scipy.optimize
import torch
from sklearn.linear_model import LogisticRegression

from softmax_core import training
from softmax_core.data import load_builtin, load_csv
from softmax_core.training import IMPLEMENTATIONS, Problem, Run, prepare, train

IRIS_CSV = Path(__file__).parents[1] / "data" / "Iris.csv"
LEARNING_RATE, LAM = 0.1, 0.01
LONG = 5000

# The loops sum the same products in a different order (X.T @ (Y - A) by hand,
# mm's backward in autograd, addmm's in nn), so each step rounds differently in
# float32, and those differences carry into W. Over 5000 steps on Iris they stay
# below 5e-7 in the loss and 4e-6 in dW, whose largest entries are about 2. The
# bound 1e-5 leaves a margin of 2.5x for the gradients and 20x for the loss,
# yet a single wrong term (a lam instead of 2 lam) moves them by 1e-3 or more.
AGREE = 1e-5


@functools.cache
def iris():
    return load_builtin("iris")


@functools.cache
def problem(standardize: bool) -> Problem:
    return prepare(iris(), seed=-999, train_fraction=0.8, standardize=standardize)


@functools.cache
def long_run(implementation: str, standardize: bool, article_nn: bool = False) -> Run:
    return train(
        problem(standardize), implementation, LEARNING_RATE, LAM, LONG, article_nn
    )


def short_run(implementation: str, iterations: int = 40, **settings) -> Run:
    data = problem(False)
    return train(data, implementation, LEARNING_RATE, LAM, iterations, **settings)


def assert_agree(other: Run, manual: Run, *names: str) -> None:
    """Each named array of `other` is within AGREE of manual's, entry by entry."""
    for name in names:
        np.testing.assert_allclose(
            getattr(other, name),
            getattr(manual, name),
            rtol=0,
            atol=AGREE,
            err_msg=name,
        )


# The article's numbers -----------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_the_articles_published_numbers(implementation):
    problem = prepare(load_csv(IRIS_CSV), seed=-999, train_fraction=0.8)

    run = train(problem, implementation, learning_rate=0.1, lam=0.01, iterations=250)

    assert round(float(run.losses[0]), 5) == 1.15469
    assert round(float(run.losses[249]), 5) == 0.37205
    assert len(problem.y_test) == 30
    assert round(float(run.test_accuracy[-1]) * 30) == 29


# Three ways, one curve -----------------------------------------------------------


@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardized"])
@pytest.mark.parametrize("implementation", ["autograd", "nn"])
def test_losses_agree_with_manual_at_every_iteration(implementation, standardize):
    manual = long_run("manual", standardize)
    other = long_run(implementation, standardize)

    assert other.iterations == manual.iterations == LONG
    assert np.isfinite(manual.losses).all()
    assert_agree(other, manual, "losses", "data_losses", "l2_terms")


@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardized"])
@pytest.mark.parametrize("implementation", ["autograd", "nn"])
def test_gradients_and_weights_agree_with_manual(implementation, standardize):
    manual = long_run("manual", standardize)
    other = long_run(implementation, standardize)

    assert_agree(other, manual, "weight_grads", "bias_grads", "weights", "biases")


@pytest.mark.parametrize("standardize", [False, True], ids=["raw", "standardized"])
def test_article_nn_settings_part_from_manual(standardize):
    # The article's weight_decay = lam on weight and bias penalizes lam/2 ||W||^2
    # and shrinks b too: a different objective, so a visibly different curve.
    manual = long_run("manual", standardize)
    article = long_run("nn", standardize, article_nn=True)

    gap = np.abs(article.losses - manual.losses)
    assert gap[:250].max() > 100 * AGREE
    assert gap.max() > 500 * AGREE


def test_article_nn_settings_agree_with_manual_without_penalty():
    # With lam = 0 there is no decay at all, so the article's nn loop is ours.
    manual = train(problem(False), "manual", LEARNING_RATE, 0.0, 100)
    article = train(problem(False), "nn", LEARNING_RATE, 0.0, 100, article_nn=True)

    np.testing.assert_allclose(article.losses, manual.losses, atol=AGREE, rtol=0)


# Against an independent optimizer ------------------------------------------------


def objective_and_gradient(theta, X, Y, lam):
    """Mean cross-entropy + lam ||W||^2 and its gradient, in float64 NumPy.

    theta holds W (n, k) row by row, then b (k,). Written here apart from
    softmax_core.formulas, so the oracle shares no code with what it checks.
    """
    (m, n), k = X.shape, Y.shape[1]
    W, b = theta[: n * k].reshape(n, k), theta[n * k :]
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    log_A = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    loss = -(Y * log_A).sum() / m + lam * (W**2).sum()
    residual = np.exp(log_A) - Y
    dW, db = X.T @ residual / m + 2 * lam * W, residual.mean(axis=0)
    return loss, np.concatenate([dW.ravel(), db])


@functools.cache
def optimum(standardize: bool) -> tuple[float, np.ndarray]:
    """The smallest objective L-BFGS finds on the training rows, and its argument."""
    data = problem(standardize)
    X = data.X_train.double().numpy()
    Y = np.eye(data.W0.shape[1])[data.y_train.numpy()]
    result = scipy.optimize.minimize(
        objective_and_gradient,
        np.zeros(X.shape[1] * Y.shape[1] + Y.shape[1]),
        args=(X, Y, LAM),
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-10, "maxiter": 10_000},
    )
    assert result.success, result.message
    return float(result.fun), result.x


def test_the_oracle_gradient_matches_its_own_differences():
    data = problem(False)
    X = data.X_train.double().numpy()
    Y = np.eye(3)[data.y_train.numpy()]
    theta = np.random.default_rng(0).normal(size=15)

    error = scipy.optimize.check_grad(
        lambda t: objective_and_gradient(t, X, Y, LAM)[0],
        lambda t: objective_and_gradient(t, X, Y, LAM)[1],
        theta,
    )

    assert error < 1e-5


def test_the_oracle_agrees_with_scikit_learn():
    # scikit-learn minimizes C * sum_i loss_i + 1/2 ||W||^2 with the bias left out
    # of the penalty. Divided by C * m that is mean loss + ||W||^2 / (2 C m), so
    # C = 1 / (2 m lam) gives the lesson's mean loss + lam ||W||^2. Both use k
    # columns of W (the multinomial form), as the lesson does.
    data = problem(True)
    X = data.X_train.double().numpy()
    y = data.y_train.numpy()
    model = LogisticRegression(C=1 / (2 * len(y) * LAM), tol=1e-12, max_iter=10_000)
    model.fit(X, y)

    theta = np.concatenate([model.coef_.T.ravel(), model.intercept_])
    loss, _ = objective_and_gradient(theta, X, np.eye(3)[y], LAM)

    assert loss == pytest.approx(optimum(True)[0], abs=1e-9)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_5000_steps_on_standardized_iris_reach_the_optimum(implementation):
    run = long_run(implementation, True)
    best, _ = optimum(True)
    data = problem(True)
    X = data.X_train.double().numpy()
    Y = np.eye(3)[data.y_train.numpy()]

    # The trained W and b, scored in float64 by the oracle's own function.
    theta = np.concatenate([run.W.astype(np.float64).ravel(), run.b])
    trained, _ = objective_and_gradient(theta, X, Y, LAM)

    assert trained >= best - 1e-9
    assert trained - best < 1e-4
    assert abs(float(run.losses[-1]) - best) < 1e-4


# Run -----------------------------------------------------------------------------


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_first_cuts_every_array_consistently(implementation):
    run = short_run(implementation, iterations=40)

    cut = run.first(15)

    assert cut.iterations == 15
    for name in ("losses", "data_losses", "l2_terms", "weight_grads", "bias_grads"):
        assert len(getattr(cut, name)) == 15
        np.testing.assert_array_equal(getattr(cut, name), getattr(run, name)[:15])
    for name in ("weights", "biases", "train_accuracy", "test_accuracy"):
        assert len(getattr(cut, name)) == 16
        np.testing.assert_array_equal(getattr(cut, name), getattr(run, name)[:16])
    np.testing.assert_array_equal(cut.W, run.weights[15])


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_shorter_run_is_the_start_of_a_longer_one(implementation):
    shorter, longer = short_run(implementation, 15), short_run(implementation, 40)

    cut = longer.first(15)

    np.testing.assert_allclose(shorter.losses, cut.losses, rtol=0, atol=1e-7)
    np.testing.assert_allclose(shorter.weights, cut.weights, rtol=0, atol=1e-7)


@pytest.mark.parametrize("iterations", [0, 41])
def test_first_refuses_a_cut_outside_the_run(iterations):
    run = short_run("manual", 40)

    with pytest.raises(
        ValueError, match=rf"40 iterations; cannot cut it after {iterations}"
    ):
        run.first(iterations)


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_learning_rate_times_lam_above_one_diverges(implementation):
    # Each step multiplies W by 1 - 2 learning_rate lam = -9 before the data
    # term adds its small part, so |W| grows about ninefold a step until the
    # loss overflows. Any learning_rate lam > 1 makes that factor below -1.
    run = train(
        problem(False), implementation, learning_rate=10, lam=0.5, iterations=60
    )

    t = run.diverged_at
    assert isinstance(t, int) and 1 < t <= 60
    assert np.isfinite(run.losses[: t - 1]).all()
    assert not np.isfinite(run.losses[t - 1])
    norms = np.linalg.norm(run.weights[:t].reshape(t, -1).astype(np.float64), axis=1)
    assert (np.diff(norms[1:]) > 0).all()
    assert norms[t - 1] > 1e15 * norms[0]
    assert run.first(t - 1).diverged_at is None
    assert run.first(t).diverged_at == t
    assert run.finite_iterations == t - 1


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_a_normal_run_does_not_diverge(implementation):
    run = short_run(implementation)

    assert run.diverged_at is None
    assert np.isfinite(run.losses).all()
    assert run.finite_iterations == run.iterations


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_on_progress_receives_the_growing_run(implementation):
    seen: list[Run] = []

    final = short_run(implementation, 35, on_progress=seen.append, progress_every=10)

    assert [run.iterations for run in seen] == [10, 20, 30]
    for run in seen:
        expected = final.first(run.iterations)
        np.testing.assert_array_equal(run.losses, expected.losses)
        np.testing.assert_array_equal(run.weights, expected.weights)
        np.testing.assert_array_equal(run.weight_grads, expected.weight_grads)
        np.testing.assert_array_equal(run.bias_grads, expected.bias_grads)


# Bad settings --------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0, 1, 1.5, -0.2])
def test_prepare_refuses_a_train_fraction_outside_0_1(fraction):
    with pytest.raises(ValueError, match=r"train_fraction must lie strictly between 0"):
        prepare(iris(), train_fraction=fraction)


def test_prepare_refuses_a_fraction_that_leaves_a_part_empty():
    with pytest.raises(ValueError, match=r"leaves 150 to train and 0 to test; choose"):
        prepare(iris(), train_fraction=0.999)


def test_two_rows_allow_one_fraction_and_the_message_names_it():
    data = iris()
    two = dataclasses.replace(data, X=data.X[[0, 50]], y=data.y[[0, 50]], rows=(0, 50))

    assert len(prepare(two, train_fraction=0.5).train_rows) == 1
    with pytest.raises(ValueError, match=r"0 to test; set it to 0\.5, or use more"):
        prepare(two, train_fraction=0.8)


POSITIVE = "learning_rate must be a positive number, got"
WHOLE = "iterations must be a whole number of at least 1, got"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"learning_rate": 0}, rf"{POSITIVE} 0;"),
        ({"learning_rate": -0.1}, rf"{POSITIVE} -0.1;"),
        ({"learning_rate": math.nan}, rf"{POSITIVE} nan;"),
        ({"learning_rate": math.inf}, rf"{POSITIVE} inf;"),
        ({"lam": -0.01}, r"lam must be zero or positive, got -0.01;"),
        ({"lam": math.nan}, r"lam must be zero or positive, got nan;"),
        ({"iterations": 0}, rf"{WHOLE} 0; 250 is the article"),
        ({"iterations": 2.5}, rf"{WHOLE} 2.5;"),
        ({"iterations": True}, rf"{WHOLE} True;"),
        (
            {"implementation": "sklearn"},
            r"implementation must be one of manual, autograd, nn, got 'sklearn'",
        ),
    ],
)
def test_train_refuses_bad_settings(settings, message):
    arguments = {
        "implementation": "manual",
        "learning_rate": LEARNING_RATE,
        "lam": LAM,
        "iterations": 10,
        **settings,
    }

    with pytest.raises(ValueError, match=message):
        train(problem(False), **arguments)


# Splitting, seeding and standardizing --------------------------------------------


def test_the_split_covers_every_row_once():
    data = problem(False)

    rows = np.concatenate([data.train_rows.numpy(), data.test_rows.numpy()])

    assert (len(data.train_rows), len(data.test_rows)) == (120, 30)
    np.testing.assert_array_equal(np.sort(rows), np.arange(150))
    assert torch.equal(data.X_train, iris().X[data.train_rows])
    assert torch.equal(data.y_test, iris().y[data.test_rows])


def test_the_same_seed_gives_identical_runs():
    first, second = prepare(iris(), seed=7), prepare(iris(), seed=7)

    runs = [train(data, "manual", LEARNING_RATE, LAM, 30) for data in (first, second)]

    assert torch.equal(first.train_rows, second.train_rows)
    assert torch.equal(first.W0, second.W0) and torch.equal(first.b0, second.b0)
    np.testing.assert_array_equal(runs[0].losses, runs[1].losses)
    np.testing.assert_array_equal(runs[0].weights, runs[1].weights)


def test_a_different_seed_gives_a_different_split_and_start():
    first, second = prepare(iris(), seed=7), prepare(iris(), seed=8)

    assert not torch.equal(first.train_rows, second.train_rows)
    assert not torch.equal(first.W0, second.W0)


def test_standardize_uses_the_training_rows_only():
    raw, standardized = problem(False), problem(True)
    X_train = raw.X_train.double().numpy()

    assert raw.mean is None and raw.std is None
    assert torch.equal(raw.train_rows, standardized.train_rows)
    mean, std = standardized.mean.numpy(), standardized.std.numpy()
    np.testing.assert_allclose(mean, X_train.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(std, X_train.std(axis=0, ddof=1), rtol=1e-5)

    np.testing.assert_allclose(standardized.X_train.mean(dim=0).numpy(), 0, atol=1e-5)
    np.testing.assert_allclose(standardized.X_train.std(dim=0).numpy(), 1, atol=1e-5)
    # The test rows were scaled with the training rows' numbers, not their own.
    assert np.abs(standardized.X_test.mean(dim=0).numpy()).max() > 1e-3
    expected_test = (raw.X_test - standardized.mean) / standardized.std
    torch.testing.assert_close(standardized.X_test, expected_test)


def test_a_divergence_caused_by_lam_says_to_lower_lam_or_the_rate():
    why, fix = training.divergence_advice(10.0, 0.5, standardized=False)
    assert "1 - 2αλ = -9, larger than 1 in size" in why
    assert "L2 strength λ" in fix and "below 1" in fix
    assert "standardize" not in fix

    why, fix = training.divergence_advice(10.0, 0.0, standardized=False)
    assert "too large for the features' scale" in why
    assert "standardize the features" in fix


def test_a_penalty_factor_of_minus_one_no_longer_shrinks_w():
    # alpha * lam = 1: W flips sign every step and its penalty climbs.
    assert training.penalty_factor(2.0, 0.5) == -1
    assert not training.penalty_holds_back(2.0, 0.5)
    why, _ = training.divergence_advice(2.0, 0.5, standardized=False)
    assert "1 - 2αλ = -1, of size 1" in why

    run = train(prepare(load_builtin("iris")), "manual", 2.0, 0.5, 2000)
    assert run.diverged_at is None and run.losses[-1] > 1e6 * run.losses[0]


def test_the_article_nn_settings_decay_by_lam_not_two_lam():
    # weight_decay = lam: the factor is 1 - alpha lam, on W and b.
    assert training.penalty_factor(5.0, 0.5, article_nn=True) == -1.5
    why, fix = training.divergence_advice(5.0, 0.5, False, article_nn=True)
    assert "1 - αλ = -1.5" in why and "below 2" in fix

    # alpha lam = 1.5 breaks the lesson's loops but not the article's nn.
    assert not training.penalty_holds_back(3.0, 0.5)
    assert training.penalty_holds_back(3.0, 0.5, article_nn=True)
    problem = prepare(load_builtin("iris"))
    assert train(problem, "manual", 3.0, 0.5, 300).diverged_at is not None
    assert train(problem, "nn", 3.0, 0.5, 300, article_nn=True).diverged_at is None


@pytest.mark.parametrize("implementation", IMPLEMENTATIONS)
def test_training_more_equals_training_longer_step_for_step(implementation):
    problem = prepare(load_builtin("iris"))
    whole = train(problem, implementation, 0.1, 0.01, 300)
    start = train(problem, implementation, 0.1, 0.01, 250)

    joined = training.train_more(problem, start, 0.1, 0.01, 50)

    for field in ("losses", "train_accuracy", "weights", "biases", "weight_grads"):
        assert np.array_equal(getattr(joined, field), getattr(whole, field)), field
    assert joined.iterations == 300


def test_training_more_counts_a_divergence_from_the_first_start():
    problem = prepare(load_builtin("iris"))
    start = train(problem, "manual", 10.0, 0.5, 10)
    assert start.diverged_at is None

    joined = training.train_more(problem, start, 10.0, 0.5, 40)

    assert joined.diverged_at == train(problem, "manual", 10.0, 0.5, 50).diverged_at


# The cycle collector ----------------------------------------------------------------


@pytest.mark.parametrize("implementation", training.IMPLEMENTATIONS)
def test_training_pauses_the_cycle_collector_and_turns_it_back_on(implementation):
    problem = training.prepare(load_builtin("iris"))
    seen = []

    training.train(
        problem,
        implementation,
        0.1,
        0.01,
        20,
        on_progress=lambda run: seen.append(gc.isenabled()),
        progress_every=10,
    )

    assert seen == [False, False]
    assert gc.isenabled()


def test_a_failing_step_still_turns_the_cycle_collector_back_on():
    problem = training.prepare(load_builtin("iris"))

    def fail(run):
        raise RuntimeError("a page's callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        training.train(
            problem, "manual", 0.1, 0.01, 20, on_progress=fail, progress_every=10
        )
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    problem = training.prepare(load_builtin("iris"))
    gc.disable()
    try:
        training.train(problem, "manual", 0.1, 0.01, 5)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_loops_in_two_threads_keep_the_collector_paused_until_both_end():
    # This loop starts first and ends first, while the other still trains.
    problem = training.prepare(load_builtin("iris"))
    other_inside, this_done, seen = threading.Event(), threading.Event(), []

    def other_reports(run):
        other_inside.set()
        this_done.wait(timeout=30)
        seen.append(gc.isenabled())

    other = threading.Thread(
        target=training.train,
        args=(problem, "manual", 0.1, 0.01, 10),
        kwargs={"on_progress": other_reports, "progress_every": 10},
    )

    def start_the_other(run):
        other.start()
        assert other_inside.wait(timeout=30)

    training.train(
        problem, "manual", 0.1, 0.01, 10, on_progress=start_the_other, progress_every=10
    )
    this_done.set()
    other.join(timeout=30)

    assert seen == [False]
    assert gc.isenabled()


def test_a_loop_in_a_new_thread_runs_torch_on_one_thread():
    # OpenMP starts each new thread at one thread per core.
    problem = training.prepare(load_builtin("iris"))
    counts = []

    def in_a_new_thread():
        torch.set_num_threads(2)
        training.train(problem, "manual", 0.1, 0.01, 3)
        counts.append(torch.get_num_threads())

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join(timeout=30)

    assert counts == [1]


def test_a_loss_rose_when_its_last_tenth_averages_above_its_start():
    # A zig-zag that ends on a low step still rose: its last tenth is high.
    zig_zag = np.array([1.15, 0.9, *([12.0, 0.8] * 10)])
    assert training.loss_rose(zig_zag)
    assert not training.loss_rose(np.array([1.15, 0.9, 0.7, 0.5]))
    assert training.loss_rose(np.array([1.0, 2.0]))
    assert not training.loss_rose(np.array([1.0]))
