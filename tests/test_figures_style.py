"""Lecture mode: every figure grows for a projector, in text, lines and markers."""

import numpy as np

from lesson.figures.curves import loss_curves
from lesson.figures.matrices import matrix_heatmap
from lesson.figures.style import for_projector
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
