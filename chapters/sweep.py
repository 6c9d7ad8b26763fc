"""Learning-rate sweep: the loss curves of several α and λ, trained side by side."""

import streamlit as st

from lesson import runs, ui
from lesson.figures.sweep import sweep_curves
from softmax_core.sweep import sweep

LEARNING_RATES = (0.001, 0.01, 0.1, 0.5, 1.0, 5.0, 10.0)
LAMS = (0.0, 0.001, 0.01, 0.1, 0.5, 1.0)

ctx = ui.context()
s = ctx.settings

st.title("Learning-rate sweep")
st.markdown(
    "One step of gradient descent moves W and b against their gradients, scaled "
    "by the learning rate α. Too small, and the loss creeps down; too large, and "
    "each step overshoots the minimum, so the loss bounces or climbs. Below, "
    "every curve starts from the same W and b and trains the manual "
    "implementation for the sidebar's number of iterations."
)
ui.latex(
    r"W \leftarrow W - \alpha\, dW, \qquad b \leftarrow b - \alpha\, db, \qquad "
    r"dW = -\tfrac{1}{m} X^\top (Y - A) + 2 \lambda W"
)
ui.show_trouble(ctx.run("manual"))
log_y = st.toggle(
    "Logarithmic loss axis",
    value=True,
    key="sweep_log_y",
    bind="query-params",
    help="Spreads out the small losses when a large α pushes the axis up.",
)

# The sidebar's own value joins each sweep, drawn thicker.
rates = tuple(sorted({*LEARNING_RATES, s.learning_rate}))
lams = tuple(sorted({*LAMS, s.lam}))
with st.spinner("Training every setting at once..."):
    by_rate = runs.get_sweep(
        ctx.dataset_key, ctx.dataset, s, rates, (s.lam,) * len(rates)
    )
    by_lam = runs.get_sweep(
        ctx.dataset_key, ctx.dataset, s, (s.learning_rate,) * len(lams), lams
    )

st.subheader(f"Learning rate α, at λ = {s.lam:g}")
ui.show_figure(
    sweep_curves(by_rate, "learning_rate", s.learning_rate, log_y), key="sweep_rates"
)
st.markdown(
    "What to look at: a good α drops fast and smoothly. Teeth on a curve are a "
    "zig-zag: each step overshoots the minimum and the next one comes back. A "
    "curve whose loss *rose* overshoots so far that it never settles. One that "
    "*diverged* reached infinity or NaN and stops at its last finite loss, marked "
    "×. The penalty alone multiplies W by 1 − 2αλ each step, so whenever αλ > 1 "
    "the weights grow without bound: with λ = 0.5, α = 5 and 10 diverge."
)
if ctx.dataset_key == "iris" and not s.standardize:
    st.markdown(
        "On these raw Iris features the article's α = 0.1 zig-zags for about the "
        "first 200 iterations. Switch on *Standardize features* in the sidebar "
        "and the same α glides down."
    )

st.subheader(f"L2 strength λ, at α = {s.learning_rate:g}")
ui.show_figure(sweep_curves(by_lam, "lam", s.lam, log_y), key="sweep_lams")
st.markdown(
    "The loss includes λ‖W‖², so a larger λ starts higher and, once training "
    "settles, ends higher: it buys smaller weights, not a smaller loss on the "
    "training rows. Whether smaller weights help on the test rows is a question "
    "for the accuracy page."
)

st.subheader("The code: every setting in one loop")
st.markdown(
    "Each setting could be one call of `train`. Here W holds all G settings at "
    "once, W (G, n, k), and α and λ are (G, 1, 1), so every tensor operation "
    "serves all of them. On this machine that ran 1.6 to 7 times faster than one "
    "run per value (`benchmarks/bench_sweep.py`); a test checks that each row "
    "equals its own run of `train`."
)
ui.show_source(sweep)
