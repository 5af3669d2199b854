"""The real app in headless Chromium: every page loads, and controls work."""

import numpy as np
import pytest
from playwright.sync_api import expect

from core.derivatives import finite_difference
from core.expressions import parse_expression
from tests.conftest import goto, metric, screenshot, wait_idle
from ui.lessons import LESSONS

pytestmark = pytest.mark.browser


def url_path(lesson) -> str:
    return lesson.url_path


@pytest.mark.parametrize("lesson", LESSONS, ids=url_path)
def test_lesson_page_loads_without_exception(server, page, lesson):
    goto(page, f"{server}/{url_path(lesson)}")
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("h1").first.inner_text().strip()
    screenshot(page, f"page-{url_path(lesson)}")


def test_home_links_every_lesson(server, page):
    goto(page, server)
    for lesson in LESSONS:
        assert page.get_by_text(f"Lesson {lesson.number}: {lesson.title}").count() >= 1


def test_derivatives_slider_changes_the_estimate(server, page):
    goto(page, f"{server}/derivatives")
    estimate = metric(page, "float64 estimate")
    # course text 000_99c4d5915fdf932d.txt: "With a step size of 0.01, we get a slope of roughly 6.01."
    expect(estimate).to_have_text("6.009999999999849")  # h = 0.01 in IEEE 754 binary64
    handle = page.get_by_role("slider").first
    handle.focus()
    handle.press("ArrowLeft")  # one step smaller: h = 5e-3
    wait_idle(page)
    # What core computes for h = 5e-3 (6.005 in exact arithmetic, a few ulps off in float64).
    shown = finite_difference(parse_expression("w**2", ("w",)), 3.0, 5e-3, variable="w")
    expect(estimate).to_have_text(str(np.float64(shown)))
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "derivatives-after-slider")


def test_derivatives_cancellation_on_a_shared_link(server, page):
    # A link straight to a lesson is the first thing many students open.
    goto(page, f"{server}/derivatives?d_h=1e-17")
    expect(metric(page, "float64 estimate")).to_have_text("0.0")
    assert page.get_by_text("w + h == w in float64").count() >= 1
    # The chart component loads lazily, a moment after the script run ends.
    page.wait_for_selector(
        "[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg", timeout=15_000
    )
    screenshot(page, "derivatives-cancellation")
