"""The figures of the softmax, loss and descent pages, and the logits reader."""

import numpy as np
import pytest

from lesson.figures import steps
from lesson.figures.style import IMPLEMENTATION_COLORS, class_color
from softmax_core import load_builtin, prepare, train

CLASSES = ("setosa", "versicolor", "virginica")


@pytest.fixture(scope="module")
def run():
    return train(prepare(load_builtin("iris")), "manual", 0.1, 0.01, 30)


# The logits a person types.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1000, 0, -1000", [1000, 0, -1000]),
        ("1 2;3", [1, 2, 3]),
        ("  1e3,\t-2.5 , ", [1000, -2.5]),
        (",".join(["1"] * 20), [1] * 20),
    ],
)
def test_parse_logits_reads_commas_semicolons_and_spaces(text, expected):
    z = steps.parse_logits(text)
    assert z.dtype == np.float32
    np.testing.assert_array_equal(z, np.array(expected, dtype=np.float32))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"The logits are empty\. Type 2 to 20 numbers, e\.g\. 1000, 0, -1000\."),
        (" , ; ", "The logits are empty"),
        ("1, abc, 3", r"Value 2, 'abc', is not a number\. Type 2 to 20 numbers"),
        ("1,,x", r"Value 2, 'x', is not a number"),
        ("5", r"That is 1 value\(s\), one per class\. Type 2 to 20 numbers"),
        (",".join(["1"] * 21), r"That is 21 value\(s\)"),
        ("nan, 1", r"Value 1, 'nan', is not a finite float32 number"),
        ("1, -inf", r"Value 2, '-inf', is not a finite float32 number"),
        (
            "1e39, 0",
            r"Value 1, '1e39', is not a finite float32 number \(at most 3\.4e\+38",
        ),
    ],
)
def test_parse_logits_says_what_was_wrong_and_how_to_fix_it(text, message):
    with pytest.raises(ValueError, match=message):
        steps.parse_logits(text)


# The softmax page.


def test_probability_bars_colour_each_class_on_a_fixed_axis():
    fig = steps.probability_bars(np.array([0.2, 0.5, 0.3]), CLASSES, "A")
    (bar,) = fig.data
    assert bar.type == "bar"
    assert list(bar.x) == list(CLASSES)
    assert list(bar.marker.color) == [class_color(j) for j in range(3)]
    assert list(fig.layout.yaxis.range) == [0, 1.15]
    assert fig.layout.yaxis.title.text == "probability  A<sub>i</sub>"
    assert fig.layout.xaxis.title.text == "class"


def test_probability_bars_spell_out_nan():
    fig = steps.probability_bars(np.array([np.nan, 0.0, 0.0]), CLASSES, "A")
    assert list(fig.data[0].text) == ["NaN", "0", "0"]
    assert np.isfinite(np.asarray(fig.data[0].y, dtype=float)).all()


def test_naive_vs_stable_has_two_named_traces_and_labels_nan():
    z = np.array([1000, 0, -1000], dtype=np.float32)
    naive = np.array([np.nan, 0, 0])
    stable = np.array([1.0, 0, 0])
    fig = steps.naive_vs_stable(z, naive, stable)
    assert [trace.name for trace in fig.data] == ["naive", "stable"]
    assert fig.data[0].marker.color != fig.data[1].marker.color
    assert list(fig.data[0].x) == ["z0 = 1000", "z1 = 0", "z2 = -1000"]
    assert list(fig.data[0].text) == ["NaN", "0", "0"]
    assert list(fig.data[0].y) == [0, 0, 0]
    assert fig.layout.barmode == "group"
    assert fig.layout.xaxis.title.text == "logit  z<sub>j</sub>"


def test_softmax_table_spells_out_inf_and_nan():
    z = np.array([1000, 0, -1000], dtype=np.float32)
    table = steps.softmax_table(z, np.array([np.nan, 0, 0]), np.array([1.0, 0, 0]))
    assert list(table.columns) == [
        "z",
        "naive: e^z",
        "stable: e^(z - max z)",
        "naive A",
        "stable A",
    ]
    assert list(table["naive: e^z"]) == ["inf", "1", "0"]
    assert list(table["naive A"]) == ["NaN", "0", "0"]
    assert list(table["stable A"]) == ["1", "0", "0"]


