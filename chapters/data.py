"""Data and one-hot: the table, the label map, y beside Y, and the held-out rows."""

import numpy as np
import pandas as pd
import streamlit as st

from lesson import ui
from lesson.figures.dataset import one_hot_pair, split_scatter
from lesson.text import plain
from softmax_core import formulas, training

# More rows than this make the one-hot cells too small to read.
MAX_ROWS = 30

ctx = ui.context()
data = ctx.dataset
m, n, k = data.m, data.n, data.k
X, y = data.X.numpy(), data.y.numpy()
problem = ctx.problem()
is_test = np.zeros(m, dtype=bool)
is_test[problem.test_rows.numpy()] = True

st.title("Data and one-hot labels")
st.markdown(
    f"The model learns from a table of {m} rows, one example each. Every row "
    f"has n = {n} numbers, the features, and a label naming one of k = {k} "
    "classes. In the lesson's letters the features are X (m, n) and the labels "
    f"y (m,), where m counts the rows at hand: here all {m}; in the loss and "
    f"its gradients, the {len(problem.y_train)} training rows."
)
st.caption("What the loader noticed about this data is in the sidebar, under Data.")

st.subheader("The table")
# The label first: with many features it would sit far off to the right.
labels = pd.DataFrame(
    {"class name": np.asarray(data.class_names, dtype=object)[y],
     "y, its index": y, "split": np.where(is_test, "test", "train")},
)  # fmt: skip
table = pd.concat([labels, pd.DataFrame(X, columns=list(data.feature_names))], axis=1)
table.index.name = "row i"
ui.show_table(table, height=300)

st.subheader("The label map")
st.markdown(
    "The model computes with numbers, not names, so each class gets an index j "
    "from 0 to k - 1, numbered in the order the classes first appear in the "
    "table. The article kept this map in a dictionary called target_map:"
)
target_map = dict(zip(data.class_names, range(k), strict=True))
st.code(f"target_map = {target_map}", language="python")
train_counts = np.bincount(y[~is_test], minlength=k)
test_counts = np.bincount(y[is_test], minlength=k)
label_map = pd.DataFrame(
    {"index j": range(k), "rows": train_counts + test_counts,
     "train rows": train_counts, "test rows": test_counts},
    index=pd.Index(data.class_names, name="class name"),
)  # fmt: skip
ui.show_table(label_map, width="content")

st.subheader("One-hot labels")
st.markdown(
    "The loss compares the model's k probabilities for a row with a row of k "
    "numbers that says which class is right: a 1 in column y_i, 0 elsewhere. "
    "Stacking those rows gives the one-hot matrix Y (m, k)."
)
ui.latex(
    r"Y_{ij} = \begin{cases} 1 & \text{if } y_i = j \\ 0 & \text{otherwise}"
    r"\end{cases} \qquad i = 0, \dots, m - 1, \quad j = 0, \dots, k - 1"
)
# Open on the first change of class, where the 1 moves to another column.
change = np.flatnonzero(y != y[0])
start = max(0, int(change[0]) - 4) if len(change) else 0
left, right = st.columns([3, 2], gap="large")
# Other data opens on its own first change of class, and a link's rows are
# kept on the first draw if this table has them; rows chosen in a longer table
# must fit this one.
opening = (start, min(m - 1, start + 11))
shown_for = st.session_state.get("data_rows_of")
typed = st.query_params.get_all("data_rows") if shown_for is None else []
linked = ui.pair_in_link(typed, 0, m - 1)
if shown_for != ctx.dataset_key:
    if shown_for is not None or linked is None:
        st.session_state["data_rows"] = opening
    st.session_state["data_rows_of"] = ctx.dataset_key
ui.keep_inside("data_rows", 0, m - 1)
first, last = left.slider(
    "Rows shown",
    min_value=0,
    max_value=m - 1,
    # The same default for all data, so the control stays one control when the
    # data change; the rows it opens on are set above, through the session.
    value=(0, 1),
    key="data_rows",
    bind="query-params",
    help=f"Choose up to {MAX_ROWS} consecutive rows of the table.",
)
if typed and linked is None:
    left.caption(
        f"The link's data_rows={plain(', '.join(typed))} is not a pair of rows "
        f"from 0 to {m - 1}, so it shows rows {opening[0]} to {opening[1]}."
    )
if last - first + 1 > MAX_ROWS:
    left.caption(f"Showing the first {MAX_ROWS} of the rows chosen.")
    last = first + MAX_ROWS - 1
shown = np.arange(first, last + 1)
Y = formulas.one_hot(data.y, k).numpy()
with left:
    one_hot = ui.cached_figure(
        ("data_one_hot", ctx.dataset_key, first, last),
        lambda: one_hot_pair(y[shown], Y[shown], shown, data.class_names),
    )
    ui.show_figure(one_hot, key="data_one_hot", shared=True)
right.markdown(
    "Each row of Y holds a single 1, in the column its label names, drawn in that "
    "class's colour. Move the rows to where the label changes and watch the 1 "
    "jump to another column.\n\n"
    f"k = {k} comes from the whole label set, never from the rows at hand: a "
    "slice of rows that all belong to one class still needs all k columns, and so "
    "do the test rows, which may happen to lack a class. That is why one_hot takes "
    "k as an argument:"
)
ui.show_source(formulas.one_hot)

st.subheader("Rows held out for testing")
n_test = int(is_test.sum())
st.markdown(
    f"Before training, the rows are shuffled with the sidebar's seed "
    f"({ctx.settings.seed}); the first {m - n_test} train the model "
    f"(train fraction {ctx.settings.train_fraction:g}) and the other {n_test} are "
    "held out. The model never sees the test rows while it learns, so its accuracy "
    "on them says how well it does on examples it has not met. Change the seed or "
    "the train fraction and watch the diamonds move."
)
if n < 2:
    st.info("This data set has a single feature, so there is no pair to plot.")
else:
    names = list(data.feature_names)
    defaults = ui.feature_pair(names)
    typed = {key: ui.typed_in_link(key) for key in ("data_x", "data_y")}
    # Other data brings other columns: a choice it lacks falls back to a default.
    for key, default in zip(("data_x", "data_y"), defaults, strict=True):
        if st.session_state.get(key) not in names:
            st.session_state[key] = default
    left, right = st.columns(2)
    x_name = left.selectbox("Feature across", names, key="data_x", bind="query-params")
    y_name = right.selectbox("Feature up", names, key="data_y", bind="query-params")
    for key, name in (("data_x", x_name), ("data_y", y_name)):
        ui.say_if_not_taken(key, typed[key], name, "a feature of this data")
    x_feature, y_feature = names.index(x_name), names.index(y_name)
    s = ctx.settings
    figure = ui.cached_figure(
        ("data_split", ctx.dataset_key, s.seed, s.train_fraction, x_name, y_name),
        lambda: split_scatter(
            X[:, [x_feature, y_feature]], y, is_test, (x_name, y_name), data.class_names
        ),
    )
    ui.show_figure(figure, key="data_split", shared=True)
st.markdown(
    "The split happens in prepare, which also draws the random start W, b and, "
    "with Standardize on, rescales the features by the training rows' mean and "
    "standard deviation only:"
)
ui.show_source(training.prepare)
