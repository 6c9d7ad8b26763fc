"""Figures for the softmax, loss and gradient-descent pages.

Besides the figures: the reader of the logits a person types on the softmax page,
and the update W ← W - α·dW written out as LaTeX or as a table. Every builder
takes NumPy arrays and copes with inf and NaN, which a diverged run produces.
"""

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lesson.figures.curves import loss_curves
from lesson.figures.matrices import matrix_heatmap
from lesson.figures.style import (
    DATA_TERM_COLOR,
    L2_TERM_COLOR,
    as_text,
    class_color,
    layout,
)
from softmax_core import Run

# The two parts of the loss keep the colours they have in curves.loss_parts.
NAIVE_COLOR = "#adb5bd"
STABLE_COLOR = "#343a40"

MIN_TYPED_LOGITS, MAX_TYPED_LOGITS = 2, 20
LOGITS_EXAMPLE = "1000, 0, -1000"
FLOAT32_MAX = float(np.finfo(np.float32).max)


def parse_logits(text: str) -> np.ndarray:
    """The logits z (k,) float32 in a text such as "1000, 0, -1000".

    Commas, semicolons and spaces all separate values. Raises ValueError with a
    message a person can act on: what was wrong, and an example that works.
    """
    fix = (
        f"Type {MIN_TYPED_LOGITS} to {MAX_TYPED_LOGITS} numbers, e.g. {LOGITS_EXAMPLE}."
    )
    pieces = [piece for piece in re.split(r"[,;\s]+", text.strip()) if piece]
    if not pieces:
        raise ValueError(f"The logits are empty. {fix}")

    values = []
    for position, piece in enumerate(pieces, start=1):
        try:
            value = float(piece)
        except ValueError:
            raise ValueError(
                f"Value {position}, '{piece}', is not a number. {fix}"
            ) from None
        # float32, the lesson's type, holds nothing larger than about 3.4e38.
        if not math.isfinite(value) or abs(value) > FLOAT32_MAX:
            raise ValueError(
                f"Value {position}, '{piece}', is not a finite float32 number "
                f"(at most {FLOAT32_MAX:.3g} in size). {fix}"
            )
        values.append(value)

    if not MIN_TYPED_LOGITS <= len(values) <= MAX_TYPED_LOGITS:
        raise ValueError(f"That is {len(values)} value(s), one per class. {fix}")
    return np.array(values, dtype=np.float32)


def probability_bars(
    A: np.ndarray, class_names: Sequence[str], title: str
) -> go.Figure:
    """One bar per class for the probabilities A_i (k,), on a fixed 0..1 axis."""
    class_names = as_text(class_names)
    A = np.asarray(A, dtype=float)
    bars = go.Bar(
        x=list(class_names),
        y=np.nan_to_num(A, nan=0.0),
        marker_color=[class_color(j) for j in range(len(A))],
        text=[number_text(a) for a in A],
        textposition="outside",
        cliponaxis=False,
        name="A",
        hovertemplate="A[%{x}] = %{text}<extra></extra>",
    )
    return go.Figure(
        data=[bars],
        layout=layout(
            title,
            height=300,
            xaxis={"title": "class", "type": "category"},
            yaxis={"title": "probability  A<sub>i</sub>", "range": [0, 1.15]},
        ),
    )


def naive_vs_stable(z: np.ndarray, naive: np.ndarray, stable: np.ndarray) -> go.Figure:
    """The naive and the stable softmax of the same logits z (k,), side by side.

    A NaN probability has no bar; its label says NaN where the bar would be.
    """
    labels = [f"z{j} = {number_text(v)}" for j, v in enumerate(z)]
    bars = []
    for name, A, color in (
        ("naive", naive, NAIVE_COLOR),
        ("stable", stable, STABLE_COLOR),
    ):
        A = np.asarray(A, dtype=float)
        bars.append(
            go.Bar(
                x=labels,
                y=np.where(np.isfinite(A), A, 0.0),
                name=name,
                marker_color=color,
                text=[number_text(a) for a in A],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{name} softmax<br>%{{x}}<br>A = %{{text}}"
                "<extra></extra>",
            )
        )
    return go.Figure(
        data=bars,
        layout=layout(
            height=320,
            barmode="group",
            xaxis={"title": "logit  z<sub>j</sub>"},
            yaxis={"title": "probability  A<sub>j</sub>", "range": [0, 1.15]},
        ),
    )


def softmax_table(z: np.ndarray, naive: np.ndarray, stable: np.ndarray) -> pd.DataFrame:
    """Both softmaxes of the logits z (k,) step by step, as text: e^z, then A.

    Text, so that inf and NaN read as such instead of as empty cells.
    """
    z = np.asarray(z, dtype=np.float32)
    with np.errstate(over="ignore", under="ignore"):
        columns = {
            "z": z,
            "naive: e^z": np.exp(z),
            "stable: e^(z - max z)": np.exp(z - z.max()),
            "naive A": naive,
            "stable A": stable,
        }
    return pd.DataFrame(
        {name: [number_text(v) for v in values] for name, values in columns.items()}
    )


