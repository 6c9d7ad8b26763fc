"""The regions, simplex, sweep and export pages, run through AppTest."""

import numpy as np
import pytest

from tests.pagetools import SETTINGS, chart, read, values, visit

PAGES = (
    "chapters/regions.py",
    "chapters/simplex.py",
    "chapters/sweep.py",
    "chapters/export.py",
)


def traces(spec, kind):
    return [trace for trace in spec["data"] if trace["type"] == kind]


def texts(at) -> str:
    return " ".join(read(m.value) for m in at.markdown) + " ".join(
        read(c.value) for c in at.caption
    )


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: str(s) or "start")
def test_the_pages_run_at_every_setting(open_page, settings):
    at = open_page(**settings)
    for page in PAGES:
        visit(at, page)
        assert at.title[0].value, page


def test_a_diverging_run_says_so_on_every_page(open_page):
    at = open_page(learning_rate=10.0, lam=0.5)
    for page in PAGES:
        visit(at, page)
        assert any("Training broke at iteration" in e.value for e in at.error), page


# Decision regions.


def test_regions_start_on_petal_length_and_width_and_follow_the_choice(open_page):
    at = open_page("chapters/regions.py")
    spec = chart(at, "regions_figure")
    assert spec["layout"]["xaxis"]["title"]["text"] == "PetalLengthCm"
    (heatmap,) = traces(spec, "heatmap")
    assert heatmap["zmax"] == 3
    # The hover gives the class number; the caption says which name it stands for.
    names = "0 Iris-setosa, 1 Iris-versicolor, 2 Iris-virginica"
    assert any(names in caption.value for caption in at.caption)
    assert sum(len(values(t["x"])) for t in traces(spec, "scatter")) == 150

    at.selectbox(key="regions_x").set_value("SepalLengthCm").run()
    spec = chart(at, "regions_figure")
    assert spec["layout"]["xaxis"]["title"]["text"] == "SepalLengthCm"

    at.selectbox(key="regions_y").set_value("SepalLengthCm").run()
    assert not at.exception
    assert any("two different features" in i.value for i in at.info)


def regions_z(at) -> np.ndarray:
    """The heatmap's cells: class j + its shade, NaN where nothing is shown."""
    (heatmap,) = traces(chart(at, "regions_figure"), "heatmap")
    return values(heatmap["z"])


def test_regions_move_with_the_iteration_and_with_lam(open_page):
    at = open_page("chapters/regions.py")
    trained = regions_z(at)
    assert at.slider(key="regions_iteration").value == 250

    at.slider(key="regions_iteration").set_value(0).run()
    start = regions_z(at)
    # The predicted class of some cells changed.
    assert not np.array_equal(np.floor(start), np.floor(trained))

    at.slider(key="regions_iteration").set_value(250).run()
    at.select_slider(key="lam").set_value(1.0).run()
    assert not np.allclose(np.nan_to_num(regions_z(at)), np.nan_to_num(trained))


def test_regions_stop_the_slider_before_a_divergence(open_page):
    at = open_page("chapters/regions.py", learning_rate=10.0, lam=0.5)
    slider = at.slider(key="regions_iteration")
    assert slider.max < 250
    last = int(slider.max)
    shown = f"The slider ends at W and b after iteration {last}, the last with a"
    assert any(shown in c.value for c in at.caption)
    assert np.isfinite(regions_z(at)).any()


def test_regions_reset_the_features_when_the_data_changes(open_page):
    at = open_page("chapters/regions.py")
    at.selectbox(key="data").set_value("wine").run()
    assert not at.exception
    spec = chart(at, "regions_figure")
    assert spec["layout"]["xaxis"]["title"]["text"] == "alcohol"
    assert spec["layout"]["yaxis"]["title"]["text"] == "malic_acid"


def test_regions_on_breast_cancer_use_the_first_two_features(open_page):
    at = open_page("chapters/regions.py", data="breast_cancer", standardize=True)
    spec = chart(at, "regions_figure")
    assert spec["layout"]["xaxis"]["title"]["text"] == "mean radius"
    assert spec["layout"]["yaxis"]["title"]["text"] == "mean texture"
    (heatmap,) = traces(spec, "heatmap")
    assert heatmap["zmax"] == 2


# Probability simplex.


def test_simplex_shows_every_iris_row_in_the_triangle(open_page):
    at = open_page("chapters/simplex.py")
    spec = chart(at, "simplex_figure")
    ternary = traces(spec, "scatterternary")[:6]  # then the legend's two markers
    assert sum(len(values(t["a"])) for t in ternary) == 150
    trained = values(ternary[0]["a"])

    at.slider(key="simplex_iteration").set_value(0).run()
    start = values(traces(chart(at, "simplex_figure"), "scatterternary")[0]["a"])
    assert not np.allclose(start, trained)


def test_simplex_follows_the_iterations_slider(open_page):
    at = open_page("chapters/simplex.py")
    before = values(traces(chart(at, "simplex_figure"), "scatterternary")[0]["a"])
    at.slider(key="iterations").set_value(40).run()
    assert at.slider(key="simplex_iteration").max == 40
    assert at.slider(key="simplex_iteration").value == 40
    after = values(traces(chart(at, "simplex_figure"), "scatterternary")[0]["a"])
    assert not np.allclose(before, after)


