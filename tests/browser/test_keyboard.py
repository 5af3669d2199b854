"""Keyboard alone operates the Derivatives page: Tab to each control, then type or press keys."""

import pytest
from playwright.sync_api import expect

from tests.conftest import goto, metric, wait_idle

pytestmark = pytest.mark.browser


def _tab_to(tab, predicate_js: str, limit: int = 60) -> None:
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate(f"(() => {{ const e = document.activeElement; return !!e && ({predicate_js}); }})()"):
            return
    raise AssertionError(f"Tab never reached the control ({predicate_js})")


def test_derivatives_page_by_keyboard_only(server, page):
    goto(page, f"{server}/derivatives")
    exact, estimate = metric(page, "Exact slope"), metric(page, "float64 estimate")

    _tab_to(page, "e.getAttribute('aria-label') === 'Loss function'")
    page.keyboard.press("Control+A")
    page.keyboard.type("w^3")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(exact).to_have_text("27.0")  # d/dw w^3 = 3w^2 = 27 at w = 3

    _tab_to(page, "e.type === 'range'")
    before = estimate.inner_text()
    page.keyboard.press("ArrowLeft")
    wait_idle(page)
    expect(estimate).not_to_have_text(before)

    # The method is a radio group: Tab lands on the chosen one, arrows move, Space chooses.
    _tab_to(page, "e.getAttribute('role') === 'radio' && e.innerText.trim() === 'forward'")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    if "d_method=central" not in page.url:
        page.keyboard.press("Space")
    wait_idle(page)
    assert "d_method=central" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
