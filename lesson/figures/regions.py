"""What the model predicts: over a plane of two features, and for every row.

decision_regions colours a plane by the predicted class; probability_simplex
places each row in the triangle of its three probabilities; stacked_probabilities
stacks the probabilities of each row when there are not three classes.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import torch

from lesson.figures.curves import thin
from lesson.figures.style import (
    TEST_SYMBOL,
    TRAIN_SYMBOL,
    as_text,
    class_color,
    layout,
)
from softmax_core import Problem
from softmax_core.formulas import logits, softmax

GRID_SIZE = 150
# The legend's markers for a training row and a test row, of no class.
KEY_COLOR = "#868e96"
# More rows than this are drawn as an evenly spread subset: an uploaded file may
# hold tens of thousands, which would only hide each other and slow the browser.
MAX_ROWS_SHOWN = 2000


def padded_range(values: np.ndarray, pad: float = 0.05) -> tuple[float, float]:
    """The range of values (m,), widened by pad of its width on each side."""
    low, high = float(np.min(values)), float(np.max(values))
    margin = pad * (high - low) or 0.5
    return low - margin, high + margin


@torch.inference_mode()
def grid_probabilities(
    W: np.ndarray,
    b: np.ndarray,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    mean: torch.Tensor | None = None,
    std: torch.Tensor | None = None,
    size: int = GRID_SIZE,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (size, size, k): softmax(XW + b) at every point of a size x size grid.

    W (2, k), b (k,). The grid spans x_range by y_range in the features' own
    units; with mean and std (2,) it is standardized first, as the training
    rows were. All size * size points go through logits and softmax in one call.
    Returns the grid's x (size,), y (size,) and A, whose row i is y[i].
    """
    xs = torch.linspace(*x_range, size)
    ys = torch.linspace(*y_range, size)
    x_grid, y_grid = torch.meshgrid(xs, ys, indexing="xy")  # (size, size) each
    X = torch.stack([x_grid.flatten(), y_grid.flatten()], dim=1)  # (size², 2)
    if mean is not None:
        X = (X - mean) / std

    A = softmax(logits(X, torch.tensor(W), torch.tensor(b)))
    return xs.numpy(), ys.numpy(), A.reshape(size, size, -1).numpy()


def decision_regions(
    xs: np.ndarray,
    ys: np.ndarray,
    A: np.ndarray,
    points: np.ndarray,
    y: np.ndarray,
    is_test: np.ndarray,
    class_names: Sequence[str],
    feature_names: Sequence[str],
) -> go.Figure:
    """The predicted class over the plane, shaded by its probability, and the rows.

    xs (size,), ys (size,) and A (size, size, k) come from grid_probabilities.
    points (m, 2) are the rows in the features' units, y (m,) their classes and
    is_test (m,) True for the held-out rows. A cell whose A is not finite (a
    diverged run) is left blank.
    """
    class_names = as_text(class_names)
    feature_names = as_text(feature_names)
    k = len(class_names)
    points, y, is_test, title = _some_rows(points, y, is_test)
    top = A.max(axis=-1)
    predicted = A.argmax(axis=-1)
    shown = np.isfinite(top)

    # One heatmap for all classes: a cell of class j holds j + its shade, where
    # the shade runs from 0 (largest A = 1/k, a toss-up) to 1 (A = 1), and the
    # colour scale gives each class its own band, pale to full. One trace of
    # size² cells costs the browser a third of what one per class did.
    shade = np.clip((top - 1 / k) / (1 - 1 / k), 0, 1)
    z = np.where(shown, predicted + 0.999 * shade, np.nan)
    # Plotly takes a scale only if it runs from exactly 0 to exactly 1.
    colorscale = []
    for j in range(k):
        end = 1.0 if j == k - 1 else (j + 0.999) / k
        colorscale += [
            [j / k, _tint(class_color(j), 0.08)],
            [end, _tint(class_color(j), 0.6)],
        ]
    traces = [
        go.Heatmap(
            x=xs,
            y=ys,
            z=z.astype(np.float32),
            zmin=0,
            zmax=k,
            colorscale=colorscale,
            # Per cell: its largest A and its class j, for the hover text.
            customdata=np.stack(
                [np.where(shown, top, np.nan), np.where(shown, predicted, np.nan)],
                axis=-1,
            ).astype(np.float32),
            showscale=False,
            hoverongaps=False,
            name="predicted class",
            hovertemplate="predicted class j = %{customdata[1]}"
            f"<br>{feature_names[0]} = %{{x:.3g}}<br>{feature_names[1]} = "
            "%{y:.3g}<br>largest A = %{customdata[0]:.3f}<extra></extra>",
        )
    ]
    for j, name in enumerate(class_names):
        for test in (False, True):
            rows = (y == j) & (is_test == test)
            traces.append(_rows_trace(points[rows], j, name, test, feature_names))

    return go.Figure(
        data=traces,
        layout=layout(
            title,
            height=540,
            xaxis={"title": feature_names[0], "range": [xs[0], xs[-1]]},
            yaxis={"title": feature_names[1], "range": [ys[0], ys[-1]]},
        ),
    )


