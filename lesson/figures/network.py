"""Softmax regression drawn as a network, and a logit taken apart feature by feature.

The network has one input node per feature and one output node per class; the
edge from feature f to class j carries W[f, j], and a node "1" carries the bias
b[j]. Z_j = sum_f X_f W[f, j] + b[j] is what each output node adds up.
"""

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lesson.figures.style import as_text, class_color, layout

# Red for a positive weight, blue for a negative one, as in the heatmaps of W.
POSITIVE = (178, 24, 43)
NEGATIVE = (33, 102, 172)
INPUT_COLOR = "#868e96"

# Edges are grouped into this many widths, one trace each: a figure with one
# trace per edge (up to 30 x 20 of them) would be slow to draw.
WIDTH_LEVELS = 8
MAX_WIDTH = 7.0

# Beyond this many features the diagram keeps those with the largest weights.
MAX_INPUTS = 30
MAX_LABEL = 26


# Room under the plot for the legend, at the projector's font size too.
LEGEND_HEIGHT = 40


def network_diagram(
    W: np.ndarray,
    b: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[str],
    max_inputs: int = MAX_INPUTS,
) -> go.Figure:
    """Inputs on the left, outputs on the right, one edge per weight.

    W (n, k), b (k,). An edge is red where its weight is positive and blue where
    it is negative, and wider the larger its size. With more than max_inputs
    features, only the max_inputs with the largest weights are drawn, and a note
    under the diagram says so.
    """
    W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    n, k = W.shape
    shown = _strongest_rows(W, max_inputs)
    inputs = as_text([feature_names[f] for f in shown], MAX_LABEL) + ["1 (bias)"]
    outputs = as_text(class_names, MAX_LABEL)
    weights = np.vstack([W[shown], b])  # one row per input node, the bias last

    # Place the nodes: inputs one slot apart, outputs centred beside them.
    y_in = np.arange(len(inputs), dtype=float)
    y_in[-1] += 0.5  # a little gap sets the bias node apart
    span = y_in[-1]
    gap = min(span / max(k - 1, 1), 4.0)
    y_out = span / 2 + (np.arange(k) - (k - 1) / 2) * gap

    traces = [
        *_edges(weights, y_in, y_out, inputs, outputs),
        *_nodes(y_in, y_out, inputs, outputs),
    ]
    annotations = _headings()
    if len(shown) < n:
        annotations.append(
            {"text": f"showing the {len(shown)} of n = {n} features with the "
             "largest weights",
             "xref": "paper", "yref": "paper", "x": 0.5, "y": 0, "yanchor": "top",
             "yshift": -LEGEND_HEIGHT, "showarrow": False,
             "font": {"color": "#495057"}}
        )  # fmt: skip
    yaxis, yaxis2 = _label_axes(y_in, y_out, inputs, outputs)
    return go.Figure(
        data=traces,
        layout=layout(
            height=int(min(1000, max(320, 26 * len(inputs) + 130))),
            margin={
                "l": 20,
                "r": 20,
                "t": 40,
                "b": LEGEND_HEIGHT + (30 if len(shown) < n else 0),
            },
            # The legend goes under the nodes: above them, the headings are.
            legend={
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0,
                "yanchor": "top",
            },
            xaxis={"visible": False, "range": [-0.04, 1.04]},
            yaxis=yaxis,
            yaxis2=yaxis2,
            annotations=annotations,
        ),
    )


def _strongest_rows(W: np.ndarray, max_inputs: int) -> np.ndarray:
    """Row indices of W to draw, in their original order: all, or the strongest."""
    n = W.shape[0]
    if n <= max_inputs:
        return np.arange(n)
    strength = np.nan_to_num(np.abs(W), nan=0.0, posinf=1e300).sum(axis=1)
    return np.sort(np.argsort(-strength, kind="stable")[:max_inputs])


