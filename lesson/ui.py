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
from lesson.figures.style import for_projector
from lesson.settings import Settings, beyond_floats, draw_sidebar, means
from softmax_core import Dataset, Problem, Run
from softmax_core.training import divergence_advice

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
    context = Context(settings, data.key, data.dataset)
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
  section[data-testid="stSidebar"] p { font-size: 1.15rem; }
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
    styled = data if isinstance(data, Styler) else frame.style.format(_short_number)
    # The larger text needs about half as much height again.
    st.table(
        styled,
        hide_index=hide_index,
        width=width,
        height=int(height * 1.5) if height else "content",
    )


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


@cache
def source_of(obj) -> str:
    """The running source of a function, so the page and the code never drift."""
    return inspect.getsource(obj)


def show_source(*objects, caption: str | None = None) -> None:
    """Show the source of the functions that compute what the page shows."""
    st.code("\n\n".join(source_of(obj) for obj in objects), language="python")
    if caption:
        st.caption(caption)


def trouble(run: Run, settings: Settings) -> tuple[str, str] | None:
    """("error" or "warning", a message) when a run broke or got worse; else None."""
    s = settings
    why, fix = divergence_advice(s.learning_rate, s.lam, s.standardize)
    if run.diverged_at is not None:
        return "error", (
            f"Training broke at iteration {run.diverged_at} of the "
            f"{run.implementation} run: from there the loss is no longer a finite "
            f"number. Why: {why}. {fix}"
        )
    if run.iterations > 1 and run.losses[-1] > run.losses[0]:
        _, fix = divergence_advice(s.learning_rate, 0.0, s.standardize)
        return "warning", (
            f"The loss of the {run.implementation} run rose from "
            f"{run.losses[0]:.4g} to {run.losses[-1]:.4g}: steps of "
            f"α = {s.learning_rate:g} overshoot the minimum and bounce across it. "
            f"{fix}"
        )
    return None


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
        if not math.isnan(number):
            nearest = round(min(max(number, low), high))
            if typed != str(nearest):
                st.session_state[key] = nearest
    return typed


def binding(typed: str | None) -> str | None:
    """bind= for a number box: none on the run whose link holds a number beyond
    every float, which Streamlit's number box cannot read (it raises)."""
    return None if typed is not None and beyond_floats(typed) else "query-params"


def say_if_not_taken(key: str, typed: str | None, value, takes: str) -> None:
    """A caption under a control whose value in the link it could not take."""
    if typed is not None and not means(typed, value):
        st.caption(
            f"The link's {key}={typed!r} is not a value this control takes "
            f"({takes}), so it shows {value}."
        )


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

    A choice kept from a longer run is pulled back inside this one.
    """
    if key not in st.session_state:
        st.session_state[key] = last
    keep_inside(key, 0, last)
    if last == 0:
        return 0
    return st.slider(label, min_value=0, max_value=last, key=key, help=help)
