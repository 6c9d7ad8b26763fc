"""Matrices as heatmaps and vectors as bars, labelled with the lesson's letters."""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lesson.figures.style import as_text, class_color, layout

# Blue for negative, white for zero, red for positive: the sign reads at a glance.
DIVERGING = "RdBu_r"


def matrix_heatmap(
    M: np.ndarray,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    name: str,
    row_title: str = "",
    column_title: str = "",
    show_values: bool = True,
) -> go.Figure:
    """A heatmap of M (rows, columns), centred on zero, with its values written in.

    name is the matrix's letter (W, dW, ...) and appears in the hover text.
    Values are written into the cells only while they stay readable.
    """
    row_labels = as_text(row_labels)
    column_labels = as_text(column_labels)
    M = np.asarray(M, dtype=float)
    limit = float(np.nanmax(np.abs(M))) if np.isfinite(M).any() else 1.0
    heatmap = go.Heatmap(
        z=M,
        x=list(column_labels),
        y=list(row_labels),
        colorscale=DIVERGING,
        zmid=0,
        zmin=-limit or -1,
        zmax=limit or 1,
        text=np.vectorize(lambda v: f"{v:.3g}")(M) if show_values else None,
        texttemplate="%{text}" if show_values and M.size <= 120 else None,
        hovertemplate=f"{name}[%{{y}}, %{{x}}] = %{{z:.6g}}<extra></extra>",
        colorbar={"title": name, "exponentformat": "e"},
    )
    return go.Figure(
        data=[heatmap],
        layout=layout(
            height=min(900, max(260, 28 * M.shape[0] + 120)),
            # Names as names: Plotly would put labels such as "7", "5" and "3"
            # on a number line, where cells overlap and miss their labels.
            xaxis={"title": column_title, "side": "bottom", "type": "category"},
            yaxis={"title": row_title, "autorange": "reversed", "type": "category"},
        ),
    )


def class_bars(
    values: np.ndarray,
    class_names: Sequence[str],
    y_title: str,
    name: str,
    value_format: str = ".4g",
) -> go.Figure:
    """One bar per class, in the class's colour: logits Z_i or probabilities A_i."""
    class_names = as_text(class_names)
    values = np.asarray(values, dtype=float)
    bars = go.Bar(
        x=list(class_names),
        y=values,
        marker_color=[class_color(j) for j in range(len(values))],
        text=[format(v, value_format) for v in values],
        textposition="outside",
        cliponaxis=False,
        hovertemplate=f"{name}[%{{x}}] = %{{y:.6g}}<extra></extra>",
        name=name,
    )
    return go.Figure(
        data=[bars],
        layout=layout(
            height=320,
            xaxis={"title": "class", "type": "category"},
            yaxis={"title": y_title},
        ),
    )
