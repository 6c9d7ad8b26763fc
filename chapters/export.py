"""Export: the trained W and b, the loss history, and a script that trains the run
again."""

import math

import pandas as pd
import streamlit as st

from lesson import ui
from lesson.export import (
    BIAS_ROW,
    history_csv,
    parameters_csv,
    reproduce_script,
    run_json,
)
from softmax_core import IMPLEMENTATIONS, formulas

ctx = ui.context()
s = ctx.settings

st.title("Export")
st.markdown(
    "A trained softmax regression is nothing but W and b: with them, two lines "
    "of code predict the class of any new row. Take them away below, with the "
    "loss of every iteration, and a script that trains the same run again from "
    "the command line."
)
ui.latex(r"A = \operatorname{softmax}(XW + b), \qquad \hat y = \arg\max_j A_j")

typed = ui.typed_in_link("export_implementation")
implementation = st.selectbox(
    "Implementation",
    IMPLEMENTATIONS,
    key="export_implementation",
    bind="query-params",
    help="All three start from the same W and b and end at the same numbers, "
    "up to float rounding; with the article's nn settings on, nn ends elsewhere.",
)
ui.say_if_not_taken(
    "export_implementation", typed, implementation, "manual, autograd or nn"
)
run = ctx.run(implementation)
ui.show_trouble(run)

st.subheader(f"W and b after {run.iterations} iterations")
table = pd.DataFrame(
    [*run.W, run.b],
    index=[*ctx.dataset.feature_names, BIAS_ROW],
    columns=list(ctx.dataset.class_names),
)
ui.show_table(table, height=min(35 * len(table) + 40, 420))
if not table.map(math.isfinite).all(axis=None):
    st.warning(
        f"Training broke at iteration {run.diverged_at}, so these W and b are "
        "not all finite numbers: the table leaves those cells empty, and the "
        "files below hold them as they are (empty or inf in the CSV, null in the "
        "JSON). They predict nothing; the loss history is still whole up to "
        "where it broke. Change the settings as said above to export a model "
        "that works."
    )

stem = f"softmax_{ctx.dataset_key}_{implementation}"
left, middle, right = ui.columns(3)
left.download_button(
    "W and b (CSV)",
    parameters_csv(run, ctx.dataset),
    file_name=f"{stem}_parameters.csv",
    mime="text/csv",
    on_click="ignore",
)
middle.download_button(
    "Loss history (CSV)",
    history_csv(run),
    file_name=f"{stem}_history.csv",
    mime="text/csv",
    on_click="ignore",
)
right.download_button(
    "Everything (JSON)",
    run_json(ctx.dataset, ctx.problem(), implementation, run),
    file_name=f"{stem}.json",
    mime="application/json",
    on_click="ignore",
)
st.caption(
    "The history has one line per iteration: the loss before that iteration's "
    "update, its two parts, and the accuracies after it. The JSON is what "
    "`python -m softmax_core --json` prints; a loss that is not a finite number "
    "is written as null."
)

st.subheader("Train it again from the command line")
script = reproduce_script(ctx.dataset_key, s, implementation)
st.markdown(
    "Save this script in the root of the lesson's repository and run "
    "`python reproduce_run.py`. It calls the command line with the sidebar's "
    "settings and prints the JSON offered above, with the same numbers."
)
st.code(script, language="python")
st.download_button(
    "The script (Python)",
    script,
    file_name="reproduce_run.py",
    mime="text/x-python",
    on_click="ignore",
)

st.subheader("Predicting with the exported W and b")
st.markdown(
    "Load W and b, turn a row of features into logits, and take the class "
    "whose probability is largest:"
)
ui.show_source(formulas.logits, formulas.softmax)
if s.standardize:
    st.caption(
        "These W and b expect standardized features: subtract the training "
        "rows' mean and divide by their standard deviation first. The JSON "
        "holds both under 'standardization'."
    )
