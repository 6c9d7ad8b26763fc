"""Many settings trained at once: the manual loop, batched over G settings.

A sweep asks how the loss curve changes with the learning rate alpha or with
lam. Each setting could be trained on its own with `training.train`, but the
lesson's tensors are so small that time goes to the overhead of each PyTorch
operation, not to arithmetic. Stacking the G weight matrices into W (G, n, k)
lets every operation serve all G settings, and the formulas already accept such
leading dimensions. benchmarks/bench_sweep.py measures the gain.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from softmax_core.formulas import cross_entropy, gradients, l2_penalty, logits, softmax
from softmax_core.training import Problem, check_settings, frozen, train


@dataclass(frozen=True)
class Sweep:
    """The loss curves of G settings trained from one start, as read-only arrays.

    learning_rates and lams (G,) are the settings; losses (G, T) holds setting
    g's loss at iteration t + 1 in losses[g, t], before that iteration's update,
    as `Run.losses` does. diverged_at[g] is the first iteration whose loss was
    not finite, or None.
    """

    learning_rates: np.ndarray
    lams: np.ndarray
    losses: np.ndarray
    diverged_at: tuple[int | None, ...]

    @property
    def iterations(self) -> int:
        return self.losses.shape[1]

    def first(self, iterations: int) -> "Sweep":
        """The same sweep cut after `iterations`."""
        if not 1 <= iterations <= self.iterations:
            raise ValueError(
                f"this sweep has {self.iterations} iterations; "
                f"cannot cut it after {iterations}."
            )
        return Sweep(
            learning_rates=self.learning_rates,
            lams=self.lams,
            losses=self.losses[:, :iterations],
            diverged_at=tuple(
                t if t is not None and t <= iterations else None
                for t in self.diverged_at
            ),
        )


@torch.inference_mode()
def sweep(
    problem: Problem,
    learning_rates: Sequence[float],
    lams: Sequence[float],
    iterations: int,
) -> Sweep:
    """Gradient descent with hand-derived gradients for G settings at once.

    Setting g uses learning_rates[g] and lams[g]; all start from problem.W0 and
    problem.b0, as `train` does. Row g of the result equals
    train(problem, "manual", learning_rates[g], lams[g], iterations).losses up
    to float rounding.
    """
    _check_sweep(learning_rates, lams, iterations)
    G = len(learning_rates)
    X, Y = problem.X_train, problem.Y_train

    # Shapes that broadcast against W (G, n, k): alpha and lam as (G, 1, 1).
    learning_rate = torch.tensor(learning_rates, dtype=X.dtype).view(G, 1, 1)
    lam = torch.tensor(lams, dtype=X.dtype).view(G, 1, 1)
    W = problem.W0.expand(G, *problem.W0.shape)
    b = problem.b0.expand(G, *problem.b0.shape)

    # The manual loop, each tensor with a leading G; the loss comes from the
    # same logits Z (G, m, k) that the gradients use.
    losses = torch.empty(G, iterations)
    for t in range(iterations):
        Z = logits(X, W, b)
        losses[:, t] = cross_entropy(Z, Y) + l2_penalty(W, lam.view(G))
        dW, db = gradients(X, Y, softmax(Z), W, lam)
        W = W - learning_rate * dW
        b = b - learning_rate.view(G, 1) * db

    not_finite = ~torch.isfinite(losses)
    diverged_at = tuple(
        int(row.nonzero()[0, 0]) + 1 if row.any() else None for row in not_finite
    )
    return Sweep(
        learning_rates=frozen(np.array(learning_rates, dtype=float)),
        lams=frozen(np.array(lams, dtype=float)),
        losses=frozen(losses.numpy()),
        diverged_at=diverged_at,
    )


def sweep_one_by_one(
    problem: Problem,
    learning_rates: Sequence[float],
    lams: Sequence[float],
    iterations: int,
) -> Sweep:
    """The same result as `sweep`, from one `train` call per setting.

    Slower on the lesson's data (benchmarks/bench_sweep.py); kept as the
    reference the tests compare `sweep` with.
    """
    _check_sweep(learning_rates, lams, iterations)
    runs = [
        train(problem, "manual", learning_rate, lam, iterations)
        for learning_rate, lam in zip(learning_rates, lams, strict=True)
    ]
    return Sweep(
        learning_rates=frozen(np.array(learning_rates, dtype=float)),
        lams=frozen(np.array(lams, dtype=float)),
        losses=frozen(np.stack([run.losses for run in runs])),
        diverged_at=tuple(run.diverged_at for run in runs),
    )


def _check_sweep(
    learning_rates: Sequence[float], lams: Sequence[float], iterations: int
) -> None:
    """Refuse settings that cannot be swept, saying what is expected."""
    if len(learning_rates) != len(lams) or len(lams) == 0:
        raise ValueError(
            f"learning_rates and lams must hold one value per setting, the same "
            f"number of each and at least one; got {len(learning_rates)} learning "
            f"rates and {len(lams)} lams. To sweep alpha at one lam, repeat that "
            "lam: lams=[0.01] * len(learning_rates)."
        )
    for learning_rate, lam in zip(learning_rates, lams, strict=True):
        check_settings("manual", learning_rate, lam, iterations)
