"""The Derivatives lesson's cached calls into core: the error sweep, the derivation, the error model.

Keyed on the function's text and plain numbers (sympy objects do not hash for st.cache_data);
the symbolic parts run in the bounded worker.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import derivatives
from core.limits import SymbolicTimeout, run_bounded
from ui.symbolic import SYMBOLIC_TIMEOUT, analyse


@st.cache_data(max_entries=256, show_spinner=False)
def error_sweep(
    text: str, variables: tuple[str, ...], x: float, dtypes: tuple[str, ...], methods: tuple[str, ...]
) -> pd.DataFrame:
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
    """The error model's curves and best h (needs the 2nd or 3rd derivative: bounded symbolic work)."""
    expr = analyse(text, (variable,)).analysis.expr
    try:
        models = run_bounded(
            derivatives.error_models,
            expr,
            x,
            dtypes=dtypes,
            methods=methods,
            variable=variable,
            timeout=SYMBOLIC_TIMEOUT,
        )
    except (SymbolicTimeout, ValueError, TypeError, ArithmeticError):
        models = ()  # the model needs the 2nd or 3rd derivative in closed form; without it the chart has no model lines
    return derivatives.model_table(models)
