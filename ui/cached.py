"""Cached wrappers around core: symbolic work keyed by the expression *text*.

sympy objects do not hash for ``st.cache_data``, so every cache here is keyed
on text and plain numbers. Symbolic results (immutable sympy objects) and
compiled functions live in ``st.cache_resource``; every cache is bounded so
that a class of forty students cannot grow it without limit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import derivatives
from core.expressions import ExpressionError, parse_expression
from core.limits import SymbolicTimeout, run_bounded

SYMBOLIC_TIMEOUT = 3.0  # seconds of symbolic work per new function


@dataclass(frozen=True)
class Parsed:
    """A function the student typed: its analysis, or why there is none."""

    text: str
    analysis: derivatives.Analysis | None
    error: str | None


@st.cache_resource(max_entries=512, show_spinner=False)
def analyse(text: str, variables: tuple[str, ...]) -> Parsed:
    """Parse and differentiate `text`, bounded in time; failures are cached too."""
    try:
        expr = parse_expression(text, variables)
        analysis = run_bounded(derivatives.analyse, expr, variables, timeout=SYMBOLIC_TIMEOUT)
    except ExpressionError as error:
        return Parsed(text, None, str(error))
    except SymbolicTimeout as error:
        return Parsed(text, None, f"{error}; try a simpler function")
    return Parsed(text, analysis, None)


@st.cache_data(max_entries=256, show_spinner=False)
def error_sweep(text: str, variables: tuple[str, ...], x: float, dtypes: tuple[str, ...], methods: tuple[str, ...]) -> pd.DataFrame:
    expr = analyse(text, variables).analysis.expr
    return derivatives.error_sweep(expr, x, dtypes=dtypes, methods=methods, variable=variables[0])


@st.cache_resource(max_entries=256, show_spinner=False)
def derivation(text: str, variable: str) -> list[derivatives.Step]:
    """The rule-by-rule derivation of a function that already parsed."""
    expr = analyse(text, (variable,)).analysis.expr
    try:
        return run_bounded(derivatives.derivation, expr, variable, timeout=SYMBOLIC_TIMEOUT)
    except SymbolicTimeout:
        return []


@st.cache_data(max_entries=256, show_spinner=False)
def model_table(text: str, variable: str, x: float, dtypes: tuple[str, ...], methods: tuple[str, ...]):
    """The error model's curves and best h (needs f'' and f''': bounded symbolic work)."""
    expr = analyse(text, (variable,)).analysis.expr
    try:
        return run_bounded(derivatives.model_table, expr, x, dtypes=dtypes, methods=methods, variable=variable,
                           timeout=SYMBOLIC_TIMEOUT)
    except SymbolicTimeout:
        empty = pd.DataFrame(columns=["dtype", "method", "h", "model"])
        return empty, empty