# Heatmaps that a diverged run cannot break.


def test_heatmap_leaves_inf_and_nan_blank_and_labels_them():
    M = np.array([[1.0, -2.0], [np.inf, np.nan], [-np.inf, 0.5]])
    fig = steps.heatmap(M, ["f1", "f2", "f3"], ["c1", "c2"], "dW", "feature", "class")
    (cells,) = fig.data
    assert cells.type == "heatmap"
    assert (cells.zmin, cells.zmax) == (-2.0, 2.0)
    assert [list(row) for row in cells.text] == [
        ["1", "-2"],
        ["inf", "NaN"],
        ["-inf", "0.5"],
    ]
    assert "dW[%{y}, %{x}]" in cells.hovertemplate
    assert fig.layout.xaxis.title.text == "class"
    assert fig.layout.yaxis.title.text == "feature"
    assert "Infinity" not in fig.to_json()
    assert not fig.layout.annotations


def test_heatmap_of_nothing_finite_still_draws():
    fig = steps.heatmap(np.full((1, 3), np.nan), ["db"], CLASSES, "db")
    assert fig.data[0].zmin == -1
    assert list(fig.data[0].text[0]) == ["NaN"] * 3
    assert fig.layout.annotations[0].text == "every entry of db is inf or NaN"
    fig.to_json()


def test_iteration_gradients_put_dw_above_db_each_on_its_own_scale():
    dW = np.array([[1.0, -2.0, 0.5], [0.25, 0.0, -1.0]])
    db = np.array([0.01, -0.03, 0.02])
    fig = steps.iteration_gradients(dW, db, ["f1", "f2"], ["7", "5", "3"])
    upper, lower = fig.data
    assert np.array_equal(np.asarray(upper.z, dtype=float), dW)
    assert np.array_equal(np.asarray(lower.z, dtype=float)[0], db)
    assert (upper.zmax, lower.zmax) == (2.0, 0.03)
    assert (upper.xaxis, upper.yaxis, lower.xaxis, lower.yaxis) == (
        "x",
        "y",
        "x2",
        "y2",
    )
    # dW's rows above db's, apart, each with its colour bar beside them.
    (dW_low, dW_high), (db_low, db_high) = (
        fig.layout.yaxis.domain,
        fig.layout.yaxis2.domain,
    )
    assert db_high < dW_low
    assert dW_low < upper.colorbar.y < dW_high
    assert db_low < lower.colorbar.y < db_high
    # Class names that look like numbers stay names, on one shared axis.
    assert fig.layout.xaxis.matches == "x2"
    assert fig.layout.xaxis2.type == fig.layout.yaxis.type == "category"
    assert not fig.layout.annotations


def test_iteration_gradients_say_where_nothing_is_finite():
    dW = np.ones((4, 3))
    fig = steps.iteration_gradients(dW, np.full(3, np.nan), list("abcd"), CLASSES)
    (note,) = fig.layout.annotations
    assert note.text == "every entry of db is inf or NaN"
    assert note.y < fig.layout.yaxis2.domain[1]
    fig.to_json()


# The loss page.


def test_sample_costs_puts_the_costliest_row_first_with_one_trace_per_class():
    costs = np.array([0.1, 2.5, 0.7, 0.05, 1.0])
    rows = np.array([10, 11, 12, 13, 14])
    y = np.array([0, 1, 1, 2, 0])
    predicted = np.array([0, 2, 1, 2, 1])
    fig = steps.sample_costs(costs, rows, y, predicted, CLASSES)
    assert [trace.name for trace in fig.data] == list(CLASSES)
    assert [trace.marker.color for trace in fig.data] == [
        class_color(j) for j in range(3)
    ]
    assert sum(len(trace.x) for trace in fig.data) == len(costs)
    versicolor = fig.data[1]
    assert list(versicolor.x) == [1, 3]  # row 11 costs most, row 12 comes third
    assert list(versicolor.customdata[0]) == ["11", "virginica"]
    assert "row %{customdata[0]}" in versicolor.hovertemplate
    assert fig.layout.xaxis.title.text == "training rows, most costly first"
    assert fig.layout.yaxis.title.text == "cost  −log A<sub>i</sub>[y<sub>i</sub>]"