def heatmap(
    M: np.ndarray,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    name: str,
    row_title: str = "",
    column_title: str = "",
    height: int | None = None,
) -> go.Figure:
    """matrices.matrix_heatmap for any values: inf and NaN cells stay blank.

    The colour scale spans the finite values only, and the blank cells are
    labelled inf or NaN, so a diverged run still draws. height, if given,
    replaces the one matrix_heatmap picks (a single row needs less).
    """
    M = np.asarray(M, dtype=float)
    fig = matrix_heatmap(
        np.where(np.isfinite(M), M, np.nan),
        row_labels,
        column_labels,
        name,
        row_title=row_title,
        column_title=column_title,
    )
    fig.update_traces(
        text=[[number_text(v) for v in row] for row in M],
        hovertemplate=f"{name}[%{{y}}, %{{x}}] = %{{text}}<extra></extra>",
    )
    if not np.isfinite(M).any():
        note = {
            "text": f"every entry of {name} is inf or NaN",
            "xref": "paper",
            "yref": "paper",
            "x": 0.5,
            "y": 0.5,
            "showarrow": False,
        }
        fig.update_layout(annotations=[note])
    if height is not None:
        fig.update_layout(height=height)
    return fig


def iteration_gradients(
    dW: np.ndarray,
    db: np.ndarray,
    feature_names: Sequence[str],
    class_names: Sequence[str],
) -> go.Figure:
    """dW (n, k) above db (k,) in one figure, over one shared axis of classes.

    Each keeps its own colour scale, with its colour bar beside its rows: db is
    often far smaller than dW. One figure the whole width of the page stays
    legible where two side by side would squeeze their numbers (a projector at
    1024 pixels), and the browser redraws one chart per iteration, not two.
    """
    n = len(feature_names)
    # Rows of equal height: db's one row takes its share, and at least 15%.
    db_share = max(0.15, 1 / (n + 1))
    gap = 0.08
    domains = {"dW": [db_share + gap, 1.0], "db": [0.0, db_share]}
    parts = (
        ("dW", dW, feature_names, "x", "y"),
        ("db", np.asarray(db)[None], ["db"], "x2", "y2"),
    )
    traces, notes = [], []
    for name, M, rows, xaxis, yaxis in parts:
        single = heatmap(M, rows, class_names, name)
        trace = single.data[0]
        low, high = domains[name]
        trace.update(xaxis=xaxis, yaxis=yaxis)
        # Centred on its rows; db's single row is too short for a readable bar,
        # so its bar keeps a fixed length and may reach past the row.
        trace.colorbar.update(y=(low + high) / 2, yanchor="middle", title_side="right")
        if name == "db":
            trace.colorbar.update(lenmode="pixels", len=100)
        else:
            trace.colorbar.update(len=high - low)
        traces.append(trace)
        # heatmap's note for a matrix with no finite entry, moved to its rows.
        for note in single.layout.annotations:
            notes.append(note.update(y=(low + high) / 2))
    category = {"type": "category"}
    return go.Figure(
        data=traces,
        layout=layout(
            height=min(900, 28 * (n + 1) + 200),
            annotations=notes,
            # The classes label the lower axis only; the upper one follows it.
            xaxis={**category, "matches": "x2", "showticklabels": False},
            xaxis2={**category, "title": "class", "anchor": "y2"},
            yaxis={
                **category,
                "title": "feature",
                "domain": domains["dW"],
                "autorange": "reversed",
            },
            yaxis2={**category, "domain": domains["db"], "anchor": "x2"},
        ),
    )


def sample_costs(
    costs: np.ndarray,
    rows: np.ndarray,
    y: np.ndarray,
    predicted: np.ndarray,
    class_names: Sequence[str],
) -> go.Figure:
    """The cost -log A_i[y_i] of every training row, most costly first.

    costs, rows (their numbers in the data set), y and predicted are all (m,).
    One trace per true class, so each class keeps its colour and legend entry.
    """
    class_names = as_text(class_names)
    order = np.argsort(-np.nan_to_num(costs, nan=np.inf), kind="stable")
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)

    bars = []
    for j, class_name in enumerate(class_names):
        mine = y == j
        if not mine.any():
            continue
        guesses = [class_names[p] for p in predicted[mine]]
        bars.append(
            go.Bar(
                x=rank[mine],
                y=costs[mine],
                name=class_name,
                marker_color=class_color(j),
                customdata=np.column_stack([rows[mine], guesses]),
                hovertemplate=f"row %{{customdata[0]}}, {class_name}<br>"
                "predicted %{customdata[1]}<br>-log A_i[y_i] = %{y:.4g}"
                "<extra></extra>",
            )
        )
    return go.Figure(
        data=bars,
        layout=layout(
            height=340,
            barmode="overlay",
            bargap=0.1,
            xaxis={"title": "training rows, most costly first"},
            yaxis={"title": "cost  −log A<sub>i</sub>[y<sub>i</sub>]"},
        ),
    )


