"""The shared controls in the sidebar, and the settings they produce.

Every widget is bound to the URL (bind="query-params"), so a link carries the
state: a lecturer can hand out exactly what is on the projector. The sidebar is
drawn by app.py on every rerun, before the page, so its values hold when a person
moves between pages.
"""

import math
import sys
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException

from lesson.text import plain

# Log-spaced 1-2-5 steps: a select slider shows exactly the value that is used,
# where a float slider would snap to min + k * step and show rounded numbers.
LEARNING_RATES = tuple(
    round(mantissa * 10.0**exponent, 6)
    for exponent in range(-4, 2)
    for mantissa in (1, 2, 5)
    if mantissa * 10.0**exponent <= 10
)
LAMS = (0.0,) + tuple(
    round(mantissa * 10.0**exponent, 6)
    for exponent in range(-4, 1)
    for mantissa in (1, 2, 5)
    if mantissa * 10.0**exponent <= 1
)
TRAIN_FRACTIONS = tuple(round(0.05 * i, 2) for i in range(10, 20))
MAX_ITERATIONS = 5000
# The core takes any 64-bit seed; the sidebar's box takes 32-bit ones, which a
# link and a browser's numbers (exact only up to 2**53) carry without rounding.
SEED_RANGE = (-(2**31), 2**31 - 1)

DEFAULTS = {
    "learning_rate": 0.1,
    "lam": 0.01,
    "iterations": 250,
    "seed": -999,
    "train_fraction": 0.8,
    "standardize": False,
    "article_nn": False,
    "lecture": False,
}


@dataclass(frozen=True)
class Settings:
    """What the sidebar says, in the lesson's names: plain numbers, cache-friendly."""

    learning_rate: float = DEFAULTS["learning_rate"]
    lam: float = DEFAULTS["lam"]
    iterations: int = DEFAULTS["iterations"]
    seed: int = DEFAULTS["seed"]
    train_fraction: float = DEFAULTS["train_fraction"]
    standardize: bool = DEFAULTS["standardize"]
    article_nn: bool = DEFAULTS["article_nn"]
    lecture: bool = DEFAULTS["lecture"]


def _number(value: float) -> str:
    return f"{value:g}"


def _steps(options: tuple[float, ...]) -> str:
    """A select slider's options in a few words: 'one of 0.1, 0.2, ... up to 10'."""
    shown = ", ".join(_number(value) for value in options[:3])
    return f"one of {shown}, ... up to {_number(options[-1])}"


# The controls that take numbers: those with a few options, those with a range.
OPTIONS = {
    "learning_rate": LEARNING_RATES,
    "lam": LAMS,
    "train_fraction": TRAIN_FRACTIONS,
}
RANGES = {"iterations": (1, MAX_ITERATIONS), "seed": SEED_RANGE}

# Where the session keeps what the sidebar says of the link it opened with.
LINK_NOTICE = "link_notice"

# What each control takes, for a link whose value it cannot.
ALLOWED = {
    "learning_rate": _steps(LEARNING_RATES),
    "lam": _steps(LAMS),
    "iterations": f"a whole number from 1 to {MAX_ITERATIONS}",
    "seed": f"a whole number from {SEED_RANGE[0]} to {SEED_RANGE[1]}",
    "train_fraction": _steps(TRAIN_FRACTIONS),
    **{key: "true or false" for key in ("standardize", "article_nn", "lecture")},
}


def _link_values() -> tuple[dict[str, str], dict[str, list[str]]]:
    """The values the page's URL gives the sidebar's controls, as typed.

    Returns the keys given once, with their text, and the keys given more than
    once, with all of theirs (a link pasted onto another: ?lam=0.1&lam=1).
    """
    given = {key: st.query_params.get_all(key) for key in DEFAULTS}
    once = {key: texts[0] for key, texts in given.items() if len(texts) == 1}
    repeated = {key: texts for key, texts in given.items() if len(texts) > 1}
    return once, repeated


def means(typed: str, value) -> bool:
    """Whether a URL's text stands for the value a control ended up with."""
    if isinstance(value, str):
        return typed == value
    try:
        if isinstance(value, bool):
            return typed.strip().lower() == str(value).lower()
        if isinstance(value, int):
            return float(typed) == value  # 250.0 and +250 mean 250 too
        return math.isclose(float(typed), value)
    except ValueError:
        return False


