"""Three implementations of softmax regression, trained from one start.

`prepare` splits the data and draws the starting W and b the way the article
did; `train` runs one implementation and returns a `Run`. The three loops below
are the lesson: `train_manual` uses the hand-derived gradients, `train_autograd`
lets autograd find them, `train_nn` uses torch.nn and torch.optim. All of them
call the formulas in `softmax_core.formulas`; none re-derives one.
"""

import gc
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np
import torch

from softmax_core.data import Dataset
from softmax_core.formulas import (
    accuracy,
    cross_entropy,
    gradients,
    l2_penalty,
    logits,
    one_hot,
    softmax,
    trajectory_logits,
)

IMPLEMENTATIONS = ("manual", "autograd", "nn")


@dataclass(frozen=True)
class Problem:
    """The data split into train and test rows, and the starting parameters.

    X_train (m, n), y_train (m,), Y_train (m, k) one-hot; X_test and y_test
    likewise for the held-out rows. W0 (n, k) and b0 (k,) are the start that all
    three implementations share. train_rows and test_rows are positions in the
    data set; mean and std (n,) are set when the features were standardized.
    """

    X_train: torch.Tensor
    y_train: torch.Tensor
    Y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    W0: torch.Tensor
    b0: torch.Tensor
    train_rows: torch.Tensor
    test_rows: torch.Tensor
    mean: torch.Tensor | None = None
    std: torch.Tensor | None = None


def prepare(
    dataset: Dataset,
    seed: int = -999,
    train_fraction: float = 0.8,
    standardize: bool = False,
) -> Problem:
    """Shuffle, split and draw the start, in the article's order.

    One generator seeded with `seed` draws randperm(m) first: the first
    round(train_fraction * m) rows of that order train, the rest test. Then it
    draws W0 = rand(n, k) and b0 = rand(k), uniform on [0, 1). With
    standardize, each feature is centred and scaled by the mean and standard
    deviation of the training rows only, so nothing of the test rows leaks in.
    """
    m, n, k = dataset.m, dataset.n, dataset.k
    n_train = _train_size(train_fraction, m)
    _check_seed(seed)

    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(m, generator=generator)
    W0 = torch.rand(n, k, generator=generator)
    b0 = torch.rand(k, generator=generator)

    train_rows, test_rows = order[:n_train], order[n_train:]
    X_train, X_test = dataset.X[train_rows], dataset.X[test_rows]
    mean = std = None
    if standardize:
        mean = X_train.mean(dim=0)
        # A constant column has std 0; leaving it unscaled avoids dividing by 0.
        std = X_train.std(dim=0)
        std = torch.where(std > 0, std, 1.0)
        X_train, X_test = (X_train - mean) / std, (X_test - mean) / std

    y_train = dataset.y[train_rows]
    return Problem(
        X_train=X_train,
        y_train=y_train,
        Y_train=one_hot(y_train, k),
        X_test=X_test,
        y_test=dataset.y[test_rows],
        W0=W0,
        b0=b0,
        train_rows=train_rows,
        test_rows=test_rows,
        mean=mean,
        std=std,
    )


def _train_size(train_fraction: float, m: int) -> int:
    """How many of m rows train; both parts must keep at least one row."""
    if not 0 < train_fraction < 1:
        raise ValueError(
            f"train_fraction must lie strictly between 0 and 1, got {train_fraction}; "
            "0.8 trains on 80% of the rows and tests on the rest."
        )
    n_train = round(train_fraction * m)
    if not 1 <= n_train <= m - 1:
        low, high = f"{1 / m:.3g}", f"{(m - 1) / m:.3g}"
        choice = (
            f"set it to {low}"
            if low == high
            else f"choose a fraction from {low} to {high}"
        )
        raise ValueError(
            f"train_fraction {train_fraction} of {m} rows leaves "
            f"{n_train} to train and {m - n_train} to test; {choice}, or use "
            "more rows."
        )
    return n_train


# torch.manual_seed accepts any integer that fits in 64 bits, signed or not.
SEED_RANGE = (-(2**63), 2**64 - 1)


def _check_seed(seed: int) -> None:
    low, high = SEED_RANGE
    if isinstance(seed, bool) or not isinstance(seed, int) or not low <= seed <= high:
        raise ValueError(
            f"seed must be a whole number from {low} to {high}, got {seed!r}; "
            "-999 is the article's."
        )