def _edges(weights, y_in, y_out, inputs, outputs) -> list[go.Scatter]:
    """Edges grouped by sign and width, points to hover on, two legend entries."""
    size = np.abs(weights)
    largest = float(size.max()) if np.isfinite(size).all() and size.max() > 0 else 1.0
    level = np.minimum((size / largest * WIDTH_LEVELS).astype(int), WIDTH_LEVELS - 1)

    # One trace per (sign, width): segments separated by None.
    traces = []
    for sign, rgb in ((1, POSITIVE), (-1, NEGATIVE)):
        for width in range(WIDTH_LEVELS):
            rows, cols = np.nonzero((np.sign(weights) == sign) & (level == width))
            if len(rows) == 0:
                continue
            x = np.tile([0.0, 1.0, None], len(rows))
            y = np.column_stack([y_in[rows], y_out[cols], [None] * len(rows)])
            share = (width + 1) / WIDTH_LEVELS
            traces.append(
                go.Scatter(
                    x=x,
                    y=y.ravel(),
                    mode="lines",
                    line={
                        "color": f"rgba({rgb[0]},{rgb[1]},{rgb[2]},"
                        f"{0.3 + 0.7 * share:.2f})",
                        "width": 0.6 + (MAX_WIDTH - 0.6) * share,
                    },
                    hoverinfo="skip",
                    showlegend=False,
                )
            )

    # Hover text sits on a point along each edge, nearer the output node.
    rows, cols = np.indices(weights.shape)
    rows, cols = rows.ravel(), cols.ravel()
    at = 0.7
    bias = len(inputs) - 1
    texts = [
        (f"b[{outputs[j]}]" if i == bias else f"W[{inputs[i]}, {outputs[j]}]")
        + f" = {weights[i, j]:.4g}"
        for i, j in zip(rows, cols, strict=True)
    ]
    traces.append(
        go.Scatter(
            x=np.full(len(rows), at),
            y=(1 - at) * y_in[rows] + at * y_out[cols],
            mode="markers",
            marker={"size": 8, "opacity": 0},
            text=texts,
            hovertemplate="%{text}<extra></extra>",
            showlegend=False,
            name="weights",
        )
    )

    # Legend entries for the two colours.
    for name, rgb in (("weight > 0", POSITIVE), ("weight < 0", NEGATIVE)):
        traces.append(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name=name,
                line={"color": f"rgb({rgb[0]},{rgb[1]},{rgb[2]})", "width": 4},
            )
        )
    return traces


def _nodes(y_in, y_out, inputs, outputs) -> list[go.Scatter]:
    """Grey input nodes, bias included; output nodes in their class colours."""
    input_nodes = go.Scatter(
        x=np.zeros(len(inputs)),
        y=y_in,
        mode="markers",
        marker={
            "size": 14,
            "color": INPUT_COLOR,
            "line": {"color": "white", "width": 1},
        },
        text=inputs,
        hovertemplate="input %{text}<extra></extra>",
        showlegend=False,
        name="inputs",
    )
    output_nodes = go.Scatter(
        x=np.ones(len(outputs)),
        y=y_out,
        mode="markers",
        marker={
            "size": 18,
            "color": [class_color(j) for j in range(len(outputs))],
            "line": {"color": "white", "width": 1},
        },
        text=outputs,
        yaxis="y2",  # the axis that names the outputs; same range as y
        hovertemplate="output Z[%{text}]<extra></extra>",
        showlegend=False,
        name="outputs",
    )
    return [input_nodes, output_nodes]


def _label_axes(y_in, y_out, inputs, outputs) -> tuple[dict, dict]:
    """Names beside the nodes, as tick labels of a left and a right y axis.

    Tick labels, unlike free text, make room for themselves (automargin), so
    long names are never cut off, even in lecture mode's larger font.
    """
    # Both axes show the same range, reversed so the first feature is on top.
    top, bottom = -0.6, max(y_in[-1], y_out[-1]) + 0.6
    plain = {"showgrid": False, "zeroline": False, "showline": False,
             "ticks": "", "automargin": True, "range": [bottom, top]}  # fmt: skip
    yaxis = {**plain, "tickvals": y_in, "ticktext": inputs}
    yaxis2 = {
        **plain,
        "overlaying": "y",
        "side": "right",
        "tickvals": y_out,
        "ticktext": [
            f'<span style="color:{class_color(j)}">{label}</span>'
            for j, label in enumerate(outputs)
        ],
    }
    return yaxis, yaxis2


