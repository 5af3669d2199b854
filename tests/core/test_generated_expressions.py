"""Generated functions (tests/strategies.py) through the parser, the exact derivative and lambdify.

Each generated function is a pair: the sympy tree built directly, and the text a student would
type for it in one of many styles. The independent oracle is mpmath at 30 significant digits
(https://mpmath.org/doc/current/basics.html#setting-the-precision), never the code under test:

(a) parsing the text gives the very tree built directly (sympy structural equality, ``==``:
    https://docs.sympy.org/latest/tutorial/gotchas.html#equals-signs). The printer parenthesises
    by Python's precedence, so the parser performs the same operations in the same order and
    sympy's automatic evaluation is identical on both sides; no simplify() is needed anywhere;
(b) core.derivatives.derivative equals the derivative mpmath.diff computes numerically from the
    canonical tree, at random points where the function is real, finite and away from kinks;
(c) core.numeric.lambdify in float64 is within a first-order rounding-error bound of the
    30-digit value (IEEE 754-2019 §4.3: each basic operation is correctly rounded, relative
    error at most u = 2**-53; numpy's transcendental functions are allowed 4 u), and the bound
    is only trusted where the problem is well conditioned (see ``error_bound``);
(d) for every dtype in core.numeric.DTYPES the output has that dtype and the input's shape;
(e) parse_expression raises nothing but ExpressionError, quickly, on any text.

Every property runs a fixed number of examples with derandomize=True and no example database,
so CI sees the same examples on every run.
"""

from __future__ import annotations

import math
import time

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.derivatives import derivative
from core.expressions import ExpressionError, parse_expression
from core.numeric import DTYPES, lambdify
from tests.strategies import expressions, student_texts

U = 2.0**-53  # unit roundoff of float64 (IEEE 754 binary64, p = 53)
LIBM_ULPS = 4  # numpy's sin, exp, log, ... are documented within a few ulp, not correctly rounded
DIGITS = 30
ANSWER_WITHIN = 1.0  # seconds per parse (the hostile-input budget of tests/core/test_expressions.py)
PROFILE = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
}
POINTS = st.lists(
    st.one_of(st.floats(min_value=-4, max_value=4), st.sampled_from([0.5, 1.0, 2.0, 3.0, -1.5, 10.0, 1e-3])),
    min_size=3,
    max_size=3,
)


def _parse(text, variables):
    start = time.perf_counter()
    result = parse_expression(text, variables)
    assert time.perf_counter() - start < ANSWER_WITHIN, f"{text!r} took too long"
    return result


# --- (a) the text means the tree --------------------------------------------------------


@settings(max_examples=500, **PROFILE)
@given(expressions(("x", "y")))
def test_text_parses_to_the_tree_it_was_printed_from(pair):
    expr, text = pair
    assert _parse(text, ("x", "y")) == expr, text


@settings(max_examples=150, **PROFILE)
@given(expressions(("w1", "w2"), max_leaves=6))
def test_subscripted_variables_side_by_side(pair):
    expr, text = pair
    assert _parse(text, ("w1", "w2")) == expr, text


# --- mpmath evaluation, with a first-order float64 error bound --------------------------------


class Unusable(Exception):
    """This point says nothing: complex, out of float64's normal range, a kink, an unknown function."""


_DERIVATIVES = {
    sympy.sin: mpmath.cos,
    sympy.cos: lambda a: -mpmath.sin(a),
    sympy.tan: lambda a: mpmath.sec(a) ** 2,
    sympy.asin: lambda a: 1 / mpmath.sqrt(1 - a**2),
    sympy.acos: lambda a: -1 / mpmath.sqrt(1 - a**2),
    sympy.atan: lambda a: 1 / (1 + a**2),
    sympy.sinh: mpmath.cosh,
    sympy.cosh: mpmath.sinh,
    sympy.tanh: lambda a: mpmath.sech(a) ** 2,
    sympy.exp: mpmath.exp,
    sympy.log: lambda a: 1 / a,
    sympy.Abs: mpmath.sign,
    sympy.sign: lambda a: 0,
}
_VALUES = {
    sympy.sin: mpmath.sin,
    sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan,
    sympy.asin: mpmath.asin,
    sympy.acos: mpmath.acos,
    sympy.atan: mpmath.atan,
    sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh,
    sympy.tanh: mpmath.tanh,
    sympy.exp: mpmath.exp,
    sympy.log: mpmath.log,
    sympy.Abs: abs,
    sympy.sign: mpmath.sign,
}
_KINKS = (sympy.Abs, sympy.sign, sympy.Max, sympy.Min, sympy.Heaviside)


