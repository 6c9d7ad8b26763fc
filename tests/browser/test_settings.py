"""The shared sidebar's settings: they survive a page switch, a reload and a link.

Every sidebar widget is bound to the URL, so the address bar is the state: a
reload keeps it, a copied link hands it to another browser, and a URL written
by hand sets it.
"""

# One step of each shared slider with the keyboard, away from the defaults.
MOVES = {
    "learning_rate": "ArrowRight",
    "lam": "ArrowLeft",
    "iterations": "ArrowLeft",
    "train_fraction": "ArrowLeft",
}
SIDEBAR_KEYS = (*MOVES, "data", "seed", "standardize", "article_nn", "lecture")


def change_settings(tab) -> dict[str, str]:
    """Move every shared slider one step and switch Standardize on."""
    for key, keyname in MOVES.items():
        tab.press_slider(key, keyname)
    toggle = tab.widget("standardize").locator('input[type="checkbox"]')
    toggle.focus()
    mark = tab.mark()
    tab.page.keyboard.press("Space")
    tab.wait_for_rerun(mark)
    tab.assert_healthy()
    return sidebar_state(tab)


def sidebar_state(tab) -> dict[str, str]:
    return {key: tab.shown(key) for key in SIDEBAR_KEYS}


def test_settings_survive_a_page_switch_and_a_reload(tab, pages) -> None:
    first, second = pages[1], pages[2]
    tab.open(first.url_path)
    state = change_settings(tab)
    assert state["standardize"] == "true"
    query = tab.query()
    assert set(MOVES) | {"standardize"} <= set(query), f"URL lacks settings: {query}"

    tab.open_from_sidebar(second)
    tab.assert_healthy()
    assert sidebar_state(tab) == state, "a page switch changed the sidebar"
    assert tab.query() == query, "a page switch changed the URL's settings"

    tab.reload()
    tab.assert_healthy()
    assert tab.path() == second.url_path
    assert sidebar_state(tab) == state, "a reload changed the sidebar"
    assert tab.query() == query


def test_a_url_carrying_settings_sets_the_sidebar(tab, pages) -> None:
    wanted = {
        "data": "wine",
        "learning_rate": 0.05,
        "lam": 0.001,
        "iterations": 400,
        "seed": 7,
        "train_fraction": 0.7,
        "standardize": True,
    }
    tab.open(pages[3].url_path, **wanted)
    tab.assert_healthy()
    shown = sidebar_state(tab)
    assert shown["data"].startswith("Wine"), shown["data"]
    assert shown["learning_rate"] == "0.05"
    assert shown["lam"] == "0.001"
    assert shown["iterations"] == "400"
    assert shown["seed"] == "7"
    assert shown["train_fraction"] == "0.7"
    assert shown["standardize"] == "true"
    assert shown["article_nn"] == shown["lecture"] == "false"


def test_a_link_opened_in_a_second_context_shows_the_same_state(
    tab, new_tab, server, pages
) -> None:
    # A page that draws a trained run, so the charts depend on every setting.
    page = next(p for p in pages if p.url_path == "three")
    tab.open(page.url_path)
    state = change_settings(tab)
    tab.wait_for_drawn()

    other = new_tab(server)
    other.goto(tab.page.url)
    other.assert_healthy()
    assert other.path() == page.url_path
    assert sidebar_state(other) == state
    assert other.drawn("charts") == tab.drawn("charts"), (
        "the same link drew other charts in a second browser context"
    )


def test_a_link_with_values_the_controls_cannot_take_says_what_it_used(
    tab, pages
) -> None:
    # 0.3 lies between the rates 0.2 and 0.5; "fast" is no number at all.
    tab.open(pages[4].url_path, learning_rate=0.3, iterations="fast")
    tab.assert_healthy()
    shown = sidebar_state(tab)
    assert shown["learning_rate"] == "0.2", "0.3 should become the nearest rate"
    assert shown["iterations"] == "250", "text should leave the default"

    notice = tab.page.locator('[data-testid="stSidebar"] [data-testid="stAlert"]')
    text = notice.inner_text()
    assert "learning_rate='0.3'" in text and "it uses 0.2" in text, text
    assert "iterations='fast'" in text and "it shows 250" in text, text
    # The address bar says what is used: a copy of it opens the same state.
    assert tab.query().get("learning_rate") == "0.2", tab.page.url
    assert "iterations" not in tab.query(), tab.page.url

    # The person's next move is what the URL then carries.
    tab.press_slider("learning_rate", "ArrowRight")
    assert tab.shown("learning_rate") == "0.5"
    assert tab.query().get("learning_rate") == "0.5"


def test_a_link_beyond_every_float_or_spelt_otherwise_still_opens(tab, pages) -> None:
    # seed=inf and lam=1e400 once put an exception box on every page; 1.0 was
    # dropped although the slider has 1.
    tab.open(pages[2].url_path, seed="inf", lam="1e400", learning_rate="1.0")
    tab.assert_healthy()
    shown = sidebar_state(tab)
    assert (shown["lam"], shown["learning_rate"]) == ("1", "1"), shown
    text = tab.page.locator(
        '[data-testid="stSidebar"] [data-testid="stAlert"]'
    ).inner_text()
    assert "seed='inf'" in text and "lam='1e400'" in text, text
    assert "learning_rate" not in text, text

    tab.press_slider("iterations", "ArrowRight")
    tab.assert_healthy()
    assert tab.shown("lam") == "1"


