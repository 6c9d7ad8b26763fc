"""Gradient descent: the gradients and the update of every iteration, one at a time."""

import math

import numpy as np
import streamlit as st

from lesson import ui
from lesson.figures.curves import loss_curves
from lesson.figures.steps import (
    iteration_gradients,
    live_loss,
    number_text,
    update_latex,
    update_table,
)
from softmax_core import formulas, train, training

PAUSE = 0.5  # seconds between two frames while playing
PLAY_FRAMES = 60  # playing through a whole run takes about this many frames
LIVE_FRAMES = 25  # how many times "Train live" redraws its curve
LATEX_MAX_ENTRIES = 24  # larger matrices are shown as a table

ctx = ui.context()
settings, dataset, run = ctx.settings, ctx.dataset, ctx.run()
T = settings.iterations

st.title("Gradient descent")
st.markdown(
    "Each iteration computes the gradients dW and db, the direction in which the "
    "loss rises fastest, and takes a step of size α the other way."
)
ui.latex(
    r"dW = -\frac{1}{m} X^\top (Y - A) + 2 \lambda W, \qquad "
    r"db = -\frac{1}{m} \sum_{i=0}^{m-1} (Y_i - A_i)"
)
ui.latex(r"W \leftarrow W - \alpha \, dW, \qquad b \leftarrow b - \alpha \, db")
ui.show_trouble(run)


def move(step: int) -> None:
    t = st.session_state.get("descent_iteration", 1) + step
    st.session_state["descent_iteration"] = min(max(t, 1), T)


def play_or_stop() -> None:
    playing = not st.session_state.get("descent_playing", False)
    if playing and st.session_state.get("descent_iteration", 1) >= T:
        st.session_state["descent_iteration"] = 1
    st.session_state["descent_playing"] = playing


def show_iteration(t: int) -> None:
    """The loss, the gradients and the update of iteration t (1..T)."""
    W, W_next, dW = run.weights[t - 1], run.weights[t], run.weight_grads[t - 1]
    b, b_next, db = run.biases[t - 1], run.biases[t], run.bias_grads[t - 1]
    loss = run.losses[t - 1]
    st.markdown(
        f"Iteration {t}: the loss at W, b before the step is **{number_text(loss)}**; "
        f"after it, {run.train_accuracy[t]:.1%} of the training rows are right."
    )
    if not (np.isfinite(dW).all() and np.isfinite(W_next).all() and np.isfinite(loss)):
        st.warning(
            "At this iteration some numbers are no longer finite: they are shown "
            "as inf or NaN, and their heatmap cells stay blank. The loss curve "
            "ends at the last finite loss."
        )
    # A diverged loss grows by orders of magnitude: only a log axis shows it.
    curve = loss_curves({"manual": run}, t, log_y=run.diverged_at is not None)
    ui.show_figure(curve, key="descent_loss")

    features, classes = dataset.feature_names, dataset.class_names
    gradients = iteration_gradients(dW, db, features, classes)
    ui.show_figure(gradients, key="descent_gradients")

    st.markdown(f"The update of iteration {t}, with α = {settings.learning_rate:g}:")
    for name, before, grad, after, rows in (
        ("W", W, dW, W_next, features),
        ("b", b, db, b_next, ["(bias)"]),
    ):
        if before.size <= LATEX_MAX_ENTRIES:
            st.latex(
                update_latex(
                    name, before, grad, after, settings.learning_rate, settings.lecture
                )
            )
        else:
            table = update_table(name, before, grad, after, rows, classes)
            ui.show_table(table, hide_index=True, height=min(400, 35 * len(table) + 40))


# The step-through lives in a fragment: while playing, a timer reruns only it.
playing = st.session_state.get("descent_playing", False)


@st.fragment(run_every=PAUSE if playing else None)
def step_through() -> None:
    if st.session_state.get("descent_playing", False) != playing:
        st.rerun()  # only a full rerun starts or stops the timer
    if playing and st.session_state.get("descent_iteration", 1) >= T:
        st.session_state["descent_playing"] = False
        st.rerun()
    if playing:
        move(math.ceil(T / PLAY_FRAMES))

    # Each button as wide as its label, so lecture mode's larger text fits.
    with st.container(horizontal=True):
        st.button("◀ Previous", on_click=move, args=(-1,), key="descent_previous")
        st.button("Next ▶", on_click=move, args=(1,), key="descent_next")
        st.button(
            "■ Stop" if playing else "▶ Play", on_click=play_or_stop, key="descent_play"
        )
    # An iteration chosen in a longer run must fit this one.
    ui.keep_inside("descent_iteration", 1, T)
    typed = ui.typed_in_link("descent_iteration", 1, T)
    t = st.slider(
        "Iteration", 1, T, key="descent_iteration",
        bind=ui.bind_to_link("descent_iteration"),
    )  # fmt: skip
    ui.say_if_not_taken("descent_iteration", typed, t, f"a whole number from 1 to {T}")
    show_iteration(t)


if T == 1:
    st.caption(
        "The sidebar asks for a single iteration; raise it to step through more."
    )
    show_iteration(1)
else:
    step_through()

# Training from the start while the audience watches.
st.subheader("Train live")
st.markdown(
    f"Trains {T} iteration{'s' if T != 1 else ''} from the same start and draws "
    "the loss as it goes, through the callback that `train` calls every few "
    "iterations."
)
if st.button("Train live", key="descent_live"):
    frame = st.empty()
    every = max(1, T // LIVE_FRAMES)

    def draw(so_far) -> None:
        with frame.container():
            if so_far.diverged_at is None:
                st.caption(f"Iteration {so_far.iterations} of {T}")
            else:
                # The steps go on, with inf and NaN; the curve cannot.
                st.warning(
                    f"Training broke at iteration {so_far.diverged_at}: "
                    f"{so_far.iterations} of {T} steps have run, and the curve "
                    "stops at the last finite loss. The message at the top of "
                    "the page says why and what to change."
                )
            ui.show_figure(
                live_loss(so_far, T), key=f"descent_live_{so_far.iterations}"
            )

    final = train(
        ctx.problem(),
        "manual",
        settings.learning_rate,
        settings.lam,
        T,
        on_progress=draw,
        progress_every=every,
    )
    if T % every:
        draw(final)

st.subheader("The code")
ui.show_source(formulas.gradients, training.train_manual)
st.caption(
    "train_manual is the loop the figures above come from: train records every W, "
    "b, dW and db it hands to history."
)