def lam_comparison(
    lams: Sequence[float],
    data_terms: Sequence[float],
    l2_terms: Sequence[float],
    chosen_lam: float,
) -> go.Figure:
    """The final cross-entropy and λ‖W‖² of several runs, stacked, one bar per λ.

    A run whose final terms are not finite diverged; its bar is labelled so.
    """
    labels = [
        f"λ = {lam:g}" + (" (sidebar)" if lam == chosen_lam else "") for lam in lams
    ]
    data_terms, l2_terms = np.asarray(data_terms, float), np.asarray(l2_terms, float)
    broken = ~(np.isfinite(data_terms) & np.isfinite(l2_terms))
    bars = [
        go.Bar(
            x=labels,
            y=np.where(broken, 0.0, values),
            name=name,
            marker_color=color,
            hovertemplate=f"%{{x}}<br>{name} = %{{y:.4g}}<extra></extra>",
        )
        for name, values, color in (
            ("cross-entropy", data_terms, DATA_TERM_COLOR),
            ("λ‖W‖²", l2_terms, L2_TERM_COLOR),
        )
    ]
    notes = [
        {"x": label, "y": 0, "text": "diverged", "showarrow": False, "yshift": 12}
        for label in np.array(labels)[broken]
    ]
    # Each bar's total above it, readable when one bar dwarfs the others.
    totals = data_terms + l2_terms
    notes += [
        {"x": label, "y": total, "text": number_text(total), "showarrow": False,
         "yshift": 10}
        for label, total, gone in zip(labels, totals, broken, strict=True)
        if not gone
    ]  # fmt: skip
    return go.Figure(
        data=bars,
        layout=layout(
            height=340,
            barmode="stack",
            legend={"traceorder": "normal"},
            annotations=notes,
            xaxis={"title": "L2 strength λ"},
            yaxis={"title": "final loss  J(W, b)"},
        ),
    )


def live_loss(run: Run, iterations: int) -> go.Figure:
    """The loss so far of a run still training, on an axis as long as the whole run."""
    fig = loss_curves({run.implementation: run}, log_y=run.diverged_at is not None)
    # Set in place: quicker than update_xaxes, which searches every x axis.
    fig.layout.xaxis.range = [0, iterations + 1]
    return fig


def latex_matrix(M: np.ndarray, digits: int = 3) -> str:
    """M (rows, columns), or a vector as one row, as a LaTeX bmatrix."""
    M = np.atleast_2d(np.asarray(M, dtype=float))
    rows = (" & ".join(_latex_number(v, digits) for v in row) for row in M)
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def update_latex(
    name: str,
    before: np.ndarray,
    grad: np.ndarray,
    after: np.ndarray,
    learning_rate: float,
    stacked: bool = False,
) -> str:
    """after = before - α · grad, with the numbers of one iteration filled in.

    name is the parameter's letter, W or b; the gradient is d + name. stacked
    puts the three matrices one under another, for a narrow screen or large
    type.
    """
    after = rf"\underbrace{{{latex_matrix(after)}}}_{{{name}\ \text{{after}}}}"
    before = rf"\underbrace{{{latex_matrix(before)}}}_{{{name}\ \text{{before}}}}"
    step = rf"{_latex_number(learning_rate, 3)} \cdot "
    grad = rf"\underbrace{{{latex_matrix(grad)}}}_{{d{name}}}"
    if stacked:
        return (
            rf"\begin{{aligned}} & {after} \\ = {{}} & {before} \\ "
            rf"- {step}{{}} & {grad} \end{{aligned}}"
        )
    return f"{after} = {before} - {step}{grad}"


def update_table(
    name: str,
    before: np.ndarray,
    grad: np.ndarray,
    after: np.ndarray,
    row_labels: Sequence[str],
    class_names: Sequence[str],
) -> pd.DataFrame:
    """One line per entry of W (n, k), or of b as (1, k): before, gradient, after.

    For when a matrix is too large to write out as LaTeX.
    """
    n, k = np.atleast_2d(before).shape
    return pd.DataFrame(
        {
            "feature": np.repeat(list(row_labels), k),
            "class": np.tile(list(class_names), n),
            f"{name} before": np.ravel(before),
            f"d{name}": np.ravel(grad),
            f"{name} after": np.ravel(after),
        }
    )


def number_text(value: float) -> str:
    """A number in 4 significant digits, with NaN and inf spelled out."""
    if np.isnan(value):
        return "NaN"
    if np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.4g}"


def _latex_number(value: float, digits: int) -> str:
    """A number for LaTeX: 1.23e+04 becomes 1.23 × 10^4; NaN and ∞ spelled out."""
    if np.isnan(value):
        return r"\text{NaN}"
    if np.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    mantissa, _, exponent = f"{value:.{digits}g}".partition("e")
    if not exponent:
        return mantissa
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"