@dataclass(frozen=True)
class Run:
    """What one training run produced, as read-only NumPy arrays.

    Iteration t (1..T) starts from weights[t - 1] and biases[t - 1], computes
    losses[t - 1] and the gradients weight_grads[t - 1] (n, k) and
    bias_grads[t - 1] (k,), then updates to weights[t] (n, k) and biases[t]
    (k,). So weights and biases hold T + 1 entries, the start first and the
    trained W and b last. losses = data_losses (cross-entropy) + l2_terms
    (lam * ||W||^2), one per iteration, before that iteration's update.
    train_accuracy and test_accuracy (T + 1,) go with weights. diverged_at is
    the first iteration whose loss was not finite, or None.
    """

    implementation: str
    losses: np.ndarray
    data_losses: np.ndarray
    l2_terms: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray
    weights: np.ndarray
    biases: np.ndarray
    weight_grads: np.ndarray
    bias_grads: np.ndarray
    diverged_at: int | None

    @property
    def iterations(self) -> int:
        return len(self.losses)

    @property
    def finite_iterations(self) -> int:
        """How many iterations, from the first, have a finite loss.

        All T of a run that never diverged; d - 1 of one that diverged at d.
        """
        if self.diverged_at is None:
            return self.iterations
        return self.diverged_at - 1

    @property
    def last_finite(self) -> int:
        """The index t of the last weights[t], biases[t] worth showing.

        A run that never diverged gives T, its trained W and b. One that
        diverged at iteration d had a finite loss last at weights[d - 2].
        """
        if self.diverged_at is None:
            return self.iterations
        return max(self.diverged_at - 2, 0)

    @property
    def W(self) -> np.ndarray:
        """The trained weights (n, k)."""
        return self.weights[-1]

    @property
    def b(self) -> np.ndarray:
        """The trained bias (k,)."""
        return self.biases[-1]

    def first(self, iterations: int) -> "Run":
        """This run cut after `iterations`: a short run starts as a long one does."""
        if not 1 <= iterations <= self.iterations:
            raise ValueError(
                f"this run has {self.iterations} iterations; "
                f"cannot cut it after {iterations}."
            )
        t = iterations
        diverged = (
            self.diverged_at if self.diverged_at and self.diverged_at <= t else None
        )
        return replace(
            self,
            losses=self.losses[:t],
            data_losses=self.data_losses[:t],
            l2_terms=self.l2_terms[:t],
            train_accuracy=self.train_accuracy[: t + 1],
            test_accuracy=self.test_accuracy[: t + 1],
            weights=self.weights[: t + 1],
            biases=self.biases[: t + 1],
            weight_grads=self.weight_grads[:t],
            bias_grads=self.bias_grads[:t],
            diverged_at=diverged,
        )

    def then(self, more: "Run") -> "Run":
        """This run followed by `more`, a run that started from this one's W, b."""
        T = self.iterations
        diverged = self.diverged_at
        if diverged is None and more.diverged_at is not None:
            diverged = T + more.diverged_at
        return Run(
            implementation=self.implementation,
            losses=_joined(self.losses, more.losses),
            data_losses=_joined(self.data_losses, more.data_losses),
            l2_terms=_joined(self.l2_terms, more.l2_terms),
            # more's entry 0 is its start: this run's last entry, kept once.
            train_accuracy=_joined(self.train_accuracy, more.train_accuracy[1:]),
            test_accuracy=_joined(self.test_accuracy, more.test_accuracy[1:]),
            weights=_joined(self.weights, more.weights[1:]),
            biases=_joined(self.biases, more.biases[1:]),
            weight_grads=_joined(self.weight_grads, more.weight_grads),
            bias_grads=_joined(self.bias_grads, more.bias_grads),
            diverged_at=diverged,
        )


