"""The shared sidebar: its values hold while a person moves between pages."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import lesson.settings as settings_module
from tests.conftest import APP_TIMEOUT
from tests.pagetools import visit

ROOT = Path(__file__).resolve().parents[1]
PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())


def test_sidebar_values_hold_across_every_page(open_page):
    at = open_page()
    at.select_slider(key="learning_rate").set_value(0.5).run()
    at.select_slider(key="lam").set_value(0.001).run()
    at.slider(key="iterations").set_value(400).run()
    at.toggle(key="standardize").set_value(True).run()

    for page in PAGES:
        visit(at, page)
        settings = at.session_state["context"].settings
        assert (settings.learning_rate, settings.lam) == (0.5, 0.001), page
        assert (settings.iterations, settings.standardize) == (400, True), page
        assert at.slider(key="iterations").value == 400, page


def test_every_page_is_listed_and_exists():
    assert len(PAGES) == 12
    for page in PAGES:
        assert (ROOT / page).is_file(), page


def open_link(**query) -> AppTest:
    """The app opened from a link whose URL carries these values."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def test_a_link_sets_the_sidebar_without_a_notice():
    at = open_link(learning_rate="0.5", lam="0", iterations="400", standardize="true")

    settings = at.session_state["context"].settings
    assert (settings.learning_rate, settings.lam) == (0.5, 0.0)
    assert (settings.iterations, settings.standardize) == (400, True)
    assert not at.sidebar.warning


def test_a_link_with_values_the_controls_cannot_take_says_which():
    at = open_link(
        learning_rate="abc", lam="0.01", iterations="99999", standardize="maybe"
    )

    assert not at.exception
    settings = at.session_state["context"].settings
    # abc is no number: the default. 99999 is beyond the slider: its end.
    assert (settings.learning_rate, settings.iterations) == (0.1, 5000)
    [notice] = [w.value for w in at.sidebar.warning]
    assert notice.startswith("Not every value in the link could be used as it is:")
    assert "- learning_rate='abc': it takes one of 0.0001," in notice
    assert "; it shows 0.1\n" in notice
    assert (
        "- iterations='99999': it takes a whole number from 1 to 5000; it uses 5000"
    ) in notice
    assert "- standardize='maybe': it takes true or false; it shows False" in notice
    # lam=0.01 is a value the control takes: nothing said of it.
    assert "lam=" not in notice

    # Once the sidebar is moved, the URL holds what the controls show: no notice.
    at.slider(key="iterations").set_value(300).run()
    assert not at.sidebar.warning


def test_a_link_number_between_the_options_takes_the_nearest_one():
    at = open_link(
        learning_rate="0.3", lam="-1", train_fraction="0.93", seed="1e20",
        iterations="0",
    )  # fmt: skip

    assert not at.exception
    settings = at.session_state["context"].settings
    # 0.3 is nearer 0.2 than 0.5 on a log scale (a ratio of 1.5 against 1.67).
    assert settings.learning_rate == 0.2
    assert settings.lam == 0.0
    assert settings.train_fraction == 0.95
    assert (settings.seed, settings.iterations) == (2**31 - 1, 1)
    assert at.select_slider(key="learning_rate").value == 0.2
    [notice] = [w.value for w in at.sidebar.warning]
    assert "- learning_rate='0.3': it takes one of" in notice
    assert "; it uses 0.2\n" in notice
    assert "- seed='1e20': it takes a whole number" in notice
    # The URL now says what is used, so a copy of it opens the same state.
    used = {"learning_rate": "0.2", "lam": "0", "train_fraction": "0.95",
            "seed": "2147483647", "iterations": "1"}  # fmt: skip
    assert {key: at.query_params[key] for key in used} == used

    # The person's own choice then holds, whatever the link said.
    at.select_slider(key="learning_rate").set_value(1.0).run()
    assert at.session_state["context"].settings.learning_rate == 1.0


@pytest.mark.parametrize(
    "key, typed, nearest",
    [
        ("learning_rate", "0.0003", 0.0002),
        ("learning_rate", "0.0004", 0.0005),
        ("learning_rate", "1e9", 10.0),
        ("learning_rate", "-3", 0.0001),
        ("lam", "0.00001", 0.0001),
        ("lam", "0", 0.0),
        ("train_fraction", "0.1", 0.5),
        ("iterations", "inf", 5000),
        ("learning_rate", "inf", 10.0),
        ("lam", "1e400", 1.0),
        ("seed", "9" * 400, 2**31 - 1),
        ("learning_rate", "-inf", 0.0001),
        ("iterations", "2.4", 2),
        ("seed", "-1e20", -(2**31)),
        ("learning_rate", "nan", None),
        ("learning_rate", "fast", None),
        ("standardize", "1", None),
    ],
)
def test_the_nearest_value_a_control_takes(key, typed, nearest):
    assert settings_module._nearest(key, typed) == nearest


