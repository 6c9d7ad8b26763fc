"""The shared sidebar: its values hold while a person moves between pages."""

import re
from pathlib import Path

from tests.pagetools import visit

ROOT = Path(__file__).resolve().parents[1]
PAGES = re.findall(r'st\.Page\(\s*"([^"]+)"', (ROOT / "app.py").read_text())


def test_sidebar_values_hold_across_every_page(open_page):
    at = open_page()
    at.select_slider(key="learning_rate").set_value(0.5).run()
    at.select_slider(key="lam").set_value(0.001).run()
    at.slider(key="iterations").set_value(400).run()
    at.toggle(key="standardize").set_value(True).run()

    for page in PAGES:
        visit(at, page)
        settings = at.session_state["context"].settings
        assert (settings.learning_rate, settings.lam) == (0.5, 0.001), page
        assert (settings.iterations, settings.standardize) == (400, True), page
        assert at.slider(key="iterations").value == 400, page


def test_every_page_is_listed_and_exists():
    assert len(PAGES) == 12
    for page in PAGES:
        assert (ROOT / page).is_file(), page
