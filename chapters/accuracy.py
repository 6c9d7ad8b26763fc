"""Accuracy in depth: confusion matrices, accuracy class by class, and accuracy
during training."""

import streamlit as st
import torch

from lesson import ui
from lesson.figures import compare, curves
from softmax_core import formulas

ctx = ui.context()
dataset = ctx.dataset
k = dataset.k

st.title("Accuracy in depth")
st.markdown(
    "Accuracy is one number: the share of rows whose largest logit is the true "
    "class. It hides *which* classes get mixed up. A confusion matrix counts, for "
    "each true class, where its rows went."
)
ui.latex(
    r"\hat y_i = \arg\max_j Z_{ij}, \qquad "
    r"\text{accuracy} = \frac{1}{m}\sum_{i=0}^{m-1} [\hat y_i = y_i], \qquad "
    r"C_{jl} = \#\{i : y_i = j,\ \hat y_i = l\}"
)
ui.show_source(formulas.logits, formulas.accuracy)

run = ctx.run()
ui.show_trouble(run)
t = run.last_finite
if run.diverged_at is not None:
    ui.last_finite_caption(run, "The accuracy is judged at")

# Predictions at the trained W, b of the manual run; the other two land on the
# same W (see "Three implementations").
problem = ctx.problem()
W, b = torch.tensor(run.weights[t]), torch.tensor(run.biases[t])
splits = {
    "train": (problem.X_train, problem.y_train, problem.train_rows),
    "test": (problem.X_test, problem.y_test, problem.test_rows),
}
results = {}
for split, (X, y, positions) in splits.items():
    Z = formulas.logits(X, W, b)
    predicted = Z.argmax(dim=-1).numpy()
    C = compare.confusion_matrix(y.numpy(), predicted, k)
    results[split] = (C, formulas.softmax(Z).numpy(), y.numpy(), predicted, positions)

st.subheader("Confusion matrices")
st.markdown(
    "Rows are the true class, columns the predicted one: the diagonal holds the "
    "rows predicted right, every count off it is a mistake. Look for the pair of "
    "classes that shares the off-diagonal counts."
)
confusions = {split: C for split, (C, *_) in results.items()}
st.markdown(
    " · ".join(
        f"**{split}**: {int(C.trace())}/{int(C.sum())} right "
        f"({C.trace() / C.sum():.1%})"
        for split, C in confusions.items()
    )
)
ui.show_figure(
    compare.confusion_heatmaps(confusions, dataset.class_names),
    key="accuracy_confusion",
)

st.subheader("Accuracy class by class")
st.markdown(
    "Each bar is the share of one class's rows predicted right; the count is "
    "written above it. A class far below the others is where the model struggles."
)
ui.show_figure(
    compare.class_accuracy_bars(confusions, dataset.class_names),
    key="accuracy_per_class",
)

st.subheader("The rows it gets wrong")
st.markdown(
    "Each misclassified row with its probabilities A = softmax(Z). A mistake "
    "made with a probability near 1 is a confident one; near 1/k, a close call."
)
# Held-out mistakes first: they are the ones that say how the model generalizes.
order = ("test", "train")
for split, tab in zip(order, st.tabs([f"{s} rows" for s in order]), strict=True):
    _, A, y, predicted, positions = results[split]
    rows = [dataset.rows[int(i)] for i in positions]
    table = compare.misclassified(A, y, predicted, rows, dataset.class_names)
    if table.empty:
        tab.success(f"Every {split} row is predicted right.")
    else:
        probabilities = {
            name: st.column_config.ProgressColumn(name, format="%.3f", min_value=0.0)
            for name in table.columns
            if name.startswith("P(")
        }
        with tab:
            ui.show_table(table, hide_index=True, column_config=probabilities)
st.caption(
    "The row column numbers the data rows from 0, in the order the file has them; "
    "in a CSV file, row r stands on line r + 2, below the header."
)
with st.expander("The code of A = softmax(Z)"):
    ui.show_source(formulas.softmax)

st.subheader("Accuracy during training")
st.markdown(
    "Train and test accuracy after each update. They move in steps, one row at "
    "a time; test accuracy on a few held-out rows jumps more."
)
if t >= 1:
    ui.show_figure(curves.accuracy_curves(run.first(t)), key="accuracy_curves")
else:
    st.info("Training broke at the first update, so there is no curve to draw.")
