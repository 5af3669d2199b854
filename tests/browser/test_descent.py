"""The Gradient descent page in headless Chromium: play reveals the paths step by step."""

import re

import pytest

from tests.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_play_reveals_the_paths(server, page):
    page.goto(f"{server}/descent?gd_tab=Two+weights%3A+optimizers&gd_upto=0")
    wait_idle(page)
    page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=15_000)
    progress = page.get_by_text(re.compile(r"^step \d+ of \d+$"))
    assert progress.first.inner_text().startswith("step 0 of")
    page.get_by_text("Play", exact=True).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^step ([1-9]\\d*) of/.test(p.innerText))",
        timeout=15_000,
    )
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "descent-playing")


def test_loop_that_dies_says_why(server, page):
    page.goto(f"{server}/descent?gd_tab=The+loop+that+dies")
    wait_idle(page)
    assert page.get_by_text("Stalled at step 1: estimated slope 0, true slope 6", exact=False).count() >= 2
    assert page.locator("[data-testid='stException']").count() == 0
