"""Measure the benchmark budgets; print the figures; exit 1 if one is missed.

    python -m benchmarks.run            # everything
    python -m benchmarks.run rerun      # one section: rerun, payload, hostile, core, browser

Sections
- rerun: warm rerun latency of each lesson page under AppTest (median and
  p90 of 25 reruns after 5 warm-up ones), beside a one-slider page measured
  the same way in the same run.
- payload: the most rows any chart sends to the browser, over several states
  of each page (budget 2,000).
- core: 5,000 Adam steps on Rosenbrock with the exact gradient (budget 100 ms); the low-precision
  lesson's training, 500 steps of its three recipes on 200 points, per precision (budget 300 ms).
- browser: a keyboard-moved slider on every page in headless Chromium,
  against a one-slider app (budget +100 ms); see browser_response.py.
- hostile: the slowest answer to a hostile or bomb input, through the same
  path the app uses (parse and differentiate in the bounded worker) (budget 1 s).
"""

from __future__ import annotations

import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scenarios import SCENARIOS  # noqa: E402

WARMUP, SAMPLES = 5, 25
MAX_CHART_ROWS = 2000
HOSTILE_BUDGET_S = 1.0


def _app(page: str | None, query: dict | None = None):
    from streamlit.testing.v1 import AppTest

    if page is None:
        at = AppTest.from_file(str(ROOT / "benchmarks" / "empty_page.py"), default_timeout=60)
        at.run()
        return at
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    at.run()
    return at


def _timed_reruns(at, move) -> list[float]:
    for i in range(WARMUP):
        move(at, i)
        at.run()
    times = []
    for i in range(SAMPLES):
        move(at, i)
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
        assert not at.exception, at.exception[0].message
    return times


def rerun() -> list[tuple[str, float, float, bool]]:
    floor_at = _app(None)
    floor = statistics.median(_timed_reruns(floor_at, lambda at, i: at.slider(key="a").set_value(i % 10)))
    print(f"{'page':32} {'median ms':>10} {'p90 ms':>8} {'x floor':>8} {'budget':>7}")
    print(f"{'one-slider page (floor)':32} {floor:10.1f}")
    results = []
    for scenario in SCENARIOS:
        times = _timed_reruns(_app(scenario.page, scenario.query), scenario.move)
        median = statistics.median(times)
        p90 = statistics.quantiles(times, n=10)[-1]
        ok = median <= scenario.budget_ms
        print(
            f"{scenario.page:32} {median:10.1f} {p90:8.1f} {median / floor:8.1f} {scenario.budget_ms:7.0f} {'ok' if ok else 'OVER'}"
        )
        results.append((scenario.page, median, p90, ok))
    return results


def _chart_rows(at) -> list[int]:
    import pyarrow as pa

    rows = []
    for chart in at.get("vega_lite_chart"):
        proto = chart.proto
        total = sum(pa.ipc.open_stream(io.BytesIO(d.data.data)).read_all().num_rows for d in proto.datasets)
        if proto.data.data:
            total += pa.ipc.open_stream(io.BytesIO(proto.data.data)).read_all().num_rows
        spec = json.loads(proto.spec)
        total += sum(len(v) for v in spec.get("datasets", {}).values() if isinstance(v, list))
        rows.append(total)
    return rows


def payload() -> bool:
    ok = True
    for scenario in SCENARIOS:
        worst = 0
        for state in ({}, *scenario.states):
            at = _app(scenario.page, {**scenario.query, **state})
            worst = max([worst, *_chart_rows(at)])
        passed = worst <= MAX_CHART_ROWS
        ok &= passed
        print(
            f"{scenario.page:32} most rows in one chart: {worst:5d} (budget {MAX_CHART_ROWS}) {'ok' if passed else 'OVER'}"
        )
    return ok


def hostile() -> bool:
    from core import derivatives
    from core.expressions import ExpressionError
    from core.limits import SymbolicTimeout, run_bounded

    corpus = json.loads((ROOT / "tests" / "core" / "data" / "hostile_inputs.json").read_text())
    texts = [t for group in corpus.values() for t in group]
    run_bounded(derivatives.parse_and_analyse, "x", ("x",))  # a warm worker, as in a running app
    worst, worst_text = 0.0, ""
    for text in texts:
        start = time.perf_counter()
        try:
            run_bounded(derivatives.parse_and_analyse, text, ("x",), timeout=HOSTILE_BUDGET_S)
        except (ExpressionError, SymbolicTimeout):
            pass
        elapsed = time.perf_counter() - start
        if elapsed > worst:
            worst, worst_text = elapsed, text
    passed = worst < HOSTILE_BUDGET_S
    print(
        f"hostile inputs: {len(texts)}, slowest answer {worst * 1000:.1f} ms for {worst_text[:40]!r} "
        f"(budget {HOSTILE_BUDGET_S * 1000:.0f} ms) {'ok' if passed else 'OVER'}"
    )
    return passed


def main(sections: list[str]) -> int:
    sections = sections or ["rerun", "payload", "hostile", "worst", "core", "browser"]
    ok = True
    if "rerun" in sections:
        print("== warm rerun latency (AppTest)")
        ok &= all(r[-1] for r in rerun())
    if "payload" in sections:
        print("== chart payload")
        ok &= payload()
    if "hostile" in sections:
        print("== hostile input")
        ok &= hostile()
    if "worst" in sections:
        print("== worst-case input, every page (AppTest)")
        from benchmarks.worst_input import run as worst_run

        ok &= worst_run()
    if "core" in sections:
        print("== core throughput")
        from benchmarks.core_throughput import core, low_precision

        ok &= core()
        ok &= low_precision()
    if "browser" in sections:
        print("== slider response in the browser (headless Chromium)")
        from benchmarks.browser_response import run as browser_run

        ok &= browser_run()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
