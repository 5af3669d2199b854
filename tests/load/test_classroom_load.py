"""A class of forty: forty real websocket sessions on one server for a minute.

Each session opens a lesson page (the lessons in turn) and moves its main
control every 0.5-1.5 s, as students following a teacher would. Websocket
sessions rather than browser tabs: forty Chromium tabs would use this 2-core
machine's CPU for rendering and measure the browser, not the server.

Reported (tests/artifacts/load.json and stdout): sessions completed, errors,
rerun latency p50/p95 and the server's peak memory (RSS of the server and its
symbolic worker).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import random
import statistics
import time
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, start_server
from tests.load.client import Session
from ui.lessons import LESSONS

pytestmark = pytest.mark.slow

SESSIONS = 40
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
# What a student moves on each page, and the values it takes, as a teacher would ask:
# h through the cancellation, the point across the bowl, the backward pass step by
# step, the regression target, the learning rate through divergence, training step by step.
CONTROLS = {
    "derivatives": ("d_h", ["1e-2", "1e-3", "1e-17", "5e-8", "1e-6"]),  # select_slider: as shown
    "gradients": ("g_x0", [-1.0, 0.5, 1.5, 2.0]),
    "chain_rule": ("c_step", [1, 5, 9, 14, 20]),
    "losses": ("l_target", [1.0, 2.0, 4.0, 3.0]),
    "descent": ("gd_lr1", ["0.05", "0.3", "0.6", "1.1", "0.1"]),  # select_slider: as shown
    "low_precision": ("lp_at", ["0", "100", "250", "400", "500"]),  # the snapshot slider Play moves
}


def _rss_kib(pid: int) -> int:
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(c) for c in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total


def _control_for(session: Session, page: str):
    if page in CONTROLS and CONTROLS[page][0] in session.widgets:
        return CONTROLS[page]
    for key, widget in session.widgets.items():  # any page: its first slider or number box
        if widget.kind in ("slider", "number_input") and not key.startswith("present"):
            low = getattr(widget.proto, "min", 0.0)
            high = getattr(widget.proto, "max", 1.0)
            return key, [low + (high - low) * f for f in (0.2, 0.4, 0.6, 0.8)]
    return None


async def _student(server: str, page: str, deadline: float, latencies: list, errors: list) -> bool:
    session = Session(server, page)
    try:
        await session.open()
        control = _control_for(session, page)
        i = 0
        while time.monotonic() < deadline:
            await asyncio.sleep(random.uniform(0.5, 1.5))
            if control is None:
                latencies.append(await session._run())
            else:
                key, values = control
                latencies.append(await session.set(key, values[i % len(values)]))
            i += 1
        errors.extend(f"{page}: {message}" for message in session.exceptions)
        return True
    except Exception as error:  # counted, reported, and failed on below
        errors.append(f"{page}: {type(error).__name__}: {error}")
        return False
    finally:
        await session.close()


async def _classroom(server: str, pid: int):
    pages = [lesson.url_path for lesson in LESSONS]
    latencies: list[float] = []
    errors: list[str] = []
    peak = [0]

    async def sample():
        while True:
            peak[0] = max(peak[0], _rss_kib(pid))
            await asyncio.sleep(0.5)

    sampler = asyncio.create_task(sample())
    deadline = time.monotonic() + SECONDS
    students = [_student(server, pages[i % len(pages)], deadline, latencies, errors) for i in range(SESSIONS)]
    completed = sum(await asyncio.gather(*students))
    sampler.cancel()
    return completed, latencies, errors, peak[0]


def test_forty_students_for_a_minute():
    process, url = start_server(log=ARTIFACTS / "load-server.log")
    try:
        # In its own thread: Playwright's sync API (the browser tests' session fixture) keeps an
        # event loop running in this one, and asyncio.run refuses to start inside it.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
            completed, latencies, errors, peak_kib = thread.submit(asyncio.run, _classroom(url, process.pid)).result()
    finally:
        process.terminate()
        process.wait(timeout=10)
    ms = sorted(1000 * t for t in latencies)
    report = {
        "sessions": SESSIONS,
        "seconds": SECONDS,
        "completed": completed,
        "errors": len(errors),
        "reruns": len(ms),
        "p50_ms": round(statistics.median(ms), 1) if ms else None,
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1) if ms else None,
        "peak_rss_mb": round(peak_kib / 1024, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps({**report, "error_messages": errors[:20]}, indent=2))
    print("\nclassroom load:", json.dumps(report))
    assert completed == SESSIONS, errors[:5]
    assert not errors, errors[:5]
    assert report["reruns"] >= SESSIONS * SECONDS / 3, "sessions barely moved their controls"
