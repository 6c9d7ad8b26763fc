"""The pages "Three implementations" and "Accuracy in depth", run through AppTest.

Runs are cached for the whole process (lesson.runs), so after the first test
most of these only pay for drawing the page.
"""

import math
import threading

import numpy as np
import pytest

from tests.pagetools import figures, read, values

THREE = "chapters/three_ways.py"
ACCURACY = "chapters/accuracy.py"
PAGES = [THREE, ACCURACY]

# Each sidebar control at both ends of its range, and the data sets beyond Iris.
SETTINGS = {
    "start": {},
    "smallest learning rate": {"learning_rate": 0.0001},
    "largest learning rate": {"learning_rate": 10.0},
    "no L2": {"lam": 0.0},
    "largest L2": {"lam": 1.0},
    "one iteration": {"iterations": 1},
    "most iterations": {"iterations": 5000},
    "smallest train fraction": {"train_fraction": 0.5},
    "largest train fraction": {"train_fraction": 0.95},
    "lowest seed": {"seed": -(2**31)},
    "highest seed": {"seed": 2**31 - 1},
    "standardized": {"standardize": True},
    "article nn": {"article_nn": True},
    "lecture": {"lecture": True},
    "wine": {"data": "wine"},
    "breast cancer": {"data": "breast_cancer"},
    "breast cancer standardized": {"data": "breast_cancer", "standardize": True},
}
DIVERGING = {"learning_rate": 10.0, "lam": 0.5}


def texts(at) -> str:
    """Everything written in markdown, info, success, warning and caption."""
    elements = [*at.markdown, *at.info, *at.success, *at.warning, *at.caption]
    return "\n".join(read(element.value) for element in elements)


def metrics(at) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
@pytest.mark.parametrize("page", PAGES, ids=["three", "accuracy"])
def test_page_runs_at_every_setting(open_page, page, settings):
    at = open_page(page, **settings)

    assert not at.exception
    assert at.title[0].value in (
        "Three implementations, one result",
        "Accuracy in depth",
    )
    assert len(at.latex) >= 1
    assert len(at.code) >= 1
    assert figures(at)


# Three implementations ----------------------------------------------------------------


def test_three_draws_one_curve_per_implementation_and_says_they_agree(open_page):
    at = open_page(THREE)

    loss_chart = figures(at)[0]
    curves = [trace for trace in loss_chart["data"] if trace["mode"] == "lines"]
    assert [trace["name"] for trace in curves] == ["manual", "autograd", "nn"]
    assert all(len(values(trace["x"])) == 250 for trace in curves)
    assert "lie on top of each other" in texts(at)
    # The article's test accuracy, 29 of its 30 test rows, for all three.
    assert list(metrics(at).values())[:3] == ["29/30"] * 3
    # Each loop's source is shown, taken from the running code.
    sources = "\n".join(code.value for code in at.code)
    for loop in ("def train_manual", "def train_autograd", "def train_nn"):
        assert loop in sources
    # Beside each loop, the loss it reached: the article's 0.37205, three times.
    finals = [m.value for m in at.metric if m.label == "J at iteration 250"]
    assert len(finals) == 3
    assert [round(float(value), 5) for value in finals] == [0.37205] * 3


def test_three_says_why_the_articles_nn_settings_part_the_curves(open_page):
    at = open_page(THREE, article_nn=True)

    assert "The curves part" in texts(at)
    assert "weight_decay = 2λ on the weight and 0 on the bias" in texts(at)
    assert "lie on top" not in texts(at)
    assert float(metrics(at)["Largest |difference| in dW"]) > 1e-3


def test_three_gradients_follow_the_chosen_iteration(open_page):
    at = open_page(THREE)
    first = figures(at)[1]

    at.slider(key="three_iteration").set_value(200).run()

    later = figures(at)[1]
    assert not at.exception
    assert "iteration 1<" in first["data"][0]["hovertemplate"]
    assert "iteration 200<" in later["data"][0]["hovertemplate"]
    assert not np.array_equal(
        values(later["data"][0]["z"]), values(first["data"][0]["z"])
    )
    # The loss chart marks the same iteration.
    markers = [t for t in figures(at)[0]["data"] if t["mode"] == "markers"]
    assert {tuple(values(marker["x"])) for marker in markers} == {(200,)}


def test_three_keeps_the_chosen_iteration_inside_a_shorter_run(open_page):
    at = open_page(THREE)
    at.slider(key="three_iteration").set_value(200).run()

    at.slider(key="iterations").set_value(100).run()
    at.slider(key="iterations").set_value(150).run()

    assert not at.exception
    assert at.slider(key="three_iteration").value <= 150


