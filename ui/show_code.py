"""Show the code that produced the numbers on screen (``inspect.getsource``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import streamlit as st


def show_code(*functions: Callable, equivalent: str | None = None, language_note: str | None = None) -> None:
    """An expander with the source of the core functions that just ran."""
    with st.expander("Show the code", icon=":material/code:"):
        if equivalent:
            st.markdown(language_note or "The same computation in a few lines:")
            st.code(equivalent, language="python")
        for function in functions:
            st.markdown(f"`{function.__module__}.{function.__qualname__}` — the code that ran:")
            st.code(inspect.getsource(function), language="python", line_numbers=True)
