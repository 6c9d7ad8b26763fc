"""The one chart of the latency floor, shared by bare_app.py and sidebar_app.py."""

import numpy as np
import plotly.graph_objects as go


def floor_figure(frequency: float) -> go.Figure:
    """Three curves of 500 points, the size of one of the lesson's loss charts."""
    x = np.linspace(0.0, 1.0, 500)
    fig = go.Figure()
    for shift in range(3):
        y = np.sin(2 * np.pi * frequency * x + shift)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=f"shift {shift}"))
    fig.update_layout(height=380, margin={"l": 60, "r": 20, "t": 30, "b": 50})
    return fig