def _nearest(key: str, typed: str) -> float | int | None:
    """The value a control takes that is nearest a link's number, if it is one.

    The rates and λ are spaced by ratio (0.1, 0.2, 0.5, 1), so nearest means
    nearest on a log scale; the train fraction, iterations and seed are nearest
    as plain numbers. A number beyond a control's range gets its end. Text that
    is no number, or a switch's value, gets None.
    """
    try:
        number = float(typed)
    except ValueError:
        return None
    if math.isnan(number):
        return None
    # inf, 1e400 and numbers of 400 digits become the largest float there is.
    number = max(min(number, sys.float_info.max), -sys.float_info.max)
    if key in RANGES:
        low, high = RANGES[key]
        return round(min(max(number, low), high))
    if key not in OPTIONS:
        return None
    options = OPTIONS[key]
    if key == "train_fraction":
        return min(options, key=lambda option: abs(option - number))
    if number <= 0:
        return options[0]
    positive = [option for option in options if option > 0]
    return min(positive, key=lambda option: abs(math.log(option) - math.log(number)))


def _url_text(key: str, value: float | int) -> str:
    """How a control writes its value in the URL; the only spelling it reads."""
    return _number(value) if key in OPTIONS else str(int(value))


def _snapped(typed: dict[str, str]) -> dict[str, float | int]:
    """For each link value the controls cannot take, the nearest they can.

    A number spelt another way than the control writes it (1.0 for 1, .5 for
    0.5, 250.0 for 250) is one the control cannot read either: it gets its
    value here, and, as it means that value, the sidebar says nothing of it.
    """
    nearest = {key: _nearest(key, text) for key, text in typed.items()}
    return {
        key: value
        for key, value in nearest.items()
        if value is not None and typed[key] != _url_text(key, value)
    }


# The controls whose link value this run replaced, and left unbound.
REPLACED = "replaced_in_link"


def replace_in_link(values: dict[str, float | int | None]) -> None:
    """Write in the URL what a link's values were replaced with (None: take
    the key out), for controls that then stay unbound for this run (see
    bind_to_link).

    Streamlit's controls write the URL only when a person moves them: a value
    set for them in code leaves the link's old text (or none) in the address
    bar, and a copy of it would open another state. Call it before the
    controls are drawn, on the run that reads the link: on later runs the
    server's copy of the URL lags behind what the controls wrote in it, and a
    write would put older values back.
    """
    for key, value in values.items():
        try:
            if value is None:
                st.query_params.pop(key, None)
            else:
                st.query_params[key] = _url_text(key, value)
        except StreamlitAPIException:
            continue  # a control drawn before in this session owns the key
    st.session_state[REPLACED] = st.session_state.get(REPLACED, set()) | set(values)


def bind_to_link(key: str) -> str | None:
    """bind= for a control: none on the run that replaced its link value.

    Bound, it would clear the value just written, and Streamlit's number box
    raises on a link number beyond every float (seed=inf).
    """
    return None if key in st.session_state.get(REPLACED, ()) else "query-params"


def rebind_replaced() -> set[str]:
    """Call first on every run: the controls left unbound on the run before
    are bound from now on, and take their value as set in code, which makes
    Streamlit bring the URL up to date and leave the link's old text unread.
    Returns the keys of those controls.
    """
    keys = {
        key for key in st.session_state.pop(REPLACED, ()) if key in st.session_state
    }
    for key in keys:
        st.session_state[key] = st.session_state[key]
    return keys


def beyond_floats(text: str) -> bool:
    """Whether a link's number is beyond every float (inf, 1e400, 400 digits)."""
    try:
        return not math.isfinite(float(text))
    except ValueError:
        return False


def _link_notice(
    typed: dict[str, str], repeated: dict[str, list[str]], settings: Settings
) -> str:
    """What the sidebar says of the link's values the controls could not take."""
    items = [
        f"- {key} is in the link {len(texts)} times "
        f"({plain(', '.join(map(repr, texts)))}); it uses "
        f"{_shown(getattr(settings, key))}"
        for key, texts in repeated.items()
    ]
    for key, text in typed.items():
        value = getattr(settings, key)
        if means(text, value):
            continue
        # A number was replaced by one the control takes; text, by its value.
        verb = "uses" if _nearest(key, text) is not None else "shows"
        items.append(f"- {key}={plain(repr(text))}: it takes {ALLOWED[key]}; "
                     f"it {verb} {_shown(value)}")  # fmt: skip
    if not items:
        return ""
    return "Not every value in the link could be used as it is:\n" + "\n".join(items)


def _shown(value) -> str:
    return _number(value) if isinstance(value, float) else str(value)


