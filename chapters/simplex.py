"""Probability simplex: each row's k probabilities as a point that travels toward
its class's corner."""

import streamlit as st

from lesson import ui
from lesson.figures.regions import (
    probability_simplex,
    row_probabilities,
    stacked_probabilities,
)
from softmax_core import formulas

ctx = ui.context()
k = ctx.dataset.k

st.title("Probability simplex")
st.markdown(
    "Softmax turns each row's logits into k probabilities that are positive and "
    "sum to 1. With three classes, such a row A_i is a point of a triangle: each "
    "corner is certainty in one class, the centre is (1/3, 1/3, 1/3). Training "
    "pulls every row toward the corner of its true class; λ holds them back a "
    "little, since certainty needs large weights."
)
ui.latex(
    r"A_{ij} = \frac{e^{Z_{ij}}}{\sum_{l=0}^{k-1} e^{Z_{il}}}, \qquad "
    r"A_{ij} > 0, \quad \sum_{j=0}^{k-1} A_{ij} = 1"
)

run = ctx.run("manual")
ui.show_trouble(run)

last = run.last_finite
t = ui.iteration_slider(
    "Iteration (0 is the random start W, b)",
    "simplex_iteration",
    last,
    help="Move it to watch the rows travel toward their corners.",
)
if run.diverged_at is not None:
    ui.last_finite_caption(run, "The slider ends at")

A, y, is_test = row_probabilities(ctx.problem(), run.weights[t], run.biases[t])
names = ctx.dataset.class_names
if k == 3:
    figure = probability_simplex(A, y, is_test, names)
    where = "Each point is a row, coloured by its true class; diamonds are test rows."
else:
    st.info(
        f"This data set has {k} classes, and the triangle needs exactly three. "
        "Instead, each row is a bar of its k probabilities stacked; a bar mostly "
        "in its own class's colour is a confident, right prediction."
    )
    figure = stacked_probabilities(A, y, is_test, names)
    where = "The strip on top shows each row's true class."
ui.show_figure(figure, key="simplex_figure")
correct = (A.argmax(axis=1) == y).mean()
st.caption(
    f"{where} At iteration {t}, the largest probability points at the true "
    f"class for {correct:.1%} of all {len(y)} rows, training and test together."
)

st.subheader("The code")
st.markdown(
    "Every row goes through `logits` and then `softmax`, the stable version "
    "that subtracts each row's largest logit first:"
)
ui.show_source(formulas.logits, formulas.softmax, row_probabilities)
