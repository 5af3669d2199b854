"""Response in the browser: a slider moved with the keyboard, timed in the page.

For the slider a teacher moves most on each lesson page: the time from the
key press to the last websocket message of the rerun it causes
(performance.now() in the page). Beside it, the same measurement on a
one-slider app (benchmarks/empty_page.py) served in the same run, taken
just before each page so that both see the same machine load. The benchmark
budget: at most 100 ms more than the one-slider app.
"""

from __future__ import annotations

import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOVES = 13  # the first warms the caches and is dropped
BUDGET_OVER_FLOOR_MS = 100

# (page, address query, slider label): on each page, the slider a lesson moves most.
SLIDERS = [
    ("derivatives", "", "Step size h"),
    ("gradients", "", "Step size h of the numeric partials"),
    ("chain_rule", "", "Layers"),
    ("chain_rule", "", "Backward step"),
    ("losses", "?l_tab=Classification", "The model's P(cat) for a picture of a cat"),
    ("losses", "?l_tab=Classification", "The model's logit z for a cat (p = sigmoid(z))"),
    ("descent", "", "Learning rate η"),
    ("descent", "?gd_tab=Two+weights%3A+optimizers", "Show steps up to"),
]

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


def slider_response_ms(browser, url: str, label: str | None = None) -> list[float]:
    from tests.conftest import wait_idle

    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(INSTRUMENT)
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector(
        "h1, input[type='range']", state="attached", timeout=30_000
    )  # the one-slider app has no title
    wait_idle(tab)
    handle = tab.get_by_role("slider")
    # The slider's accessible name repeats its label (aria-labelledby), so match aria-label itself.
    handle = handle.and_(tab.locator(f'[aria-label="{label}"]')) if label else handle.first
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

    ok = True
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        floor_process, floor_url = start_server(entry=str(ROOT / "benchmarks" / "empty_page.py"))
        app_process, app_url = start_server()
        try:
            slider_response_ms(browser, floor_url)  # the browser's own first start
            print(
                f"{'page':14} {'slider':48} {'median':>7} {'floor':>6} {'over':>6}  budget +{BUDGET_OVER_FLOOR_MS} ms"
            )
            for page, query, label in SLIDERS:
                floor = statistics.median(slider_response_ms(browser, floor_url))
                times = slider_response_ms(browser, f"{app_url}/{page}{query}", label)
                if not times:
                    print(f"{page:14} {label:48} not found")
                    ok = False
                    continue
                median = statistics.median(times)
                passed = median <= floor + BUDGET_OVER_FLOOR_MS
                ok &= passed
                print(
                    f"{page:14} {label:48} {median:5.0f} ms {floor:4.0f} ms {median - floor:+5.0f} ms  "
                    f"{'ok' if passed else 'OVER'}"
                )
        finally:
            for process in (floor_process, app_process):
                process.terminate()
                process.wait(timeout=10)
            browser.close()
    return ok
