"""The top of every lesson page."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def _through_entry_point() -> None:
    """Make sure the page runs under dashboard.py's ``st.navigation``.

    Streamlit decides once per server process whether the app uses the
    legacy ``pages/`` folder discovery, and only clears that when
    ``st.navigation`` first runs. So if a shared link to a lesson is the very
    first request after the server starts, the page would run on its own,
    without the navigation, theme or presenter mode. Clear the flag and run
    again through the entry point.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, intro: str) -> None:
    """Title and one or two sentences of introduction."""
    _through_entry_point()
    st.title(title)
    st.markdown(intro)


def tab_fragment(tab) -> Callable[[Callable[[], None]], Callable[[], None]]:
    """Decorator: draw the function in `tab` now, as a fragment, if the tab is open.

    The controls it draws then rerun only that tab's content, and a closed
    tab costs nothing.
    """

    def draw(body: Callable[[], None]) -> Callable[[], None]:
        if tab.open:
            with tab:
                st.fragment(body)()
        return body

    return draw
