"""The lesson's formulas, each written once.

The letters are the lesson's: X (m, n) features, y (m,) labels in 0..k-1,
Y (m, k) their one-hot rows, W (n, k) weights, b (k,) bias, Z = X @ W + b the
logits and A = softmax(Z) the activations (class probabilities). lam is the L2
strength lambda. The functions of Z and W also accept extra leading dimensions,
so a whole trajectory of T weight matrices, W (T, n, k), is evaluated in one
call; one_hot and gradients take one X (m, n), as each docstring says.
"""

import torch


def one_hot(y: torch.Tensor, k: int) -> torch.Tensor:
    """Y (m, k) float32 with Y[i, y[i]] = 1 and zeros elsewhere.

    k is the number of classes in the whole data set, passed in, never read off
    y: a subset such as the test rows may lack a class, and its matrix must
    still have a column for it.
    """
    Y = torch.zeros(y.shape[0], k)
    Y[torch.arange(y.shape[0]), y] = 1.0
    return Y


def logits(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Z = X @ W + b: X (m, n), W (n, k), b (k,) give Z (m, k).

    b is added to every row. For a trajectory, W (T, n, k) and b (T, k), each
    b[t] must reach every row of its own X @ W[t], so it gets a row axis first.
    """
    if b.dim() > 1:
        b = b.unsqueeze(-2)
    return X @ W + b


def trajectory_logits(
    X: torch.Tensor, W: torch.Tensor, b: torch.Tensor
) -> torch.Tensor:
    """Z (T, m, k) for every W of a trajectory: Z[t] = X @ W[t] + b[t].

    X (m, n), W (T, n, k), b (T, k). logits(X, W, b) gives the same numbers,
    but X @ W with a batch of W's runs T tiny products one after another;
    einsum runs X against all T W's in one product, about five times faster
    for 5000 of them. The sums come in another order, so a value may differ
    from the loop's in the last bit (about 1e-7).
    """
    return torch.einsum("mn,tnk->tmk", X, W) + b.unsqueeze(-2)


def naive_softmax(Z: torch.Tensor) -> torch.Tensor:
    """A = exp(Z) / sum(exp(Z)) row by row, written as the article wrote it.

    Naive: exp overflows to inf for logits above about 88 in float32, and
    inf / inf is NaN. The lesson keeps it to show where it breaks.
    """
    expZ = torch.exp(Z)
    return expZ / expZ.sum(dim=-1, keepdim=True)


def softmax(Z: torch.Tensor) -> torch.Tensor:
    """A (m, k) = softmax of Z (m, k) row by row, computed stably.

    Subtracting each row's largest logit changes nothing mathematically (the
    factor exp(-max) cancels) but keeps every exp in [0, 1], so nothing overflows.
    """
    expZ = torch.exp(Z - Z.amax(dim=-1, keepdim=True))
    return expZ / expZ.sum(dim=-1, keepdim=True)


def log_softmax(Z: torch.Tensor) -> torch.Tensor:
    """log A (m, k) = Z - log(sum_j exp(Z_j)), row by row, computed stably.

    The log of the sum is shifted by the row's largest logit c, as softmax is:
    log sum_j exp(Z_j) = c + log sum_j exp(Z_j - c), so no exp overflows.
    Taking the log of softmax(Z) instead would give log(0) = -inf for a class
    whose probability underflows, and 0 * -inf = NaN in the loss.

    torch.log_softmax computes exactly this as one operation. Written out with
    six operations, each with its own backward step, it made the autograd loop
    about 10% slower (benchmarks/bench_training.py). tests/test_formulas.py
    checks it against the formula written out.
    """
    return torch.log_softmax(Z, dim=-1)


def cross_entropy(Z: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy -1/m sum_i sum_j Y[i, j] log A[i, j], a scalar.

    Z (m, k) logits, Y (m, k) one-hot targets. With Z (T, m, k) it returns (T,).
    """
    return -(Y * log_softmax(Z)).sum(dim=-1).mean(dim=-1)


def l2_penalty(W: torch.Tensor, lam: float) -> torch.Tensor:
    """lam * ||W||^2, the sum of the squared weights; the bias is not penalized.

    W (n, k) gives a scalar; W (T, n, k) gives (T,).
    """
    return lam * (W * W).sum(dim=(-2, -1))


def gradients(
    X: torch.Tensor,
    Y: torch.Tensor,
    A: torch.Tensor,
    W: torch.Tensor,
    lam: float | torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The hand-derived gradients of cross_entropy + l2_penalty.

    dW (n, k) = -X.T @ (Y - A) / m + 2 lam W   and   db (k,) = -mean(Y - A),
    the mean taken over the m rows.
    X (m, n), Y and A (m, k), W (n, k). For G settings at once, A (G, m, k),
    W (G, n, k) and lam (G, 1, 1) give dW (G, n, k) and db (G, k).

    The code uses A - Y = -(Y - A), which gives the same numbers, bit for bit,
    without the two minus signs.
    """
    m = X.shape[0]
    error = A - Y
    dW = X.T @ error / m + 2 * lam * W
    # The mean over the m rows, which are the second-last axis.
    db = error.mean(dim=-2)
    return dW, db


def accuracy(Z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The share of rows whose largest logit is the true class, in [0, 1].

    Z (m, k), y (m,); with Z (T, m, k) it returns (T,).
    """
    predicted = Z.max(dim=-1).indices  # Z.argmax(dim=-1), faster over a trajectory
    return (predicted == y).float().mean(dim=-1)
