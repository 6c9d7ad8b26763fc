"""Three implementations: manual, autograd and nn from one start, their loss curves
and their gradients side by side."""

import pandas as pd
import streamlit as st

from lesson import ui
from lesson.figures import compare, curves
from softmax_core import IMPLEMENTATIONS, formulas, training

SHOW = {"success": st.success, "info": st.info, "warning": st.warning}

ctx = ui.context()
s = ctx.settings
dataset = ctx.dataset

st.title("Three implementations, one result")
st.markdown(
    "The article trained the same model three times: with gradients derived by "
    "hand (**manual**), with gradients found by **autograd**, and with `torch.nn` "
    "and `torch.optim` (**nn**). All three start from the same W and b and "
    "minimize the same objective, so they should walk the same path:"
)
ui.latex(
    r"J(W, b) = -\frac{1}{m}\sum_{i=0}^{m-1}\sum_{j=0}^{k-1} Y_{ij}\log A_{ij}"
    r" + \lambda\lVert W\rVert^2, \qquad A = \mathrm{softmax}(XW + b)"
)
with st.expander("The code of J"):
    ui.show_source(formulas.cross_entropy, formulas.l2_penalty)

with st.spinner("Training manual, autograd and nn…"):
    runs = {name: ctx.run(name) for name in IMPLEMENTATIONS}
for run in runs.values():
    if ui.trouble(run, s):
        ui.show_trouble(run)
        break

# The chart goes here; it marks the iteration chosen further down.
chart = st.container()
total = ctx.problem().y_test.shape[0]
for column, (name, run) in zip(
    ui.columns(len(runs), lecture_per_row=2), runs.items(), strict=True
):
    # A run that broke is judged at its last W with a finite loss.
    right = round(float(run.test_accuracy[run.last_finite]) * total)
    column.metric(f"{name}: test accuracy", f"{right}/{total}")

# How closely the three agree, or why they part.
level, message = ui.agreement(runs, s)
SHOW[level](message)
broke = any(run.diverged_at for run in runs.values())
parted = s.article_nn and s.lam > 0
if broke:
    st.caption(
        "Curves stop at their last finite loss; iterations where a loss is not a "
        "finite number are left out of the gap. A run that broke is judged at "
        "its last W with a finite loss."
    )

st.subheader("SGD's weight_decay and the penalty λ‖W‖²")
st.markdown(
    "`torch.optim.SGD(weight_decay=wd)` adds wd·W to the gradient before each "
    "step. That is the gradient of (wd/2)‖W‖², not of wd‖W‖²:"
)
ui.latex(
    r"\frac{\partial}{\partial W}\,\frac{wd}{2}\lVert W\rVert^2 = wd\cdot W"
    r"\qquad\Longrightarrow\quad wd = 2\lambda \text{ gives } \lambda\lVert W\rVert^2"
)
st.markdown(
    "The article set weight_decay = λ on the weight **and** the bias: nn then "
    "minimized λ/2·‖W‖² + λ/2·‖b‖², half the lesson's penalty on W plus one on "
    "b that the others lack. Ours sets weight_decay = 2λ on the weight and 0 on "
    "the bias, the same J as manual and autograd."
)
if parted:
    st.markdown(
        "Every curve above shows the lesson's J. nn now minimizes a different "
        "sum, so it settles on other W and b, and its J stays apart."
    )
elif s.article_nn:
    st.caption("With λ = 0 both settings add no decay, so the curves still agree.")
else:
    st.caption("Switch on *The article's nn settings* in the sidebar to see them part.")

st.subheader("The gradients at one iteration")
st.markdown(
    "At iteration 1 all three compute dW and db at the same start W, b; later, "
    "each at its own W, b. Same colours mean the same gradients. In formulas:"
)
ui.latex(
    r"dW = -\frac{1}{m} X^\top (Y - A) + 2\lambda W, \qquad "
    r"db = -\frac{1}{m}\sum_{i=0}^{m-1} (Y_i - A_i)"
)
with st.expander("The code of dW and db (manual; autograd and nn find them alone)"):
    ui.show_source(formulas.gradients)
t = 1
if s.iterations > 1:
    # A shorter run than the last one: keep the chosen iteration inside it.
    ui.keep_inside("three_iteration", 1, s.iterations)
    typed = ui.typed_in_link("three_iteration", 1, s.iterations)
    t = st.slider(
        "Iteration t",
        1,
        s.iterations,
        key="three_iteration",
        bind=ui.bind_to_link("three_iteration"),
        help="dW and db of iteration t, computed at the W and b after t - 1 updates.",
    )
    takes = f"a whole number from 1 to {s.iterations}"
    ui.say_if_not_taken("three_iteration", typed, t, takes)
grads = {name: run.weight_grads[t - 1] for name, run in runs.items()}
bias_grads = {name: run.bias_grads[t - 1] for name, run in runs.items()}
ui.show_figure(
    compare.gradient_heatmaps(grads, dataset.feature_names, dataset.class_names, t),
    key="three_gradients",
)
db_table = pd.DataFrame(bias_grads, index=dataset.class_names).T
ui.show_table(db_table.rename_axis("db").style.format("{:.6g}"))

left, right = st.columns(2)
for column, label, arrays in ((left, "dW", grads), (right, "db", bias_grads)):
    largest = compare.largest_difference(arrays)
    shown = "not finite" if largest is None else f"{largest:.2g}"
    column.metric(f"Largest |difference| in {label}", shown)
st.caption(
    "Over every pair of implementations and every entry; entries that are not "
    "finite numbers are left out."
)
st.info(
    "nn.Linear stores its weight as a (k, n) matrix, the transpose of W. The nn "
    "loop records the weight and its gradient as Linear stores them; `train` "
    "then turns the whole trajectory into (n, k), to compare with dW. SGD adds "
    "the decay wd·W inside `step()`, outside `model.weight.grad`, so `train` "
    "also adds wd·W to every recorded gradient: the counterpart of 2λW in the "
    "other two."
)

with chart:
    log_y = compare.spans_decades(runs)
    fig = curves.loss_curves(runs, mark_iteration=t, log_y=log_y)
    ui.show_figure(fig, key="three_losses")
    if log_y:
        st.caption("The loss spans several powers of ten, so its axis is logarithmic.")

st.subheader("The three training loops")
st.markdown(
    "Each loop as it runs in this app, beside the loss it reached; the chart at "
    "the top draws all three curves."
)
loops = (training.train_manual, training.train_autograd, training.train_nn)
for tab, loop, run in zip(st.tabs(list(runs)), loops, runs.values(), strict=True):
    # Lecture mode's larger code needs the full width; the numbers go below.
    code, numbers = [tab.container()] * 2 if s.lecture else tab.columns([5, 2])
    with code:
        ui.show_source(loop)
    # A number, not a chart: a chart in a hidden tab is redrawn on every rerun.
    # The last iteration with a finite loss, numbered as the article prints it.
    last = run.finite_iterations
    if last:
        numbers.metric(f"J at iteration {last}", f"{run.losses[last - 1]:.6g}")
    if run.diverged_at is not None:
        numbers.caption(
            f"Training broke at iteration {run.diverged_at}: from there J is not "
            "a finite number."
        )
