"""Loss and accuracy curves over the iterations."""

import numpy as np
import plotly.graph_objects as go

from lesson.figures.style import (
    DATA_TERM_COLOR,
    IMPLEMENTATION_COLORS,
    IMPLEMENTATION_DASHES,
    L2_TERM_COLOR,
    MAX_POINTS,
    iteration_axis,
    layout,
    line_mode,
    log_axis,
)
from softmax_core import Run


def thin(length: int, max_points: int = MAX_POINTS) -> np.ndarray:
    """At most max_points evenly spread indices into 0..length-1, ends included.

    More points than a chart is wide adds nothing a person can see, and costs
    time in the browser.
    """
    if length <= max_points:
        return np.arange(length)
    return np.unique(np.linspace(0, length - 1, max_points).round().astype(int))


def loss_curves(
    runs: dict[str, Run], mark_iteration: int | None = None, log_y: bool = False
) -> go.Figure:
    """The loss of each run against the iteration, one colour per implementation.

    A run that diverged is drawn up to its last finite loss. mark_iteration, if
    given, puts a marker on each curve at that iteration.
    """
    traces = []
    for name, run in runs.items():
        finite = run.losses[: run.finite_iterations]
        keep = thin(len(finite))
        traces.append(
            go.Scatter(
                x=keep + 1,
                y=finite[keep],
                mode=line_mode(len(keep)),
                name=name,
                line={
                    "color": IMPLEMENTATION_COLORS[name],
                    "dash": IMPLEMENTATION_DASHES[name],
                    "width": 2,
                },
                hovertemplate=f"{name}<br>iteration %{{x}}<br>loss %{{y:.6f}}"
                "<extra></extra>",
            )
        )
        if mark_iteration is not None and mark_iteration <= len(finite):
            traces.append(
                go.Scatter(
                    x=[mark_iteration],
                    y=[finite[mark_iteration - 1]],
                    mode="markers",
                    name=f"{name}, iteration {mark_iteration}",
                    marker={"color": IMPLEMENTATION_COLORS[name], "size": 11},
                    showlegend=False,
                    hovertemplate=f"{name}<br>iteration %{{x}}<br>loss "
                    "%{y:.6f}<extra></extra>",
                )
            )
    y_axis = {"title": "loss  J(W, b)", "type": "linear"}
    if log_y:
        y_axis.update(log_axis([run.losses for run in runs.values()]))
    last = max(run.iterations for run in runs.values())
    return go.Figure(
        data=traces, layout=layout(xaxis=iteration_axis(last), yaxis=y_axis)
    )


def loss_parts(run: Run) -> go.Figure:
    """The two parts of the loss: cross-entropy and lam * ||W||^2, stacked."""
    keep = thin(len(run.losses))
    x = keep + 1
    parts = (
        ("cross-entropy", run.data_losses, DATA_TERM_COLOR),
        ("λ‖W‖²", run.l2_terms, L2_TERM_COLOR),
    )
    traces = [
        go.Scatter(
            x=x,
            y=values[keep],
            name=name,
            mode=line_mode(len(keep)),
            stackgroup="loss",
            line={"color": color, "width": 2},
            hovertemplate=f"{name}<br>iteration %{{x}}<br>%{{y:.6f}}<extra></extra>",
        )
        for name, values, color in parts
    ]
    return go.Figure(
        data=traces,
        layout=layout(
            xaxis=iteration_axis(run.iterations), yaxis={"title": "loss  J(W, b)"}
        ),
    )


def accuracy_curves(run: Run) -> go.Figure:
    """Train and test accuracy after each iteration (0 is the random start)."""
    keep = thin(len(run.train_accuracy))
    traces = [
        go.Scatter(
            x=keep,
            y=values[keep],
            name=name,
            mode="lines",
            line={"dash": dash, "width": 2, "color": color},
            hovertemplate=f"{name}<br>iteration %{{x}}<br>accuracy "
            "%{y:.3f}<extra></extra>",
        )
        # Apart in colour as well as in dash: the two often lie on each other.
        for name, values, dash, color in (
            ("train", run.train_accuracy, "solid", "#495057"),
            ("test", run.test_accuracy, "dash", "#e8590c"),
        )
    ]
    return go.Figure(
        data=traces,
        layout=layout(
            xaxis=iteration_axis(run.iterations),
            yaxis={"title": "accuracy", "range": [0, 1.02]},
        ),
    )
