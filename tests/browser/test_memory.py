"""Memory: the server after a visit to every page stays well inside Community Cloud's limits."""

import json

import pytest

from tests.conftest import ARTIFACTS, goto, start_server
from tests.load.test_classroom_load import _rss_kib
from ui.lessons import LESSONS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BUDGET_MB = 400  # the benchmark budget; Community Cloud gives an app roughly 690 MB to 2.7 GB


def test_rss_after_every_page_with_defaults(browser):
    process, url = start_server(log=ARTIFACTS / "memory-server.log")
    try:
        tab = browser.new_page(viewport={"width": 1280, "height": 720})
        for path in ["", *(lesson.url_path for lesson in LESSONS)]:
            goto(tab, f"{url}/{path}")
            tab.wait_for_timeout(1000)
        tab.close()
        total_mb = _rss_kib(process.pid) / 1024
        server_mb = _rss_kib_single(process.pid) / 1024
    finally:
        process.terminate()
        process.wait(timeout=10)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "memory.json").write_text(
        json.dumps({"server_mb": round(server_mb, 1), "server_and_worker_mb": round(total_mb, 1)})
    )
    print(f"\nRSS after every page: server {server_mb:.0f} MB, with its symbolic worker {total_mb:.0f} MB")
    assert total_mb < BUDGET_MB


def _rss_kib_single(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
