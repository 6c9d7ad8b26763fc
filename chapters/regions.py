"""Decision regions: the borders between classes over two features, as W and b
are trained."""

import dataclasses

import numpy as np
import streamlit as st

from lesson import runs, ui
from lesson.figures.regions import (
    decision_regions,
    grid_probabilities,
    padded_range,
)
from lesson.text import plain

ctx = ui.context()
s = ctx.settings
names = ctx.dataset.feature_names

st.title("Decision regions")
st.markdown(
    "Take only two features, and every row of X is a point in a plane. The model "
    "gives every point of that plane a class: the one with the largest "
    "probability in A. Below, the plane is coloured by that class, paler where "
    "the largest probability is small. The border between two classes is where "
    "their logits are equal, so it is always a straight line."
)
ui.latex(
    r"\hat y = \arg\max_j A_j = \arg\max_j Z_j, \qquad Z = xW + b"
    r"\quad\text{with } x \in \mathbb{R}^{2},\; W \in \mathbb{R}^{2 \times k}"
)
if len(names) < 2:
    st.info("This data set has a single feature; decision regions need two.")
    st.stop()

typed = {key: ui.typed_in_link(key) for key in ("regions_x", "regions_y")}
for key, default in zip(
    ("regions_x", "regions_y"), ui.feature_pair(names), strict=True
):
    if st.session_state.get(key) not in names:
        st.session_state[key] = default
left, right = st.columns(2)
x_name = left.selectbox("Feature across", names, key="regions_x", bind="query-params")
y_name = right.selectbox("Feature up", names, key="regions_y", bind="query-params")
for key, name in (("regions_x", x_name), ("regions_y", y_name)):
    ui.say_if_not_taken(key, typed[key], name, "a feature of this data")
if x_name == y_name:
    st.info("Choose two different features.")
    st.stop()

# A model trained on these two columns only, with the sidebar's settings.
i, j = names.index(x_name), names.index(y_name)
pair = dataclasses.replace(
    ctx.dataset, X=ctx.dataset.X[:, [i, j]], feature_names=(x_name, y_name)
)
pair_key = f"{ctx.dataset_key}|regions|{x_name}|{y_name}"
run = runs.get_run(pair_key, pair, s, "manual")
problem = runs.problem(pair_key, pair, s.seed, s.train_fraction, s.standardize)
ui.show_trouble(run)

last = run.last_finite
t = ui.iteration_slider(
    "Iteration (0 is the random start W, b)",
    "regions_iteration",
    last,
    help="Move it to watch the borders settle as W and b are trained.",
)
if run.diverged_at is not None:
    ui.last_finite_caption(run, "The slider ends at")

X = pair.X.numpy()
xs, ys, A = grid_probabilities(
    run.weights[t], run.biases[t], padded_range(X[:, 0]), padded_range(X[:, 1]),
    problem.mean, problem.std,
)  # fmt: skip
is_test = np.isin(np.arange(pair.m), problem.test_rows.numpy())
figure = decision_regions(
    xs, ys, A, X, pair.y.numpy(), is_test, ctx.dataset.class_names,
    (x_name, y_name),
)  # fmt: skip
ui.show_figure(figure, key="regions_figure")
st.caption(
    f"After {t} iterations on these two features: training accuracy "
    f"{run.train_accuracy[t]:.1%}, test accuracy {run.test_accuracy[t]:.1%}. "
    "Circles are training rows; diamonds are the held-out test rows. Hovering "
    "over the plane names the class by its number j: "
    + ", ".join(f"{j} {plain(name)}" for j, name in enumerate(ctx.dataset.class_names))
    + "."
)
if s.standardize:
    st.caption(
        "The model trained on standardized features; the plane keeps the "
        "features' own units and is standardized point by point before the model "
        "sees it, with the mean and standard deviation of the training rows."
    )

st.subheader("The code that colours the plane")
st.markdown(
    f"All {len(xs)} × {len(ys)} points of the grid go through the lesson's "
    "`logits` and `softmax` in one call."
)
ui.show_source(grid_probabilities)
