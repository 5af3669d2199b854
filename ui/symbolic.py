"""The symbolic work every function box shares: parse, differentiate, decide where a slope exists.

Cached wrappers around core, keyed by the expression *text*.

sympy objects do not hash for ``st.cache_data``, so every cache here is keyed
on text and plain numbers. Symbolic results (immutable sympy objects) and
compiled functions live in ``st.cache_resource``; every cache is bounded so
that a class of forty students cannot grow it without limit.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import streamlit as st

from core import derivatives, limits
from core.expressions import ExpressionError
from core.limits import SymbolicTimeout, run_bounded

SYMBOLIC_TIMEOUT = 3.0  # seconds of symbolic work per new function


@dataclass(frozen=True)
class Parsed:
    """A function the student typed: its analysis, or why there is none."""

    text: str
    analysis: derivatives.Analysis | None
    error: str | None


TIMEOUT_MEMORY = 120.0  # seconds a timed-out function is answered from memory
limits.warm_up()  # start the worker with the server, not with the first student


@st.cache_resource(max_entries=512, show_spinner=False)
def _analyse(text: str, variables: tuple[str, ...]) -> Parsed:
    """Parse and differentiate in the worker; a parse error is cached, a timeout is raised (not cached)."""
    try:
        analysis = run_bounded(derivatives.parse_and_analyse, text, variables, timeout=SYMBOLIC_TIMEOUT)
    except ExpressionError as error:
        return Parsed(text, None, str(error))
    except (ValueError, TypeError, ArithmeticError, RecursionError):  # sympy itself gave up on this function
        return Parsed(text, None, "this function could not be worked out exactly; try writing it more simply")
    return Parsed(text, analysis, None)


@st.cache_resource(show_spinner=False)
def _recent_timeouts() -> dict[tuple, float]:
    return {}


def analyse(text: str, variables: tuple[str, ...]) -> Parsed:
    """Parse and differentiate `text`, bounded in time.

    Results and parse errors are cached for good. A timeout is remembered for
    a couple of minutes only — long enough that moving a slider does not wait
    3 s again, short enough that a machine that was merely busy recovers.
    """
    key = (text, variables)
    timeouts = _recent_timeouts()
    if time.monotonic() - timeouts.get(key, -math.inf) < TIMEOUT_MEMORY:
        return Parsed(text, None, _TIMEOUT_MESSAGE)
    try:
        return _analyse(text, variables)
    except SymbolicTimeout:
        if len(timeouts) > 256:
            timeouts.clear()
        timeouts[key] = time.monotonic()
        return Parsed(text, None, _TIMEOUT_MESSAGE)


_TIMEOUT_MESSAGE = f"working this out took longer than {SYMBOLIC_TIMEOUT:g} s and was stopped; try a simpler function"


@st.cache_resource(max_entries=1024, show_spinner=False)
def slope(text: str, variables: tuple[str, ...], variable: str, point: tuple[float, ...]) -> derivatives.Slope:
    """Whether the exact derivative of `text` in `variable` at `point` (one value per variable) exists, bounded."""
    expr = analyse(text, variables).analysis.expr
    values = dict(zip(variables, point))
    try:
        return run_bounded(derivatives.slope_at, expr, values[variable], variable, values, timeout=SYMBOLIC_TIMEOUT)
    except (SymbolicTimeout, ValueError, TypeError, ArithmeticError, RecursionError):
        return derivatives.Slope("unknown", math.nan)
