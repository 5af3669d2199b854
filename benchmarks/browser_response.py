"""Response in the browser: a slider moved with the keyboard, timed in the page.

For each lesson page: the time from the key press to the last websocket
message of the rerun it causes (performance.now() in the page), beside the
same measurement on a one-slider app (benchmarks/empty_page.py) served in
the same run. Issue 8's budget: at most 100 ms more than the one-slider app.
"""

from __future__ import annotations

import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOVES = 9
BUDGET_OVER_FLOOR_MS = 100

# Timestamps every websocket message and the last key press, in the page's own clock.
INSTRUMENT = """
window.__messages = [];
window.WebSocket = class extends window.WebSocket {
  constructor(...args) {
    super(...args);
    this.addEventListener("message", () => window.__messages.push(performance.now()));
  }
};
document.addEventListener("keydown", () => { window.__key = performance.now(); }, true);
"""


def slider_response_ms(browser, url: str) -> list[float]:
    from tests.conftest import wait_idle

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(INSTRUMENT)
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("h1, input[type='range']", state="attached", timeout=30_000)  # the one-slider app has no title
    wait_idle(tab)
    handle = tab.get_by_role("slider").first
    try:
        handle.wait_for(state="attached", timeout=10_000)  # widgets arrive a moment after the title
    except Exception:  # playwright's TimeoutError: this page shows no slider at first
        context.close()
        return []
    tab.wait_for_timeout(500)
    handle.focus()
    times = []
    for i in range(MOVES):
        tab.evaluate("window.__messages = []")
        handle.press("ArrowRight" if i % 4 < 2 else "ArrowLeft")
        wait_idle(tab)
        tab.wait_for_timeout(300)  # let any trailing message of the rerun arrive
        elapsed = tab.evaluate("window.__messages.length ? Math.max(...window.__messages) - window.__key : null")
        if elapsed is not None:
            times.append(elapsed)
    context.close()
    return times[1:]  # the first move warms the caches


def run() -> bool:
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS, chromium_path, start_server
    from ui.lessons import LESSONS

    ok = True
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        floor_process, floor_url = start_server(entry=str(ROOT / "benchmarks" / "empty_page.py"))
        app_process, app_url = start_server()
        try:
            floor = statistics.median(slider_response_ms(browser, floor_url))
            print(f"{'one-slider app (floor)':32} {floor:8.0f} ms")
            for lesson in LESSONS:
                page = lesson.path.removeprefix("pages/").removesuffix(".py")
                times = slider_response_ms(browser, f"{app_url}/{page}")
                if not times:
                    print(f"{page:32} no slider on its first screen")
                    continue
                median = statistics.median(times)
                passed = median <= floor + BUDGET_OVER_FLOOR_MS
                ok &= passed
                print(f"{page:32} {median:8.0f} ms  (+{median - floor:.0f} ms; budget +{BUDGET_OVER_FLOOR_MS}) "
                      f"{'ok' if passed else 'OVER'}")
        finally:
            for process in (floor_process, app_process):
                process.terminate()
                process.wait(timeout=10)
            browser.close()
    return ok
