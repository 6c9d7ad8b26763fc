"""The comparison helpers against hand-made numbers, and the figures' traces."""

import functools
from dataclasses import replace

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from lesson.figures import compare
from lesson.figures.style import IMPLEMENTATION_COLORS, class_color
from softmax_core import load_builtin, prepare, train

NAMES = ("manual", "autograd", "nn")
CLASSES = ("setosa", "versicolor", "virginica")
FEATURES = ("sepal length", "sepal width", "petal length", "petal width")


@functools.cache
def short_run():
    problem = prepare(load_builtin("iris"), seed=-999, train_fraction=0.8)
    return train(problem, "manual", learning_rate=0.1, lam=0.01, iterations=5)


def with_losses(*losses, diverged_at=None):
    """A real run whose losses are replaced by the given numbers."""
    return replace(
        short_run(), losses=np.array(losses, np.float32), diverged_at=diverged_at
    )


# The gap between loss curves ------------------------------------------------------


def test_gap_of_identical_runs_is_zero():
    run = short_run()

    gap = compare.largest_gap({name: run for name in NAMES})

    assert gap.value == 0.0
    assert gap.relative == 0.0


def test_gap_finds_the_pair_and_the_iteration():
    runs = {
        "manual": with_losses(1.0, 0.5, 0.25, 0.2, 0.1),
        "autograd": with_losses(1.0, 0.5, 0.25, 0.2, 0.1),
        "nn": with_losses(1.0, 0.5, 0.35, 0.2, 0.1),
    }

    gap = compare.largest_gap(runs)

    assert gap.pair == ("manual", "nn")
    assert gap.iteration == 3
    assert gap.value == pytest.approx(0.1)
    assert gap.relative == pytest.approx(0.1 / 0.35)


def test_gap_skips_iterations_that_are_not_finite():
    runs = {
        "manual": with_losses(1.0, 2.0, np.inf, np.nan, np.nan, diverged_at=3),
        "nn": with_losses(1.0, 2.5, 1e30, np.nan, np.nan, diverged_at=4),
    }

    gap = compare.largest_gap(runs)

    assert gap.value == pytest.approx(0.5)
    assert gap.iteration == 2


def test_gap_is_none_without_a_finite_iteration_in_common():
    runs = {
        "manual": with_losses(np.nan, np.nan, np.nan, np.nan, np.nan, diverged_at=1),
        "nn": with_losses(1.0, 1.0, 1.0, 1.0, 1.0),
    }

    assert compare.largest_gap(runs) is None
    assert compare.largest_gap({"manual": short_run()}) is None


def test_gap_of_huge_losses_does_not_overflow():
    runs = {
        "manual": with_losses(3e38, 1, 1, 1, 1),
        "nn": with_losses(-3e38, 1, 1, 1, 1),
    }

    assert compare.largest_gap(runs).value == pytest.approx(6e38, rel=1e-6)


# Differences between gradients ------------------------------------------------------


def test_largest_difference_over_pairs_and_entries():
    a = np.zeros((4, 3))
    b = a.copy()
    b[2, 1] = -0.25
    c = a.copy()
    c[0, 0] = 0.5

    # The largest pair is b and c: |0 - 0.5| at [0, 0], against |-0.25 - 0|.
    assert compare.largest_difference({"a": a, "b": b, "c": c}) == 0.5


def test_largest_difference_skips_entries_that_are_not_finite():
    a = np.array([1.0, np.nan, np.inf, 2.0])
    b = np.array([1.5, 7.0, 7.0, 2.0])

    assert compare.largest_difference({"a": a, "b": b}) == 0.5
    assert compare.largest_difference({"a": a[1:3], "b": b[1:3]}) is None


@pytest.mark.parametrize(
    "losses, expected",
    [((1.2, 0.5, 0.4, 0.35, 0.3), False), ((1.2, 1e3, 1e6, 1e9, np.inf), True)],
)
def test_spans_decades(losses, expected):
    assert compare.spans_decades({"manual": with_losses(*losses)}) is expected


@pytest.mark.parametrize("diverged_at, expected", [(None, 5), (5, 3), (2, 0), (1, 0)])
def test_run_last_finite(diverged_at, expected):
    run = replace(short_run(), diverged_at=diverged_at)

    assert run.last_finite == expected


# Confusion matrices --------------------------------------------------------------


def test_confusion_matrix_matches_scikit_learn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, size=200)
    predicted = rng.integers(0, 4, size=200)

    C = compare.confusion_matrix(y, predicted, 4)

    np.testing.assert_array_equal(
        C, sklearn_confusion_matrix(y, predicted, labels=range(4))
    )
    assert C.sum() == 200


