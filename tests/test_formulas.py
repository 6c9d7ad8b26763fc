"""The lesson's formulas against torch's own, and the hand gradient against two oracles.

torch.softmax, torch.log_softmax and torch.nn.functional.cross_entropy are written
independently of softmax_core.formulas, so agreeing with them is evidence. The hand
gradient is checked in float64 against autograd and against central finite
differences of the loss, on random data.
"""

import numpy as np
import pytest
import torch

from softmax_core.formulas import (
    accuracy,
    cross_entropy,
    gradients,
    l2_penalty,
    log_softmax,
    logits,
    naive_softmax,
    one_hot,
    softmax,
    trajectory_logits,
)

LAMS = [0.0, 0.01, 0.5, 3.0]


def random_problem(seed: int, m: int = 9, n: int = 4, k: int = 3):
    """Random float64 X (m, n), y (m,), Y (m, k), W (n, k), b (k,)."""
    generator = torch.Generator().manual_seed(seed)
    X = torch.randn(m, n, generator=generator, dtype=torch.float64)
    y = torch.randint(0, k, (m,), generator=generator)
    W = torch.randn(n, k, generator=generator, dtype=torch.float64)
    b = torch.randn(k, generator=generator, dtype=torch.float64)
    return X, y, one_hot(y, k).double(), W, b


def objective(X, Y, W, b, lam):
    """The loss the lesson minimizes: mean cross-entropy plus lam * ||W||^2."""
    return cross_entropy(logits(X, W, b), Y) + l2_penalty(W, lam)


def test_trajectory_logits_equal_one_product_per_step():
    X, _, _, W, b = random_problem(3, m=7)
    generator = torch.Generator().manual_seed(4)
    Ws = W + torch.randn(5, *W.shape, generator=generator, dtype=W.dtype)
    bs = b + torch.randn(5, *b.shape, generator=generator, dtype=b.dtype)

    Z = trajectory_logits(X, Ws, bs)

    assert Z.shape == (5, 7, 3)
    for t in range(5):
        torch.testing.assert_close(Z[t], X @ Ws[t] + bs[t])
    torch.testing.assert_close(Z, logits(X, Ws, bs))


# Softmax and its logarithm -------------------------------------------------------


@pytest.mark.parametrize("scale", [0.1, 1.0, 30.0])
def test_softmax_rows_sum_to_one_and_match_torch(scale):
    Z = scale * torch.randn(6, 5, generator=torch.Generator().manual_seed(1))

    A = softmax(Z)

    torch.testing.assert_close(A.sum(dim=-1), torch.ones(6))
    torch.testing.assert_close(A, torch.softmax(Z, dim=-1))


def test_naive_softmax_matches_on_small_logits():
    Z = torch.randn(6, 3, generator=torch.Generator().manual_seed(2))

    torch.testing.assert_close(naive_softmax(Z), torch.softmax(Z, dim=-1))


def test_naive_softmax_breaks_where_softmax_does_not():
    Z = torch.tensor([[1000.0, 0.0, -1000.0]])

    assert torch.isnan(naive_softmax(Z)).any()
    A = softmax(Z)
    assert torch.isfinite(A).all()
    torch.testing.assert_close(A, torch.tensor([[1.0, 0.0, 0.0]]))


def test_log_softmax_is_finite_where_softmax_underflows():
    # exp(-200) is below float32's smallest number, so that probability is 0.
    Z = torch.tensor([[0.0, -200.0, 5.0]])
    assert (softmax(Z) == 0).any()
    assert torch.isinf(torch.log(softmax(Z))).any()

    log_A = log_softmax(Z)

    assert torch.isfinite(log_A).all()
    torch.testing.assert_close(log_A, Z - written_out_log_sum_exp(Z))


def written_out_log_sum_exp(Z: torch.Tensor) -> torch.Tensor:
    """log sum_j exp(Z_j) per row, shifted by the row's largest logit c."""
    c = Z.amax(dim=-1, keepdim=True)
    return c + torch.log(torch.exp(Z - c).sum(dim=-1, keepdim=True))


def test_log_softmax_is_the_formula_written_out():
    Z = (
        torch.randn(
            7, 2, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(3)
        )
        * 30
    )

    torch.testing.assert_close(log_softmax(Z), Z - written_out_log_sum_exp(Z))
    # Where nothing underflows, it is the log of the lesson's softmax too.
    small = Z / 30
    torch.testing.assert_close(log_softmax(small), torch.log(softmax(small)))


def test_cross_entropy_is_finite_when_the_true_class_underflows():
    Z, Y = torch.tensor([[0.0, -200.0]]), torch.tensor([[0.0, 1.0]])

    loss = cross_entropy(Z, Y)

    assert torch.isfinite(loss)
    torch.testing.assert_close(loss, torch.tensor(200.0))


