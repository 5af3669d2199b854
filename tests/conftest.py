"""Shared fixtures: AppTest of the real entry point, and a real server + browser."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

# An unexpected exception inside a page section fails the test instead of becoming a message (ui.page.guarded);
# servers started by the tests inherit it.
os.environ["CALCULUS_FOR_ML_STRICT"] = "1"

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


# --- AppTest ---------------------------------------------------------------------


@pytest.fixture(autouse=True, scope="session")
def _show_error_details():
    """The hosted app hides error details from visitors; tests need to read them."""
    from streamlit import config

    config.set_option("client.showErrorDetails", "full")


@pytest.fixture
def open_page():
    """Run dashboard.py under AppTest and switch to a page: ``open_page("lessons/x.py", query={...})``."""
    from streamlit.testing.v1 import AppTest

    def _open(path: str | None = None, query: dict | None = None, timeout: float = 60):
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=timeout)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if path is not None:
            at.switch_page(path)
            at.run()
        return at

    return _open


def no_exception(at) -> None:
    """Fail with the message and traceback of any exception the app showed."""
    assert not at.exception, "\n".join(f"{e.message}\n{''.join(e.stack_trace)}" for e in at.exception)


# --- a real server and a real browser ---------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    entry: str = "dashboard.py", cwd: Path = ROOT, extra: list[str] | None = None, log: Path | None = None
):
    """``streamlit run`` on a free loopback port; returns (process, base url).

    The server's output goes to `log` (a file, so a long run can never block
    on a full pipe).
    """
    port = _free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = log or ARTIFACTS / f"server-{port}.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            entry,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            *(extra or []),
        ],
        cwd=cwd,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    process.log = log
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("streamlit did not start within 60 s:\n" + log.read_text(errors="replace"))


@pytest.fixture(scope="session")
def server_process():
    process, url = start_server()
    process.url = url
    yield process
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def server(server_process):
    return server_process.url


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is missing: install Debian's 'chromium' package (see .ci/run); browser tests never skip")
    return path


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    yield tab
    context.close()


def wait_idle(tab, timeout: float = 30_000) -> None:
    """Wait until the script run triggered by the last interaction has finished."""
    tab.wait_for_timeout(150)
    tab.wait_for_selector(IDLE, timeout=timeout)
    tab.wait_for_timeout(150)
    tab.wait_for_selector(IDLE, timeout=timeout)


def goto(tab, url: str, timeout: float = 30_000) -> None:
    """Open a page and wait until its first full run has drawn it (every page has a title)."""
    tab.goto(url)
    tab.wait_for_selector("h1", timeout=timeout)
    wait_idle(tab, timeout)


def metric(tab, label: str):
    """The value of the metric labelled `label` (check it with ``expect``, which waits for the rerun to land)."""
    labelled = tab.locator("[data-testid='stMetricLabel']", has_text=label)
    return tab.locator("[data-testid='stMetric']").filter(has=labelled).locator("[data-testid='stMetricValue']")


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path
