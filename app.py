"""The lesson's entry point: `streamlit run app.py`.

It draws the shared sidebar on every rerun and then runs the chosen page. The
pages live in chapters/, not pages/: with st.navigation, a folder named pages/
makes Streamlit fall back to its older page mechanism on some loads, and the
sidebar drawn here would vanish (see the README).
"""

import streamlit as st

from lesson import runs, ui

st.set_page_config(
    page_title="Softmax regression, three ways",
    layout="wide",
)

PAGES = [
    st.Page("chapters/home.py", title="Home", default=True),
    st.Page("chapters/data.py", title="Data and one-hot", url_path="data"),
    st.Page("chapters/forward.py", title="Forward pass", url_path="forward"),
    st.Page("chapters/softmax.py", title="Softmax", url_path="softmax"),
    st.Page("chapters/loss.py", title="Loss and L2", url_path="loss"),
    st.Page("chapters/descent.py", title="Gradient descent", url_path="descent"),
    st.Page("chapters/three_ways.py", title="Three implementations", url_path="three"),
    st.Page("chapters/accuracy.py", title="Accuracy in depth", url_path="accuracy"),
    st.Page("chapters/regions.py", title="Decision regions", url_path="regions"),
    st.Page("chapters/simplex.py", title="Probability simplex", url_path="simplex"),
    st.Page("chapters/sweep.py", title="Learning-rate sweep", url_path="sweep"),
    st.Page("chapters/export.py", title="Export", url_path="export"),
]

page = st.navigation(PAGES)
# Runs trained ahead in the background wait while this script runs.
with runs.trainer_ahead().script_running():
    ui.start()
    page.run()
