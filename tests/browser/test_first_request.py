"""A shared lesson link opened as a fresh server's very first request: the lesson, in its navigation, and nothing else.

Streamlit decides once per server process whether an app uses its legacy ``pages/`` folder
discovery, and clears that only when ``st.navigation`` first runs; an app with such a folder
would show "Page not found" to the first visitor of a lesson link. The lessons live in
``lessons/``, so the first request runs through dashboard.py's navigation like every other.
"""

import pytest

from tests.conftest import goto, start_server

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lesson, title", [("derivatives", "Derivatives"), ("low_precision", "low precision")])
def test_a_shared_link_as_the_first_request(browser, lesson, title):
    process, url = start_server()  # a server of its own: this must be its first page request
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        goto(tab, f"{url}/{lesson}?present=1")
        assert title.lower() in tab.locator("h1").first.inner_text().lower()
        assert tab.get_by_text("Page not found").count() == 0, "the first request fell into legacy page discovery"
        assert tab.get_by_role("link", name="1. Derivatives").count() >= 1, "the navigation is missing"
        tab.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
