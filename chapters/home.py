"""Home: what the lesson is, the model drawn as a network, the data, settings to try."""

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

from lesson import ui
from lesson.figures.dataset import class_counts
from lesson.figures.network import network_diagram
from lesson.text import plain
from softmax_core import training

ctx = ui.context()
data = ctx.dataset

st.title("Softmax regression, three ways")
st.markdown(
    "Softmax regression, also called multinomial logistic regression, gives each "
    "example a probability for each of k classes. This lesson builds it step by "
    "step, following an article that wrote it three times in PyTorch, on the Iris "
    "flowers: with gradients derived by hand, with autograd, and with torch.nn. "
    "All three train live here, on the settings and the data you choose."
)
if ctx.dataset_key != "iris":
    st.info(
        f"The pages now use {plain(ctx.data_name)}, chosen under Data in the sidebar."
    )

st.subheader("How to use it")
st.markdown(
    "- **The sidebar** holds the settings every page shares: the data set, the "
    "learning rate α, the L2 strength λ, the number of iterations, the seed and "
    "train fraction of the split, and whether the features are standardized. "
    "Change one and every page follows. The address bar follows too, so a copied "
    "link opens the lesson with the same settings.\n"
    "- **The pages** go in order, from top to bottom in the sidebar: the data and "
    "its one-hot labels, the forward pass, softmax, the loss, gradient descent, and "
    "the three implementations side by side. The pages after those look deeper: "
    "accuracy, decision regions, the probability simplex, a learning-rate sweep.\n"
    "- **Every page shows its equation and the code that computes it.** The code "
    "is read from the lesson's own source while the app runs, so what you read is "
    "exactly what runs.\n"
    "- **Lecture mode**, at the bottom of the sidebar, enlarges text and lines for "
    "a projector."
)

# The model, drawn with the weights the sidebar's settings trained.
st.subheader("The model as a network")
run = ctx.run()
ui.show_trouble(run)
t = run.last_finite
st.markdown(
    f"Each of the n = {data.n} features is an input; each of the k = {data.k} "
    "classes is an output. The edge from feature f to class j carries the weight "
    "W[f, j], and output j adds up its edges and its bias to get the logit Z_j. "
    "Softmax, a later page, turns the k logits into probabilities."
)
ui.latex(r"Z_j = \sum_{f=0}^{n-1} X_f\, W_{fj} + b_j")
st.markdown(
    f"Drawn: W and b after {t} iterations of gradient descent with the sidebar's "
    "settings. Red edges are positive weights, blue ones negative; the thicker "
    "the edge, the larger the weight. A weight's size also depends on its "
    "feature's scale: a feature measured in large numbers needs only small "
    "weights. Switch on Standardize features to compare the edges fairly."
)
if run.diverged_at is not None:
    ui.last_finite_caption(run, "The diagram shows")
ui.show_figure(
    network_diagram(
        run.weights[t], run.biases[t], data.feature_names, data.class_names
    ),
    key="home_network",
)
with st.expander("The loop that trained these weights"):
    ui.show_source(
        training.train_manual,
        caption="One of the three implementations; the pages that follow take "
        "it apart line by line.",
    )

# The data at a glance.
st.subheader("The data at a glance")
problem = ctx.problem()
y_train, y_test = problem.y_train.numpy(), problem.y_test.numpy()
counts = {
    "rows": data.m,
    "n, features": data.n,
    "k, classes": data.k,
    "training rows, m": len(y_train),
    "test rows": len(y_test),
}
for column, (label, value) in zip(
    ui.columns(len(counts), lecture_per_row=3), counts.items(), strict=True
):
    column.metric(label, value)
counts_figure = ui.cached_figure(
    ("home_counts", ctx.dataset_key, ctx.settings.seed, ctx.settings.train_fraction),
    lambda: class_counts(
        np.bincount(y_train, minlength=data.k),
        np.bincount(y_test, minlength=data.k),
        data.class_names,
    ),
)
ui.show_figure(counts_figure, key="home_counts", shared=True)
with st.expander("Each feature's range"):
    X = data.X.numpy()
    summary = pd.DataFrame(
        {"min": X.min(axis=0), "mean": X.mean(axis=0), "max": X.max(axis=0)},
        index=pd.Index(data.feature_names, name="feature"),
    )
    ui.show_table(summary, width="content")
    st.caption(
        "Features on very different scales make gradient descent slow; the "
        "Standardize toggle rescales each to mean 0 and standard deviation 1."
    )

# Links that set the sidebar. A page_link would keep this session's sidebar; a
# link that opens a new session makes the sidebar read its values from the URL.
st.subheader("Three settings worth trying")
st.markdown(
    "Each link opens a new tab with the lesson set up: the settings named in the "
    "link, and the rest at their starting values (lecture mode stays as it is)."
)
TRIES = (
    (
        "descent",
        {"learning_rate": 10, "lam": 0.5},
        "α = 10 and λ = 0.5: training diverges",
        "Each step multiplies W by 1 - 2αλ = -9, so the weights grow until they "
        "overflow. Watch the loss curve break off.",
    ),
    (
        "descent",
        {"standardize": "true"},
        "Standardized features: far fewer iterations to converge",
        "With every feature on the same scale, one learning rate suits them all. "
        "Compare the loss after 250 iterations with the toggle off.",
    ),
    (
        "three",
        {"article_nn": "true"},
        "The article's nn settings: the nn curve parts from the other two",
        "The article gave torch.optim.SGD weight_decay = λ on the weight and the "
        "bias, which is not the penalty the other two implementations minimize.",
    ),
)
# Lecture mode is how the hall sees the lesson, not a setting to try: it stays.
kept = {"lecture": "true"} if ctx.settings.lecture else {}
for url_path, settings_in_link, label, what_to_see in TRIES:
    query = urlencode({**settings_in_link, **kept})
    st.markdown(f"**[{label}](./{url_path}?{query})**")
    st.caption(what_to_see)
