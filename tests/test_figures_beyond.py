"""Figure builders of the pages beyond the article: regions, simplex, sweep."""

import dataclasses

import numpy as np
import pytest
import torch

from lesson.figures.curves import loss_curves, loss_parts
from lesson.figures.regions import (
    GRID_SIZE,
    MAX_ROWS_SHOWN,
    decision_regions,
    grid_probabilities,
    padded_range,
    probability_simplex,
    row_probabilities,
    stacked_probabilities,
)
from lesson.figures.style import MAX_POINTS, class_color
from lesson.figures.sweep import envelope, sweep_curves
from softmax_core import load_builtin, prepare, train
from softmax_core.formulas import logits, softmax
from softmax_core.sweep import Sweep

CLASSES = ("setosa", "versicolor", "virginica")


@pytest.fixture(scope="module")
def iris():
    return load_builtin("iris")


@pytest.fixture(scope="module")
def petal_run(iris):
    """Iris on petal length and width only: the dataset, its problem and a run."""
    pair = dataclasses.replace(
        iris, X=iris.X[:, [2, 3]], feature_names=("PetalLengthCm", "PetalWidthCm")
    )
    problem = prepare(pair, standardize=True)
    return pair, problem, train(problem, "manual", 0.1, 0.01, 50)


def make_sweep(losses, diverged_at, learning_rates=None, lams=None) -> Sweep:
    G = len(losses)
    return Sweep(
        learning_rates=np.array(learning_rates or [0.1] * G),
        lams=np.array(lams or [0.01] * G),
        losses=np.array(losses, dtype=float),
        diverged_at=tuple(diverged_at),
    )


# Decision regions -----------------------------------------------------------------


def test_grid_probabilities_are_the_models_on_standardized_points(petal_run):
    _, problem, run = petal_run
    xs, ys, A = grid_probabilities(
        run.W, run.b, (1.0, 7.0), (0.0, 2.5), problem.mean, problem.std, size=20
    )

    assert xs.shape == (20,) and ys.shape == (20,) and A.shape == (20, 20, 3)
    np.testing.assert_allclose(A.sum(axis=-1), 1, rtol=1e-5)
    # Row i of A is y = ys[i], column j is x = xs[j].
    point = (torch.tensor([[xs[4], ys[11]]]) - problem.mean) / problem.std
    expected = softmax(logits(point, torch.tensor(run.W), torch.tensor(run.b)))
    np.testing.assert_allclose(A[11, 4], expected[0].numpy(), rtol=1e-5)


def test_decision_regions_colour_each_cell_by_class_then_show_the_rows(petal_run):
    pair, problem, run = petal_run
    X = pair.X.numpy()
    xs, ys, A = grid_probabilities(
        run.W, run.b, padded_range(X[:, 0]), padded_range(X[:, 1]),
        problem.mean, problem.std,
    )  # fmt: skip
    is_test = np.isin(np.arange(pair.m), problem.test_rows.numpy())
    fig = decision_regions(
        xs, ys, A, X, pair.y.numpy(), is_test, CLASSES, pair.feature_names
    )

    (heatmap,) = [trace for trace in fig.data if trace.type == "heatmap"]
    points = [trace for trace in fig.data if trace.type == "scatter"]
    assert [trace.name for trace in points] == [
        f"{c} ({kind})" for c in CLASSES for kind in ("train", "test")
    ]
    # A cell holds its predicted class j plus a shade in [0, 1): its band of the
    # colour scale, pale where the largest probability is 1/3, full where it is 1.
    z = np.asarray(heatmap.z, dtype=float)
    assert z.shape == (GRID_SIZE, GRID_SIZE)
    np.testing.assert_array_equal(np.floor(z), A.argmax(axis=-1))
    shade = (A.max(axis=-1) - 1 / 3) / (2 / 3)
    np.testing.assert_allclose(z - np.floor(z), 0.999 * shade, atol=1e-5)
    assert (heatmap.zmin, heatmap.zmax) == (0, 3)
    stops = [position for position, _ in heatmap.colorscale]
    assert stops[0] == 0 and stops[-1] == 1 and stops == sorted(stops)
    customdata = np.asarray(heatmap.customdata)
    np.testing.assert_allclose(customdata[..., 0], A.max(axis=-1), rtol=1e-6)
    np.testing.assert_array_equal(customdata[..., 1], A.argmax(axis=-1))
    assert "largest A = %{customdata[0]" in heatmap.hovertemplate
    assert "predicted class j = %{customdata[1]}" in heatmap.hovertemplate

    assert points[0].marker.color == class_color(0)
    assert points[1].marker.symbol == "diamond"
    assert sum(len(trace.x) for trace in points) == pair.m
    assert sum(len(trace.x) for trace in points[1::2]) == len(problem.test_rows)
    assert fig.layout.xaxis.title.text == "PetalLengthCm"
    assert fig.layout.yaxis.title.text == "PetalWidthCm"


