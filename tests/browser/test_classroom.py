"""Classroom features in the real browser: presenter mode and shareable links."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import goto, screenshot, wait_idle

pytestmark = pytest.mark.browser


def font_px(tab, selector: str) -> float:
    return float(tab.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))


def test_presenter_mode_enlarges_text_by_a_quarter(server, page):
    goto(page, f"{server}/derivatives")
    normal = font_px(page, "[data-testid='stMarkdownContainer'] p")
    goto(page, f"{server}/derivatives?present=1")
    presenting = font_px(page, "[data-testid='stMarkdownContainer'] p")
    assert presenting >= 1.25 * normal, (normal, presenting)  # presenter mode: at least 25 % larger
    assert page.locator("[data-testid='stMainMenu']").is_hidden()
    assert page.locator("[data-testid='stTopNav']").is_visible(), "the lessons must stay reachable"
    # 1280 x 720, a projector: the numbers of the lesson are on the first screen.
    for value in page.locator("[data-testid='stMetricValue']").all():
        box = value.bounding_box()
        assert box and box["y"] + box["height"] <= 720
    screenshot(page, "derivatives-presenter-1280x720")


def test_the_sidebar_toggle_turns_presenter_mode_on(server, page):
    goto(page, f"{server}/derivatives")
    normal = font_px(page, "[data-testid='stMarkdownContainer'] p")
    page.locator("[data-testid='stExpandSidebarButton']").click()
    page.get_by_text("Presenter mode").click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]present=1"))  # the same setting as the address's ?present=1
    presenting = font_px(page, "[data-testid='stMarkdownContainer'] p")
    assert presenting >= 1.25 * normal, (normal, presenting)  # presenter mode: at least 25 % larger


def test_a_copied_link_reopens_the_same_view(server, browser):
    first = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    goto(first, f"{server}/derivatives")
    slider = first.get_by_role("slider").first
    slider.focus()
    for _ in range(3):
        slider.press("ArrowLeft")
        wait_idle(first)
    first.locator("[data-testid='stButtonGroup']").get_by_text("central", exact=True).click()
    wait_idle(first)
    link = first.url
    assert re.search(r"d_h=1e-3", link) and "d_method=central" in link
    expected = [v.inner_text() for v in first.locator("[data-testid='stMetricValue']").all()]

    second = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()  # a fresh browser profile
    goto(second, link)
    expect(second.locator("[data-testid='stMetricValue']")).to_have_text(expected)
    assert second.locator("[data-testid='stException']").count() == 0
