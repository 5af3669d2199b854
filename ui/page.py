"""The top of every lesson page, and the guard and fragment every section of one is drawn in.

The lessons live in ``lessons/``, not ``pages/``: Streamlit still treats a ``pages/`` folder
beside the entry point as its legacy multipage discovery until ``st.navigation`` first runs, so a
shared lesson link opened as a server's first request would get a "Page not found" dialog.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

#: Set by the test suite: an unexpected exception then fails the test instead of becoming a message.
STRICT = os.environ.get("CALCULUS_FOR_ML_STRICT") == "1"
_log = logging.getLogger(__name__)


def header(title: str, intro: str) -> None:
    """Title and one or two sentences of introduction."""
    st.title(title)
    st.markdown(intro)


def show_tab(tab, body: Callable[[], None]) -> None:
    """Draw `body` in `tab` as a fragment, if the tab is open.

    The controls it draws then rerun only that tab's content, and a closed tab costs nothing.
    """
    if tab.open:
        with tab:
            st.fragment(guarded(body))()


def guarded(body: Callable[..., None]) -> Callable[..., None]:
    """The last line of defence around a section: an unexpected exception becomes a message.

    What was drawn before the failure (the controls) stays on the screen, the message names the
    inputs in use and what to try, and the rest of the page is drawn as usual. st.stop and
    st.rerun pass through. Under the test suite (``CALCULUS_FOR_ML_STRICT=1``) the exception is
    raised, so that the test fails loudly.
    """

    @functools.wraps(body)
    def run(*args, **kwargs) -> None:
        try:
            body(*args, **kwargs)
        except ScriptControlException:
            raise
        except Exception as error:
            if STRICT:
                raise
            _log.exception("section %s failed", getattr(body, "__qualname__", body))
            inputs = ", ".join(f"`{value[:60]}`" for key, value in st.query_params.items() if key != "present")
            st.error(
                f"This part of the page could not be drawn{' with ' + inputs if inputs else ''} "
                f"({type(error).__name__}). It is a bug in the app, not in what you typed: try another value or "
                "function; everything else on the page keeps working.",
                icon=":material/build:",
            )

    return run
