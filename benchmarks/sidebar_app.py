"""A second floor for bench_latency.py: the lesson's own sidebar, and no lesson.

Two pages, both behind the sidebar that app.py draws on every page:
/alone shows nothing else; /chart shows the bare page's one chart
(benchmarks/bare_app.py), redrawn whenever the learning rate or the iterations
move. Measured against the bare page, they show how much of a lesson page's
latency the shared sidebar costs before any lesson content.

    streamlit run benchmarks/sidebar_app.py     (from the repository root)
"""

import sys
from pathlib import Path

import streamlit as st
from floor_chart import floor_figure

# Streamlit puts this script's folder on the path, not the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lesson import ui  # noqa: E402


def alone() -> None:
    st.caption("The lesson's sidebar, and nothing else.")


def chart() -> None:
    """The bare page's chart, moved by the learning rate and the iterations."""
    settings = ui.context().settings
    st.plotly_chart(floor_figure(settings.iterations % 50 + settings.learning_rate))


page = st.navigation(
    [
        st.Page(alone, title="Sidebar alone", url_path="alone", default=True),
        st.Page(chart, title="Sidebar and one chart", url_path="chart"),
    ]
)
ui.start()
page.run()
