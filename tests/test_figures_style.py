"""Lecture mode: every figure grows for a projector, in text, lines and markers."""

import math

import numpy as np
import pytest

from lesson.figures import compare
from lesson.figures.curves import accuracy_curves, loss_curves, loss_parts
from lesson.figures.dataset import class_counts
from lesson.figures.matrices import class_bars, matrix_heatmap
from lesson.figures.network import logit_parts
from lesson.figures.regions import probability_simplex
from lesson.figures.steps import probability_bars
from lesson.figures.style import (
    MAX_LOG_LABELS,
    for_projector,
    iteration_axis,
    log_axis,
)
from softmax_core import load_builtin, prepare, train


def test_for_projector_enlarges_text_lines_and_markers():
    run = train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 20)
    fig = loss_curves({"manual": run}, mark_iteration=5)
    line, marker = fig.data[0].line.width, fig.data[1].marker.size

    for_projector(fig)

    assert fig.layout.font.size == 20
    assert fig.layout.xaxis.tickfont.size == 18
    assert fig.data[0].line.width > line
    assert fig.data[1].marker.size > marker


def test_for_projector_enlarges_the_triangles_axes_and_adds_none_elsewhere():
    A = np.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
    triangle = for_projector(
        probability_simplex(A, np.array([0, 1]), np.array([False, True]), "abc")
    )
    for axis in (triangle.layout.ternary.aaxis, triangle.layout.ternary.caxis):
        assert axis.tickfont.size == 16
        assert axis.title.font.size == 20

    run = train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 5)
    curves = for_projector(loss_curves({"manual": run}))
    assert "ternary" not in curves.layout.to_plotly_json()


def test_for_projector_leaves_heatmap_values_to_fit_their_cells():
    # A fixed size overlapped in the narrow cells of a 1024-pixel projector;
    # Plotly's own size grows with the larger font and shrinks to fit a cell.
    fig = for_projector(matrix_heatmap(np.ones((4, 3)), "abcd", "xyz", "W"))

    assert fig.layout.font.size == 20
    assert fig.data[0].textfont.size is None


def test_for_projector_keeps_the_numbers_on_bars_readable():
    # Plotly shrank 0.0002528 over a thin bar to a few pixels.
    bars = for_projector(class_bars(np.array([0.95, 0.05, 0.0003]), "abc", "A", "A"))
    assert bars.layout.uniformtext.minsize >= 16
    assert bars.layout.uniformtext.mode == "show"
    heatmap = for_projector(matrix_heatmap(np.ones((2, 2)), "ab", "xy", "W"))
    assert heatmap.layout.uniformtext.minsize is None
    # Labels inside stacked bars are hidden where they do not fit, as before.
    parts = logit_parts(np.ones(2), np.ones((2, 3)), np.zeros(3), "fg", "abc")
    assert for_projector(parts).layout.uniformtext.mode == "hide"


def test_log_axis_labels_every_power_of_ten_over_a_few_decades():
    axis = log_axis([np.array([0.005, 0.3, 1.2]), np.array([0.2, np.nan])])

    assert axis == {"type": "log", "dtick": 1, "exponentformat": "power"}


def test_log_axis_over_less_than_two_decades_labels_round_values():
    # The sweep's λ curves at the article's settings: from about 0.3 to 1.6.
    axis = log_axis([np.array([0.31, 0.9, 1.6])])

    assert axis["tickvals"] == [0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    assert axis["ticktext"] == ["0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"]

    wider = log_axis([np.array([0.03, 2.0])])
    assert wider["tickvals"] == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]


def test_log_axis_thins_its_labels_over_a_diverging_runs_decades():
    # A run that blew up: from 1e-2 to 1e38, forty decades, then inf and NaN.
    losses = np.array([1e-2, 1.0, 1e20, 1e38, np.inf, np.nan])

    axis = log_axis([losses])

    assert axis["dtick"] == 5
    assert 40 / axis["dtick"] <= MAX_LOG_LABELS


def test_log_axis_takes_float32_extremes_whose_ratio_overflows():
    # A sweep's curves: one near float32's largest value, one almost at zero.
    losses = np.array([3e38, 1e-10, 0.5], dtype=np.float32)

    axis = log_axis([losses])

    assert axis["dtick"] == math.ceil(48.5 / MAX_LOG_LABELS)


def test_log_axis_without_a_positive_value_still_gives_an_axis():
    assert log_axis([np.array([np.nan, np.inf])])["dtick"] == 1


def test_a_short_run_labels_whole_iterations_only():
    run = train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 1)

    for figure in (loss_curves({"manual": run}), loss_parts(run), accuracy_curves(run)):
        assert figure.layout.xaxis.dtick == 1
        assert figure.layout.xaxis.title.text == "iteration"


def test_a_long_run_leaves_the_iteration_labels_to_plotly():
    assert iteration_axis(10)["dtick"] == 1
    assert "dtick" not in iteration_axis(11)


# Labels that look like numbers: uploads whose classes are 7, 5 and 3.
NUMBER_CLASSES = ("7", "5", "3")
NUMBER_FEATURES = ("10", "20")


def _name_axes(fig) -> list:
    """The figure's axes that carry class or feature names."""
    axes = [
        fig.layout[name] for name in fig.layout if name.startswith(("xaxis", "yaxis"))
    ]
    return [axis for axis in axes if axis.title.text in ("class", "feature", "f", "j")]


@pytest.mark.parametrize(
    "build",
    [
        lambda: matrix_heatmap(np.ones((2, 3)), NUMBER_FEATURES, NUMBER_CLASSES, "W",
                               row_title="f", column_title="j"),
        lambda: class_bars(np.array([1.0, 2.0, 3.0]), NUMBER_CLASSES, "Z", "Z"),
        lambda: probability_bars(np.array([0.2, 0.3, 0.5]), NUMBER_CLASSES, "A"),
        lambda: class_counts(np.array([3, 4, 5]), np.array([1, 1, 1]), NUMBER_CLASSES),
        lambda: compare.gradient_heatmaps(
            {"manual": np.ones((2, 3)), "nn": np.ones((2, 3))},
            NUMBER_FEATURES, NUMBER_CLASSES, 1,
        ),
    ],
)  # fmt: skip
def test_names_that_look_like_numbers_stay_names_on_their_axes(build):
    fig = build()

    axes = _name_axes(fig)
    assert axes, "the figure has no axis titled with names"
    assert all(axis.type == "category" for axis in axes)


def test_numbers_on_axes_and_colour_bars_are_written_without_si_prefixes():
    fig = matrix_heatmap(np.array([[5e-4, -2e-4]]), ["f"], ["a", "b"], "dW")
    assert fig.data[0].colorbar.exponentformat == "e"
    assert fig.layout.xaxis.exponentformat == fig.layout.yaxis.exponentformat == "e"
