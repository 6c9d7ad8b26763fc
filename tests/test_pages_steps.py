"""The softmax, loss and gradient-descent pages, run through AppTest."""

import re

import numpy as np
import pytest

from softmax_core import load_builtin, prepare, train
from tests.pagetools import SETTINGS, chart, values, visit

PAGES = ("chapters/softmax.py", "chapters/loss.py", "chapters/descent.py")


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: str(s) or "start")
def test_the_pages_run_at_every_setting(open_page, settings):
    at = open_page(**settings)
    for page in PAGES:
        visit(at, page)


def test_a_diverging_run_says_so_on_every_page(open_page):
    at = open_page(learning_rate=10.0, lam=0.5)
    for page in PAGES:
        visit(at, page)
        assert any("Training broke at iteration" in e.value for e in at.error), page


def test_descent_shows_non_finite_numbers_after_a_run_diverged(open_page):
    at = open_page("chapters/descent.py", learning_rate=10.0, lam=0.5)
    at.slider(key="descent_iteration").set_value(200).run()
    assert not at.exception
    assert any("no longer finite" in w.value for w in at.warning)
    assert any(r"\text{NaN}" in x.value or r"\infty" in x.value for x in at.latex)


# The softmax page.


def test_softmax_trained_probabilities_follow_lam(open_page):
    at = open_page("chapters/softmax.py")
    before = chart(at, "softmax_A_1")["data"][0]["y"]
    at.select_slider(key="lam").set_value(1.0).run()
    after = chart(at, "softmax_A_1")["data"][0]["y"]
    assert before != after
    assert chart(at, "softmax_A_0")["data"][0]["y"] is not None


def test_softmax_sample_selector_picks_another_row(open_page):
    at = open_page("chapters/softmax.py")
    first = chart(at, "softmax_Z_0")["data"][0]["y"]
    at.number_input(key="softmax_sample").set_value(120).run()
    assert chart(at, "softmax_Z_0")["data"][0]["y"] != first
    assert any("Row 120 is a" in c.value for c in at.caption)


def test_softmax_sample_survives_a_smaller_data_set(open_page):
    at = open_page("chapters/softmax.py", data="breast_cancer", softmax_sample=500)
    at.selectbox(key="data").set_value("iris").run()
    assert not at.exception
    assert at.number_input(key="softmax_sample").value <= 149


def test_softmax_naive_formula_returns_nan_where_the_stable_one_does_not(open_page):
    at = open_page("chapters/softmax.py")
    typed = chart(at, "softmax_typed")["data"]
    assert typed[0]["text"] == ["NaN", "0", "0"]
    assert typed[1]["text"] == ["1", "0", "0"]
    assert any("returned **NaN**" in m.value for m in at.markdown)

    (table,) = at.dataframe
    assert list(table.value["naive: e^z"]) == ["inf", "1", "0"]
    assert list(table.value["naive A"]) == ["NaN", "0", "0"]

    at.text_input(key="softmax_logits").set_value("1, 2, 3").run()
    assert any("Here both agree" in m.value for m in at.markdown)


def test_softmax_says_when_the_naive_formula_fails_without_a_nan(open_page):
    # Each e^88 fits in float32, their sum does not: naive A is 0, 0, 0.
    at = open_page("chapters/softmax.py")
    at.text_input(key="softmax_logits").set_value("88, 88, 88").run()

    assert not at.exception
    said = " ".join(m.value for m in at.markdown)
    assert "Here both agree" not in said
    assert "went wrong **without a NaN**: its A adds up to 0, not 1" in said


def test_softmax_warns_when_the_rows_logits_would_break_the_naive_formula(open_page):
    at = open_page("chapters/softmax.py")
    assert not any("naive formula below" in i.value for i in at.info)
    at.selectbox(key="data").set_value("breast_cancer").run()
    assert any("naive formula below would return NaN" in i.value for i in at.info)


