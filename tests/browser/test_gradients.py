"""The Partials and gradients page in headless Chromium: the point moves the numbers, the map draws."""

import pytest
from playwright.sync_api import expect

from tests.conftest import metric, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_typed_function_and_a_moved_point(server, page):
    # course text 003_60e70961f102b1f1.txt:
    #   "For $f(x, y) = 3x^2 + 2y$: \(\frac{\partial f}{\partial x} = 6x, \quad \frac{\partial f}{\partial y} = 2\)"
    # f = 3x² + 2y has ∂f/∂x = 6x; the selectbox keeps its label in the URL.
    page.goto(f"{server}/gradients?g_land=Type+your+own+f(x,+y)&g_f=3x%5E2+%2B+2y&g_x0=1&g_y0=1")
    wait_idle(page)
    values = page.locator("[data-testid='stMetricValue']")
    expect(values.first).to_have_text("6.0")
    field = page.get_by_label("x₀")
    field.fill("2")
    field.press("Enter")
    wait_idle(page)
    expect(values.first).to_have_text("12.0")  # 6x at x = 2
    page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=10_000)
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "gradients-moved-point")


def test_undefined_region_is_blank_with_a_reason(server, page):
    page.goto(f"{server}/gradients?g_land=Type+your+own+f(x,+y)&g_f=log(x)+%2B+log(y)&g_x0=1&g_y0=1")
    wait_idle(page)
    assert page.get_by_text("log(u) needs u > 0", exact=False).count() >= 1
    page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=10_000)
    assert page.locator("[data-testid='stException']").count() == 0


def test_h_redraws_the_numeric_partials_and_the_address(server, page):
    # h lives in its own fragment beside the numbers it drives: moving it must still update
    # them, their caption and the address (so the link reopens the same h).
    page.goto(f"{server}/gradients")
    wait_idle(page)
    float32 = metric(page, "∂f/∂x in float32")
    expect(float32).not_to_have_text("")
    before = float32.inner_text()
    slider = page.get_by_role("slider").and_(page.locator("[aria-label='Step size h of the numeric partials']"))
    slider.focus()
    slider.press("ArrowRight")  # h = 1e-4 -> 2e-4, the next round step
    wait_idle(page)
    expect(float32).not_to_have_text(before)
    expect(metric(page, "∂f/∂x exact")).to_have_text("6.0")  # 6x at x = 1 does not depend on h
    expect(page.get_by_text("with h = 2e-4", exact=False)).to_be_visible()
    assert "g_h=2e-4" in page.url
    assert page.locator("[data-testid='stException']").count() == 0
