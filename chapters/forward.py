"""Forward pass: Z = XW + b with every shape written out, for one chosen row."""

import numpy as np
import pandas as pd
import streamlit as st
import torch

from lesson import ui
from lesson.figures.matrices import class_bars, matrix_heatmap
from lesson.figures.network import logit_parts
from lesson.text import plain
from softmax_core import formulas

ctx = ui.context()
data = ctx.dataset
problem = ctx.problem()
m, n = problem.X_train.shape
k = data.k

st.title("The forward pass")
st.markdown(
    "The forward pass turns features into one score per class, the logits. For "
    "all training rows at once it is a single matrix product and a sum:"
)
ui.latex(
    r"\underbrace{Z}_{(m,\,k)} = \underbrace{X}_{(m,\,n)}\,\underbrace{W}_{(n,\,k)}"
    r" + \underbrace{b}_{(k,)} \qquad "
    rf"\underbrace{{Z}}_{{({m},\,{k})}} = \underbrace{{X}}_{{({m},\,{n})}}\,"
    rf"\underbrace{{W}}_{{({n},\,{k})}} + \underbrace{{b}}_{{({k},)}}"
)
st.markdown(
    f"- X ({m}, {n}): the m = {m} training rows (the other {data.m - m} are held "
    f"out for testing), each with n = {n} features.\n"
    f"- W ({n}, {k}): one column of n weights for each of the k = {k} classes.\n"
    f"- b ({k},): one bias per class, added to every row of XW.\n"
    f"- Z ({m}, {k}): one row of k logits per example. The largest logit in a row "
    "is the class the model predicts."
)

# One row, followed through the product.
st.subheader("One row at a time")
st.markdown("Row i of Z needs only row i of X:")
ui.latex(r"Z_i = X_i\, W + b, \qquad Z_{ij} = \sum_{f} X_{if}\, W_{fj} + b_j")
ui.keep_inside("forward_sample", 0, m - 1)
typed = ui.typed_in_link("forward_sample", 0, m - 1)
i = st.number_input(
    f"Training row i, from 0 to {m - 1}",
    min_value=0,
    max_value=m - 1,
    step=1,
    key="forward_sample",
    bind=ui.bind_to_link("forward_sample"),
)
ui.say_if_not_taken("forward_sample", typed, i, f"a whole number from 0 to {m - 1}")
true_class = data.class_names[int(problem.y_train[i])]
row = int(problem.train_rows[i])
scaled = ", after standardizing" if ctx.settings.standardize else ""
st.markdown(
    f"Training row {i} is row {row} of the data table, labelled "
    f"**{plain(true_class)}**. "
    f"Its features X_i, as training sees them{scaled}:"
)
X_i = problem.X_train[i : i + 1]  # (1, n): a row of X keeps its matrix shape
ui.show_table(
    pd.DataFrame(X_i.numpy(), columns=list(data.feature_names), index=["X_i"])
)

# The same row through the start W, b and through the trained ones.
run = ctx.run()
ui.show_trouble(run)
t = run.last_finite
W = torch.tensor(np.stack([run.weights[0], run.weights[t]]))  # (2, n, k)
b = torch.tensor(np.stack([run.biases[0], run.biases[t]]))  # (2, k)
Z_i = formulas.logits(X_i, W, b)[:, 0].numpy()  # (2, k): start, trained
broke = t < run.iterations
titles = (
    "At the start, iteration 0",
    f"{'Where training broke off' if broke else 'After training'}, iteration {t}",
)
for column, when, title in zip(ui.columns(2), (0, 1), titles, strict=True):
    with column:
        st.markdown(f"**{title}**")
        st.caption("W (n, k), with its own colour scale")
        ui.show_figure(
            matrix_heatmap(
                W[when].numpy(), data.feature_names, data.class_names, "W",
                row_title="feature f", column_title="class j",
            ),
            key=f"forward_W_{when}",
        )  # fmt: skip
        numbers = pd.DataFrame(
            [b[when].numpy(), Z_i[when]], index=["b", "Z_i"], columns=data.class_names
        )
        ui.show_table(numbers)
        ui.show_figure(
            class_bars(
                Z_i[when], data.class_names, "logit Z<sub>ij</sub>", "Z<sub>i</sub>"
            ),
            key=f"forward_Z_{when}",
        )
        guess = data.class_names[int(np.argmax(Z_i[when]))]
        verdict = "right" if guess == true_class else f"wrong, it is {true_class}"
        st.caption(plain(f"Largest logit: {guess}, {verdict}."))
if broke:
    ui.last_finite_caption(run, "The right column shows")
st.markdown(
    "The start W and b are random numbers in [0, 1), so the start's logits say "
    "little about the class. Training moves W until the true class gets the "
    "largest logit for most rows."
)

st.subheader("Where each trained logit comes from")
st.markdown(
    "Each logit Z_ij is a sum of n + 1 terms: X_if W_fj for every feature f, and "
    "the bias b_j. Terms above zero push the class up, terms below push it down; "
    "the black triangle beside each bar points at their sum. Hover over a piece "
    "to see its feature."
)
ui.show_figure(
    logit_parts(
        X_i[0].numpy(), W[1].numpy(), b[1].numpy(), data.feature_names,
        data.class_names,
    ),
    key="forward_parts",
)  # fmt: skip

st.subheader("The code")
st.markdown(
    "One line does it for every row at once. b has shape (k,), and broadcasting "
    "adds it to each of the m rows of XW. The same line serves a stack of W's, "
    "as above, where the start and the trained W went through it together: "
    "there b is (T, k), and unsqueeze makes it (T, 1, k), so that each b[t] "
    "reaches every row of its own XW[t]."
)
ui.show_source(formulas.logits)