def test_sample_costs_skips_a_class_without_training_rows():
    fig = steps.sample_costs(
        np.array([0.3, 0.2]),
        np.array([0, 1]),
        np.array([0, 0]),
        np.array([0, 1]),
        CLASSES,
    )
    assert [trace.name for trace in fig.data] == ["setosa"]


def test_lam_comparison_stacks_both_terms_and_marks_the_sidebar_and_diverged():
    fig = steps.lam_comparison(
        [0.0, 0.01, 1.0], [0.2, 0.3, np.nan], [0.0, 0.1, np.inf], chosen_lam=0.01
    )
    assert [trace.name for trace in fig.data] == ["cross-entropy", "λ‖W‖²"]
    assert fig.layout.barmode == "stack"
    assert list(fig.data[0].x) == ["λ = 0", "λ = 0.01 (sidebar)", "λ = 1"]
    assert list(fig.data[0].y) == [0.2, 0.3, 0.0]
    notes = {note.x: note.text for note in fig.layout.annotations}
    # The diverged bar says so; each other bar has its total above it.
    assert notes == {"λ = 1": "diverged", "λ = 0": "0.2", "λ = 0.01 (sidebar)": "0.4"}
    assert fig.layout.yaxis.title.text == "final loss  J(W, b)"


# The descent page.


def test_live_loss_spans_the_whole_run_while_it_grows(run):
    fig = steps.live_loss(run.first(10), iterations=30)
    (curve,) = fig.data
    assert curve.type == "scatter"  # SVG, never Scattergl
    assert curve.name == "manual"
    assert curve.line.color == IMPLEMENTATION_COLORS["manual"]
    assert len(curve.x) == 10
    assert list(fig.layout.xaxis.range) == [0, 31]
    assert fig.layout.xaxis.title.text == "iteration"


def test_latex_matrix_writes_rows_and_powers_of_ten():
    latex = steps.latex_matrix(np.array([[1.0, 12345.0], [-0.000123, 0.5]]))
    assert latex == (
        r"\begin{bmatrix}1 & 1.23 \times 10^{4} \\ "
        r"-0.000123 & 0.5\end{bmatrix}"
    )


def test_latex_matrix_spells_out_nan_and_infinity():
    latex = steps.latex_matrix(np.array([np.nan, np.inf, -np.inf, 1e-20]))
    assert latex == (
        r"\begin{bmatrix}\text{NaN} & \infty & -\infty & 1 \times 10^{-20}\end{bmatrix}"
    )


def test_update_latex_reads_after_equals_before_minus_alpha_times_gradient():
    before, grad = np.array([[1.0, 2.0]]), np.array([[0.5, -1.0]])
    latex = steps.update_latex("W", before, grad, before - 0.1 * grad, 0.1)
    assert latex.index(r"_{W\ \text{after}}") < latex.index(r"_{W\ \text{before}}")
    assert r"- 0.1 \cdot" in latex
    assert latex.endswith("_{dW}")
    assert r"0.95 & 2.1" in latex


def test_update_table_has_one_line_per_entry():
    before = np.arange(6.0).reshape(3, 2)
    table = steps.update_table("W", before, before, before, ["a", "b", "c"], ["x", "y"])
    assert list(table.columns) == ["feature", "class", "W before", "dW", "W after"]
    assert len(table) == 6
    assert list(table.iloc[3][["feature", "class"]]) == ["b", "y"]
    assert table.iloc[3]["W before"] == before[1, 1]