def _real(value):
    if isinstance(value, mpmath.mpc):
        if value.imag != 0:
            raise Unusable("complex")
        value = value.real
    if not mpmath.isfinite(value):
        raise Unusable("not finite")
    return value


def _in_range(value):
    magnitude = abs(value)
    if magnitude > 1e300 or 0 < magnitude < 1e-290:
        raise Unusable("outside float64's normal range: the relative error model does not hold")
    return value


def error_bound(expr: sympy.Expr, env: dict) -> tuple:
    """(30-digit value, bound on |float64 value - value|) of `expr` evaluated as lambdify does.

    Forward error analysis to first order (Higham, Accuracy and Stability of Numerical
    Algorithms, 2nd ed., §3.1): an operation on computed arguments a_i + e_i gives
    f(a) + Σ|∂f/∂a_i|·e_i plus its own rounding, at most u·|result| for + - * / sqrt
    (IEEE 754 correct rounding), (n-1)·u·Σ|a_i| for an n-term sum left to right and
    LIBM_ULPS·u·|result| for exp, sin, pow, ... Constants are folded to float64 (rounding u).
    The condition test: the bound is used only where bound/|value| < 1e-6, so that the
    neglected second-order terms (bound²) are far smaller than the bound itself.
    """
    if expr.is_Symbol:
        return env[expr.name], mpmath.mpf(0)
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        value = _real(mpmath.mpmathify(sympy.N(expr, DIGITS + 5)))
        exact = expr.is_Float or (expr.is_Integer and abs(int(expr)) <= 2**53)
        return _in_range(value), (mpmath.mpf(0) if exact else U * abs(value) * LIBM_ULPS)
    if expr.has(sympy.I):
        raise Unusable("complex constant")
    parts = [error_bound(arg, env) for arg in expr.args]
    values = [v for v, _ in parts]
    errors = [e for _, e in parts]
    n = len(parts)
    if expr.is_Add:
        value = mpmath.fsum(values)
        bound = mpmath.fsum(errors) + (n - 1) * U * mpmath.fsum(abs(v) for v in values)
    elif expr.is_Mul:
        value = mpmath.fprod(values)
        bound = sum(abs(mpmath.fprod(values[:i] + values[i + 1 :])) * e for i, e in enumerate(errors))
        bound += (n - 1) * U * abs(value)
    elif expr.is_Pow:
        (b, eb), (p, ep) = parts
        if b == 0:
            raise Unusable("0 to a power")
        value = _real(mpmath.power(b, p))
        slope_base = abs(p * mpmath.power(b, p - 1))
        slope_exponent = abs(value * mpmath.log(abs(b))) if ep else 0
        bound = slope_base * eb + slope_exponent * ep + LIBM_ULPS * U * abs(value)
    elif isinstance(expr, (sympy.Max, sympy.Min)):
        pick = max if isinstance(expr, sympy.Max) else min
        value = pick(values)
        others = [v for v in values if v != value]
        gap = min((abs(v - value) for v in others), default=mpmath.inf)
        if gap <= 4 * max(errors):
            raise Unusable("max/min of nearly equal arguments: a kink")
        bound = max(errors)
    elif type(expr) in _VALUES:
        (a, ea) = parts[0]
        if isinstance(expr, (sympy.Abs, sympy.sign)) and abs(a) <= 4 * ea:
            raise Unusable("at a kink")
        value = _real(_VALUES[type(expr)](a))
        bound = abs(_real(_DERIVATIVES[type(expr)](a))) * ea + LIBM_ULPS * U * abs(value)
    else:
        raise Unusable(f"no rule for {type(expr).__name__}")
    return _in_range(_real(value)), bound


