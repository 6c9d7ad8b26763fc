"""Lecture mode: every figure grows for a projector, in text, lines and markers."""

import numpy as np

from lesson.figures.curves import loss_curves
from lesson.figures.matrices import matrix_heatmap
from lesson.figures.style import MAX_LOG_LABELS, for_projector, log_axis
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


def test_for_projector_fixes_the_size_of_heatmap_values():
    fig = for_projector(matrix_heatmap(np.ones((4, 3)), "abcd", "xyz", "W"))

    assert fig.data[0].textfont.size == 16


def test_log_axis_labels_every_power_of_ten_over_a_few_decades():
    axis = log_axis([np.array([0.05, 0.3, 1.2]), np.array([0.2, np.nan])])

    assert axis == {"type": "log", "dtick": 1, "exponentformat": "power"}


def test_log_axis_thins_its_labels_over_a_diverging_runs_decades():
    # A run that blew up: from 1e-2 to 1e38, forty decades, then inf and NaN.
    losses = np.array([1e-2, 1.0, 1e20, 1e38, np.inf, np.nan])

    axis = log_axis([losses])

    assert axis["dtick"] == 5
    assert 40 / axis["dtick"] <= MAX_LOG_LABELS


def test_log_axis_without_a_positive_value_still_gives_an_axis():
    assert log_axis([np.array([np.nan, np.inf])])["dtick"] == 1
