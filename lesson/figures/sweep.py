"""Loss curves of a sweep: one curve per learning rate alpha, or per lam."""

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from lesson.figures.style import (
    MAX_POINTS,
    iteration_axis,
    layout,
    line_mode,
    log_axis,
)
from softmax_core.sweep import Sweep
from softmax_core.training import loss_rose

# What a sweep can vary, and how its legend names a value.
VARIED = {"learning_rate": "α", "lam": "λ"}


def envelope(values: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most about max_points indices into values that keep its ups and downs.

    Evenly spaced indices would hide a zig-zag of period 2: every second loss
    would be left out. So the curve is cut into max_points / 2 stretches and
    each keeps its lowest and its highest point.
    """
    if len(values) <= max_points:
        return np.arange(len(values))
    stretches = np.array_split(np.arange(len(values)), max_points // 2)
    kept = [values[s].argmin() + s[0] for s in stretches]
    kept += [values[s].argmax() + s[0] for s in stretches]
    return np.unique(np.concatenate([kept, [0, len(values) - 1]]))


def sweep_curves(
    result: Sweep, vary: str, highlight: float | None = None, log_y: bool = False
) -> go.Figure:
    """One loss curve per setting of the sweep, coloured from small to large.

    vary is "learning_rate" or "lam", the setting the legend names. A diverged
    curve stops at its last finite loss, marked with a cross; highlight, if
    given, draws the curve of that value thicker (the sidebar's value).
    """
    if vary not in VARIED:
        raise ValueError(f"vary must be 'learning_rate' or 'lam', got {vary!r}.")
    values = result.learning_rates if vary == "learning_rate" else result.lams
    colors = sample_colorscale("Viridis", np.linspace(0, 0.85, len(values)))

    traces = []
    for g, value in enumerate(values):
        diverged_at = result.diverged_at[g]
        losses = result.losses[g]
        finite = losses[: diverged_at - 1] if diverged_at else losses
        name = _legend_name(VARIED[vary], value, finite, diverged_at)
        keep = envelope(finite)
        width = 4 if highlight is not None and np.isclose(value, highlight) else 2
        label = f"{VARIED[vary]} = {value:g}"
        traces.append(
            go.Scatter(
                x=keep + 1,
                y=finite[keep],
                mode=line_mode(len(keep)),
                name=name,
                line={"color": colors[g], "width": width},
                hovertemplate=f"{label}<br>iteration %{{x}}<br>loss %{{y:.5g}}"
                "<extra></extra>",
            )
        )
        if diverged_at and len(finite):
            traces.append(_diverged_marker(label, len(finite), finite[-1], colors[g]))

    loss_axis = {"title": "loss  J(W, b)", "type": "linear"}
    if log_y:
        loss_axis.update(log_axis(list(result.losses)))
    return go.Figure(
        data=traces,
        layout=layout(
            height=420,
            xaxis=iteration_axis(result.iterations),
            yaxis=loss_axis,
            # Beside the curves, one setting a line: names such as "α = 5, loss rose".
            legend={"orientation": "v", "x": 1.02, "y": 1},
        ),
    )


def _legend_name(
    letter: str, value: float, finite: np.ndarray, diverged_at: int | None
) -> str:
    """ "α = 0.1", "α = 10, diverged at 21" or "α = 5, loss rose"."""
    name = f"{letter} = {value:g}"
    if diverged_at:
        return f"{name}, diverged at {diverged_at}"
    if loss_rose(finite):
        return f"{name}, loss rose"
    return name


def _diverged_marker(label: str, t: int, loss: float, color: str) -> go.Scatter:
    """A cross where a diverged curve ends: its last finite loss, at iteration t."""
    return go.Scatter(
        x=[t],
        y=[loss],
        mode="markers",
        marker={"symbol": "x", "size": 11, "color": color},
        showlegend=False,
        name=f"{label}, last finite loss",
        hovertemplate=f"{label}<br>last finite loss at iteration %{{x}}<br>"
        "loss %{y:.5g}<extra></extra>",
    )
