"""The batched sweep against one manual run per setting."""

import numpy as np
import pytest
import torch

from softmax_core import load_builtin, prepare, train
from softmax_core.formulas import gradients, logits, one_hot, softmax
from softmax_core.sweep import sweep, sweep_one_by_one

# The learning-rate page's sweep at lam = 0.5, where alpha = 5 and 10 diverge,
# and a sweep of lam.
RATES = (0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0)
LAMS = (0.0, 0.001, 0.01, 0.1, 0.5, 1.0)
SETTINGS = [
    (RATES, (0.5,) * len(RATES)),
    ((0.1,) * len(LAMS), LAMS),
]


@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer"])
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize(("learning_rates", "lams"), SETTINGS)
def test_each_row_equals_its_own_manual_run(name, standardize, learning_rates, lams):
    problem = prepare(load_builtin(name), standardize=standardize)
    result = sweep(problem, learning_rates, lams, 60)

    assert result.losses.shape == (len(lams), 60)
    for g, (learning_rate, lam) in enumerate(zip(learning_rates, lams, strict=True)):
        run = train(problem, "manual", learning_rate, lam, 60)
        assert result.diverged_at[g] == run.diverged_at
        np.testing.assert_allclose(
            result.losses[g], run.losses, rtol=1e-5, atol=1e-5, equal_nan=True
        )


def test_the_divergent_rates_are_found():
    problem = prepare(load_builtin("iris"))
    result = sweep(problem, RATES, (0.5,) * len(RATES), 100)

    # 1 - 2 alpha lam leaves [-1, 1] exactly when alpha * lam > 1.
    diverged = [rate for rate, t in zip(RATES, result.diverged_at, strict=True) if t]
    assert diverged == [5.0, 10.0]
    t = result.diverged_at[-1]
    assert np.isfinite(result.losses[-1, : t - 1]).all()
    assert not np.isfinite(result.losses[-1, t - 1])


def test_one_by_one_gives_the_same_sweep():
    problem = prepare(load_builtin("wine"), standardize=True)
    batched = sweep(problem, (0.1, 1.0), (0.01, 0.0), 40)
    separate = sweep_one_by_one(problem, (0.1, 1.0), (0.01, 0.0), 40)

    np.testing.assert_allclose(batched.losses, separate.losses, rtol=1e-5)
    np.testing.assert_array_equal(batched.learning_rates, separate.learning_rates)
    assert batched.diverged_at == separate.diverged_at


def test_first_cuts_the_curves_and_forgets_a_later_divergence():
    problem = prepare(load_builtin("iris"))
    result = sweep(problem, (0.1, 10.0), (0.5, 0.5), 50)
    t = result.diverged_at[1]

    before = result.first(t - 1)
    assert before.losses.shape == (2, t - 1)
    assert before.diverged_at == (None, None)
    assert result.first(t).diverged_at == (None, t)
    np.testing.assert_array_equal(before.losses, result.losses[:, : t - 1])
    with pytest.raises(ValueError, match="cannot cut it after 51"):
        result.first(51)


def test_the_result_is_read_only():
    result = sweep(prepare(load_builtin("iris")), (0.1,), (0.01,), 3)
    with pytest.raises(ValueError, match="read-only"):
        result.losses[0, 0] = 0.0


@pytest.mark.parametrize(
    ("learning_rates", "lams", "iterations", "message"),
    [
        ((0.1, 1.0), (0.01,), 10, r"got 2 learning rates and 1 lams.*repeat that"),
        ((), (), 10, "at least one"),
        ((0.1, -1.0), (0.01, 0.01), 10, "learning_rate must be a positive number"),
        ((0.1,), (-0.5,), 10, "lam must be zero or positive"),
        ((0.1,), (0.01,), 0, "iterations must be a whole number"),
    ],
)
def test_bad_settings_are_refused_with_a_fix(learning_rates, lams, iterations, message):
    problem = prepare(load_builtin("iris"))
    with pytest.raises(ValueError, match=message):
        sweep(problem, learning_rates, lams, iterations)


def test_gradients_accept_a_leading_dimension_of_settings():
    """gradients() with A, W (G, ...) and lam (G, 1, 1) equals G separate calls."""
    generator = torch.Generator().manual_seed(0)
    X = torch.randn(7, 4, generator=generator, dtype=torch.float64)
    Y = one_hot(torch.randint(0, 3, (7,), generator=generator), 3).double()
    W = torch.randn(5, 4, 3, generator=generator, dtype=torch.float64)
    b = torch.randn(5, 3, generator=generator, dtype=torch.float64)
    lam = torch.tensor([0.0, 0.01, 0.1, 0.5, 1.0], dtype=torch.float64)

    dW, db = gradients(X, Y, softmax(logits(X, W, b)), W, lam.view(5, 1, 1))

    assert dW.shape == (5, 4, 3) and db.shape == (5, 3)
    for g in range(5):
        A = softmax(logits(X, W[g], b[g]))
        dW_g, db_g = gradients(X, Y, A, W[g], float(lam[g]))
        torch.testing.assert_close(dW[g], dW_g)
        torch.testing.assert_close(db[g], db_g)