def _joined(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """first then second along the iterations, read-only like every Run array."""
    array = np.concatenate([first, second])
    array.flags.writeable = False
    return array


class History:
    """Each iteration's W, b, dW, db, and the loss where the loop computed one.

    It keeps references, not copies: a loop that makes new tensors every step
    (W = W - ...) costs nothing extra here. A loop that updates in place must
    hand over clones.
    """

    def __init__(
        self,
        W: torch.Tensor,
        b: torch.Tensor,
        report: Callable[["History"], None] | None = None,
        report_every: int = 100,
    ) -> None:
        self.weights, self.biases = [W], [b]
        self.weight_grads: list[torch.Tensor] = []
        self.bias_grads: list[torch.Tensor] = []
        self.data_losses: list[torch.Tensor] = []
        self.report, self.report_every = report, report_every
        # Decay that torch.optim adds inside step(), outside the recorded grads.
        self.weight_decay, self.bias_decay = 0.0, 0.0
        # True when W and dW were recorded as nn.Linear stores them, (k, n).
        self.transposed = False

    def use_linear_layout(self) -> None:
        """Take W and dW as nn.Linear stores them, (k, n), from now on."""
        # Contiguous like the weights still to come: torch.stack takes a slow
        # path for a list that mixes views with plain tensors.
        self.weights = [W.T.contiguous() for W in self.weights]
        self.transposed = True

    def add(
        self,
        W: torch.Tensor,
        b: torch.Tensor,
        dW: torch.Tensor,
        db: torch.Tensor,
        data_loss: torch.Tensor | None = None,
    ) -> None:
        """Record one iteration: its gradients, its loss, and the W, b it led to.

        W and dW are (n, k), or (k, n) after use_linear_layout; b and db (k,);
        data_loss is a scalar.
        """
        self.weights.append(W)
        self.biases.append(b)
        self.weight_grads.append(dW)
        self.bias_grads.append(db)
        if data_loss is not None:
            self.data_losses.append(data_loss)
        if self.report and len(self.weight_grads) % self.report_every == 0:
            self.report(self)


def train_manual(
    problem: Problem,
    learning_rate: float,
    lam: float,
    iterations: int,
    history: History,
) -> None:
    """Gradient descent on raw tensors with the hand-derived gradients."""
    X, Y = problem.X_train, problem.Y_train
    W, b = problem.W0, problem.b0
    for _ in range(iterations):
        Z = logits(X, W, b)
        A = softmax(Z)
        dW, db = gradients(X, Y, A, W, lam)
        W = W - learning_rate * dW
        b = b - learning_rate * db
        history.add(W, b, dW, db)
    # The update never needs the loss, so this loop skips it: `train` evaluates
    # the loss of every recorded W and b afterwards, in one batched call.


def train_autograd(
    problem: Problem,
    learning_rate: float,
    lam: float,
    iterations: int,
    history: History,
) -> None:
    """Gradient descent where autograd computes dW and db from the loss."""
    X, Y = problem.X_train, problem.Y_train
    W = problem.W0.clone().requires_grad_()
    b = problem.b0.clone().requires_grad_()
    for _ in range(iterations):
        data_loss = cross_entropy(logits(X, W, b), Y)
        loss = data_loss + l2_penalty(W, lam)
        loss.backward()
        with torch.no_grad():
            # W -= learning_rate * W.grad, written as one fused operation.
            W.sub_(W.grad, alpha=learning_rate)
            b.sub_(b.grad, alpha=learning_rate)
            # The update was in place, so the history needs copies.
            history.add(W.clone(), b.clone(), W.grad, b.grad, data_loss.detach())
        # backward() adds to .grad; clearing it starts the next step from zero.
        W.grad, b.grad = None, None


def train_nn(
    problem: Problem,
    learning_rate: float,
    lam: float,
    iterations: int,
    history: History,
    article_nn: bool = False,
) -> None:
    """torch.nn.Linear, torch.nn.CrossEntropyLoss and torch.optim.SGD.

    SGD's weight_decay adds weight_decay * W to the gradient, which is the
    gradient of (weight_decay / 2) * ||W||^2. So weight_decay = 2 lam on the
    weight and 0 on the bias is the lesson's penalty lam * ||W||^2. The
    article's settings, weight_decay = lam on weight and bias alike, penalize
    lam / 2 * ||W||^2 and shrink the bias too, which is why its curves parted.
    """
    n, k = problem.W0.shape
    model = torch.nn.Linear(n, k)
    with torch.no_grad():
        # nn.Linear stores its weight as (k, n), the transpose of the lesson's W.
        model.weight.copy_(problem.W0.T)
        model.bias.copy_(problem.b0)
    weight_decay, bias_decay = (lam, lam) if article_nn else (2 * lam, 0.0)
    optimizer = torch.optim.SGD(
        [
            {"params": [model.weight], "weight_decay": weight_decay},
            {"params": [model.bias], "weight_decay": bias_decay},
        ],
        lr=learning_rate,
        # A plain loop over the two tensors: for tensors this small it costs
        # less than the batched "foreach" path (benchmarks/bench_training.py).
        foreach=False,
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    # The recorded gradients lack the decay that step() adds; `train` adds it to
    # every one, reports included, so that they compare with dW and db.
    history.weight_decay, history.bias_decay = weight_decay, bias_decay
    # Record the weight and its gradient as Linear stores them, (k, n): `train`
    # turns the whole trajectory into the lesson's (n, k) in one go.
    history.use_linear_layout()
    # Plain views of the two parameters. They share the parameters' memory, so
    # they show every update, and copying them needs no torch.no_grad().
    weight, bias = model.weight.detach(), model.bias.detach()

    for _ in range(iterations):
        data_loss = loss_fn(model(problem.X_train), problem.y_train)
        data_loss.backward()
        optimizer.step()
        # The gradients move to the history and None takes their place, as
        # optimizer.zero_grad() would leave it: backward() adds to a gradient
        # that is there, and starts afresh where there is none.
        weight_grad, model.weight.grad = model.weight.grad, None
        bias_grad, model.bias.grad = model.bias.grad, None
        # step() updated the weights in place, so the history needs copies.
        history.add(
            weight.clone(), bias.clone(), weight_grad, bias_grad, data_loss.detach()
        )


def train(
    problem: Problem,
    implementation: str,
    learning_rate: float,
    lam: float,
    iterations: int,
    article_nn: bool = False,
    on_progress: Callable[[Run], None] | None = None,
    progress_every: int = 100,
) -> Run:
    """Train one implementation for `iterations` steps from problem.W0, b0.

    A run that diverges is a result, not an error: its losses turn inf or NaN
    from Run.diverged_at on. on_progress, if given, receives the run so far
    every `progress_every` iterations (a page draws its curve while it trains).
    """
    check_settings(implementation, learning_rate, lam, iterations)
    # OpenMP keeps its number of threads per thread, and a new thread starts at
    # one per core: Streamlit runs each script in a new thread, and the app
    # trains ahead in another. Two such threads training at once ran 5 times
    # slower than one alone, so every loop sets its own thread to one.
    torch.set_num_threads(1)

    def report(history: History) -> None:
        on_progress(_summarize(problem, implementation, lam, history))

    history = History(
        problem.W0, problem.b0, report if on_progress else None, progress_every
    )
    with _collector_paused():
        if implementation == "manual":
            train_manual(problem, learning_rate, lam, iterations, history)
        elif implementation == "autograd":
            train_autograd(problem, learning_rate, lam, iterations, history)
        else:
            train_nn(problem, learning_rate, lam, iterations, history, article_nn)
    return _summarize(problem, implementation, lam, history)


class _CollectorPause:
    """How many loops are training now, and whether the collector ran before."""

    lock = threading.Lock()
    loops = 0
    was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a loop trains.

    Every step adds tensors to the history, and the collector, triggered by
    all those new objects, walks the growing history again and again: about
    3% of a 5000-step nn run. The loops make no reference cycles (their
    tensors are freed as soon as nothing refers to them), so nothing piles up
    meanwhile. Loops in several threads share one pause: the first pauses the
    collector, and the last to end turns it back on, if it was on.
    """
    pause = _CollectorPause
    with pause.lock:
        if pause.loops == 0:
            pause.was_enabled = gc.isenabled()
            gc.disable()
        pause.loops += 1
    try:
        yield
    finally:
        with pause.lock:
            pause.loops -= 1
            if pause.loops == 0 and pause.was_enabled:
                gc.enable()


def train_more(
    problem: Problem,
    run: Run,
    learning_rate: float,
    lam: float,
    iterations: int,
    article_nn: bool = False,
) -> Run:
    """`run` trained `iterations` steps further, from its trained W and b.

    Each step depends only on W and b (plain SGD keeps no other state), so the
    result equals a run trained from the start for run.iterations + iterations.
    """
    resumed = replace(problem, W0=torch.tensor(run.W), b0=torch.tensor(run.b))
    more = train(
        resumed, run.implementation, learning_rate, lam, iterations, article_nn
    )
    return run.then(more)


def check_settings(
    implementation: str, learning_rate: float, lam: float, iterations: int
) -> None:
    """Refuse settings that cannot train, saying what is allowed."""
    if implementation not in IMPLEMENTATIONS:
        raise ValueError(
            f"implementation must be one of {', '.join(IMPLEMENTATIONS)}, "
            f"got {implementation!r}."
        )
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(
            f"learning_rate must be a positive number, got {learning_rate}; "
            "0.1 is the article's."
        )
    if not (math.isfinite(lam) and lam >= 0):
        raise ValueError(
            f"lam must be zero or positive, got {lam}; 0.01 is the article's."
        )
    if (
        isinstance(iterations, bool)
        or not isinstance(iterations, int)
        or iterations < 1
    ):
        raise ValueError(
            f"iterations must be a whole number of at least 1, got {iterations!r}; "
            "250 is the article's."
        )


@torch.inference_mode()
def _summarize(
    problem: Problem, implementation: str, lam: float, history: History
) -> Run:
    """Evaluate a whole trajectory at once: T + 1 W's in one batched call each."""
    weights = torch.stack(history.weights)  # (T + 1, n, k)
    biases = torch.stack(history.biases)  # (T + 1, k)
    weight_grads = torch.stack(history.weight_grads)  # (T, n, k)
    bias_grads = torch.stack(history.bias_grads)  # (T, k)
    if history.transposed:
        weights = weights.mT.contiguous()
        weight_grads = weight_grads.mT.contiguous()
    before_update = slice(0, len(history.weight_grads))

    # The training logits of every recorded W: Z_train (T + 1, m, k).
    Z_train = trajectory_logits(problem.X_train, weights, biases)
    if history.data_losses:
        data_losses = torch.stack(history.data_losses)
    else:
        data_losses = cross_entropy(Z_train[before_update], problem.Y_train)
    l2_terms = l2_penalty(weights[before_update], lam)
    losses = data_losses + l2_terms

    # Add the decay that torch.optim applied outside the recorded gradients.
    if history.weight_decay:
        weight_grads = weight_grads + history.weight_decay * weights[before_update]
    if history.bias_decay:
        bias_grads = bias_grads + history.bias_decay * biases[before_update]

    not_finite = (~torch.isfinite(losses)).nonzero()
    return Run(
        implementation=implementation,
        losses=frozen(losses),
        data_losses=frozen(data_losses),
        l2_terms=frozen(l2_terms),
        train_accuracy=frozen(accuracy(Z_train, problem.y_train)),
        test_accuracy=frozen(
            accuracy(trajectory_logits(problem.X_test, weights, biases), problem.y_test)
        ),
        weights=frozen(weights),
        biases=frozen(biases),
        weight_grads=frozen(weight_grads),
        bias_grads=frozen(bias_grads),
        diverged_at=int(not_finite[0, 0]) + 1 if len(not_finite) else None,
    )


def frozen(values: torch.Tensor | np.ndarray) -> np.ndarray:
    """A read-only NumPy copy, so a cached result cannot be changed by a page."""
    if isinstance(values, torch.Tensor):
        values = values.detach().numpy()
    array = values.copy()
    array.flags.writeable = False
    return array


def loss_rose(losses: np.ndarray) -> bool:
    """Whether a run ended above where it started: the mean loss of its last
    tenth of iterations (at least one) is above its first loss.

    A mean, because a curve that zig-zags may end low on one step and high
    on the next; losses (T,) must all be finite.
    """
    if len(losses) < 2:
        return False
    last_tenth = losses[-max(1, len(losses) // 10) :]
    return float(np.mean(last_tenth)) > float(losses[0])


def penalty_factor(learning_rate: float, lam: float, article_nn: bool = False) -> float:
    """What each step multiplies W by before the data term acts: 1 - 2αλ.

    The update W <- W - learning_rate * (dW_data + 2 lam W) is
    W <- (1 - 2 learning_rate lam) W - learning_rate dW_data. Under the
    article's nn settings SGD's weight_decay is lam, so the factor is
    1 - learning_rate * lam, on b as well.
    """
    decay = lam if article_nn else 2 * lam
    return 1 - learning_rate * decay


def penalty_holds_back(
    learning_rate: float, lam: float, article_nn: bool = False
) -> bool:
    """Whether the L2 penalty shrinks W at every step (or there is none).

    With a factor of size 1 or more it no longer does: W flips sign or grows,
    and with it the penalty lam * ||W||^2.
    """
    return lam == 0 or abs(penalty_factor(learning_rate, lam, article_nn)) < 1


def divergence_advice(
    learning_rate: float, lam: float, standardized: bool, article_nn: bool = False
) -> tuple[str, str]:
    """Why a run with these settings broke or climbed, and what to try.

    Two sentences: why, then the fix. When the penalty no longer shrinks W
    (penalty_factor of size 1 or more), W grows whatever the data say.
    Otherwise the data term's steps were too large for the features' scale.
    """
    factor = penalty_factor(learning_rate, lam, article_nn)
    if not penalty_holds_back(learning_rate, lam, article_nn):
        written, limit = ("1 - αλ", 2) if article_nn else ("1 - 2αλ", 1)
        size = "larger than 1 in size" if abs(factor) > 1 else "of size 1"
        why = (
            f"each step multiplies W by {written} = {factor:g}, {size}, so the L2 "
            "penalty no longer shrinks W: W swings ever wider and its penalty "
            "λ‖W‖² grows with it"
        )
        fix = (
            "Lower the learning rate α or the L2 strength λ until α·λ is below "
            f"{limit}."
        )
    else:
        why = (
            "the steps are too large for the features' scale: the logits XW "
            "grew past the largest float32 number, about 3.4e38"
        )
        fix = "Try a smaller learning rate" + (
            "." if standardized else ", or standardize the features."
        )
    return why, fix