# Cross-entropy, the L2 term and their batched forms -----------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cross_entropy_matches_torch_on_integer_labels(seed):
    generator = torch.Generator().manual_seed(seed)
    Z = 4 * torch.randn(20, 3, generator=generator)
    y = torch.randint(0, 3, (20,), generator=generator)

    expected = torch.nn.functional.cross_entropy(Z, y)

    torch.testing.assert_close(cross_entropy(Z, one_hot(y, 3)), expected)


def test_cross_entropy_batched_over_T_equals_each_matrix():
    X, y, Y, _, _ = random_problem(seed=3)
    generator = torch.Generator().manual_seed(4)
    weights = torch.randn(5, 4, 3, generator=generator, dtype=torch.float64)
    biases = torch.randn(5, 3, generator=generator, dtype=torch.float64)

    batched = cross_entropy(logits(X, weights, biases), Y)

    assert batched.shape == (5,)
    pairs = zip(weights, biases, strict=True)
    one_by_one = [cross_entropy(logits(X, W, b), Y) for W, b in pairs]
    torch.testing.assert_close(batched, torch.stack(one_by_one))


@pytest.mark.parametrize("lam", LAMS)
def test_l2_penalty_is_lam_times_sum_of_squares_and_batches(lam):
    weights = torch.randn(5, 4, 3, generator=torch.Generator().manual_seed(5))

    batched = l2_penalty(weights, lam)

    assert batched.shape == (5,)
    for t, W in enumerate(weights):
        expected = lam * float(np.sum(W.numpy().astype(np.float64) ** 2))
        assert float(l2_penalty(W, lam)) == pytest.approx(expected, rel=1e-6)
        assert float(batched[t]) == pytest.approx(expected, rel=1e-6)


# One-hot and accuracy ------------------------------------------------------------


def test_one_hot_keeps_a_column_for_a_class_the_subset_lacks():
    y = torch.tensor([0, 2, 2, 0])  # class 1 is absent

    Y = one_hot(y, 3)

    assert Y.shape == (4, 3)
    assert (Y[:, 1] == 0).all()
    assert (Y.sum(dim=1) == 1).all()
    assert (Y.argmax(dim=1) == y).all()


def test_one_hot_matches_torch():
    y = torch.randint(0, 4, (30,), generator=torch.Generator().manual_seed(6))

    expected = torch.nn.functional.one_hot(y, 4).float()

    torch.testing.assert_close(one_hot(y, 4), expected)


def test_accuracy_is_the_share_of_rows_whose_largest_logit_is_true():
    generator = torch.Generator().manual_seed(7)
    Z = torch.randn(4, 25, 3, generator=generator)
    y = torch.randint(0, 3, (25,), generator=generator)

    batched = accuracy(Z, y)

    expected = (Z.numpy().argmax(axis=-1) == y.numpy()).mean(axis=-1)
    np.testing.assert_allclose(batched.numpy(), expected, rtol=1e-6)
    assert float(accuracy(Z[0], y)) == pytest.approx(expected[0])


# The hand gradient ---------------------------------------------------------------


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("seed", [10, 11])
def test_hand_gradient_matches_autograd(seed, lam):
    X, _, Y, W, b = random_problem(seed)
    W.requires_grad_()
    b.requires_grad_()

    dW_auto, db_auto = torch.autograd.grad(objective(X, Y, W, b, lam), (W, b))
    with torch.no_grad():
        dW, db = gradients(X, Y, softmax(logits(X, W, b)), W, lam)

    torch.testing.assert_close(dW, dW_auto, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(db, db_auto, rtol=1e-12, atol=1e-12)


def central_differences(f, parameter: torch.Tensor, h: float = 1e-6) -> torch.Tensor:
    """Estimate df/dparameter entry by entry as (f(p + h) - f(p - h)) / 2h.

    The error is of order h^2 times the third derivative, about 1e-12 here, far
    below the float64 rounding of the two losses divided by 2h (about 1e-10).
    """
    estimate = torch.zeros_like(parameter)
    for index in np.ndindex(*parameter.shape):
        step = torch.zeros_like(parameter)
        step[index] = h
        estimate[index] = (f(parameter + step) - f(parameter - step)) / (2 * h)
    return estimate


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("seed", [20, 21])
def test_hand_gradient_matches_central_differences(seed, lam):
    X, _, Y, W, b = random_problem(seed)

    dW, db = gradients(X, Y, softmax(logits(X, W, b)), W, lam)

    dW_numeric = central_differences(lambda W_: objective(X, Y, W_, b, lam), W)
    db_numeric = central_differences(lambda b_: objective(X, Y, W, b_, lam), b)
    torch.testing.assert_close(dW, dW_numeric, rtol=1e-6, atol=1e-8)
    torch.testing.assert_close(db, db_numeric, rtol=1e-6, atol=1e-8)