FONT_SIZES = """
() => {
  const px = (selector) => {
    const element = document.querySelector(selector);
    return element ? parseFloat(getComputedStyle(element).fontSize) : null;
  };
  return {
    text: px('.stMainBlockContainer [data-testid="stMarkdownContainer"] p'),
    metric: px('[data-testid="stMetricValue"] p'),
    sidebar: px('section[data-testid="stSidebar"] label p'),
    data: px('section[data-testid="stSidebar"] .stSelectbox input'),
  };
}
"""


def test_lecture_mode_enlarges_text_metrics_and_the_sidebar(tab, new_tab, server):
    tab.open("")
    tab.wait_for_drawn()
    default = tab.page.evaluate(FONT_SIZES)

    lecture = new_tab(server)
    lecture.open("", lecture="true")
    lecture.wait_for_drawn()
    large = lecture.page.evaluate(FONT_SIZES)

    assert None not in default.values(), default
    # Every one grows; a metric's value once shrank, caught by the rule for text.
    for part in default:
        assert large[part] > default[part], (part, default, large)
    # Tables are HTML in lecture mode, so their text grows with the rest.
    table = lecture.page.evaluate(
        """() => parseFloat(getComputedStyle(document.querySelector(
          '.stMainBlockContainer [data-testid="stTable"] td')).fontSize)"""
    )
    assert table > 1.2 * default["text"], (table, default)


def test_lecture_mode_fits_every_formula_on_a_1024_pixel_projector(tab, pages):
    # The sidebar stays open: a lecturer may not know to close it.
    tab.page.set_viewport_size({"width": 1024, "height": 768})
    clipped = {}
    for entry in pages:
        tab.open(entry.url_path, lecture="true")
        tab.wait_for_drawn()
        tab.assert_healthy()
        if tab.clipped_equations():
            clipped[entry.url_path or "home"] = tab.clipped_equations()
    assert not clipped, clipped


def test_the_rows_a_link_gives_the_data_page_are_shown_if_the_table_has_them(
    tab,
) -> None:
    rows = tab.page.locator('.st-key-data_rows input[type="range"]')

    # A range slider's pair is one key given twice.
    tab.goto(f"{tab.server.url}/data?data_rows=3&data_rows=9")
    assert rows.nth(0).get_attribute("aria-valuetext") == "3"
    assert rows.nth(1).get_attribute("aria-valuetext") == "9"

    tab.goto(f"{tab.server.url}/data?data_rows=500&data_rows=600")
    tab.assert_healthy()
    assert "data_rows=500, 600 is not a pair of rows from 0 to 149, so it shows " in (
        tab.main_text()
    )
    assert rows.nth(0).get_attribute("aria-valuetext") == "46"


def test_a_page_control_beyond_its_run_is_written_back_in_the_link(
    tab, new_tab, server
):
    # descent_iteration=99999 shows the last iteration; the URL once lost the key.
    tab.open("descent", iterations=40, descent_iteration=99999)
    tab.assert_healthy()
    assert tab.query().get("descent_iteration") == "40", tab.page.url
    other = new_tab(server)
    other.goto(tab.page.url)
    other.assert_healthy()
    assert other.drawn("charts") == tab.drawn("charts")


def page_slider(tab, key: str) -> str:
    return tab.page.locator(f'.st-key-{key} input[type="range"]').get_attribute(
        "aria-valuetext"
    )


def test_the_regions_iteration_a_person_chose_travels_in_the_link(
    tab, new_tab, server
) -> None:
    tab.open("regions")
    thumb = tab.page.locator('.st-key-regions_iteration input[type="range"]')
    thumb.focus()
    mark = tab.mark()
    tab.page.keyboard.press("Home")  # the random start
    tab.wait_for_rerun(mark)
    assert page_slider(tab, "regions_iteration") == "0"
    assert tab.query().get("regions_iteration") == "0", tab.page.url

    # More iterations once sent this slider back to 0 from the end of the run;
    # a chosen iteration must hold, and the end must follow the run.
    tab.press_slider("iterations", "ArrowRight")
    assert page_slider(tab, "regions_iteration") == "0"
    other = new_tab(server)
    other.goto(tab.page.url)
    other.assert_healthy()
    assert page_slider(other, "regions_iteration") == "0"
    assert other.drawn("charts") == tab.drawn("charts")

    thumb.focus()
    mark = tab.mark()
    tab.page.keyboard.press("End")
    tab.wait_for_rerun(mark)
    tab.press_slider("iterations", "ArrowRight")
    assert page_slider(tab, "regions_iteration") == "252"
    assert "regions_iteration" not in tab.query(), tab.page.url


def test_quick_moves_on_the_page_and_the_sidebar_leave_the_url_up_to_date(tab):
    # The simplex once wrote its iteration in the URL on every rerun, from the
    # server's copy of the URL, which put older sidebar values back in it.
    tab.open("simplex")
    thumb = tab.page.locator('.st-key-simplex_iteration input[type="range"]')
    for _ in range(2):
        thumb.focus()
        mark = tab.mark()
        tab.page.keyboard.press("ArrowLeft")
        tab.wait_for_rerun(mark)
    slider = tab.widget("iterations").locator('input[type="range"]')
    slider.focus()
    for _ in range(3):  # as fast as a person's fingers, no waiting between
        tab.page.keyboard.press("ArrowRight")
    tab.page.wait_for_function(
        """() => document.querySelector('[data-testid="stApp"]')
                   .getAttribute("data-test-script-state") === "notRunning"
              && document.querySelector('.st-key-iterations input[type="range"]')
                   .getAttribute("aria-valuetext") === "253" """
    )
    tab.wait_for_drawn()
    tab.page.wait_for_timeout(1000)  # any late write to the URL would land by now
    assert tab.query().get("iterations") == "253", tab.page.url
    assert tab.query().get("simplex_iteration") == "248", tab.page.url