def test_three_moving_lambda_changes_the_curves(open_page):
    at = open_page(THREE)
    before = values(figures(at)[0]["data"][0]["y"])

    at.select_slider(key="lam").set_value(0.5).run()

    assert not at.exception
    after = values(figures(at)[0]["data"][0]["y"])
    assert not np.array_equal(after, before)


def test_three_at_one_iteration_calls_the_curves_identical(open_page):
    at = open_page(THREE, iterations=1)

    assert not at.exception
    assert "The three curves are identical" in texts(at)
    assert "rounding" not in texts(at)


def test_three_with_the_articles_settings_and_a_diverging_run_shows_finite_ends(
    open_page,
):
    at = open_page(THREE, article_nn=True, **DIVERGING)

    assert not at.exception
    said = texts(at)
    assert "The curves part: nn's last finite J is" in said
    assert "training broke" in said
    assert "J = nan" not in said and "J = inf" not in said


def test_three_diverging_run_says_so_and_skips_what_is_not_finite(open_page):
    at = open_page(THREE, **DIVERGING)

    assert not at.exception
    assert "Training broke at iteration" in at.error[0].value
    assert "left out of the gap" in texts(at)
    # Agreeing on a loss of 1e30 is no reassurance: no "float32 rounding" here.
    assert "All three broke the same way" in texts(at)
    assert "lie on top of each other" not in texts(at)
    # The curves stop before the first loss that is not finite.
    loss_chart = figures(at)[0]
    curves = [t for t in loss_chart["data"] if t["mode"] == "lines"]
    assert all(len(values(t["x"])) < 250 for t in curves)
    assert loss_chart["layout"]["yaxis"]["type"] == "log"

    # Beside each loop, its last finite loss, and where it broke.
    finals = [m for m in at.metric if m.label.startswith("J at iteration")]
    assert len(finals) == 3
    assert all(math.isfinite(float(m.value)) for m in finals)
    assert texts(at).count("from there J is not a finite number") == 3

    at.slider(key="three_iteration").set_value(100).run()

    assert not at.exception
    assert metrics(at)["Largest |difference| in dW"] == "not finite"


# Accuracy in depth -------------------------------------------------------------------


def test_accuracy_shows_confusion_matrices_and_the_wrong_rows(open_page):
    at = open_page(ACCURACY)

    shown = figures(at)
    heatmaps = [fig for fig in shown if fig["data"][0]["type"] == "heatmap"]
    (confusion,) = heatmaps
    train, test = confusion["data"]
    assert values(train["customdata"]).sum() == 120
    assert values(test["customdata"]).sum() == 30
    assert "**test**: 29/30 right (96.7%)" in texts(at)

    # One table per split; the test split of the article misses one row.
    tables = {len(frame.value) for frame in at.dataframe}
    assert 1 in tables
    test_table = at.dataframe[0].value
    assert list(test_table.columns[:3]) == ["row", "true class", "predicted"]
    probabilities = test_table.filter(like="P(")
    assert probabilities.sum(axis=1).round(5).tolist() == [1.0]


def test_accuracy_moving_iterations_changes_the_counts(open_page):
    at = open_page(ACCURACY)
    before = values(figures(at)[0]["data"][0]["customdata"])

    at.slider(key="iterations").set_value(1).run()

    assert not at.exception
    after = values(figures(at)[0]["data"][0]["customdata"])
    assert not np.array_equal(after, before)


def test_accuracy_diverging_run_says_so_and_judges_the_last_finite_w(open_page):
    at = open_page(ACCURACY, **DIVERGING)

    assert not at.exception
    assert "Training broke at iteration" in at.error[0].value
    assert "the last with a finite loss" in texts(at)
    accuracy_chart = figures(at)[-1]
    assert all(len(values(trace["x"])) < 251 for trace in accuracy_chart["data"])


def test_moving_only_the_iterations_slider_never_trains_a_step_twice(
    open_page, monkeypatch
):
    from lesson import runs
    from softmax_core import training

    at = open_page("chapters/three_ways.py", seed=4242)
    trained = []
    real_train = training.train

    def counting_train(problem, implementation, *args, **kwargs):
        # The runs trained ahead, in the background, are other settings.
        if threading.current_thread().name != "train-ahead":
            trained.append((implementation, args[2]))
        return real_train(problem, implementation, *args, **kwargs)

    # runs trains a new setting; training.train_more goes on from a stored run.
    monkeypatch.setattr(runs, "train", counting_train)
    monkeypatch.setattr(training, "train", counting_train)
    for iterations in (100, 250, 251, 900, 1000, 300):
        at.slider(key="iterations").set_value(iterations).run()
        assert not at.exception
    # 251 goes on from the stored 250 to 1000: each implementation trains the
    # 750 missing steps once, and nothing is ever trained from the start again.
    assert sorted(trained) == sorted(
        (name, 750) for name in ("manual", "autograd", "nn")
    )