@pytest.mark.parametrize("text", ["", "1, abc", "7", ",".join(["1"] * 21), "1e40, 0"])
def test_softmax_bad_logits_get_an_error_not_a_traceback(open_page, text):
    at = open_page("chapters/softmax.py")
    at.text_input(key="softmax_logits").set_value(text).run()
    assert not at.exception
    assert any(
        "Type 2 to 20 numbers, e.g. 1000, 0, -1000." in e.value for e in at.error
    )


# The loss page.


def test_loss_costliest_rows_and_parts_follow_iterations(open_page):
    at = open_page("chapters/loss.py")
    text = [m.value for m in at.markdown if "costliest rows" in m.value]
    parts = chart(at, "loss_parts")["data"][0]["x"]
    at.slider(key="iterations").set_value(40).run()
    assert [m.value for m in at.markdown if "costliest rows" in m.value] != text
    assert chart(at, "loss_parts")["data"][0]["x"] != parts
    assert any(
        "After 40 iterations, the 5 costliest rows" in m.value for m in at.markdown
    )
    (worst,) = at.dataframe
    assert list(worst.value.columns)[:3] == ["row", "true class", "predicted"]
    assert len(worst.value) == 5


def test_loss_compares_several_lams_including_the_sidebars(open_page):
    at = open_page("chapters/loss.py", lam=0.5)
    labels = chart(at, "loss_lams")["data"][0]["x"]
    assert labels == ["λ = 0", "λ = 0.01", "λ = 0.1", "λ = 0.5 (sidebar)", "λ = 1"]


def test_loss_long_comparison_waits_for_the_toggle(open_page):
    at = open_page("chapters/loss.py", iterations=1200)
    assert not [c for c in at.get("plotly_chart") if c.proto.id.endswith("-loss_lams")]
    at.toggle(key="loss_compare").set_value(True).run()
    assert not at.exception
    assert chart(at, "loss_lams")["data"][0]["x"][1] == "λ = 0.01 (sidebar)"


# The descent page.


def test_descent_steps_and_plays_through_the_iterations(open_page):
    at = open_page("chapters/descent.py")
    assert at.slider(key="descent_iteration").value == 1
    at.button(key="descent_next").click().run()
    at.button(key="descent_next").click().run()
    assert at.slider(key="descent_iteration").value == 3
    at.button(key="descent_previous").click().run()
    assert at.slider(key="descent_iteration").value == 2

    at.button(key="descent_play").click().run()
    assert at.session_state["descent_playing"]
    assert at.slider(key="descent_iteration").value == 2 + 5  # ceil(250 / 60)
    at.button(key="descent_play").click().run()
    assert not at.session_state["descent_playing"]
    assert not at.exception


def test_descent_previous_stops_at_the_first_iteration(open_page):
    at = open_page("chapters/descent.py")
    at.button(key="descent_previous").click().run()
    assert at.slider(key="descent_iteration").value == 1


def test_descent_gradients_follow_the_iteration_and_learning_rate(open_page):
    at = open_page("chapters/descent.py")
    first = chart(at, "descent_gradients")["data"][0]["z"]
    marker = chart(at, "descent_loss")["data"][1]["x"]
    at.slider(key="descent_iteration").set_value(100).run()
    dW, db = chart(at, "descent_gradients")["data"]
    assert dW["z"] != first
    # The figure shows iteration 100's gradients, those of the cached run.
    run = train(prepare(load_builtin("iris"), seed=-999), "manual", 0.1, 0.01, 250)
    assert np.allclose(values(dW["z"]), run.weight_grads[99])
    assert np.allclose(values(db["z"])[0], run.bias_grads[99])
    assert chart(at, "descent_loss")["data"][1]["x"] != marker

    update = [x.value for x in at.latex if "underbrace" in x.value]
    at.select_slider(key="learning_rate").set_value(0.5).run()
    assert [x.value for x in at.latex if "underbrace" in x.value] != update


def test_descent_shows_a_table_when_w_is_large(open_page):
    at = open_page("chapters/descent.py", data="wine")
    assert len(at.dataframe) == 1  # W (13, 3) as a table; b (3,) as LaTeX
    assert any(r"_{b\ \text{after}}" in x.value for x in at.latex)


