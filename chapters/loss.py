"""Loss and L2: what each training row costs, and how λ trades fit for small weights."""

from dataclasses import replace

import numpy as np
import streamlit as st
import torch

from lesson import runs, ui
from lesson.figures.curves import loss_parts
from lesson.figures.steps import lam_comparison, number_text, sample_costs
from softmax_core import formulas

# A few λ to compare with the sidebar's; each is one cached run, trained once.
COMPARED_LAMS = (0.0, 0.01, 0.1, 1.0)
WORST_SHOWN = 5
# Up to this many iterations the comparison trains without being asked.
CHEAP_ITERATIONS = 1000

ctx = ui.context()
settings, dataset, problem, run = ctx.settings, ctx.dataset, ctx.problem(), ctx.run()

st.title("Loss and L2")
st.markdown(
    "Training lowers one number, the loss J. Its first part, the cross-entropy, "
    "is small when the model gives the true class a high probability. Its second "
    "part, the L2 term, is small when the weights are small."
)
ui.latex(
    r"J(W, b) = -\frac{1}{m} \sum_{i=0}^{m-1} \sum_{j=0}^{k-1} Y_{ij} \log A_{ij}"
    r" + \lambda \lVert W \rVert^2, \qquad \lVert W \rVert^2 = \sum_{f, j} W_{fj}^2"
)
ui.show_trouble(run)

# Cross-entropy row by row, at the trained W and b.
st.subheader("Which rows cost most")
st.markdown(
    "Y is one-hot, so each row contributes only -log A_i[y_i], the minus log of "
    "the probability of its true class: 0 when the model is sure and right, "
    "large when it is sure and wrong. The cross-entropy is their mean."
)
# A diverged run's last W has no finite loss; use the last one that has.
t = run.last_finite
Z = formulas.logits(
    problem.X_train, torch.tensor(run.weights[t]), torch.tensor(run.biases[t])
)
y = problem.y_train.numpy()
costs = -formulas.log_softmax(Z)[torch.arange(len(y)), problem.y_train].numpy()
predicted = Z.argmax(dim=1).numpy()
rows = problem.train_rows.numpy()
ui.show_figure(
    sample_costs(costs, rows, y, predicted, dataset.class_names), key="loss_rows"
)

worst = np.argsort(-costs)[:WORST_SHOWN]
st.markdown(
    f"After {t} iterations, the {WORST_SHOWN} costliest rows (their mean over all "
    f"rows is the cross-entropy, {costs.mean():.4g}):"
)
ui.show_table(
    {
        "row": rows[worst],
        "true class": [dataset.class_names[j] for j in y[worst]],
        "predicted": [dataset.class_names[j] for j in predicted[worst]],
        "A_i[y_i]": [number_text(np.exp(-cost)) for cost in costs[worst]],
        "cost -log A_i[y_i]": [number_text(cost) for cost in costs[worst]],
    },
    hide_index=True,
)
if run.diverged_at is not None:
    ui.last_finite_caption(run, "These costs use")

# The two terms over training.
st.subheader("Two terms over training")
st.markdown(
    "The blue area is the cross-entropy, the red one λ‖W‖² on top of it. Training "
    "lowers their sum, so it gives up a little fit wherever that buys a larger "
    "drop in λ‖W‖². Move λ in the sidebar and watch the balance shift."
)
finite = run if run.diverged_at is None else run.first(max(run.finite_iterations, 1))
ui.show_figure(loss_parts(finite), key="loss_parts")

# The same balance for a few values of λ, each trained as long as the sidebar says.
st.subheader("Several λ compared")
lams = sorted(set(COMPARED_LAMS) | {settings.lam})
cheap = settings.iterations <= CHEAP_ITERATIONS
if cheap or st.toggle(
    f"Train {len(lams)} runs of {settings.iterations} iterations to compare "
    "(a few seconds the first time; every visitor shares them)",
    key="loss_compare",
):
    with st.spinner("Training one run per λ..."):
        finals = [
            runs.get_run(ctx.dataset_key, dataset, replace(settings, lam=lam), "manual")
            for lam in lams
        ]
    comparison = lam_comparison(
        lams,
        [other.data_losses[-1] for other in finals],
        [other.l2_terms[-1] for other in finals],
        settings.lam,
    )
    ui.show_figure(comparison, key="loss_lams")
    st.markdown(
        f"Each bar is the loss J at iteration {settings.iterations} (as the "
        "curves count it: at W, b before that iteration's update), at α = "
        f"{settings.learning_rate:g}, its total written above it. With λ = 0 "
        "nothing holds the weights back. A larger λ usually costs fit, so the "
        "blue part grows; the red part need not, since λ is larger but ‖W‖² "
        "smaller."
    )
    totals = np.array([o.losses[-1] for o in finals])
    finite = totals[np.isfinite(totals) & (totals > 0)]
    if len(finite) > 1 and finite.max() > 100 * finite.min():
        st.caption(
            f"Here the final losses run from {number_text(finite.min())} to "
            f"{number_text(finite.max())}, so the small bars are too low to see; "
            "the number above each gives its loss."
        )

st.subheader("The code")
ui.show_source(formulas.log_softmax, formulas.cross_entropy, formulas.l2_penalty)
st.caption(
    "log_softmax never takes the log of a probability that may have rounded to 0; "
    "cross_entropy uses it, and the training adds l2_penalty."
)
