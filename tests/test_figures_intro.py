"""The figures of the first pages: the network, a logit's parts, one-hot, the split."""

import numpy as np
import pytest

from lesson.figures.dataset import class_counts, one_hot_pair, split_scatter
from lesson.figures.network import (
    MAX_INPUTS,
    logit_parts,
    network_diagram,
)
from lesson.figures.style import class_color

IRIS_FEATURES = ("SepalLengthCm", "SepalWidthCm", "PetalLengthCm", "PetalWidthCm")
IRIS_CLASSES = ("Iris-setosa", "Iris-versicolor", "Iris-virginica")


def names(prefix: str, count: int) -> list[str]:
    return [f"{prefix} {i}" for i in range(count)]


def edge_traces(fig):
    """The line traces that draw edges (the legend's two samples have no points)."""
    return [t for t in fig.data if t.mode == "lines" and t.x[0] is not None]


def segments(trace) -> int:
    return len(trace.x) // 3


# The network diagram.


def test_network_draws_one_edge_per_weight_and_bias():
    W = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -0.1], [2.0, 2.0, -4.0], [1, 1, 1]])
    b = np.array([0.3, -0.3, 0.0])
    fig = network_diagram(W, b, IRIS_FEATURES, IRIS_CLASSES)

    # Two exact zeros have no sign, so they are not drawn.
    assert sum(segments(t) for t in edge_traces(fig)) == (4 + 1) * 3 - 2
    hover = next(t for t in fig.data if t.name == "weights")
    assert len(hover.x) == (4 + 1) * 3
    assert "W[PetalLengthCm, Iris-virginica] = -4" in hover.text
    assert "b[Iris-setosa] = 0.3" in hover.text


def test_network_colours_edges_by_sign_and_widens_large_weights():
    W = np.array([[1.0, -2.0], [0.25, -0.25]])
    fig = network_diagram(W, np.zeros(2), ["a", "b"], ["yes", "no"])
    red = [t for t in edge_traces(fig) if t.line.color.startswith("rgba(178,24,43")]
    blue = [t for t in edge_traces(fig) if t.line.color.startswith("rgba(33,102,172")]
    assert sum(map(segments, red)) == 2 and sum(map(segments, blue)) == 2

    # The largest weight, -2, has the widest edge of all.
    widest = max(edge_traces(fig), key=lambda t: t.line.width)
    assert widest in blue and segments(widest) == 1
    assert {t.name for t in fig.data if t.name} >= {"weight > 0", "weight < 0"}


def test_network_colours_outputs_by_class_and_names_every_node():
    fig = network_diagram(np.ones((4, 3)), np.ones(3), IRIS_FEATURES, IRIS_CLASSES)
    outputs = next(t for t in fig.data if t.name == "outputs")
    assert list(outputs.marker.color) == [class_color(j) for j in range(3)]
    assert list(fig.layout.yaxis.ticktext) == [*IRIS_FEATURES, "1 (bias)"]
    right = fig.layout.yaxis2
    assert right.side == "right" and outputs.yaxis == "y2"
    for j, name in enumerate(IRIS_CLASSES):
        assert name in right.ticktext[j] and class_color(j) in right.ticktext[j]
    # Tick labels make room for themselves, whatever their length or font size.
    assert fig.layout.yaxis.automargin and right.automargin
    assert list(fig.layout.yaxis.range) == list(right.range)


def test_network_keeps_thirty_features_legible():
    rng = np.random.default_rng(0)
    fig = network_diagram(rng.normal(size=(30, 2)), rng.normal(size=2),
                          names("feature", 30), ["malignant", "benign"])  # fmt: skip
    inputs = next(t for t in fig.data if t.name == "inputs")
    assert len(inputs.y) == 31
    # Nodes sit at least 24 pixels apart: the height grows with the inputs.
    plot_height = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot_height / (inputs.y.max() - inputs.y.min()) >= 24
    assert len(fig.layout.yaxis.ticktext) == 31


def test_network_with_many_features_keeps_the_strongest_and_says_so():
    W = np.full((50, 3), 0.01)
    W[[3, 40], 0] = 5.0
    fig = network_diagram(W, np.zeros(3), names("f", 50), names("class", 3))
    inputs = next(t for t in fig.data if t.name == "inputs")
    assert len(inputs.y) == MAX_INPUTS + 1
    assert {"f 3", "f 40"} <= set(inputs.text)
    assert any("of n = 50" in a.text for a in fig.layout.annotations)


def test_network_shortens_long_names_and_draws_twenty_classes():
    fig = network_diagram(np.ones((3, 20)), np.ones(20), ["x" * 60, "y", "z"],
                          names("class", 20))  # fmt: skip
    outputs = next(t for t in fig.data if t.name == "outputs")
    assert len(outputs.y) == 20
    assert max(len(label) for label in fig.layout.yaxis.ticktext) < 30


# One logit, term by term.