def test_decision_regions_leaves_cells_without_finite_probabilities_blank():
    xs, ys = np.arange(3.0), np.arange(2.0)
    A = np.full((2, 3, 2), np.nan)
    A[0, 0] = (0.1, 0.9)
    points, y = np.zeros((2, 2)), np.array([0, 1])

    fig = decision_regions(
        xs, ys, A, points, y, np.array([False, True]), ("a", "b"), ("x", "y")
    )

    z = np.asarray(fig.data[0].z, dtype=float)
    assert np.isfinite(z).sum() == 1
    # Class 1, with a shade of (0.9 - 1/2) / (1 - 1/2) = 0.8.
    assert z[0, 0] == pytest.approx(1 + 0.999 * 0.8, abs=1e-6)


def test_run_last_finite_stops_before_the_divergence(iris):
    problem = prepare(iris)
    assert train(problem, "manual", 0.1, 0.01, 30).last_finite == 30

    diverged = train(problem, "manual", 10.0, 0.5, 40)
    t = diverged.last_finite
    assert t == diverged.diverged_at - 2
    assert np.isfinite(diverged.weights[t]).all()


def test_padded_range_widens_both_ends_and_survives_a_constant_column():
    assert padded_range(np.array([0.0, 10.0])) == pytest.approx((-0.5, 10.5))
    low, high = padded_range(np.array([3.0, 3.0]))
    assert low < 3 < high


# Probabilities of every row ----------------------------------------------------------


def test_row_probabilities_cover_training_then_test_rows(iris):
    problem = prepare(iris)
    A, y, is_test = row_probabilities(problem, problem.W0.numpy(), problem.b0.numpy())

    assert A.shape == (150, 3) and y.shape == (150,)
    assert is_test.sum() == len(problem.test_rows) and not is_test[:120].any()
    np.testing.assert_array_equal(y[120:], problem.y_test.numpy())


def test_probability_simplex_places_each_row_by_its_three_probabilities():
    A = np.array([[0.8, 0.1, 0.1], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [np.nan] * 3])
    y = np.array([0, 1, 2, 2])
    is_test = np.array([False, False, True, False])

    fig = probability_simplex(A, y, is_test, CLASSES)

    assert all(trace.type == "scatterternary" for trace in fig.data)
    rows, key = fig.data[:6], fig.data[6:]
    assert [trace.name for trace in rows] == [
        f"{c} ({kind})" for c in CLASSES for kind in ("train", "test")
    ]
    np.testing.assert_allclose(rows[2].a, [0.2])
    np.testing.assert_allclose(rows[5].c, [0.8])
    assert sum(len(trace.a) for trace in rows) == 3  # the NaN row is left out
    assert rows[4].marker.color == class_color(2)
    assert fig.layout.ternary.aaxis.title.text == "A[setosa]"
    assert fig.layout.ternary.caxis.title.text == "A[virginica]"
    # The corners name the classes; the legend tells only train from test, in
    # two entries that fit under the triangle at a projector's font size.
    assert not any(trace.showlegend is not False for trace in rows)
    assert [trace.name for trace in key] == ["training row", "test row"]
    assert [trace.marker.symbol for trace in key] == [
        rows[0].marker.symbol,
        rows[1].marker.symbol,
    ]
    assert fig.layout.legend.orientation == "h"


def test_probability_simplex_refuses_other_class_counts():
    with pytest.raises(ValueError, match="use stacked_probabilities"):
        probability_simplex(np.full((2, 2), 0.5), np.array([0, 1]), np.zeros(2), "ab")


def test_stacked_probabilities_group_rows_by_class_and_sort_by_confidence():
    A = np.array([[0.3, 0.7], [0.9, 0.1], [0.6, 0.4], [0.2, 0.8]])
    y = np.array([0, 0, 1, 1])

    fig = stacked_probabilities(
        A, y, np.array([False, True, False, False]), ("no", "yes")
    )

    bars = [trace for trace in fig.data if trace.type == "bar"]
    assert [trace.name for trace in bars] == ["A[no]", "A[yes]"]
    assert fig.layout.barmode == "stack"
    # Class "no" first (A[no] 0.9, then 0.3), then class "yes" (A[yes] 0.8, 0.4).
    np.testing.assert_allclose(bars[0].y, [0.9, 0.3, 0.2, 0.6])
    np.testing.assert_allclose(bars[1].y, [0.1, 0.7, 0.8, 0.4])
    strip = fig.data[-1]
    assert strip.name == "true class"
    assert list(strip.marker.color) == [class_color(0)] * 2 + [class_color(1)] * 2
    assert "sorted" in fig.layout.xaxis.title.text
    assert fig.layout.title.text is None


