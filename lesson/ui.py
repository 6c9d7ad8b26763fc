"""What every page shares: the context it works in, and how it shows things.

app.py calls `start()` once per rerun, before the page; a page calls `context()`
and gets the settings, the data and cached runs. Messages a person reads about a
run that went wrong are worded here, once.
"""

import gc
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from pandas.io.formats.style import Styler

from lesson import runs, upload
from lesson.figures import compare
from lesson.figures.style import for_projector
from lesson.settings import (
    Settings,
    bind_to_link,
    draw_sidebar,
    means,
    replace_in_link,
)
from lesson.text import plain
from softmax_core import Dataset, Problem, Run
from softmax_core.training import divergence_advice, loss_rose, penalty_holds_back

# torch, pandas and plotly leave hundreds of thousands of objects behind at import.
# Freezing them once keeps every later garbage collection from walking them all
# again (about 0.2 s each here); app.py's reruns re-import nothing.
gc.freeze()


@dataclass(frozen=True)
class Context:
    """The settings, the data they apply to, and the runs they produce."""

    settings: Settings
    dataset_key: str
    dataset: Dataset
    data_name: str = "Iris"  # as the sidebar names it: Wine, 'my file.csv'

    def problem(self) -> Problem:
        s = self.settings
        return runs.problem(
            self.dataset_key, self.dataset, s.seed, s.train_fraction, s.standardize
        )

    def run(self, implementation: str = "manual") -> Run:
        return runs.get_run(
            self.dataset_key, self.dataset, self.settings, implementation
        )


def start() -> None:
    """Draw the sidebar and keep the context for the page that runs next."""
    data = upload.choose_data()
    settings = draw_sidebar()
    data.warn_about_scales(settings.standardize)
    context = Context(settings, data.key, data.dataset, data.name)
    st.session_state["context"] = context
    if settings.lecture:
        st.html(LECTURE_CSS)
    # A small data set may not split at every train fraction; no page can run then.
    try:
        context.problem()
    except ValueError as error:
        st.error(
            f"These rows cannot be split into training and test rows: {error} "
            "The Train fraction is in the sidebar, under Data split and start."
        )
        st.stop()


def context() -> Context:
    return st.session_state["context"]


LECTURE_CSS = """
<style>
  .stMainBlockContainer p, .stMainBlockContainer li { font-size: 1.35rem; }
  .stMainBlockContainer h1 { font-size: 3rem; }
  .stMainBlockContainer code { font-size: 1.1rem; }
  .katex { font-size: 1.5em; }
  /* After the rule for p, which would otherwise shrink a metric's value. */
  .stMainBlockContainer [data-testid="stMetricValue"],
  .stMainBlockContainer [data-testid="stMetricValue"] * { font-size: 3rem; }
  .stMainBlockContainer [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
  section[data-testid="stSidebar"] .stElementContainer { margin-bottom: -0.6rem; }
  section[data-testid="stSidebar"] p,
  section[data-testid="stSidebar"] .stSelectbox input { font-size: 1.15rem; }
  .stMainBlockContainer .stSelectbox input { font-size: 1.3rem; }
  [data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
  [data-testid="stSliderTickBarMax"] { font-size: 1.1rem; }
  .stMainBlockContainer [data-testid="stTable"] th,
  .stMainBlockContainer [data-testid="stTable"] td { font-size: 1.3rem; }
</style>
"""


# Lecture mode draws a table of up to this many rows as HTML, which its CSS can
# enlarge; a longer one stays a scrolling st.dataframe.
LECTURE_TABLE_ROWS = 200


