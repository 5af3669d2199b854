"""ui.page.guarded: a section that fails unexpectedly becomes a message; the controls and the rest stay."""

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

SCRIPT = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from ui import page

@page.guarded
def broken():
    st.slider("a control drawn before the failure", 0, 10, 3, key="c_before")
    raise ZeroDivisionError("division by zero")

@page.guarded
def stops():
    st.stop()

st.query_params["f"] = "relu(w)"
broken()
st.markdown("the rest of the page")
"""


def test_an_unexpected_failure_becomes_a_message_that_names_the_input(monkeypatch):
    from ui import page

    monkeypatch.setattr(page, "STRICT", False)
    at = AppTest.from_string(SCRIPT).run()
    assert not at.exception
    (message,) = at.error
    assert (
        "`relu(w)`" in message.value and "ZeroDivisionError" in message.value and "try another value" in message.value
    )
    assert at.slider(key="c_before").value == 3, "the control drawn before the failure is lost"
    assert at.markdown[-1].value == "the rest of the page"


def test_under_the_test_suite_the_same_failure_fails_loudly():
    from ui import page

    assert page.STRICT, "tests/conftest.py sets CALCULUS_FOR_ML_STRICT=1"
    at = AppTest.from_string(SCRIPT).run()
    assert at.exception and "division by zero" in at.exception[0].message


def test_st_stop_passes_through(monkeypatch):
    from ui import page

    monkeypatch.setattr(page, "STRICT", False)
    at = AppTest.from_string(SCRIPT.replace("broken()", "stops()")).run()
    assert not at.exception and not at.error and not at.markdown