def _headings() -> list[dict]:
    """Headings over the two columns of nodes, kept inside the plot area."""
    return [
        {"text": f"<b>{heading}</b>", "x": x, "y": 1, "xref": "paper",
         "yref": "paper", "xanchor": anchor, "yanchor": "bottom", "yshift": 4,
         "showarrow": False}
        for x, anchor, heading in ((0, "left", "features X<sub>f</sub>"),
                                   (1, "right", "logits Z<sub>j</sub>"))
    ]  # fmt: skip


def logit_parts(
    x: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[str],
) -> go.Figure:
    """Where each logit comes from: Z_j = sum_f x_f W[f, j] + b[j], stacked.

    x (n,) one example's features, W (n, k), b (k,). Each class gets a bar made
    of its n + 1 terms, positive ones stacked up and negative ones down, and a
    marker beside it at the sum, the logit Z_j.
    """
    feature_names = as_text(feature_names)
    class_names = as_text(class_names)
    x, W, b = (np.asarray(a, dtype=float) for a in (x, W, b))
    terms = np.vstack([x[:, None] * W, b])  # (n + 1, k)
    names = [*feature_names, "bias b"]
    classes = list(class_names)
    palette = _term_colors(len(names))

    # Classes sit at x = 0, 1, ..., k - 1 with bars half as wide as a step, so the
    # sum's marker can stand beside its bar, clear of the pieces' labels.
    at = np.arange(len(classes))
    traces = []
    for f, name in enumerate(names):
        what = "bias b_j" if f == len(names) - 1 else f"X_if W_fj, f = {name}"
        traces.append(
            go.Bar(
                x=at,
                y=terms[f],
                width=0.5,
                customdata=classes,
                name=name,
                # The feature's name, inside its piece when the piece is big enough.
                text=[name] * len(classes),
                textposition="inside",
                insidetextanchor="middle",
                marker={"color": palette[f], "line": {"color": "white", "width": 1}},
                hovertemplate=f"{what}<br>class %{{customdata}}<br>term %{{y:.4g}}"
                "<extra></extra>",
            )
        )
    sums = terms.sum(axis=0)
    traces.append(
        go.Scatter(
            x=at + 0.3,
            y=sums,
            customdata=classes,
            # Its value beside it, where there is room for one.
            mode="markers+text" if len(classes) <= 6 else "markers",
            name="Z<sub>j</sub>, the sum",
            # A triangle pointing at the bar, at the height of the sum.
            marker={"symbol": "triangle-left", "size": 13, "color": "black"},
            text=[f"Z = {value:.3g}" for value in sums],
            textposition="middle right",
            hovertemplate="Z[%{customdata}] = %{y:.4g}<extra></extra>",
        )
    )
    return go.Figure(
        data=traces,
        layout=layout(
            height=420,
            barmode="relative",
            uniformtext={"minsize": 10, "mode": "hide"},
            xaxis={
                "title": "class j",
                "tickvals": at,
                "ticktext": classes,
                # Room on the right of the last bar for its "Z = ..." label.
                "range": [-0.5, len(classes) - 0.5 + 0.9],
            },
            yaxis={
                "title": "term of Z<sub>j</sub>",
                "zeroline": True,
                "zerolinecolor": "#495057",
            },
            # To the right of the bars, clear of class names that many classes
            # turn aslant.
            legend={"orientation": "v", "x": 1.02, "y": 1},
            # Thirty-one legend entries would crowd out the bars; hover names
            # them. None leaves the choice to Plotly, which shows the legend.
            showlegend=False if len(names) > 12 else None,
        ),
    )


def _term_colors(count: int) -> list[str]:
    """Greys and muted hues for the terms, so class colours stay for classes."""
    muted = ("#74c0fc", "#ffd43b", "#b2f2bb", "#fcc2d7", "#d0bfff", "#99e9f2",
             "#ffc078", "#c0eb75", "#a5d8ff", "#eebefa")  # fmt: skip
    colors = [muted[f % len(muted)] for f in range(count - 1)]
    return [*colors, "#adb5bd"]
