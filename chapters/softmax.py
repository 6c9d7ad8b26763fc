"""Softmax: one example's logits turned into probabilities, and where the naive
formula breaks."""

import numpy as np
import streamlit as st
import torch

from lesson import ui
from lesson.figures.matrices import class_bars
from lesson.figures.steps import (
    LOGITS_EXAMPLE,
    naive_vs_stable,
    parse_logits,
    probability_bars,
    softmax_table,
)
from lesson.text import plain
from softmax_core import formulas

ctx = ui.context()
problem, run, dataset = ctx.problem(), ctx.run(), ctx.dataset

st.title("Softmax")
st.markdown(
    "The model gives each class a score, the logit z_j. Softmax turns the k logits "
    "of one example into k probabilities that are positive and add up to 1: the "
    "larger a logit, the larger its share."
)
ui.latex(r"A_{ij} = \frac{e^{Z_{ij}}}{\sum_{l=0}^{k-1} e^{Z_{il}}}")
ui.show_trouble(run)

# One example, at the random start and after training.
st.subheader("One example, before and after training")
ui.keep_inside("softmax_sample", 0, dataset.m - 1)
typed = ui.typed_in_link("softmax_sample", 0, dataset.m - 1)
row = st.number_input(
    f"Row of the data set (0 to {dataset.m - 1})",
    min_value=0,
    max_value=dataset.m - 1,
    key="softmax_sample",
    bind=ui.bind_to_link("softmax_sample"),
    width=260,
)
takes = f"a whole number from 0 to {dataset.m - 1}"
ui.say_if_not_taken("softmax_sample", typed, row, takes)
# The split shuffled the rows; find this row among the train and test features.
order = torch.cat([problem.train_rows, problem.test_rows])
position = int(torch.argsort(order)[row])
x = torch.cat([problem.X_train, problem.X_test])[position]
part = "training" if position < len(problem.train_rows) else "test"
st.caption(
    f"Row {row} is a {part} row; its true class is "
    f"**{plain(dataset.class_names[int(dataset.y[row])])}**."
)

# A diverged run's last W has no finite loss; its last one that has still makes
# the point.
trained = run.last_finite
moments = {
    "At the start (W₀, b₀)": (run.weights[0], run.biases[0]),
    f"After {trained} iterations": (run.weights[trained], run.biases[trained]),
}
naive_fails = False
for i, (column, (title, (W, b))) in enumerate(
    zip(ui.columns(2), moments.items(), strict=True)
):
    Z = formulas.logits(x[None], torch.tensor(W), torch.tensor(b))
    naive_fails |= bool(formulas.naive_softmax(Z).isnan().any())
    with column:
        st.markdown(f"**{title}**")
        logit_bars = class_bars(
            Z[0].numpy(), dataset.class_names, "logit  Z<sub>i</sub>", "Z"
        )
        ui.show_figure(logit_bars, key=f"softmax_Z_{i}")
        A = formulas.softmax(Z)[0].numpy()
        A_bars = probability_bars(
            A, dataset.class_names, "A<sub>i</sub> = softmax(Z<sub>i</sub>)"
        )
        ui.show_figure(A_bars, key=f"softmax_A_{i}")
if run.diverged_at is not None:
    ui.last_finite_caption(run, "The right-hand side uses")
    st.caption(
        "Its logits are huge, yet the stable softmax still makes probabilities of them."
    )
if naive_fails:
    st.info(
        "These logits are large enough that the naive formula below would "
        "return NaN for this row; the stable one, used here, does not."
    )
st.markdown(
    "At the start the weights are random, so the probabilities say little. "
    "After training, the bar of the true class should stand tallest."
)

# The naive formula and the stable one, with the code that runs.
st.subheader("Naive and stable")
st.markdown(
    "Written as it reads, the formula computes e^z first. In float32, e^z "
    "overflows to infinity once z passes about 88, and inf / inf is NaN: no "
    "number at all. Subtracting the largest logit first changes nothing in "
    "the result, since the factor e^(-max) cancels, but every e^z then lies "
    "between 0 and 1."
)
naive_column, stable_column = ui.columns(2)
naive_column.latex(r"\text{naive: } A_j = \frac{e^{z_j}}{\sum_l e^{z_l}}")
stable_column.latex(
    r"\text{stable: } A_j = \frac{e^{z_j - \max z}}{\sum_l e^{z_l - \max z}}"
)
ui.show_source(formulas.naive_softmax, formulas.softmax)

# Typed logits: the naive formula breaks where the stable one does not.
st.subheader("Try your own logits")
text = st.text_input(
    "Logits z, separated by commas (2 to 20 values)",
    value=LOGITS_EXAMPLE,
    key="softmax_logits",
    bind="query-params",
)
try:
    z = parse_logits(text)
except ValueError as error:
    st.error(str(error))
    st.stop()

Z = torch.from_numpy(z)[None]
naive, stable = formulas.naive_softmax(Z)[0].numpy(), formulas.softmax(Z)[0].numpy()
ui.show_figure(naive_vs_stable(z, naive, stable), key="softmax_typed")
ui.show_table(softmax_table(z, naive, stable), hide_index=True)
# How far the naive probabilities are from the stable ones, NaN aside.
off = float(np.nanmax(np.abs(naive - stable))) if not np.isnan(naive).all() else 0.0
if np.isnan(naive).any():
    st.markdown(
        "The naive formula returned **NaN**: an e^z overflowed to inf (and "
        "inf / inf is NaN), or every e^z underflowed to 0 (and 0 / 0 is NaN). "
        "The stable one still gives probabilities that add up to 1."
    )
elif off > 1e-6:
    st.markdown(
        f"The naive formula went wrong **without a NaN**: its A adds up to "
        f"{naive.sum():.4g}, not 1, and is up to {off:.3g} away from the stable "
        "one. In float32 a number above about 3.4e38 is inf: here each e^z "
        "fits, but their sum does not, and e^z / inf is 0. (Below about 1e-38 "
        "an e^z loses digits, which can also throw the naive A off.)"
    )
else:
    st.markdown(
        "Here both agree. Type a logit above 88.7 (e^88.7 is about float32's "
        "largest number), such as 1000, or make all of them below -104, to see "
        "the naive formula fail."
    )
