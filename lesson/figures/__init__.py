"""Figure builders: plain functions that take results and return Plotly figures.

No function here calls Streamlit; the pages show what these return.
"""
