"""The function box every lesson shares: type a function, get it checked.

Bad text never loses what the student had: the box keeps their text so they
can fix it, the error says what to fix, and the page goes on showing the last
function that worked.
"""

from __future__ import annotations

import streamlit as st

from core.derivatives import Analysis
from core.expressions import MAX_LENGTH
from ui import symbolic


def function_input(
    label: str,
    *,
    key: str,
    default: str,
    variables: tuple[str, ...],
    help: str | None = None,
    container=st,
) -> tuple[str, Analysis]:
    """A text box bound to the URL; returns (text in use, its analysis)."""
    names = ", ".join(variables)
    text = container.text_input(
        label,
        value=default,
        key=key,
        bind="query-params",
        max_chars=MAX_LENGTH,
        help=help
        or f"A function of {names}. Use ^ or ** for powers, and sin, cos, exp, log, sqrt, abs, tanh, sigmoid, relu.",
    )
    parsed = symbolic.analyse(text, variables)
    good_key = f"{key}__last_good"
    if parsed.analysis is not None:
        st.session_state[good_key] = text
        return text, parsed.analysis

    fallback = st.session_state.get(good_key, default)
    if symbolic.analyse(fallback, variables).analysis is None:
        fallback = default
    container.error(f"**{text[:80]}{'…' if len(text) > 80 else ''}**: {parsed.error}", icon="✏️")
    container.caption(f"Still showing **{fallback}** until the function is fixed.")
    return fallback, symbolic.analyse(fallback, variables).analysis
