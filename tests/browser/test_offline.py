"""A classroom without internet: no request may leave the machine, and the log stays clean."""

from urllib.parse import urlparse

import pytest

from tests.conftest import goto
from ui.lessons import LESSONS

pytestmark = pytest.mark.browser
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def test_no_request_leaves_the_machine(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    for path in ["", "?present=1", *(lesson.url_path for lesson in LESSONS)]:
        goto(tab, f"{server}/{path}")
        tab.wait_for_timeout(1500)  # lazy chunks, fonts and icons load after the run
    context.close()
    assert not outside, f"requests to other hosts: {sorted(set(outside))}"


def test_server_log_has_no_tracebacks_or_numpy_warnings(server_process, browser):
    tab = browser.new_page(viewport={"width": 1280, "height": 720})
    for lesson in LESSONS:
        goto(tab, f"{server_process.url}/{lesson.url_path}")
    tab.close()
    log = server_process.log.read_text(errors="replace")
    for marker in ("Traceback", "RuntimeWarning", "Uncaught app exception"):
        assert marker not in log, f"{marker} in the server log:\n{log[-3000:]}"