def show_table(
    data: pd.DataFrame | Styler | dict,
    *,
    height: int | None = None,
    hide_index: bool | None = None,
    width: str = "stretch",
    column_config: dict | None = None,
) -> None:
    """Show a table: st.dataframe, or in lecture mode one a projector can read.

    st.dataframe draws on a canvas whose font a page cannot enlarge, so in
    lecture mode a table of up to LECTURE_TABLE_ROWS rows is drawn with
    st.table instead, its numbers to six significant digits. column_config
    applies to st.dataframe only; height, when given, becomes a scrolling
    height in both.
    """
    frame = data.data if isinstance(data, Styler) else pd.DataFrame(data)
    if not context().settings.lecture or len(frame) > LECTURE_TABLE_ROWS:
        st.dataframe(
            data,
            height=height or "auto",
            hide_index=hide_index,
            width=width,
            column_config=column_config,
        )
        return
    # st.table reads its text as Markdown: names from a file print as typed.
    # (A Styler's own number format gives way to six significant digits.)
    frame = frame.map(lambda value: plain(value) if isinstance(value, str) else value)
    frame = frame.rename(index=plain, columns=plain)
    frame = frame.rename_axis(
        index=_plain_name(frame.index), columns=_plain_name(frame.columns)
    )
    # The larger text needs about half as much height again.
    st.table(
        frame.style.format(_short_number),
        hide_index=hide_index,
        width=width,
        height=int(height * 1.5) if height else "content",
    )


def _plain_name(axis: pd.Index) -> str | None:
    return None if axis.name is None else plain(axis.name)


def _short_number(value):
    """A float to six significant digits, as st.dataframe shows it; else as it is."""
    return f"{value:.6g}" if isinstance(value, float | np.floating) else value


def show_figure(fig: go.Figure, key: str | None = None, shared: bool = False) -> None:
    """Show a figure, enlarged for a projector in lecture mode.

    shared: the figure came from cached_figure, so it is enlarged as a copy.
    """
    if context().settings.lecture:
        fig = for_projector(go.Figure(fig) if shared else fig)
    st.plotly_chart(fig, key=key, config={"displaylogo": False})


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_figure(key: tuple, _build: Callable[[], go.Figure]) -> go.Figure:
    """The figure that _build makes, built once per key and shared by sessions.

    For a figure that most sliders leave as it is: moving them then costs no
    rebuild. key must name everything the figure shows.
    """
    return _build()


def columns(count: int, lecture_per_row: int = 1) -> list:
    """st.columns(count); in lecture mode, rows of lecture_per_row of them.

    On a 1024-pixel projector with the sidebar open, the larger type leaves
    too little width for charts, formulas and metric labels side by side.
    """
    if not context().settings.lecture or lecture_per_row >= count:
        return list(st.columns(count))
    if lecture_per_row == 1:
        return [st.container() for _ in range(count)]
    cells = []
    for _ in range(0, count, lecture_per_row):
        cells += st.columns(lecture_per_row)
    return cells[:count]


def latex(formula: str) -> None:
    """A display formula; in lecture mode its parts, the pieces between \\qquad,
    stand one under another, as the larger type would not fit them on one line
    of a 1024-pixel screen."""
    if context().settings.lecture and r"\qquad" in formula:
        lines = [part.strip() for part in formula.split(r"\qquad")]
        formula = r"\begin{gathered} " + r" \\[0.4em] ".join(lines) + r" \end{gathered}"
    st.latex(formula)


@cache
def source_of(obj) -> str:
    """The running source of a function, so the page and the code never drift."""
    return inspect.getsource(obj)


def show_source(*objects, caption: str | None = None) -> None:
    """Show the source of the functions that compute what the page shows."""
    # A projector cannot scroll sideways: in lecture mode long lines wrap.
    st.code(
        "\n\n".join(source_of(obj) for obj in objects),
        language="python",
        wrap_lines=context().settings.lecture,
    )
    if caption:
        st.caption(caption)