def value_at(expr: sympy.Expr, env: dict):
    """The 30-digit value, derivatives' Heaviside and DiracDelta included (sympy's conventions:
    Heaviside(0) = 1/2, DiracDelta = 0 away from 0; docs.sympy.org/latest/modules/functions/special.html)."""
    if expr.is_Symbol:
        return env[expr.name]
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        return _real(mpmath.mpmathify(sympy.N(expr, DIGITS + 5)))
    values = [value_at(arg, env) for arg in expr.args]
    if expr.is_Add:
        return _real(mpmath.fsum(values))
    if expr.is_Mul:
        return _real(mpmath.fprod(values))
    if expr.is_Pow:
        if values[0] == 0:
            raise Unusable("0 to a power")
        return _real(mpmath.power(*values))
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return max(values) if isinstance(expr, sympy.Max) else min(values)
    if isinstance(expr, sympy.Heaviside):
        return mpmath.mpf(1 if values[0] > 0 else 0)
    if isinstance(expr, sympy.DiracDelta):
        if values[0] == 0:
            raise Unusable("on a kink")
        return mpmath.mpf(0)
    if type(expr) in _VALUES:
        return _real(_VALUES[type(expr)](values[0]))
    raise Unusable(f"no rule for {type(expr).__name__}")


def _near_kink(expr: sympy.Expr, env: dict, distance) -> bool:
    """Is some |a|, sign(a), max(a, b) argument within `distance` (relative) of its kink?"""
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, _KINKS):
            args = [value_at(a, env) for a in node.args]
            gaps = [abs(a) for a in args] if len(args) == 1 else [abs(a - b) for a in args for b in args if a is not b]
            scale = max([abs(a) for a in args] + [mpmath.mpf(1)])
            if min(gaps) <= distance * scale:
                return True
    return False


# --- (b) the exact derivative ---------------------------------------------------------------

STATS: dict[str, int] = {}


def _count(key: str) -> None:
    STATS[key] = STATS.get(key, 0) + 1


@settings(max_examples=300, **PROFILE)
@given(expressions(("x",), max_leaves=7), POINTS)
def _derivative_property(pair, points):
    expr, text = pair
    exact = derivative(_parse(text, ("x",)), "x")
    _count("expressions")
    for point in points:
        try:
            with mpmath.workdps(DIGITS):
                x0 = mpmath.mpf(point)
                if _near_kink(expr, {"x": x0}, mpmath.mpf(10) ** -8):
                    continue
                ours = value_at(exact, {"x": x0})
                # Large terms (x + 1e70) need more digits than 30 for the difference quotient.
                extra = int(max(mpmath.log10(abs(value_at(expr, {"x": x0})) + 1), 0))
            with mpmath.workdps(2 * DIGITS + extra):
                numeric = mpmath.diff(lambda t: value_at(expr, {"x": t}), mpmath.mpf(point))
            with mpmath.workdps(4 * DIGITS + extra):
                again = mpmath.diff(lambda t: value_at(expr, {"x": t}), mpmath.mpf(point))
        except (Unusable, ZeroDivisionError, ValueError, OverflowError):
            continue
        scale = max(abs(numeric), abs(again), 1)
        if abs(numeric - again) > 1e-20 * scale:
            continue  # the oracle itself is unsure at this point (a hidden cancellation)
        _count("points")
        assert abs(ours - again) <= 1e-15 * scale, (text, point, exact, ours, again)


def test_exact_derivative_matches_mpmath_diff():
    STATS.clear()
    _derivative_property()
    # The property must have had something to check: most points are real, finite and smooth.
    assert STATS.get("points", 0) >= STATS.get("expressions", 0), STATS


# --- (c) float64 values -----------------------------------------------------------------------