def test_descent_with_a_single_iteration_has_no_slider(open_page):
    at = open_page("chapters/descent.py", iterations=1)
    assert not [s for s in at.slider if s.key == "descent_iteration"]
    assert any("single iteration" in c.value for c in at.caption)


def test_descent_train_live_draws_the_whole_curve(open_page):
    at = open_page("chapters/descent.py", iterations=260)
    at.button(key="descent_live").click().run()
    assert not at.exception
    assert any(c.value == "Iteration 260 of 260" for c in at.caption)
    curve = chart(at, "descent_live_260")["data"][0]
    assert values(curve["x"])[-1] == 260
    assert not [w for w in at.warning if "Training broke" in w.value]


def test_descent_train_live_says_where_a_diverging_run_broke(open_page):
    at = open_page("chapters/descent.py", learning_rate=10.0, lam=0.5, iterations=300)
    at.button(key="descent_live").click().run()

    assert not at.exception
    # Not "Iteration 300 of 300", which reads as a run that went well.
    assert not any(c.value.startswith("Iteration 300") for c in at.caption)
    [live] = [w.value for w in at.warning if "the curve stops" in w.value]
    assert re.match(
        r"Training broke at iteration \d+: 300 of 300 steps have run, and the "
        "curve stops at the last finite loss",
        live,
    )


def test_descent_play_stops_at_the_last_iteration_and_restarts_from_the_first(
    open_page,
):
    at = open_page("chapters/descent.py", iterations=10)
    at.slider(key="descent_iteration").set_value(9).run()
    at.button(key="descent_play").click().run()
    assert at.slider(key="descent_iteration").value == 10
    at.run()  # the next frame finds the end and stops
    assert not at.session_state["descent_playing"]
    assert at.slider(key="descent_iteration").value == 10
    at.button(key="descent_play").click().run()
    assert at.slider(key="descent_iteration").value == 2  # from 1, one frame on


def test_loss_lam_bars_of_very_different_heights_say_so(open_page):
    # At α = 10 some λ end near 1 and others in the millions.
    at = open_page("chapters/loss.py", learning_rate=10.0, lam=1.0)

    assert not at.exception
    assert any("the small bars are too low to see" in c.value for c in at.caption)
    notes = chart(at, "loss_lams")["layout"]["annotations"]
    assert any(note["text"] == "diverged" or note["y"] > 100 for note in notes)

    calm = open_page("chapters/loss.py")
    assert not any("too low to see" in c.value for c in calm.caption)


# What a run that got worse is told.


def test_a_loss_that_rises_because_the_penalty_no_longer_shrinks_w_says_so(open_page):
    # alpha * lam = 1: the penalty's factor 1 - 2 alpha lam is -1.
    at = open_page("chapters/descent.py", learning_rate=2.0, lam=0.5)
    [warning] = [w.value for w in at.warning if "run rose" in w.value]
    assert "1 - 2αλ = -1, of size 1" in warning
    assert "until α·λ is below 1" in warning
    assert "overshoot" not in warning


def test_a_loss_that_rises_from_steps_too_large_says_they_overshoot(open_page):
    at = open_page("chapters/descent.py", learning_rate=10.0, lam=0.0)
    [warning] = [w.value for w in at.warning if "run rose" in w.value]
    assert "steps of α = 10 overshoot the minimum" in warning
    assert "standardize the features" in warning


def test_lecture_mode_stacks_the_parts_of_wide_formulas(open_page):
    wide = open_page("chapters/descent.py")
    assert r"\qquad" in wide.latex[0].value

    at = open_page("chapters/descent.py", lecture=True)

    first = at.latex[0].value.strip("$\n")
    assert first.startswith(r"\begin{gathered}") and r"\qquad" not in first
    assert r"dW = " in first and r"\\[0.4em] db = " in first
    # The update of W: after, then = before, then - α · dW, one under another.
    update = next(x.value for x in at.latex if r"\text{after}" in x.value).strip("$\n")
    assert update.startswith(r"\begin{aligned}") and update.count(r"\\") >= 2