def test_confusion_matrix_keeps_a_class_that_never_appears():
    C = compare.confusion_matrix(np.array([0, 0, 1]), np.array([0, 1, 1]), 3)

    np.testing.assert_array_equal(C, [[1, 1, 0], [0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(compare.class_accuracy(C), [0.5, 1.0, np.nan])


def test_misclassified_lists_the_wrong_rows_with_their_probabilities():
    A = np.array([[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8]])
    y = np.array([0, 0, 1, 2])
    predicted = A.argmax(axis=1)

    table = compare.misclassified(A, y, predicted, [40, 7, 12, 3], CLASSES)

    assert list(table.columns) == [
        "row",
        "true class",
        "predicted",
        "P(setosa)",
        "P(versicolor)",
        "P(virginica)",
    ]
    assert table["row"].tolist() == [7, 12]
    assert table["true class"].tolist() == ["setosa", "versicolor"]
    assert table["predicted"].tolist() == ["versicolor", "virginica"]
    assert table["P(versicolor)"].tolist() == pytest.approx([0.7, 0.3])


def test_misclassified_is_empty_when_all_are_right():
    A = np.eye(3)

    table = compare.misclassified(A, np.arange(3), np.arange(3), [0, 1, 2], CLASSES)

    assert table.empty


# Figures ---------------------------------------------------------------------------


def gradients(scale=1.0):
    rng = np.random.default_rng(1)
    dW = rng.normal(size=(4, 3))
    return {"manual": dW, "autograd": dW + 1e-7, "nn": scale * dW}


def test_gradient_heatmaps_one_per_implementation_on_one_scale():
    grads = gradients(scale=2.0)

    fig = compare.gradient_heatmaps(grads, FEATURES, CLASSES, iteration=7)

    assert [trace.type for trace in fig.data] == ["heatmap"] * 3
    assert [trace.name for trace in fig.data] == list(NAMES)
    assert {trace.coloraxis for trace in fig.data} == {"coloraxis"}
    limit = np.abs(grads["nn"]).max()
    assert fig.layout.coloraxis.cmin == pytest.approx(-limit)
    assert fig.layout.coloraxis.cmax == pytest.approx(limit)
    assert fig.layout.coloraxis.colorbar.title.text == "dW"
    for trace, name in zip(fig.data, NAMES, strict=True):
        assert np.asarray(trace.z).shape == (4, 3)
        assert list(trace.x) == list(CLASSES)
        assert list(trace.y) == list(FEATURES)
        assert "iteration 7" in trace.hovertemplate
        assert trace.hovertemplate.startswith(name)
    titles = [annotation.text for annotation in fig.layout.annotations]
    assert titles == list(NAMES)
    colors = [annotation.font.color for annotation in fig.layout.annotations]
    assert colors == [IMPLEMENTATION_COLORS[name] for name in NAMES]
    assert fig.layout.yaxis.title.text == "feature"
    assert fig.layout.xaxis.title.text == fig.layout.xaxis3.title.text == "class"


def test_gradient_heatmaps_write_values_only_while_readable():
    small = compare.gradient_heatmaps(gradients(), FEATURES, CLASSES, 1)
    wide = np.ones((30, 3))
    large = compare.gradient_heatmaps(
        {"manual": wide, "nn": wide}, [f"x{i}" for i in range(30)], CLASSES, 1
    )

    assert small.data[0].texttemplate == "%{text}"
    assert large.data[0].texttemplate is None
    assert len(large.data) == 2


def test_gradient_heatmaps_survive_values_that_are_not_finite():
    nan = np.full((4, 3), np.nan)

    fig = compare.gradient_heatmaps({"manual": nan, "nn": nan}, FEATURES, CLASSES, 3)

    assert fig.layout.coloraxis.cmax == 1


def test_confusion_heatmaps_colour_by_share_and_write_counts_side_by_side():
    train_C = np.array([[8, 2, 0], [0, 5, 0], [1, 0, 9]])
    test_C = np.array([[2, 0, 0], [0, 0, 0], [0, 1, 3]])

    fig = compare.confusion_heatmaps({"train": train_C, "test": test_C}, CLASSES)

    train, test = fig.data
    np.testing.assert_allclose(train.z[0], [0.8, 0.2, 0.0])
    np.testing.assert_array_equal(train.customdata, train_C)
    np.testing.assert_array_equal(test.text, test_C)
    # A class with no rows in a split is a row of zeros, not of NaN.
    np.testing.assert_array_equal(test.z[1], [0, 0, 0])
    assert list(train.x) == list(train.y) == list(CLASSES)
    assert (test.xaxis, test.yaxis) == ("x2", "y2")
    assert fig.layout.xaxis.domain[1] < fig.layout.xaxis2.domain[0]
    assert fig.layout.xaxis.title.text == "predicted class"
    assert fig.layout.yaxis.title.text == "true class  y"
    assert fig.layout.yaxis2.matches == "y"
    assert [note.text for note in fig.layout.annotations] == [
        "<b>train</b>",
        "<b>test</b>",
    ]
    assert "test: true" in test.hovertemplate


def test_class_accuracy_bars_one_trace_per_split_in_class_colours():
    train_C = np.array([[40, 0, 0], [0, 35, 4], [0, 0, 41]])
    test_C = np.array([[10, 0, 0], [0, 10, 1], [0, 0, 0]])

    fig = compare.class_accuracy_bars({"train": train_C, "test": test_C}, CLASSES)

    assert [trace.name for trace in fig.data] == ["train", "test"]
    assert [trace.type for trace in fig.data] == ["bar", "bar"]
    train, test = fig.data
    assert list(train.marker.color) == [class_color(j) for j in range(3)]
    assert train.marker.pattern.shape == ""
    assert test.marker.pattern.shape == "/"
    assert list(train.text) == ["40/40", "35/39", "41/41"]
    assert list(test.text) == ["10/10", "10/11", "no rows"]
    np.testing.assert_allclose(train.y, [1.0, 35 / 39, 1.0])
    assert np.isnan(test.y[2])
    assert fig.layout.xaxis.title.text == "true class  y"
    assert fig.layout.yaxis.title.text == "accuracy in the class"