def _rows_trace(
    points: np.ndarray, j: int, name: str, test: bool, feature_names: Sequence[str]
) -> go.Scatter:
    """Rows of class j: filled circles for training rows, diamonds for test rows."""
    kind = "test" if test else "train"
    return go.Scatter(
        x=points[:, 0],
        y=points[:, 1],
        mode="markers",
        name=f"{name} ({kind})",
        marker={
            "color": class_color(j),
            "symbol": TEST_SYMBOL if test else TRAIN_SYMBOL,
            "size": 10 if test else 7,
            "line": {
                "color": "black" if test else "white",
                "width": 1.5 if test else 1,
            },
        },
        hovertemplate=f"{kind} row, class {name}<br>{feature_names[0]} = %{{x:.3g}}"
        f"<br>{feature_names[1]} = %{{y:.3g}}<extra></extra>",
    )


def _tint(color: str, strength: float) -> str:
    """color mixed with white: strength 1 is the colour, 0 is white."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - strength * (255 - c)) for c in (red, green, blue)]
    return f"rgb({mix[0]}, {mix[1]}, {mix[2]})"


@torch.inference_mode()
def row_probabilities(
    problem: Problem, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A (m, k) for every row, training rows first; with y (m,) and is_test (m,).

    W (n, k) and b (k,) are one iteration's parameters, for example run.weights[t].
    """
    X = torch.cat([problem.X_train, problem.X_test])
    A = softmax(logits(X, torch.tensor(W), torch.tensor(b)))
    y = torch.cat([problem.y_train, problem.y_test]).numpy()
    is_test = np.arange(len(y)) >= len(problem.y_train)
    return A.numpy(), y, is_test


def probability_simplex(
    A: np.ndarray, y: np.ndarray, is_test: np.ndarray, class_names: Sequence[str]
) -> go.Figure:
    """Each row as the point (A_0, A_1, A_2) of the triangle, coloured by its class.

    A (m, 3), y (m,), is_test (m,). A corner is certainty in one class; the
    centre is A = (1/3, 1/3, 1/3). Rows whose A is not finite are left out.
    """
    class_names = as_text(class_names)
    if A.shape[-1] != 3:
        raise ValueError(
            f"the triangle needs 3 classes, got A with {A.shape[-1]} columns; "
            "use stacked_probabilities for other class counts."
        )
    A, y, is_test, title = _some_rows(A, y, is_test)
    shown = np.isfinite(A).all(axis=1)
    traces = []
    for j, name in enumerate(class_names):
        for test in (False, True):
            rows = shown & (y == j) & (is_test == test)
            kind = "test" if test else "train"
            traces.append(
                go.Scatterternary(
                    a=A[rows, 0],
                    b=A[rows, 1],
                    c=A[rows, 2],
                    mode="markers",
                    name=f"{name} ({kind})",
                    showlegend=False,
                    marker={
                        "color": class_color(j),
                        "symbol": TEST_SYMBOL if test else TRAIN_SYMBOL,
                        "size": 9 if test else 7,
                        "line": {"color": "black" if test else "white", "width": 1},
                        "opacity": 0.85,
                    },
                    hovertemplate=f"{kind} row, class {name}<br>"
                    f"A[{class_names[0]}] = %{{a:.3f}}<br>"
                    f"A[{class_names[1]}] = %{{b:.3f}}<br>"
                    f"A[{class_names[2]}] = %{{c:.3f}}<extra></extra>",
                )
            )
    # The corners name the classes in their colours, so the legend has only to
    # tell the training rows from the test rows: two short entries, under the
    # triangle, which then has the figure's whole width.
    traces += [
        go.Scatterternary(
            a=[None], b=[None], c=[None], mode="markers", name=name,
            hoverinfo="skip",
            marker={"color": KEY_COLOR, "symbol": symbol, "size": size,
                    "line": {"color": line, "width": 1}},
        )
        for name, symbol, size, line in (
            ("training row", TRAIN_SYMBOL, 7, "white"),
            ("test row", TEST_SYMBOL, 9, "black"),
        )
    ]  # fmt: skip
    corners = zip(("aaxis", "baxis", "caxis"), class_names, strict=True)
    axes = {
        axis: {
            "title": {"text": f"A[{name}]", "font": {"color": class_color(j)}},
            "min": 0,
            "linecolor": class_color(j),
        }
        for j, (axis, name) in enumerate(corners)
    }
    return go.Figure(
        data=traces,
        layout=layout(
            title,
            height=500,
            ternary={"sum": 1, **axes},
            # Room beside the lower corners for their titles, A[class name].
            margin={"l": 110, "r": 110, "t": 90 if title else 60, "b": 70},
            legend={
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": -0.08,
                "yanchor": "top",
            },
        ),
    )


