"""The floor for bench_latency.py: one slider and one Plotly chart, nothing else.

Run it like the lesson, from the repository root so it reads the same
.streamlit/config.toml:  streamlit run benchmarks/bare_app.py
Whatever a rerun costs here (the browser, the websocket, Streamlit itself) the
lesson pays too; the benchmark prints every figure as a ratio to this page's.
"""

import streamlit as st
from floor_chart import floor_figure

frequency = st.sidebar.slider(
    "Frequency",
    min_value=1,
    max_value=50,
    value=5,
    key="frequency",
    bind="query-params",
)
st.plotly_chart(floor_figure(frequency))
