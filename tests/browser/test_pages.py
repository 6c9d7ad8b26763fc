"""Every page of app.py, opened from the sidebar and by its URL, with a slider moved.

For each page: it runs without an exception box, its charts are drawn and not
empty, its equations fit their boxes; a shared slider moved with the keyboard
reruns the page (waited for through the app's script-run state), changes what
the page draws, and the value on the slider, in the URL and on the page agree:
curves over the iterations end where the slider says, and a new session given
only the page's URL draws the same data.
"""

import pytest

from lesson import settings

# The order in which shared sliders are tried: the first that changes what the
# page draws is the one the page depends on. Each is moved one step with the
# keyboard; iterations downwards, so the run is cut, not trained again. The
# learning rate changes every trained run; the train fraction changes the split.
SLIDER_KEYS = {
    "learning_rate": "ArrowRight",
    "train_fraction": "ArrowRight",
    "lam": "ArrowRight",
    "iterations": "ArrowLeft",
}
OPTIONS = {
    "learning_rate": settings.LEARNING_RATES,
    "lam": settings.LAMS,
    "train_fraction": settings.TRAIN_FRACTIONS,
}


def shown_number(value: float) -> str:
    return f"{value:g}"


def next_value(key: str, shown: str, keyname: str) -> str:
    """The value one key press should give, from the sidebar's own options."""
    step = 1 if keyname == "ArrowRight" else -1
    if key in OPTIONS:
        options = [shown_number(v) for v in OPTIONS[key]]
        return options[options.index(shown) + step]
    return str(int(shown) + step)


def assert_charts_sound(tab) -> None:
    """Each chart has data, and no display equation is cut off."""
    for chart in tab.charts():
        assert chart["traces"], f"an empty chart on /{tab.path()}: {chart['title']!r}"
        assert any(t["points"] for t in chart["traces"]), (
            f"a chart without points on /{tab.path()}: {chart['title']!r}"
        )
        if chart["shown"]:
            assert chart["height"] > 50, f"a collapsed chart on /{tab.path()}"
    assert not tab.clipped_equations(), (
        f"equations wider than their box on /{tab.path()}: {tab.clipped_equations()}"
    )


def iteration_extent(tab) -> float | None:
    """The last iteration any chart draws on an axis titled 'iteration'."""
    ends = [
        trace["xMax"]
        for chart in tab.charts()
        for trace in chart["traces"]
        if "iteration" in trace["xTitle"].lower() and trace["xMax"] is not None
    ]
    return max(ends) if ends else None


def assert_values_used(tab, key: str, shown: str) -> None:
    """The slider, the URL and the page agree on the value that was used."""
    default = shown_number(settings.DEFAULTS[key])
    in_url = tab.query().get(key, default)
    assert in_url == shown, f"{key}: slider shows {shown}, URL says {in_url}"
    if key == "iterations":
        drawn = iteration_extent(tab)
        if drawn is not None:
            assert drawn == int(shown), (
                f"the slider says {shown} iterations, the charts on /{tab.path()} "
                f"end at iteration {drawn:g}"
            )


def move_slider(tab, key: str, what: str) -> str | None:
    """One key press on a shared slider; its new value if the page changed."""
    before = tab.drawn(what)
    expected = next_value(key, tab.shown(key), SLIDER_KEYS[key])
    shown = tab.press_slider(key, SLIDER_KEYS[key])
    tab.assert_healthy()
    assert shown == expected, f"{key}: one step should give {expected}, not {shown}"
    changed = tab.wait_for_change(before, what)
    assert_values_used(tab, key, shown)
    return shown if changed else None


def exercise(tab, entry, replay_tab=None) -> str:
    """The checks every page gets; returns the slider that changed the page.

    replay_tab() gives a new tab that opens the page's URL after the change: a
    session that only has the URL must draw the same, so the page used the
    values shown.
    """
    tab.assert_healthy()
    assert_charts_sound(tab)
    what = "charts" if tab.charts() else "text"
    tried = []
    for key in [k for k in SLIDER_KEYS if k in tab.sidebar_sliders()]:
        shown = move_slider(tab, key, what)
        if shown is not None:
            break
        tried.append(key)
    else:
        pytest.fail(
            f"none of the sliders {tried} changed the {what} of /{entry.url_path}"
        )
    assert_charts_sound(tab)
    # A page that plots against the iterations must end its curves where the
    # slider says, one step fewer after this.
    if key != "iterations" and iteration_extent(tab) is not None:
        assert move_slider(tab, "iterations", what) is not None, (
            f"one iteration fewer did not change the charts of /{entry.url_path}"
        )
    if replay_tab is not None and what == "charts":
        replay_in = replay_tab()
        replay_in.goto(tab.page.url)
        replay_in.assert_healthy()
        assert replay_in.drawn("charts") == tab.drawn("charts"), (
            f"/{entry.url_path} after moving the sliders draws other data than a "
            f"new session given its URL, {tab.page.url}"
        )
    return key


def test_page_opened_from_the_sidebar(tab, new_tab, server, pages, entry) -> None:
    start = pages[1] if entry == pages[0] else pages[0]
    tab.open(start.url_path)
    tab.open_from_sidebar(entry)
    exercise(tab, entry, replay_tab=lambda: new_tab(server))


def test_page_opened_by_its_url_on_a_fresh_server(new_tab, fresh_server, entry) -> None:
    # The first page a new session opens, by its address: nothing set up by
    # another page. The full slider checks run in the test above; here one step
    # of the learning rate must rerun the page cleanly.
    tab = new_tab(fresh_server)
    tab.open(entry.url_path)
    assert tab.path() == entry.url_path
    current = tab.page.locator('[data-testid="stSidebarNavLink"][aria-current="page"]')
    assert current.inner_text().strip() == entry.title
    tab.assert_healthy()
    assert_charts_sound(tab)
    shown = tab.press_slider("learning_rate", SLIDER_KEYS["learning_rate"])
    tab.assert_healthy()
    assert_values_used(tab, "learning_rate", shown)
    assert_charts_sound(tab)


def test_fewer_iterations_then_more_keep_the_step_through_inside_the_run(tab) -> None:
    # A lecturer steps to iteration 6, shows a single iteration, then two.
    step = tab.page.locator('.st-key-descent_iteration input[type="range"]')
    tab.open("descent")
    for _ in range(5):
        mark = tab.mark()
        tab.page.get_by_role("button", name="Next ▶").click()
        tab.wait_for_rerun(mark)
    assert step.get_attribute("aria-valuetext") == "6"

    for key in ("Home", "ArrowRight"):
        tab.press_slider("iterations", key)
        tab.wait_for_drawn()
        tab.assert_healthy()

    assert tab.shown("iterations") == "2"
    assert step.get_attribute("aria-valuetext") == "2"