@pytest.mark.parametrize(
    "query",
    [
        {"seed": "inf"},
        {"seed": "1e400"},
        {"seed": "9" * 400},
        {"lam": "inf"},
        {"learning_rate": "1e400"},
        {"learning_rate": "9" * 5000},
    ],
    ids=["seed-inf", "seed-1e400", "seed-400-digits", "lam-inf", "rate-1e400",
         "rate-5000-digits"],
)  # fmt: skip
def test_a_link_number_beyond_every_float_takes_the_end_of_the_range(query):
    # These once broke every page: math.log(0) in the snapping, and Streamlit's
    # number box converting inf to an integer.
    at = open_link(**query)

    assert not at.exception
    [(key, text)] = query.items()
    largest = {"seed": 2**31 - 1, "lam": 1.0, "learning_rate": 10.0}[key]
    assert getattr(at.session_state["context"].settings, key) == largest
    [notice] = [w.value for w in at.sidebar.warning]
    assert f"- {key}={text!r}: it takes" in notice
    # The next rerun keeps it, and the page still draws.
    at.slider(key="iterations").set_value(100).run()
    assert not at.exception
    assert getattr(at.session_state["context"].settings, key) == largest


def test_a_number_spelt_another_way_is_the_same_number():
    at = open_link(
        learning_rate="1.0", lam="0.10", train_fraction=".5", iterations="250.0",
        seed="+7",
    )  # fmt: skip

    assert not at.exception
    settings = at.session_state["context"].settings
    assert (settings.learning_rate, settings.lam) == (1.0, 0.1)
    assert (settings.train_fraction, settings.iterations) == (0.5, 250)
    assert settings.seed == 7
    # Each means a value the control takes, so there is nothing to say.
    assert not at.sidebar.warning


def test_a_key_given_twice_in_a_link_says_which_value_is_used():
    at = open_link(lam=["0.1", "1"])

    assert not at.exception
    used = at.session_state["context"].settings.lam
    [notice] = [w.value for w in at.sidebar.warning]
    assert f"- lam is in the link 2 times ('0.1', '1'); it uses {used:g}" in notice


def test_later_runs_say_nothing_of_a_url_that_lags_behind_the_controls():
    # Moved quickly, a control can be ahead of the URL a rerun reads: only the
    # link a session opens with is checked.
    at = open_link(learning_rate="0.5")
    assert not at.sidebar.warning

    at.query_params["train_fraction"] = "0.65"
    at.run()

    assert not at.sidebar.warning
    assert at.session_state["context"].settings.train_fraction == 0.8


@pytest.mark.parametrize(
    "page, key, typed, takes, shows",
    [
        # A number outside the range gets its nearer end, as in the sidebar.
        ("chapters/descent.py", "descent_iteration", "999", "1 to 250", "250"),
        ("chapters/three_ways.py", "three_iteration", "0", "1 to 250", "1"),
        ("chapters/forward.py", "forward_sample", "500", "0 to 119", "119"),
        ("chapters/softmax.py", "softmax_sample", "-3", "0 to 149", "0"),
        ("chapters/forward.py", "forward_sample", "1e400", "0 to 119", "119"),
        ("chapters/softmax.py", "softmax_sample", "inf", "0 to 149", "149"),
        ("chapters/descent.py", "descent_iteration", "fast", "1 to 250", "1"),
        ("chapters/data.py", "data_x", "Nope", "a feature", "PetalLengthCm"),
        ("chapters/regions.py", "regions_y", "Nope", "a feature", "PetalWidthCm"),
        ("chapters/export.py", "export_implementation", "foo", "manual,", "manual"),
    ],
)
def test_a_page_says_which_of_its_link_values_it_could_not_take(
    page, key, typed, takes, shows
):
    at = open_link(**{key: typed})
    at.switch_page(page).run()

    assert not at.exception
    [said] = [c.value for c in at.caption if "The link's" in c.value]
    assert said.startswith(f"The link's {key}='{typed}' is not a value this control")
    assert takes in said and said.endswith(f"so it shows {shows}.")
    # Nothing else is said: no warning from Streamlit about the value it was given.
    assert not at.warning
    assert str(at.session_state[key]) == shows


def test_a_page_says_nothing_of_link_values_it_took():
    at = open_link(descent_iteration="7.0", data_x="SepalWidthCm")
    for page in ("chapters/descent.py", "chapters/data.py"):
        at.switch_page(page).run()
        assert not [c for c in at.caption if "The link's" in c.value], page
    assert at.session_state["descent_iteration"] == 7