def draw_sidebar() -> Settings:
    """Draw the training controls in the sidebar and return their values."""
    # The controls keep their values in the session; before the first run of a
    # session (a link opened, a reload) there are none yet, and the URL's
    # values are the link's. After that the controls hold what the person chose.
    rebound = rebind_replaced()
    opening = "learning_rate" not in st.session_state
    typed, repeated = _link_values() if opening else ({}, {})
    # Streamlit drops a URL value a control cannot take. A number becomes the
    # nearest one the control takes (learning_rate=0.3 gives 0.2), set before
    # the controls are drawn; the sidebar says what happened to each.
    snapped = _snapped(typed)
    st.session_state.update(snapped)
    # seed=nan is no number, and Streamlit's number box cannot read it.
    cleared = [] if "seed" in snapped else ["seed"]
    cleared = [key for key in cleared if beyond_floats(typed.get(key, ""))]
    replace_in_link({**snapped, **dict.fromkeys(cleared)})

    def default(key: str):
        # A control whose value was just set in code takes no default of its
        # own, which Streamlit would warn about.
        return None if key in snapped or key in rebound else DEFAULTS[key]

    with st.sidebar:
        st.header("Training")
        notice = st.empty()
        learning_rate = st.select_slider(
            "Learning rate α",
            options=LEARNING_RATES,
            value=default("learning_rate"),
            format_func=_number,
            key="learning_rate",
            bind=bind_to_link("learning_rate"),
            help="The step size of gradient descent: W ← W - α·dW.",
        )
        lam = st.select_slider(
            "L2 strength λ",
            options=LAMS,
            value=default("lam"),
            format_func=_number,
            key="lam",
            bind=bind_to_link("lam"),
            help="The weight of the penalty λ‖W‖² in the loss.",
        )
        iterations = st.slider(
            "Iterations",
            min_value=1,
            max_value=MAX_ITERATIONS,
            value=default("iterations"),
            key="iterations",
            bind=bind_to_link("iterations"),
            help="Moving only this never retrains: a shorter run is the start "
            "of a longer one.",
        )
        with st.expander("Data split and start", expanded=False):
            seed = st.number_input(
                "Seed",
                min_value=SEED_RANGE[0],
                max_value=SEED_RANGE[1],
                value=default("seed"),
                step=1,
                key="seed",
                # Streamlit's number box breaks on a seed beyond every float
                # (seed=inf); on the run that opens such a link it reads none.
                bind=bind_to_link("seed"),
                help="Seeds the shuffle of the rows and the random start W, b. "
                "-999 is the article's.",
            )
            train_fraction = st.select_slider(
                "Train fraction",
                options=TRAIN_FRACTIONS,
                value=default("train_fraction"),
                format_func=_number,
                key="train_fraction",
                bind=bind_to_link("train_fraction"),
                help="The share of the shuffled rows used for training; the "
                "rest are held out for testing.",
            )
        standardize = st.toggle(
            "Standardize features",
            value=DEFAULTS["standardize"],
            key="standardize",
            bind=bind_to_link("standardize"),
            help="Centre and scale each feature by the mean and standard "
            "deviation of the training rows. Off in the article.",
        )
        article_nn = st.toggle(
            "The article's nn settings",
            value=DEFAULTS["article_nn"],
            key="article_nn",
            bind=bind_to_link("article_nn"),
            help="weight_decay = λ on the weight and the bias, as the article "
            "had it. Off: weight_decay = 2λ on the weight only, which matches "
            "the loss of the other two implementations.",
        )
        lecture = st.toggle(
            "Lecture mode",
            value=DEFAULTS["lecture"],
            key="lecture",
            bind=bind_to_link("lecture"),
            help="Larger text, thicker lines and bigger markers for a projector.",
        )
    settings = Settings(
        learning_rate=float(learning_rate),
        lam=float(lam),
        iterations=int(iterations),
        seed=int(seed),
        train_fraction=float(train_fraction),
        standardize=bool(standardize),
        article_nn=bool(article_nn),
        lecture=bool(lecture),
    )
    # Said of the link the session opened with, until a control is moved. On
    # later runs the URL can lag behind a control moved quickly, and comparing
    # the two would report values the person chose as ones the link got wrong.
    if opening:
        notice_text = _link_notice(typed, repeated, settings)
        st.session_state[LINK_NOTICE] = (notice_text, settings)
    text, opened_with = st.session_state.get(LINK_NOTICE, ("", None))
    if text and settings == opened_with:
        notice.warning(text)
    return settings
