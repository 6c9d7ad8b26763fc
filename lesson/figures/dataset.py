"""The data: class counts, labels beside their one-hot rows, the train/test split."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lesson.figures.style import (
    TEST_SYMBOL,
    TRAIN_SYMBOL,
    as_text,
    class_color,
    layout,
)

LEGEND_GREY = "#495057"


def class_counts(
    train_counts: np.ndarray, test_counts: np.ndarray, class_names: Sequence[str]
) -> go.Figure:
    """Rows per class, the training rows solid and the held-out test rows hatched.

    train_counts and test_counts (k,) count the rows of each class in each part.
    """
    class_names = as_text(class_names)
    classes = list(class_names)
    colors = [class_color(j) for j in range(len(classes))]
    bars = []
    for part, counts, pattern in (
        ("train", train_counts, ""),
        ("test", test_counts, "/"),
    ):
        bars.append(
            go.Bar(
                x=classes,
                y=np.asarray(counts),
                name=part,
                marker={
                    "color": colors if part == "train" else "white",
                    "line": {"color": colors, "width": 1.5},
                    "pattern": {"shape": pattern, "fgcolor": colors},
                },
                hovertemplate=f"%{{x}}<br>{part} rows: %{{y}}<extra></extra>",
            )
        )
    return go.Figure(
        data=bars,
        layout=layout(
            height=300,
            barmode="stack",
            xaxis={"title": "class", "type": "category"},
            yaxis={"title": "rows"},
            # Above the bars, where long class names, turned aslant, cannot reach it.
            legend={"x": 1, "xanchor": "right", "y": 1.02, "yanchor": "bottom"},
        ),
    )


def _class_colorscale(k: int) -> list[list]:
    """Steps for the values 0..k: 0 is white, j + 1 is the colour of class j."""
    colors = ["#ffffff"] + [class_color(j) for j in range(k)]
    scale = []
    for v, color in enumerate(colors):
        scale += [[v / (k + 1), color], [(v + 1) / (k + 1), color]]
    return scale


def one_hot_pair(
    y: np.ndarray,
    Y: np.ndarray,
    rows: Sequence[int],
    class_names: Sequence[str],
) -> go.Figure:
    """y (r,) beside its one-hot rows Y (r, k), for r rows numbered by rows.

    The 1 in each row of Y has the colour of its class, as does the label y_i
    beside it, so the eye can follow y_i = j to column j.
    """
    y, Y = np.asarray(y, dtype=int), np.asarray(Y, dtype=float)
    k = Y.shape[1]
    labels = [str(row) for row in rows]
    names = np.asarray(as_text(class_names), dtype=object)
    # Column j is class j: a number fits above a narrow column where a name
    # would run into the next one. The names are in the hover and the label map.
    columns = [str(j) for j in range(k)]
    scale = {
        "colorscale": _class_colorscale(k),
        "zmin": -0.5,
        "zmax": k + 0.5,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
    }
    # Two panels side by side, as make_subplots would lay them out: y_i gets one
    # part of the width and Y_i max(k, 2) parts, with a small gap between them.
    parts = 1 + max(k, 2)
    gap = 0.04
    label_width = (1 - gap) * (1 / parts)
    one_hot_width = (1 - gap) * (max(k, 2) / parts)
    label_domain = [0, label_width]
    one_hot_domain = [label_width + gap, label_width + gap + one_hot_width]

    label_heatmap = go.Heatmap(
        z=(y + 1)[:, None],
        x=["y"],
        y=labels,
        text=y[:, None],
        texttemplate="%{text}",
        customdata=names[y][:, None],
        hovertemplate="row %{y}: y = %{text} (%{customdata})<extra></extra>",
        name="y",
        xaxis="x",
        yaxis="y",
        **scale,
    )
    one_hot_heatmap = go.Heatmap(
        z=Y * (np.arange(k) + 1),
        x=columns,
        y=labels,
        text=Y.astype(int),
        texttemplate="%{text}",
        customdata=np.tile(names, (len(labels), 1)),
        hovertemplate="Y[row %{y}, class %{customdata}] = %{text}<extra></extra>",
        name="Y",
        xaxis="x2",
        yaxis="y2",
        **scale,
    )
    # Both panels share the rows, top to bottom; the column labels sit on top.
    rows_axis = {"domain": [0, 1], "type": "category", "autorange": "reversed"}
    # The panels' titles are their axes' titles, which Plotly sets above the
    # column labels at any font size.
    columns_axis = {"side": "top", "tickangle": 0, "type": "category",
                    "automargin": True}  # fmt: skip
    return go.Figure(
        data=[label_heatmap, one_hot_heatmap],
        layout=layout(
            height=min(900, max(280, 24 * len(labels) + 150)),
            margin={"t": 40},
            xaxis={"domain": label_domain, "anchor": "y", "showticklabels": False,
                   "title": "y<sub>i</sub>", **columns_axis},
            xaxis2={"domain": one_hot_domain, "anchor": "y2",
                    "title": "Y<sub>i</sub>, column j", **columns_axis},
            yaxis={"anchor": "x", "title": "row i", **rows_axis},
            yaxis2={"anchor": "x2", "matches": "y", "showticklabels": False,
                    **rows_axis},
        ),
    )  # fmt: skip


def split_scatter(
    X2: np.ndarray,
    y: np.ndarray,
    is_test: np.ndarray,
    axis_names: Sequence[str],
    class_names: Sequence[str],
    rows: Sequence[int] | None = None,
) -> go.Figure:
    """Two features of every row, training rows filled and test rows open.

    X2 (m, 2) holds the two chosen features, y (m,) the labels, is_test (m,)
    marks the held-out rows. rows (m,) numbers the rows in the hover text
    (0..m-1 if not given). Each class keeps its colour in both parts.
    """
    axis_names = as_text(axis_names)
    class_names = as_text(class_names)
    X2, y, is_test = np.asarray(X2, dtype=float), np.asarray(y), np.asarray(is_test)
    rows = np.arange(len(y)) if rows is None else np.asarray(rows)
    x_name, y_name = axis_names
    traces = []

    for j, name in enumerate(class_names):
        for part, mask, symbol in (
            ("train", (y == j) & ~is_test, TRAIN_SYMBOL),
            ("test", (y == j) & is_test, TEST_SYMBOL),
        ):
            traces.append(
                go.Scatter(
                    x=X2[mask, 0],
                    y=X2[mask, 1],
                    mode="markers",
                    name=name if part == "train" else f"{name}, test",
                    legendgroup=name,
                    showlegend=part == "train",
                    marker={
                        "color": class_color(j),
                        "symbol": symbol,
                        "size": 8 if part == "train" else 10,
                        "opacity": 0.75 if part == "train" else 1.0,
                        "line": {"color": "black", "width": 1 if part == "test" else 0},
                    },
                    customdata=rows[mask],
                    hovertemplate=f"row %{{customdata}}: {name}, {part}<br>"
                    f"{x_name} = %{{x:.4g}}<br>{y_name} = %{{y:.4g}}<extra></extra>",
                )
            )

    # Two grey legend entries say which marker is which part.
    for part, symbol in (("train rows", TRAIN_SYMBOL), ("test rows", TEST_SYMBOL)):
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=part,
                marker={"color": LEGEND_GREY, "symbol": symbol, "size": 10},
            )
        )  # fmt: skip
    return go.Figure(
        data=traces,
        layout=layout(height=460, xaxis={"title": x_name}, yaxis={"title": y_name}),
    )