@pytest.mark.parametrize("page", ["regions", "simplex"])
def test_the_iteration_follows_the_end_of_the_run_until_it_is_moved(open_page, page):
    key = f"{page}_iteration"
    at = open_page(f"chapters/{page}.py")
    at.slider(key="iterations").set_value(300).run()
    assert at.slider(key=key).value == 300, "the slider fell off the end of the run"
    assert key not in at.query_params

    at.slider(key=key).set_value(120).run()
    assert at.query_params[key] == "120"
    at.slider(key="iterations").set_value(400).run()
    assert at.slider(key=key).value == 120, "a chosen iteration was lost"
    at.slider(key="iterations").set_value(80).run()
    assert at.slider(key=key).value == 80

    visit(at, "chapters/home.py")
    visit(at, f"chapters/{page}.py")
    assert at.slider(key=key).value == 80, "the iteration was lost on a page switch"


@pytest.mark.parametrize("typed, shown", [("120", 120), ("99999", 250), ("x", 250)])
def test_a_link_gives_the_regions_their_iteration(open_page, typed, shown):
    at = open_page()
    at.query_params["regions_iteration"] = typed
    visit(at, "chapters/regions.py")
    assert at.slider(key="regions_iteration").value == shown
    # The URL says what is shown; no key stands for the end of the run.
    assert at.query_params.get("regions_iteration", "250") == str(shown)
    said = [c.value for c in at.caption if "The link's regions_iteration" in c.value]
    assert bool(said) == (typed != str(shown)), said


def test_simplex_stacks_bars_for_two_classes(open_page):
    at = open_page("chapters/simplex.py", data="breast_cancer", standardize=True)
    spec = chart(at, "simplex_figure")
    bars = traces(spec, "bar")
    assert [b["name"] for b in bars] == ["A[malignant]", "A[benign]"]
    assert len(values(bars[0]["y"])) == 569
    assert any("triangle needs exactly three" in i.value for i in at.info)


# Learning-rate sweep.


def sweep_names(at, key):
    return [t["name"] for t in chart(at, key)["data"] if t["mode"] == "lines"]


def test_sweep_names_each_rate_and_follows_the_sidebar(open_page):
    at = open_page("chapters/sweep.py")
    names = sweep_names(at, "sweep_rates")
    assert names[0] == "α = 0.001" and len(names) == 7
    assert sweep_names(at, "sweep_lams")[0] == "λ = 0"
    curves = [t for t in chart(at, "sweep_rates")["data"] if t["mode"] == "lines"]
    assert len(values(curves[0]["y"])) == 250
    before = values(curves[-1]["y"])

    at.select_slider(key="lam").set_value(0.5).run()
    names = sweep_names(at, "sweep_rates")
    assert names[-2:] == ["α = 5, diverged at 32", "α = 10, diverged at 21"]
    after = [t for t in chart(at, "sweep_rates")["data"] if t["mode"] == "lines"]
    assert not np.array_equal(values(after[-1]["y"]), before)


def test_sweep_adds_the_sidebars_rate_and_offers_a_log_axis(open_page):
    at = open_page("chapters/sweep.py", learning_rate=0.2)
    assert "α = 0.2" in sweep_names(at, "sweep_rates")
    assert chart(at, "sweep_rates")["layout"]["yaxis"]["type"] == "log"

    at.toggle(key="sweep_log_y").set_value(False).run()
    assert chart(at, "sweep_rates")["layout"]["yaxis"]["type"] == "linear"
    assert chart(at, "sweep_lams")["layout"]["yaxis"]["type"] == "linear"


def test_sweep_draws_lams_whose_losses_span_more_than_float32(open_page):
    # With this seed at α = 2, one λ's loss climbs to 6.7e37 while another's
    # falls to 0.08: their ratio overflows float32, so the log axis must count
    # the decades another way. The benchmark found it.
    at = open_page("chapters/sweep.py", learning_rate=2.0, seed=1000)

    assert not at.exception, [e.value for e in at.exception]
    assert chart(at, "sweep_lams")["layout"]["yaxis"]["type"] == "log"


# Export.


def test_export_shows_W_b_and_a_script_with_the_sidebars_settings(open_page):
    at = open_page("chapters/export.py")
    table = at.dataframe[0].value
    assert table.shape == (5, 3) and table.index[-1] == "b (bias)"
    script = at.code[0].value
    assert '"--learning-rate", "0.1"' in script
    assert '"--implementation", "manual"' in script

    at.select_slider(key="learning_rate").set_value(0.5).run()
    assert '"--learning-rate", "0.5"' in at.code[0].value
    assert not np.allclose(at.dataframe[0].value.to_numpy(), table.to_numpy())

    at.selectbox(key="export_implementation").set_value("nn").run()
    assert '"--implementation", "nn"' in at.code[0].value


def test_export_warns_that_a_diverged_run_has_no_usable_model(open_page):
    fine = open_page("chapters/export.py")
    assert not [w for w in fine.warning if "predict nothing" in w.value]

    broken = open_page("chapters/export.py", learning_rate=10.0, lam=1.0)
    assert not broken.exception
    [warning] = [w.value for w in broken.warning if "predict nothing" in w.value]
    assert warning.startswith("Training broke at iteration 16, so these W and b")


def test_export_names_the_built_in_data_set_for_the_command_line(open_page):
    at = open_page("chapters/export.py", data="wine", standardize=True)
    script = at.code[0].value
    assert '"--dataset", "wine"' in script and '"--standardize"' in script
    assert at.dataframe[0].value.shape == (14, 3)
