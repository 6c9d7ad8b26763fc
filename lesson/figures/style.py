"""Colours and sizes shared by every figure, so a class or an implementation
has one colour on every page."""

import html
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

IMPLEMENTATION_COLORS = {
    "manual": "#1f6feb",
    "autograd": "#e8590c",
    "nn": "#2b8a3e",
}
# Dash patterns let curves that lie exactly on top of each other stay visible.
IMPLEMENTATION_DASHES = {"manual": "solid", "autograd": "dash", "nn": "dot"}

# Twenty distinguishable colours; class j is always CLASS_COLORS[j % 20].
CLASS_COLORS = (
    "#4263eb", "#f08c00", "#2f9e44", "#e03131", "#9c36b5",
    "#0c8599", "#d6336c", "#5c940d", "#1098ad", "#f76707",
    "#364fc7", "#c2255c", "#087f5b", "#e67700", "#6741d9",
    "#74b816", "#a61e4d", "#1971c2", "#862e9c", "#495057",
)  # fmt: skip

# The loss's two terms, in every chart that splits it.
DATA_TERM_COLOR = "#1f6feb"
L2_TERM_COLOR = "#c2255c"

# Every chart marks a held-out test row the same way: a diamond, outlined.
TRAIN_SYMBOL = "circle"
TEST_SYMBOL = "diamond"

MAX_POINTS = 500
# A log axis labels at most about this many powers of ten.
MAX_LOG_LABELS = 8


def class_color(j: int) -> str:
    return CLASS_COLORS[j % len(CLASS_COLORS)]


def as_text(names: Sequence[str], width: int | None = None) -> list[str]:
    """Names from a data file as Plotly should print them, character for character.

    Plotly reads text as a little HTML: a column named "<b>x</b>" would be drawn
    bold, and "a &lt; b" as "a < b". Escaped, every name prints as it was typed.
    width, if given, cuts a longer name to width characters, ending in "…".
    """
    cut = [
        name if width is None or len(name) <= width else name[: width - 1] + "…"
        for name in map(str, names)
    ]
    return [html.escape(name, quote=False) for name in cut]


def line_mode(points: int) -> str:
    """Plotly's mode for a curve of this many points: a lone point has no line
    to draw, so it gets a marker, or a run of one iteration would show nothing."""
    return "lines+markers" if points == 1 else "lines"


def layout(title: str | None = None, height: int = 380, **more) -> dict:
    """The layout every figure shares, compact margins and the legend below,
    with `more` laid over it (a nested dict such as margin is merged, not
    replaced), for a figure built in one call:

        go.Figure(data=traces, layout=layout(height=320, xaxis={...}))

    Plotly checks every property either way, but adding traces and updating the
    layout one call at a time took 2 to 4 times as long as this. No Plotly
    template: Streamlit's chart theme styles the figure in the browser, and
    validating a template costs about 20 ms per figure here.
    """
    shared = {
        "title": title,
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 50 if title else 20, "b": 50},
        "legend": {"orientation": "h", "y": -0.2},
        "hovermode": "closest",
        # 5e-4, not Plotly's "500µ": SI prefixes are no way to write a gradient.
        "xaxis": {"exponentformat": "e"},
        "yaxis": {"exponentformat": "e"},
    }
    return merged(shared, more)


def iteration_axis(last: int) -> dict:
    """Plotly settings for an axis of iterations that ends at `last`.

    Plotly would label a run of one or two iterations at 0.2, 0.4, ...; up to
    10 iterations every whole number is labelled instead, and beyond that
    Plotly's own steps are whole numbers already.
    """
    axis = {"title": "iteration"}
    if last <= 10:
        axis["dtick"] = 1
    return axis


def log_axis(values: list[np.ndarray]) -> dict:
    """Plotly settings for a log axis over these values: powers of ten only.

    Plotly's minor labels (2, 5) read as values, so only powers of ten are
    labelled; over a diverging run's 40 decades every one would overlap the
    next, so then only every second, fifth, ... power is.
    """
    positive = [v[np.isfinite(v) & (v > 0)] for v in values]
    positive = np.concatenate(positive) if positive else np.array([])
    # The difference of logs: a ratio of float32 extremes such as 3e38 / 1e-10
    # would overflow to inf.
    logs = np.log10(positive.astype(np.float64))
    decades = logs.max() - logs.min() if len(positive) else 0.0
    if 0 < decades < 2:
        # Within a decade or two, powers of ten alone leave one label or none.
        ticks = _log_ticks(logs.min(), logs.max())
        if ticks:
            return {
                "type": "log",
                "tickvals": ticks,
                "ticktext": [f"{t:g}" for t in ticks],
            }
    return {
        "type": "log",
        "dtick": max(1, math.ceil(decades / MAX_LOG_LABELS)),
        "exponentformat": "power",
    }


def _log_ticks(low: float, high: float) -> list[float]:
    """Round values between 10**low and 10**high: 1, 2, 5 times a power of ten,
    or every digit where that gives fewer than three; [] if even that does."""
    powers = range(math.floor(low), math.ceil(high) + 1)
    for mantissas in ((1, 2, 5), range(1, 10)):
        ticks = [float(f"{m}e{p}") for p in powers for m in mantissas]
        ticks = [t for t in ticks if 10**low <= t <= 10**high]
        if len(ticks) >= 3:
            return ticks
    return []


def merged(base: dict, more: dict) -> dict:
    """base with more laid over it; dicts in both are merged key by key."""
    result = dict(base)
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = value
    return result


def for_projector(fig: go.Figure) -> go.Figure:
    """Lecture mode: bigger text, thicker lines and bigger markers.

    The numbers in heatmap cells keep Plotly's own size: up to the larger font
    where a cell has room, smaller where it has not (a projector at 1024
    pixels), rather than a fixed size that overlaps in narrow cells.
    """
    fig.update_layout(
        font={"size": 20},
        title_font_size=22,
        legend_font_size=18,
        hoverlabel_font_size=18,
        height=(fig.layout.height or 380) + 80,
    )
    # Plotly shrinks a bar's number to the bar's width; a projector needs it
    # at one readable size, even where it runs wider than a thin bar.
    # A figure that chose its own rule (hide what does not fit) keeps it.
    bar_numbers = any(bar.type == "bar" and bar.text is not None for bar in fig.data)
    if bar_numbers and fig.layout.uniformtext.mode is None:
        fig.update_layout(uniformtext_minsize=16, uniformtext_mode="show")
    # Streamlit's chart theme sets the axis fonts itself; set them explicitly.
    fig.update_xaxes(tickfont_size=18, title_font_size=20)
    fig.update_yaxes(tickfont_size=18, title_font_size=20)
    # The probability triangle's three axes, where a figure has one.
    if any(trace.type == "scatterternary" for trace in fig.data):
        fig.update_ternaries(
            **{
                f"{axis}_{part}_size": size
                for axis in ("aaxis", "baxis", "caxis")
                for part, size in (("tickfont", 16), ("title_font", 20))
            }
        )
    fig.for_each_trace(_thicken)
    return fig


def _thicken(trace) -> None:
    if trace.type in ("scatter", "scatterternary"):
        trace.line.width = max(trace.line.width or 2, 2) * 2
        if not isinstance(trace.marker.size, tuple):
            trace.marker.size = (trace.marker.size or 6) * 1.6
