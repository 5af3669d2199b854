"""The Training in low precision page in headless Chromium: its address, its charts, and Play stepping
through the kept snapshots."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import goto, metric, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_low_precision_page_draws_its_story(server, page):
    # Streamlit's page scrolls inside the app, so a "full page" screenshot needs a viewport as tall as the page.
    page.set_viewport_size({"width": 1280, "height": 3400})
    goto(page, f"{server}/low_precision?lp_at=0")
    page.wait_for_selector("[data-testid='stVegaLiteChart'] svg", timeout=20_000)
    assert page.locator("h1").first.inner_text().startswith("Training in low precision")
    # 1 loss chart, 3 decision boundaries, 3 gradient histograms (one per recipe)
    expect(page.locator("[data-testid='stVegaLiteChart']")).to_have_count(7, timeout=20_000)
    # float16 with float32 master weights but no scaling: per-point backward values below 2^-24 flush to 0
    expect(metric(page, "mixed: backward values flushed (last step)")).to_have_text("7.0%")
    expect(metric(page, "scaled: backward values flushed (last step)")).to_have_text("0.0%")
    assert page.get_by_text("Step 0 of 500", exact=False).count() == 1
    page.wait_for_timeout(1500)  # the charts finish drawing after the script run
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "low-precision")


def test_play_steps_through_the_snapshots(server, page):
    goto(page, f"{server}/low_precision?lp_at=0&lp_recipes=low")
    page.get_by_role("button", name=re.compile("Play")).click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('p')].some(p => /^Step ([1-9]\\d*) of 500/.test(p.innerText))",
        timeout=15_000,
    )
    expect(page.get_by_role("button", name=re.compile("Pause"))).to_be_visible()
    page.get_by_role("button", name=re.compile("Pause")).click()
    wait_idle(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_home_page_has_a_card_for_lesson_six(server, page):
    goto(page, server)
    card = page.get_by_text("Lesson 6: Training in low precision")
    expect(card).to_be_visible()
    card.click()
    page.wait_for_url(re.compile(r"/low_precision"), timeout=15_000)