@settings(max_examples=300, **PROFILE)
@given(expressions(("x",), max_leaves=6), POINTS)
def _float64_property(pair, points):
    _expr, text = pair
    parsed = _parse(text, ("x",))
    f = lambdify(parsed, ("x",), "float64")
    _count("expressions")
    computed = f(np.array(points, dtype=np.float64))
    for point, got in zip(points, computed):
        try:
            with mpmath.workdps(DIGITS):
                value, bound = error_bound(parsed, {"x": mpmath.mpf(point)})
        except Unusable:
            continue
        except (ZeroDivisionError, ValueError, OverflowError):
            continue
        if bound > 1e-6 * abs(value):
            _count("ill-conditioned")
            continue
        _count("points")
        error = abs(mpmath.mpf(float(got)) - value) if math.isfinite(got) else mpmath.inf
        assert error <= 2 * bound + mpmath.mpf(2) ** -1074, (text, point, float(got), value, bound)


def test_float64_values_within_the_rounding_error_bound():
    STATS.clear()
    _float64_property()
    assert STATS.get("points", 0) >= STATS.get("expressions", 0), STATS


# --- (d) every dtype keeps dtype and shape -----------------------------------------------------


@settings(max_examples=100, **PROFILE)
@given(expressions(("x", "y"), max_leaves=6), st.sampled_from([(), (3,), (2, 3)]))
def test_every_dtype_keeps_dtype_and_shape(pair, shape):
    _, text = pair
    parsed = _parse(text, ("x", "y"))
    for name, dtype in DTYPES.items():
        f = lambdify(parsed, ("x", "y"), name)
        x = np.full(shape, 0.75, dtype=dtype)
        y = np.full(shape, -1.25, dtype=dtype)
        out = f(x, y)
        assert out.dtype == dtype, (text, name, out.dtype)
        assert out.shape == shape, (text, name, out.shape)


# --- (e) any text: ExpressionError or a result, quickly ------------------------------------------

GRAMMAR_CHARS = list("xyw12 .+-*/^()|,=√π²³⁻−×·÷eE\u00a0\u3000")
GRAMMAR_PIECES = [*GRAMMAR_CHARS, "sin", "sqrt", "abs", "max", "log", "**"]


@st.composite
def mutated_texts(draw):
    """A student text with a few edits: a character dropped, doubled or replaced by grammar."""
    text = draw(student_texts(("x", "y"), max_leaves=8))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        edit = draw(st.sampled_from(["drop", "double", "replace", "insert"]))
        piece = draw(st.sampled_from(GRAMMAR_PIECES))
        text = {
            "drop": text[:i] + text[i + 1 :],
            "double": text[: i + 1] + text[i:],
            "replace": text[:i] + piece + text[i + 1 :],
            "insert": text[:i] + piece + text[i:],
        }[edit]
    return text


def _holds_the_contract(text: str) -> None:
    start = time.perf_counter()
    try:
        result = parse_expression(text, ("x", "y"))
    except ExpressionError as error:
        assert str(error), "an empty message helps nobody"
    else:
        assert isinstance(result, sympy.Expr)
        assert {s.name for s in result.free_symbols} <= {"x", "y"}
    assert time.perf_counter() - start < ANSWER_WITHIN, f"{text!r} took too long"


@settings(max_examples=500, **PROFILE)
@given(mutated_texts())
def test_mutated_texts_are_answered_quickly(text):
    _holds_the_contract(text)


@settings(max_examples=500, **PROFILE)
@given(st.one_of(st.text(max_size=200), st.lists(st.sampled_from(GRAMMAR_PIECES), max_size=120).map("".join)))
def test_any_text_is_answered_quickly(text):
    _holds_the_contract(text)


@pytest.mark.parametrize("bars", [20, 21, 40, 41, 200])
def test_many_bars_are_answered_quickly(bars):
    # The bar search is bounded: nested |...| up to the depth limit, and any number of bars.
    for text in ("|" * bars + "x" + "|" * bars, "|x|" * bars, "|x" * bars + "|" * bars):
        _holds_the_contract(text[:500])