def test_logit_parts_stack_to_the_logits():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=4), rng.normal(size=(4, 3)), rng.normal(size=3)
    fig = logit_parts(x, W, b, IRIS_FEATURES, IRIS_CLASSES)
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == [*IRIS_FEATURES, "bias b"]
    assert fig.layout.barmode == "relative"
    np.testing.assert_allclose(sum(np.array(t.y) for t in bars), x @ W + b)
    total = next(t for t in fig.data if t.type == "scatter")
    np.testing.assert_allclose(total.y, x @ W + b)
    # The sum stands beside its bar, clear of the pieces and their labels.
    for bar in bars:
        assert list(bar.x) == [0, 1, 2] and bar.width == 0.5
    assert all(x > j + 0.25 for j, x in enumerate(total.x))
    assert list(total.customdata) == list(IRIS_CLASSES)
    assert list(fig.layout.xaxis.ticktext) == list(IRIS_CLASSES)
    assert fig.layout.xaxis.title.text == "class j"
    assert "Z<sub>j</sub>" in fig.layout.yaxis.title.text


def test_logit_parts_hide_the_legend_for_many_features():
    fig = logit_parts(np.ones(30), np.ones((30, 2)), np.ones(2), names("f", 30),
                      ["a", "b"])  # fmt: skip
    assert fig.layout.showlegend is False
    assert len([t for t in fig.data if t.type == "bar"]) == 31


# The data: counts, one-hot, split.


def test_class_counts_stack_train_on_test():
    fig = class_counts(np.array([40, 39, 41]), np.array([10, 11, 9]), IRIS_CLASSES)
    assert [t.name for t in fig.data] == ["train", "test"]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].marker.color) == [class_color(j) for j in range(3)]
    assert fig.data[1].marker.pattern.shape == "/"
    assert fig.layout.yaxis.title.text == "rows"


def test_one_hot_pair_shows_y_beside_Y():
    y = np.array([0, 0, 1, 2, 1])
    Y = np.eye(3)[y]
    fig = one_hot_pair(y, Y, [10, 11, 12, 13, 14], IRIS_CLASSES)
    labels, onehot = fig.data
    assert labels.type == onehot.type == "heatmap"
    assert np.array(labels.z).shape == (5, 1)
    assert np.array(onehot.z).shape == (5, 3)
    assert list(onehot.y) == ["10", "11", "12", "13", "14"]

    # The 1 in row i is drawn as class y_i, the same colour as the label beside it.
    np.testing.assert_array_equal(np.array(onehot.z).max(axis=1), y + 1)
    np.testing.assert_array_equal(np.array(labels.z)[:, 0], y + 1)
    np.testing.assert_array_equal(np.array(onehot.text), Y.astype(int))
    assert fig.layout.yaxis.type == "category"


def test_one_hot_pair_colours_match_the_classes():
    fig = one_hot_pair(np.array([1]), np.array([[0.0, 1.0]]), [0], ["a", "b"])
    scale = [color for _, color in fig.data[1].colorscale]
    assert scale[0] == "#ffffff"
    assert class_color(0) in scale and class_color(1) in scale


def test_one_hot_pair_copes_with_twenty_classes():
    y = np.arange(20)
    fig = one_hot_pair(y, np.eye(20), list(range(20)), names("class", 20))
    assert np.array(fig.data[1].z).shape == (20, 20)
    assert list(fig.data[1].x) == [str(j) for j in range(20)]


def test_split_scatter_marks_test_rows_and_keeps_class_colours():
    rng = np.random.default_rng(2)
    X2 = rng.normal(size=(12, 2))
    y = np.array([0, 1, 2] * 4)
    is_test = np.array([False] * 9 + [True] * 3)
    fig = split_scatter(X2, y, is_test, ("PetalLengthCm", "PetalWidthCm"),
                        IRIS_CLASSES)  # fmt: skip

    points = [t for t in fig.data if t.x[0] is not None]
    assert sum(len(t.x) for t in points) == 12
    test = [t for t in points if t.name.endswith(", test")]
    assert sum(len(t.x) for t in test) == 3
    assert {t.marker.symbol for t in test} == {"diamond"}
    for j, name in enumerate(IRIS_CLASSES):
        assert {t.marker.color for t in points if t.legendgroup == name} == {
            class_color(j)
        }
    assert fig.layout.xaxis.title.text == "PetalLengthCm"
    assert fig.layout.yaxis.title.text == "PetalWidthCm"
    assert {"train rows", "test rows"} <= {t.name for t in fig.data}


@pytest.mark.parametrize("k", [2, 20])
def test_split_scatter_lists_each_class_once_in_the_legend(k):
    y = np.arange(2 * k) % k
    fig = split_scatter(np.ones((2 * k, 2)), y, y % 2 == 0, ("a", "b"),
                        names("class", k))  # fmt: skip
    shown = [t.name for t in fig.data if t.showlegend is not False]
    assert shown == [*names("class", k), "train rows", "test rows"]


def test_split_scatter_hover_names_rows_and_features():
    fig = split_scatter(np.ones((2, 2)), np.array([0, 1]), np.array([False, True]),
                        ("x name", "y name"), ["a", "b"], rows=[7, 9])  # fmt: skip
    trace = next(t for t in fig.data if t.name == "b, test")
    assert list(trace.customdata) == [9]
    assert "x name" in trace.hovertemplate and "y name" in trace.hovertemplate
