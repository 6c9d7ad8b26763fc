"""Comparing the three implementations, and accuracy class by class.

The small sums the two pages need (gaps between curves, confusion matrices, the
rows a model gets wrong) sit here beside the figures that show them, as plain
NumPy: the core stays free of page arithmetic, and the pages only lay out.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lesson.figures.matrices import DIVERGING
from lesson.figures.style import IMPLEMENTATION_COLORS, as_text, class_color, layout
from softmax_core import Run

# Above this many cells per matrix, numbers written into cells overlap.
MAX_WRITTEN_CELLS = 60


@dataclass(frozen=True)
class Gap:
    """The largest distance between two loss curves, and where it happens."""

    value: float  # max |loss_a - loss_b|
    relative: float  # the same distance divided by max(|loss_a|, |loss_b|)
    pair: tuple[str, str]
    iteration: int  # 1-based, as on the x axis


def largest_gap(runs: dict[str, Run]) -> Gap | None:
    """The largest |loss_a - loss_b| over every pair of runs and every iteration.

    Iterations where either loss is not a finite number are skipped. None when
    no pair has a finite iteration in common (or there is only one run).
    """
    found = None
    for (name_a, run_a), (name_b, run_b) in combinations(runs.items(), 2):
        t = min(run_a.iterations, run_b.iterations)
        # float64: the difference of two large float32 losses may overflow.
        a = run_a.losses[:t].astype(np.float64)
        b = run_b.losses[:t].astype(np.float64)
        both = np.flatnonzero(np.isfinite(a) & np.isfinite(b))
        if len(both) == 0:
            continue

        distance = np.abs(a[both] - b[both])
        worst = int(np.argmax(distance))
        if found is None or distance[worst] > found.value:
            i = both[worst]
            size = max(abs(a[i]), abs(b[i]))
            found = Gap(
                value=float(distance[worst]),
                relative=float(distance[worst] / size) if size > 0 else 0.0,
                pair=(name_a, name_b),
                iteration=int(i) + 1,
            )
    return found


def spans_decades(runs: dict[str, Run], decades: float = 3.0) -> bool:
    """True when the finite losses span more than `decades` powers of ten.

    A run that blows up reaches losses of 1e30 and more; on a linear axis every
    other iteration then sits flat on zero, so a page switches to a log axis.
    """
    losses = np.concatenate([run.losses for run in runs.values()]).astype(np.float64)
    losses = losses[np.isfinite(losses) & (losses > 0)]
    if losses.size == 0:
        return False
    return bool(np.log10(losses.max() / losses.min()) > decades)


def largest_difference(arrays: dict[str, np.ndarray]) -> float | None:
    """max |a - b| over every pair of equally shaped arrays, entry by entry.

    Entries that are not finite in either array are skipped; None when no entry
    is finite in any pair.
    """
    largest = None
    for a, b in combinations(arrays.values(), 2):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        both = np.isfinite(a) & np.isfinite(b)
        if both.any():
            distance = float(np.abs(a[both] - b[both]).max())
            largest = distance if largest is None else max(largest, distance)
    return largest


def confusion_matrix(y: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """C (k, k) of counts: C[i, j] = rows of true class i predicted as class j.

    The diagonal holds the rows predicted right; C.sum() is the number of rows.
    """
    C = np.zeros((k, k), dtype=np.int64)
    np.add.at(C, (np.asarray(y), np.asarray(predicted)), 1)
    return C


def class_accuracy(C: np.ndarray) -> np.ndarray:
    """Per true class j, the share of its rows predicted right: C[j, j] / sum_i C[j, i].

    NaN for a class with no rows (a small test split may miss one).
    """
    totals = C.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(C) / totals, np.nan)


def misclassified(
    A: np.ndarray,
    y: np.ndarray,
    predicted: np.ndarray,
    rows: Sequence[int],
    class_names: Sequence[str],
) -> pd.DataFrame:
    """One line per row predicted wrong: its data-row number, classes and A.

    A (m, k) the probabilities, y and predicted (m,) class numbers, rows (m,)
    the data-row number of each example. Sorted by row.
    """
    wrong = np.flatnonzero(np.asarray(predicted) != np.asarray(y))
    table = pd.DataFrame(
        {
            "row": np.asarray(rows)[wrong],
            "true class": [class_names[int(y[i])] for i in wrong],
            "predicted": [class_names[int(predicted[i])] for i in wrong],
        }
    )
    A = np.asarray(A, dtype=np.float64)
    for j, name in enumerate(class_names):
        table[f"P({name})"] = A[wrong, j]
    return table.sort_values("row", ignore_index=True)


def gradient_heatmaps(
    gradients: dict[str, np.ndarray],
    feature_names: Sequence[str],
    class_names: Sequence[str],
    iteration: int,
    name: str = "dW",
) -> go.Figure:
    """dW (n, k) of each implementation side by side, on one colour scale.

    One scale centred on zero: equal gradients look equal, and a wrong one
    stands out by its colour. Values not finite are left blank.
    """
    feature_names = as_text(feature_names)
    class_names = as_text(class_names)
    names = list(gradients)
    matrices = [np.asarray(gradients[key], dtype=np.float64) for key in names]
    finite = np.concatenate([M[np.isfinite(M)] for M in matrices])
    limit = float(np.abs(finite).max()) if finite.size else 1.0
    n, k = matrices[0].shape
    write_values = n * k <= MAX_WRITTEN_CELLS

    # Implementation c draws on the axes x{c}, y{c} (Plotly reads x1 as x).
    heatmaps = [
        go.Heatmap(
            z=M,
            x=list(class_names),
            y=list(feature_names),
            xaxis=f"x{column}",
            yaxis=f"y{column}",
            coloraxis="coloraxis",
            text=np.vectorize(lambda v: f"{v:.3g}")(M) if write_values else None,
            texttemplate="%{text}" if write_values else None,
            name=key,
            hovertemplate=f"{key}, iteration {iteration}<br>"
            f"{name}[%{{y}}, %{{x}}] = %{{z:.6g}}<extra></extra>",
        )
        for column, (key, M) in enumerate(zip(names, matrices, strict=True), start=1)
    ]
    return go.Figure(
        data=heatmaps,
        layout=layout(
            height=min(900, max(300, 26 * n + 140)),
            margin={"t": 40},
            coloraxis={
                "colorscale": DIVERGING,
                "cmid": 0,
                "cmin": -limit or -1,
                "cmax": limit or 1,
                "colorbar": {"title": name, "exponentformat": "e"},
            },
            **_side_by_side(names),
        ),
    )


def _side_by_side(names: Sequence[str]) -> dict:
    """Axes and titles for one panel per implementation, in a row, for layout().

    Features run down, classes across. This is the layout that
    make_subplots(cols=len(names), shared_yaxes=True) gives, written out
    because make_subplots alone took about 10 ms. Each title is in its
    implementation's colour, as on every curve.
    """
    spacing = 0.03
    width = (1 - spacing * (len(names) - 1)) / len(names)
    parts = {"annotations": []}
    for column, key in enumerate(names, start=1):
        start = (column - 1) * (width + spacing)
        end = start + width
        parts[f"xaxis{column}"] = {
            "anchor": f"y{column}",
            "domain": [start, end],
            "title": "class",
            "type": "category",
        }
        y_axis = {
            "anchor": f"x{column}",
            "domain": [0.0, 1.0],
            "autorange": "reversed",
            "type": "category",
        }
        if column == 1:
            y_axis["title"] = "feature"
        else:
            # Later panels show the first one's rows and leave their names to it.
            y_axis |= {"matches": "y", "showticklabels": False}
        parts[f"yaxis{column}"] = y_axis
        parts["annotations"].append(
            {
                "text": key,
                "font": {"color": IMPLEMENTATION_COLORS.get(key, "#495057")},
                "x": (start + end) / 2,
                "xref": "paper",
                "xanchor": "center",
                "y": 1.0,
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    return parts


def confusion_heatmaps(
    confusions: dict[str, np.ndarray], class_names: Sequence[str]
) -> go.Figure:
    """Each split's confusion matrix C (k, k) side by side, in one figure.

    confusions maps a split ("train", "test") to its C: true class down,
    predicted class across. The counts are written into the cells; the colour
    of a cell is its share of its row, so a class with few rows still shows
    where they went. One figure, not one per split: the browser redraws one
    chart when the iterations change.
    """
    class_names = as_text(class_names)
    k, panels = len(class_names), len(confusions)
    width, gap = 1 / panels, 0.06
    written = k <= 12
    traces, titles, axes = [], [], {}
    for index, (split, C) in enumerate(confusions.items()):
        C = np.asarray(C)
        totals = C.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(totals > 0, C / totals, 0.0)
        suffix = str(index + 1) if index else ""
        traces.append(
            go.Heatmap(
                z=share,
                x=list(class_names),
                y=list(class_names),
                customdata=C,
                text=C if written else None,
                texttemplate="%{text}" if written else None,
                colorscale="Blues",
                zmin=0,
                zmax=1,
                showscale=False,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                hovertemplate=f"{split}: true %{{y}}, predicted %{{x}}<br>"
                "%{customdata} rows (%{z:.0%} of the true class)<extra></extra>",
            )
        )
        low = index * width + (gap / 2 if index else 0)
        high = (index + 1) * width - (gap / 2 if index < panels - 1 else 0)
        titles.append(
            {
                "text": f"<b>{split}</b>",
                "font": {"size": 15},
                "x": (low + high) / 2,
                "y": 1,
                "xref": "paper",
                "yref": "paper",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
        axes[f"xaxis{suffix}"] = {
            "title": "predicted class",
            "domain": [low, high],
            "type": "category",
            "anchor": f"y{suffix}",
        }
        # The true classes are named once, beside the first matrix.
        axes[f"yaxis{suffix}"] = {
            "type": "category",
            "autorange": "reversed",
            "anchor": f"x{suffix}",
            **(
                {"title": "true class  y"}
                if not index
                else {"matches": "y", "showticklabels": False}
            ),
        }
    return go.Figure(
        data=traces,
        layout=layout(
            height=min(700, max(300, 36 * k + 160)),
            annotations=titles,
            margin={"t": 40},
            **axes,
        ),
    )


def class_accuracy_bars(
    confusions: dict[str, np.ndarray], class_names: Sequence[str]
) -> go.Figure:
    """Per class, the share of its rows predicted right, one bar per split.

    confusions maps a split ("train", "test") to its confusion matrix. Bars take
    their class's colour; the second split is hatched. A class with no rows in
    a split gets no bar, and says so.
    """
    class_names = as_text(class_names)
    patterns = ("", "/", "x", ".")
    bars = []
    for index, (split, C) in enumerate(confusions.items()):
        right, totals = np.diag(C), C.sum(axis=1)
        bars.append(
            go.Bar(
                x=list(class_names),
                y=class_accuracy(C),
                name=split,
                marker={
                    "color": [class_color(j) for j in range(len(class_names))],
                    "pattern": {"shape": patterns[index % len(patterns)]},
                },
                text=[
                    f"{r}/{t}" if t else "no rows"
                    for r, t in zip(right, totals, strict=True)
                ],
                textposition="outside",
                cliponaxis=False,
                customdata=np.stack([right, totals], axis=1),
                hovertemplate=f"{split}, class %{{x}}<br>%{{customdata[0]}} of "
                "%{customdata[1]} right (%{y:.1%})<extra></extra>",
            )
        )
    return go.Figure(
        data=bars,
        layout=layout(
            height=340,
            barmode="group",
            xaxis={"title": "true class  y", "type": "category"},
            yaxis={
                "title": "accuracy in the class",
                "range": [0, 1.15],
                "tickformat": ".0%",
            },
        ),
    )
