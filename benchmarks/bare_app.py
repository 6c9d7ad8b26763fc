"""The floor for bench_latency.py: one slider and one Plotly chart, nothing else.

Run it like the lesson, from the repository root so it reads the same
.streamlit/config.toml:  streamlit run benchmarks/bare_app.py
Whatever a rerun costs here (the browser, the websocket, Streamlit itself) the
lesson pays too; the benchmark prints every figure as a ratio to this page's.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

frequency = st.sidebar.slider(
    "Frequency",
    min_value=1,
    max_value=50,
    value=5,
    key="frequency",
    bind="query-params",
)

# Three curves of 500 points, the size of one of the lesson's loss charts.
x = np.linspace(0.0, 1.0, 500)
fig = go.Figure()
for shift in range(3):
    y = np.sin(2 * np.pi * frequency * x + shift)
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=f"shift {shift}"))
fig.update_layout(height=380, margin={"l": 60, "r": 20, "t": 30, "b": 50})
st.plotly_chart(fig)
