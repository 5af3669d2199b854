"""Show the code that produced the numbers on screen (``inspect.getsource``)."""

from __future__ import annotations

import functools
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
            st.code(_source(function), language="python", line_numbers=True)


@functools.cache
def _source(function: Callable) -> str:
    """The function's source, read from its file once per process (the files do not change while serving)."""
    return inspect.getsource(function)