def test_many_rows_are_thinned_and_the_title_says_so():
    generator = np.random.default_rng(0)
    m = 3 * MAX_ROWS_SHOWN
    A = generator.dirichlet(np.ones(3), size=m)
    y = generator.integers(0, 3, size=m)
    is_test = np.zeros(m, dtype=bool)

    bars = stacked_probabilities(A, y, is_test, CLASSES)
    simplex = probability_simplex(A, y, is_test, CLASSES)
    regions = decision_regions(
        np.arange(3.0), np.arange(3.0), A[:9].reshape(3, 3, 3), A[:, :2], y,
        is_test, CLASSES, ("x", "y"),
    )  # fmt: skip

    assert len(bars.data[0].y) <= MAX_ROWS_SHOWN
    assert sum(len(trace.a) for trace in simplex.data[:6]) <= MAX_ROWS_SHOWN
    assert sum(len(t.x) for t in regions.data if t.type == "scatter") <= MAX_ROWS_SHOWN
    for fig in (bars, simplex, regions):
        assert fig.layout.title.text == f"2,000 of {m:,} rows shown, evenly spread"


# Sweep curves ----------------------------------------------------------------------


def test_envelope_keeps_a_zig_zag_that_even_thinning_would_hide():
    zig_zag = np.tile([1.0, 2.0], 2000)
    keep = envelope(zig_zag)

    assert len(keep) <= MAX_POINTS + 2
    assert set(zig_zag[keep]) == {1.0, 2.0}
    assert keep[0] == 0 and keep[-1] == len(zig_zag) - 1
    np.testing.assert_array_equal(envelope(np.arange(5.0)), np.arange(5))


def test_sweep_curves_name_each_rate_and_stop_diverged_curves():
    result = make_sweep(
        [[1.0, 0.8, 0.6, 0.5], [1.0, 3.0, np.inf, np.nan], [1.0, 1.5, 1.2, 2.0]],
        [None, 3, None],
        learning_rates=[0.1, 10.0, 1.0],
    )

    fig = sweep_curves(result, "learning_rate", highlight=0.1, log_y=True)

    lines = [trace for trace in fig.data if trace.mode == "lines"]
    assert [trace.name for trace in lines] == [
        "α = 0.1",
        "α = 10, diverged at 3",
        "α = 1, loss rose",
    ]
    np.testing.assert_array_equal(lines[1].x, [1, 2])
    np.testing.assert_array_equal(lines[1].y, [1.0, 3.0])
    assert lines[0].line.width > lines[1].line.width
    cross = [trace for trace in fig.data if trace.mode == "markers"]
    assert len(cross) == 1 and cross[0].x == (2,) and cross[0].marker.symbol == "x"
    assert fig.layout.yaxis.type == "log"
    assert fig.layout.xaxis.title.text == "iteration"
    assert "iteration %{x}" in lines[0].hovertemplate
    assert len({trace.line.color for trace in lines}) == 3


def test_sweep_curves_of_lam_thin_long_curves():
    result = make_sweep(np.ones((2, 5000)), [None, None], lams=[0.0, 0.5])

    fig = sweep_curves(result, "lam")

    assert [trace.name for trace in fig.data] == ["λ = 0", "λ = 0.5"]
    assert all(len(trace.x) <= MAX_POINTS + 2 for trace in fig.data)
    assert fig.layout.yaxis.type == "linear"


def test_sweep_curves_refuse_an_unknown_setting():
    with pytest.raises(ValueError, match="'learning_rate' or 'lam'"):
        sweep_curves(make_sweep([[1.0]], [None]), "alpha")


def test_curves_of_a_single_iteration_draw_a_point():
    # A line through one point draws nothing: the chart looked empty.
    run = train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 1)
    sweep = make_sweep([[1.0], [2.0]], [None, None], lams=[0.0, 0.5])
    figures = [
        loss_curves({"manual": run}),
        loss_parts(run),
        sweep_curves(sweep, "lam"),
    ]

    for fig in figures:
        assert fig.data and all(trace.mode == "lines+markers" for trace in fig.data)
    # Two points or more are lines again.
    longer = train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 2)
    assert loss_curves({"manual": longer}).data[0].mode == "lines"