def trouble(run: Run, settings: Settings) -> tuple[str, str] | None:
    """("error" or "warning", a message) when a run broke or got worse; else None."""
    s = settings
    article_nn = s.article_nn and run.implementation == "nn"
    why, fix = divergence_advice(s.learning_rate, s.lam, s.standardize, article_nn)
    if run.diverged_at is not None:
        return "error", (
            f"Training broke at iteration {run.diverged_at} of the "
            f"{run.implementation} run: from there the loss is no longer a finite "
            f"number. Why: {why}. {fix}"
        )
    if loss_rose(run.losses):
        tenth = max(1, run.iterations // 10)
        rose = (
            f"The loss of the {run.implementation} run rose: it started at "
            f"{run.losses[0]:.4g}, and over the last {tenth} iteration"
            f"{'s' if tenth > 1 else ''} it averaged "
            f"{float(run.losses[-tenth:].mean()):.4g}"
        )
        if not penalty_holds_back(s.learning_rate, s.lam, article_nn):
            return "warning", f"{rose}: {why}. {fix}"
        _, fix = divergence_advice(s.learning_rate, 0.0, s.standardize)
        return "warning", (
            f"{rose}: steps of α = {s.learning_rate:g} overshoot the minimum and "
            f"bounce across it. {fix}"
        )
    return None


def agreement(runs: dict[str, Run], settings: Settings) -> tuple[str, str]:
    """("success", "info" or "warning", a message): how closely the three loss
    curves agree, or why they part."""
    s = settings
    gap = compare.largest_gap(runs)
    broke = any(run.diverged_at for run in runs.values())
    if gap is None:
        return "info", (
            "No iteration has a finite loss in two runs, so there is no gap to show."
        )
    where = f"({gap.pair[0]} and {gap.pair[1]}, iteration {gap.iteration}"
    if s.article_nn and s.lam > 0:
        nn, manual = runs["nn"], runs["manual"]
        if not broke:
            ends = (
                f"nn ends at J = {nn.losses[-1]:.4g}, the others at "
                f"{manual.losses[-1]:.4g}"
            )
        else:
            # A loss that is inf or NaN says nothing; the last finite ones do.
            ends = (
                f"nn's last finite J is {nn.losses[nn.finite_iterations - 1]:.4g}, "
                f"manual's {manual.losses[manual.finite_iterations - 1]:.4g}, and "
                "training broke (the message at the top says where)"
            )
        return "info", (
            f"The curves part: {ends}. The largest gap is {gap.value:.3g}, at "
            f"iteration {gap.iteration}. The article's nn settings are on."
        )
    if broke and gap.relative < 1e-4:
        return "info", (
            f"All three broke the same way: up to their last finite losses the "
            f"largest gap between any two is {gap.value:.2g} {where}), "
            f"{gap.relative:.1g} of the loss there. The loss itself grew without "
            "bound, so the agreement says nothing about a good fit; the message at "
            "the top says what to change."
        )
    if gap.value == 0:
        return "success", (
            "The three curves are identical: at every iteration the three losses "
            "are the same float32 number, to the last bit."
        )
    if gap.relative < 1e-4:
        return "success", (
            "The three curves lie on top of each other; the dashes keep all three "
            f"visible. The largest gap between any two is {gap.value:.2g} {where}, "
            f"{gap.relative:.1g} of the loss there): float32 rounding, because each "
            "adds up the same products in a different order."
        )
    return "warning", (
        f"The curves drift apart: the largest gap is {gap.value:.3g} {where}). "
        f"With steps of α = {s.learning_rate:g} the loss bounces, and each bounce "
        "enlarges the float32 rounding differences between the three."
    )


def last_finite_caption(run: Run, shows: str) -> None:
    """Under a figure of a run that broke: which W and b it shows instead.

    shows begins the sentence: "The diagram shows", "The slider ends at".
    """
    t = run.last_finite
    which = "the starting W and b" if t == 0 else f"W and b after iteration {t}"
    st.caption(
        f"{shows} {which}, the last with a finite loss: training broke at "
        f"iteration {run.diverged_at}, where the loss stopped being a finite number."
    )


def show_trouble(run: Run) -> None:
    """Say, above the figures, that a run broke or got worse, and what to try."""
    found = trouble(run, context().settings)
    if found:
        level, message = found
        (st.error if level == "error" else st.warning)(message)


def typed_in_link(
    key: str, low: int | None = None, high: int | None = None
) -> str | None:
    """The link's text for a page's control, before the control's first draw.

    After that first draw the control holds what the person chose, and the URL
    follows it, so only the link a page was opened with is read. For a control
    of whole numbers from low to high, a number it cannot take (99999, inf,
    12.0) becomes the nearest whole number it can, as the sidebar's do.
    """
    if key in st.session_state:
        return None
    typed = st.query_params.get(key)
    if typed is not None and low is not None and high is not None:
        try:
            number = float(typed)
        except ValueError:
            number = math.nan
        if math.isnan(number):
            # No number (nan, text): the control shows its own value, and the
            # URL is cleared as a bound control clears text it cannot read.
            replace_in_link({key: None})
        else:
            nearest = round(min(max(number, low), high))
            if typed != str(nearest):
                st.session_state[key] = nearest
                replace_in_link({key: nearest})
    return typed


def say_if_not_taken(key: str, typed: str | None, value, takes: str) -> None:
    """A caption under a control whose value in the link it could not take."""
    if typed is not None and not means(typed, value):
        st.caption(
            f"The link's {key}={plain(repr(typed))} is not a value this control "
            f"takes ({plain(takes)}), so it shows {plain(value)}."
        )


def feature_pair(names: list[str]) -> tuple[str, str]:
    """The two features a page plots first: on Iris the petal columns, which
    separate the species best; on other data the first two."""
    petal = [name for name in names if "petal" in name.lower()]
    first, second = petal[:2] if len(petal) >= 2 else names[:2]
    return first, second


def pair_in_link(typed: list[str], low: int, high: int) -> tuple[int, int] | None:
    """The pair of whole numbers a link gives a range slider, if it can take it.

    typed is the link's texts for the key, as st.query_params.get_all gives them;
    None unless they are two whole numbers, in order, from low to high.
    """
    try:
        first, last = (int(text) for text in typed)
    except ValueError:
        return None
    return (first, last) if low <= first <= last <= high else None


def keep_inside(key: str, low: int, high: int) -> None:
    """Pull a control's kept value, or pair of values, back inside low..high.

    The run or the data may have shrunk since the value was chosen (fewer
    iterations, a smaller upload), and Streamlit refuses a value outside a
    control's range with an error. Call it before drawing the control.
    """
    value = st.session_state.get(key)
    if value is None:
        return
    inside = (
        tuple(min(max(v, low), high) for v in value)
        if isinstance(value, (tuple, list))
        else min(max(value, low), high)
    )
    if inside != (tuple(value) if isinstance(value, list) else value):
        st.session_state[key] = inside


def iteration_slider(label: str, key: str, last: int, help: str) -> int:
    """A slider over the iterations 0..last that opens at the end of the run.

    It follows the end of the run while it is there (more iterations, another
    α), and holds an iteration a person chose, pulled back inside a shorter
    run. Bound to the URL, with the end of the run as its default, so a link
    carries a chosen iteration and no key for the end.
    """
    shown = f"{key}_shown"  # (iteration, last iteration) as drawn last time
    typed = None
    if shown not in st.session_state:
        typed = typed_in_link(key, 0, last)  # sets a number it had to change
    else:
        t, end = st.session_state[shown]
        now = st.session_state.get(key)
        moved = now is not None and now != t
        # A new run (its range changed) or a return from another page, where
        # Streamlit dropped the slider: the end of the run if it was there,
        # else the iteration the person chose.
        if not moved and (now is None or end != last):
            st.session_state[key] = last if t == end else min(t, last)
    keep_inside(key, 0, last)
    if last == 0:
        return 0
    t = st.slider(
        label, min_value=0, max_value=last, value=last, key=key, help=help,
        bind=bind_to_link(key),
    )  # fmt: skip
    st.session_state[shown] = (t, last)
    say_if_not_taken(key, typed, t, f"a whole number from 0 to {last}")
    return t
