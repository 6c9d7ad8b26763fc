import streamlit as st

from lesson import ui

ctx = ui.context()
st.title("softmax")
run = ctx.run()
ui.show_trouble(run)
from lesson.figures.curves import loss_curves
ui.show_figure(loss_curves({"manual": run}))
