"""The Loss functions page in headless Chromium: a real cell edit in the data editor."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import screenshot, wait_idle

pytestmark = pytest.mark.browser


def type_into_first_prediction(page, text: str) -> None:
    grid = page.locator("[data-testid='stDataFrame']").first
    grid.locator("canvas").first.wait_for(state="visible")
    page.wait_for_timeout(500)  # the grid draws its cells after the canvas appears
    box = grid.bounding_box()
    # The grid is a canvas: the first data row sits under the 35 px header; the
    # prediction column is after the row-number columns.
    editor = page.locator("textarea.gdg-input")  # glide-data-grid's cell editor overlay
    for _ in range(3):  # a click before the grid is interactive only selects the cell
        page.mouse.dblclick(box["x"] + 150, box["y"] + 35 + 17)
        try:
            editor.wait_for(state="visible", timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    editor.fill(text)
    editor.press("Enter")
    wait_idle(page)


def total(page) -> str:
    return page.locator("[data-testid='stMetricValue']").first.inner_text()


def test_a_bad_cell_is_flagged_and_survives_other_changes(server, page):
    page.goto(f"{server}/losses?l_tab=Your+data")
    wait_idle(page)
    # course text 002_16e3fd7667d98696.txt: "Loss = ((2.5-3.0)² + (3.1-3.0)² + (4.8-5.0)²) / 3" = 0.10
    assert total(page) == "0.10"

    type_into_first_prediction(page, "abc")
    warning = page.locator("[data-testid='stAlertContentWarning']").first
    warning.wait_for(timeout=10_000)
    warning = warning.inner_text()
    assert "row 1: prediction 'abc' is not a number" in warning
    assert total(page) == "0.025"  # rows 2 and 3 still count: (0.01 + 0.04) / 2

    # Another control, and a round trip through another tab, keep the student's cell.
    page.locator("[data-testid='stButtonGroup'] button", has_text="MAE").first.click()
    wait_idle(page)
    assert total(page) == "0.15"  # MAE over rows 2 and 3: (0.1 + 0.2) / 2
    page.get_by_role("tab", name="Gallery").click()
    wait_idle(page)
    page.get_by_role("tab", name="Your data").click()
    wait_idle(page)
    assert (
        "prediction 'abc' is not a number" in page.locator("[data-testid='stAlertContentWarning']").first.inner_text()
    )
    assert page.locator("[data-testid='stException']").count() == 0
    screenshot(page, "losses-bad-cell")
