"""The app layer of the lesson: the shared sidebar, cached runs and the figures.

Nothing here does mathematics; it all comes from softmax_core.
"""
