"""Predict, then reveal: ask before showing, so the answer means something.

The guess lives only in this browser session (never in the URL or on disk).
The reveal runs the real computation and explains it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class Question:
    key: str  # page-prefixed, e.g. "d_q1"
    prompt: str
    choices: tuple[str, ...]
    answer: int  # index into choices
    explain: Callable[[], None]  # draws the computation and the explanation


def ask(question: Question, *, expanded: bool = False) -> None:
    """An expander holding the question, the choices and the reveal."""
    revealed_key = f"{question.key}__revealed"
    with st.expander(f"Predict first: {question.prompt}", icon=":material/psychology_alt:", expanded=expanded):
        guess = st.radio(
            "Your prediction",
            range(len(question.choices)),
            format_func=lambda i: question.choices[i],
            index=None,
            key=f"{question.key}__guess",
            label_visibility="collapsed",
        )
        st.button(
            "Reveal",
            key=f"{question.key}__reveal",
            disabled=guess is None,
            type="primary",
            on_click=st.session_state.__setitem__,
            args=(revealed_key, True),
        )
        if guess is None:
            st.caption("Choose an answer, then reveal it.")
            st.session_state[revealed_key] = False
            return
        if not st.session_state.get(revealed_key):
            return
        right = question.choices[question.answer]
        if guess == question.answer:
            st.success(f"Right: **{right}**.")
        else:
            st.warning(f"Not quite — the answer is **{right}**.")
        question.explain()
