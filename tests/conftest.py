"""Shared fixtures: an AppTest of the whole app, opened on any page."""

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
# Importing torch and training on the first run takes seconds on this machine.
APP_TIMEOUT = 120


@pytest.fixture
def open_page():
    """open_page("chapters/data.py") -> an AppTest that has run that page."""

    def _open(page: str | None = None, **widgets) -> AppTest:
        os.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        for key, value in widgets.items():
            at.session_state[key] = value
        at.run()
        # AppTest opens the default page first; a switch before that run is lost.
        if page:
            at.switch_page(page)
            at.run()
        return at

    return _open