def stacked_probabilities(
    A: np.ndarray, y: np.ndarray, is_test: np.ndarray, class_names: Sequence[str]
) -> go.Figure:
    """Each row's probabilities A (m, k) stacked in a bar, sorted by confidence.

    Rows are grouped by their true class y (m,), and within a group sorted by
    the probability A gives that class, most confident first: each group ends
    with the rows the model is unsure of or gets wrong. A strip above the bars
    shows each row's true class.
    """
    class_names = as_text(class_names)
    m = len(y)
    true_probability = np.where(np.isfinite(A), A, 0)[np.arange(m), y]
    order = np.lexsort((-true_probability, y))
    order = order[thin(m, MAX_ROWS_SHOWN)]
    title = _shown_title(len(order), m)
    position = np.arange(1, m + 1)[thin(m, MAX_ROWS_SHOWN)]
    kinds = np.where(is_test[order], "test", "train")

    traces = []
    for j, name in enumerate(class_names):
        traces.append(
            go.Bar(
                x=position,
                y=A[order, j],
                name=f"A[{name}]",
                marker={"color": class_color(j), "line": {"width": 0}},
                customdata=np.stack([kinds, np.asarray(class_names)[y[order]]], -1),
                hovertemplate="%{customdata[0]} row, class %{customdata[1]}<br>"
                f"A[{name}] = %{{y:.3f}}<extra></extra>",
            )
        )
    traces.append(
        go.Scatter(
            x=position,
            y=np.full(len(order), 1.04),
            mode="markers",
            name="true class",
            marker={
                "color": [class_color(j) for j in y[order]],
                "symbol": "square",
                "size": 6,
            },
            customdata=np.asarray(class_names)[y[order]],
            hovertemplate="true class %{customdata}<extra></extra>",
        )
    )
    return go.Figure(
        data=traces,
        layout=layout(
            title,
            height=420,
            barmode="stack",
            bargap=0,
            xaxis={"title": "rows by true class, each group sorted by A of that class"},
            yaxis={"title": "A, stacked (each bar sums to 1)", "range": [0, 1.08]},
        ),
    )


def _some_rows(
    values: np.ndarray, y: np.ndarray, is_test: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str | None]:
    """At most MAX_ROWS_SHOWN rows of values (m, ...), y and is_test (m,), evenly
    spread, and a title that says so when rows were left out."""
    keep = thin(len(y), MAX_ROWS_SHOWN)
    return values[keep], y[keep], is_test[keep], _shown_title(len(keep), len(y))


def _shown_title(shown: int, m: int) -> str | None:
    if shown == m:
        return None
    return f"{shown:,} of {m:,} rows shown, evenly spread"
