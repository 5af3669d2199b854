"""Exact derivatives (sympy) and finite-difference estimates (numpy, any precision).

The lesson: the forward difference (f(x + h) - f(x)) / h approaches f'(x) as h
shrinks, until round-off takes over. Its error is the sum of two terms,

    truncation  ~ h |f''(x)| / 2          (forward, backward)
                ~ h^2 |f'''(x)| / 6       (central, complex step)
    round-off   ~ eps |f(x)| / h          (eps: the precision's machine epsilon)

so on a log-log plot the error traces a V whose bottom sits near
h* = sqrt(2 eps |f| / |f''|) (forward) or (3 eps |f| / |f'''|)^(1/3) (central).
Below h*, f(x + h) and f(x) agree in more and more leading digits and their
difference cancels them: once h is under half a unit in the last place of x,
x + h == x and the estimate is exactly 0 (catastrophic cancellation).

The complex-step method, Im f(x + ih) / h, subtracts nothing and so has no
cancellation at all; it needs a complex type, which float16 and bfloat16 lack.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sympy

from core.expressions import parse_expression, symbol
from core.numeric import COMPLEX_DTYPES, as_dtype, finfo, lambdify, ulp

if TYPE_CHECKING:
    # Imported where a table is built: the symbolic worker (core.limits) imports
    # this module but never builds one, and pandas with pyarrow would add ~100 MB to it.
    import pandas as pd

__all__ = [
    "METHODS",
    "ORDER",
    "ErrorModel",
    "estimates_table",
    "derivative",
    "exact_slope",
    "finite_difference",
    "sweep_h",
    "error_sweep",
    "error_model",
    "best_h",
    "largest_vanishing_h",
    "Microscope",
    "microscope",
    "Analysis",
    "analyse",
    "parse_and_analyse",
    "Step",
    "derivation",
    "direction",
    "error_models",
    "model_table",
    "secant_and_tangent",
    "secant_point",
    "runs",
    "NOT_ANALYTIC",
    "analytic",
    "Slope",
    "SLOPE_KINDS",
    "slope_at",
]

#: Finite-difference methods, with the formula each computes.
METHODS: dict[str, str] = {
    "forward": "(f(x + h) - f(x)) / h",
    "backward": "(f(x) - f(x - h)) / h",
    "central": "(f(x + h) - f(x - h)) / (2h)",
    "complex-step": "Im f(x + ih) / h",
}

#: Order of accuracy: the truncation error shrinks like h**order.
ORDER = {"forward": 1, "backward": 1, "central": 2, "complex-step": 2}


def derivative(expr: sympy.Expr, variable: str = "x") -> sympy.Expr:
    """The exact derivative d expr / d variable (sympy)."""
    return sympy.diff(expr, symbol(variable))


#: Functions with no complex-analytic extension: Im f(x + ih) / h says nothing about their slope
#: (numpy's abs of a complex number is its modulus, a real number, so the estimate is 0).
NOT_ANALYTIC = (sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta, sympy.Max, sympy.Min)


def analytic(expr: sympy.Expr) -> bool:
    """Whether the complex-step method applies: no abs, sign, relu, max or min inside `expr`."""
    return not expr.has(*NOT_ANALYTIC)


def _check_method(method: str, dtype: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "complex-step" and dtype not in COMPLEX_DTYPES:
        raise ValueError(f"the complex-step method needs a complex type, and {dtype} has none; use float64 or float32")


def finite_difference(
    expr: sympy.Expr,
    x: float,
    h,
    *,
    method: str = "forward",
    dtype: str = "float64",
    variable: str = "x",
) -> np.ndarray:
    """Finite-difference estimate of d expr / d variable at `x`, in `dtype`.

    `x` and `h` are rounded to `dtype` first and every operation rounds to
    `dtype`, so float16 h = 1e-8 becomes 0 and the estimate 0/0 = NaN. `h`
    may be a scalar or an array; the result has its shape and `dtype`.
    Cancellation is reported, not hidden: an estimate may be exactly 0, inf
    or NaN.
    """
    _check_method(method, dtype)
    target = as_dtype(dtype)
    with np.errstate(all="ignore"):  # x = 1e6 is inf in float16: an overflow to show, not to warn about
        x_ = np.asarray(x, dtype=target)
        h_ = np.asarray(h, dtype=target)
        if method == "complex-step":
            complex_type = COMPLEX_DTYPES[dtype]
            f = _compiled(expr, variable, complex_type.name)
            step = h_.astype(complex_type) * complex_type.type(1j)
            return (f(x_.astype(complex_type) + step).imag / h_).astype(target)
        f = _compiled(expr, variable, dtype)
        if method == "forward":
            return (f(x_ + h_) - f(x_)) / h_
        if method == "backward":
            return (f(x_) - f(x_ - h_)) / h_
        return (f(x_ + h_) - f(x_ - h_)) / (h_ + h_)


@functools.lru_cache(maxsize=128)
def _compiled(expr: sympy.Expr, variable: str, dtype: str):
    """lambdify, memoised (bounded) on (expr, variable, dtype): sweeps reuse it."""
    return lambdify(expr, [variable], dtype)


def sweep_h(points: int = 201, low: float = 1e-20, high: float = 1.0) -> np.ndarray:
    """Log-spaced step sizes, by default the 201 of ``logspace(-20, 0, 201)``."""
    return np.logspace(np.log10(low), np.log10(high), points)


def exact_slope(expr: sympy.Expr, x: float, variable: str = "x", order: int = 1) -> float:
    """The `order`-th exact derivative (sympy) at x, evaluated in float64."""
    return _exact_value(expr, variable, x, order)


def _exact_value(expr: sympy.Expr, variable: str, x: float, order: int = 1) -> float:
    return float(_compiled(_derivative(expr, variable, order), variable, "float64")(x))


@functools.lru_cache(maxsize=128)
def _derivative(expr: sympy.Expr, variable: str, order: int) -> sympy.Expr:
    """d^order expr / d variable^order; cached, since a slider asks for the same one on every rerun."""
    return sympy.diff(expr, symbol(variable), order) if order else expr


def error_sweep(
    expr: sympy.Expr,
    x: float,
    *,
    dtypes: Iterable[str] = ("float64", "float32"),
    methods: Iterable[str] = ("forward",),
    h: np.ndarray | None = None,
    variable: str = "x",
) -> pd.DataFrame:
    """Estimate and error over many h, as a tidy table.

    One row per (dtype, method, h): columns ``dtype, method, h, estimate,
    error`` (absolute, against the exact derivative) and ``outcome``:
    "ok", "zero" (total cancellation: the estimate is exactly 0 while the
    true slope is not), "nan" or "inf". Methods a dtype cannot run (the
    complex step in float16) are left out.
    """
    import pandas as pd

    steps = sweep_h() if h is None else np.asarray(h, dtype=np.float64)
    exact = _exact_value(expr, variable, x)
    frames = []
    for dtype in dtypes:
        for method in methods:
            if not runs(expr, method, dtype):
                continue
            estimate = finite_difference(expr, x, steps, method=method, dtype=dtype, variable=variable).astype(
                np.float64
            )
            with np.errstate(all="ignore"):
                error = np.abs(estimate - exact)
            frames.append(
                pd.DataFrame(
                    {
                        "dtype": dtype,
                        "method": method,
                        "h": steps,
                        "estimate": estimate,
                        "error": error,
                        "outcome": _outcomes(estimate, exact),
                    }
                )
            )
    if not frames:
        return pd.DataFrame(columns=["dtype", "method", "h", "estimate", "error", "outcome"])
    return pd.concat(frames, ignore_index=True)


def runs(expr: sympy.Expr, method: str, dtype: str) -> bool:
    """Whether `method` can estimate the slope of `expr` in `dtype` (the complex step needs both a complex type
    and an analytic function)."""
    return method != "complex-step" or (dtype in COMPLEX_DTYPES and analytic(expr))


def _outcomes(estimate: np.ndarray, exact: float) -> np.ndarray:
    outcome = np.full(estimate.shape, "ok", dtype=object)
    outcome[(estimate == 0) & (exact != 0)] = "zero"
    outcome[np.isinf(estimate)] = "inf"
    outcome[np.isnan(estimate)] = "nan"
    return outcome


@dataclass(frozen=True)
class ErrorModel:
    """The two error terms at one point, as functions of h."""

    method: str
    dtype: str
    eps: float
    f: float  # |f(x)|
    curvature: float  # |f''(x)| (first-order methods) or |f'''(x)| (second-order)

    def truncation(self, h):
        h = np.asarray(h, dtype=np.float64)
        if ORDER[self.method] == 1:
            return h * self.curvature / 2
        return h**2 * self.curvature / 6

    def roundoff(self, h):
        h = np.asarray(h, dtype=np.float64)
        if self.method == "complex-step":
            return np.zeros_like(h)  # nothing is subtracted, nothing cancels
        return self.eps * self.f / h

    def total(self, h):
        return self.truncation(h) + self.roundoff(h)

    @property
    def best_h(self) -> float | None:
        """The h that minimises the modelled error, or None if the model has no minimum."""
        if self.method == "complex-step" or self.curvature == 0 or self.f == 0:
            return None
        if ORDER[self.method] == 1:
            return float(np.sqrt(2 * self.eps * self.f / self.curvature))
        return float(np.cbrt(3 * self.eps * self.f / self.curvature))


def error_model(
    expr: sympy.Expr, x: float, *, method: str = "forward", dtype: str = "float64", variable: str = "x"
) -> ErrorModel:
    """Truncation and round-off model of `method` in `dtype` at `x`."""
    _check_method(method, dtype)
    order = 2 if ORDER[method] == 1 else 3
    with np.errstate(all="ignore"):
        f = abs(_exact_value(expr, variable, x, order=0))
        curvature = abs(_exact_value(expr, variable, x, order=order))
    return ErrorModel(method, dtype, float(finfo(dtype).eps), f, curvature)


def best_h(
    expr: sympy.Expr, x: float, *, method: str = "forward", dtype: str = "float64", variable: str = "x"
) -> float | None:
    """The step that minimises truncation plus round-off error (None if none does)."""
    return error_model(expr, x, method=method, dtype=dtype, variable=variable).best_h


def largest_vanishing_h(x: float, dtype: str = "float64") -> float:
    """The largest h > 0 (a `dtype` number) for which x + h == x in `dtype`.

    Round-to-nearest-even makes it half the spacing above x when x's last
    mantissa bit is even (the tie rounds back to x), else just under half.
    For x = 3 in float64 this is 2**-52 ≈ 2.22e-16, so h = 1e-17 vanishes.
    """
    target = as_dtype(dtype)
    x_ = np.asarray(x, dtype=target)
    half = np.asarray(ulp(float(x_), dtype) / 2, dtype=target)
    while half > 0 and x_ + half != x_:
        half = _previous(half, target)
    return float(half)


def _previous(value: np.ndarray, target: np.dtype) -> np.ndarray:
    """The next float toward zero from a positive `value` (works for bfloat16 too)."""
    uint = {2: np.uint16, 4: np.uint32, 8: np.uint64}[target.itemsize]
    return (value.view(uint) - uint(1)).view(target)


@dataclass(frozen=True)
class Microscope:
    """Everything a forward difference does at one (x, h), as stored in `dtype`."""

    dtype: str
    x: float
    h: float
    x_plus_h: float
    f_x: float
    f_x_plus_h: float
    rise: float
    estimate: float
    step_vanished: bool  # x + h == x in this precision
    h_underflowed: bool  # h itself rounds to 0 in this precision


def microscope(expr: sympy.Expr, x: float, h: float, *, dtype: str = "float64", variable: str = "x") -> Microscope:
    """The stored values behind one forward difference, for the page's microscope."""
    target = as_dtype(dtype)
    f = _compiled(expr, variable, dtype)
    with np.errstate(all="ignore"):
        x_, h_ = np.asarray(x, dtype=target), np.asarray(h, dtype=target)
        x_plus_h = x_ + h_
        f_x, f_xh = f(x_), f(x_plus_h)
        rise = f_xh - f_x
        estimate = rise / h_
    return Microscope(
        dtype=dtype,
        x=float(x_),
        h=float(h_),
        x_plus_h=float(x_plus_h),
        f_x=float(f_x),
        f_x_plus_h=float(f_xh),
        rise=float(rise),
        estimate=float(estimate),
        step_vanished=bool(x_plus_h == x_),
        h_underflowed=bool(h_ == 0 and h != 0),
    )


def estimates_table(
    expr: sympy.Expr, x: float, h: float, *, dtypes: Sequence[str], method: str = "forward", variable: str = "x"
) -> pd.DataFrame:
    """One row per dtype: the estimate at (x, h), its error and its outcome."""
    import pandas as pd

    exact = _exact_value(expr, variable, x)
    rows = []
    for dtype in dtypes:
        if not runs(expr, method, dtype):
            rows.append({"dtype": dtype, "estimate": np.nan, "error": np.nan, "outcome": "unavailable"})
            continue
        estimate = float(finite_difference(expr, x, h, method=method, dtype=dtype, variable=variable))
        with np.errstate(all="ignore"):
            error = abs(estimate - exact)
        rows.append(
            {"dtype": dtype, "estimate": estimate, "error": error, "outcome": _outcomes(np.array([estimate]), exact)[0]}
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Analysis:
    """A parsed function and its exact first derivatives, with their LaTeX."""

    expr: sympy.Expr
    variables: tuple[str, ...]
    derivatives: tuple[sympy.Expr, ...]  # one per variable, in order
    latex: str
    derivative_latex: tuple[str, ...]


def analyse(expr: sympy.Expr, variables: Sequence[str]) -> Analysis:
    """Differentiate `expr` in each variable and typeset everything.

    Symbolic work on a student's function can be slow, so the app runs this
    through ``core.limits.run_bounded``.
    """
    variables = tuple(variables)
    derivatives = tuple(_tidy(derivative(expr, v)) for v in variables)
    return Analysis(
        expr=expr,
        variables=variables,
        derivatives=derivatives,
        latex=sympy.latex(expr),
        derivative_latex=tuple(sympy.latex(d) for d in derivatives),
    )


def parse_and_analyse(text: str, variables: Sequence[str]) -> Analysis:
    """``analyse(parse_expression(text, variables), variables)``: all the symbolic work on a student's text.

    The parser bounds what it builds, but sympy evaluates as it builds; running
    this whole step in the killable worker bounds it in time as well.
    """
    return analyse(parse_expression(text, variables), variables)


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """A shorter equal form when pulling out common factors finds one.

    Full ``simplify`` would be prettier but can run for seconds on ordinary
    functions such as (x + 1)^50 (x - 1)^50, which it tries to expand.
    """
    shorter = sympy.factor_terms(expr)
    return shorter if sympy.count_ops(shorter) < sympy.count_ops(expr) else expr


@dataclass(frozen=True)
class Step:
    """One line of a derivation: which rule, and what it gives (LaTeX)."""

    rule: str
    latex: str


def derivation(expr: sympy.Expr, variable: str = "x") -> list[Step]:
    """The rules that differentiate `expr`, term by term, for the page to show.

    Sums split by the sum rule; each term is named by the rule that handles
    it (constant, power, chain, product or a standard derivative) with its
    result from sympy.
    """
    x = symbol(variable)
    d = lambda e: sympy.latex(sympy.Derivative(e, x))  # noqa: E731
    terms = expr.as_ordered_terms() if expr.is_Add else [expr]
    steps = []
    if len(terms) > 1:
        parts = " + ".join(d(t) for t in terms)
        steps.append(Step("sum rule: differentiate term by term", rf"{d(expr)} = {parts}"))
    for term in terms:
        result = sympy.latex(sympy.diff(term, x))
        shown = _chain_power_form(term, x)
        middle = f" = {shown}" if shown and shown != result else ""
        steps.append(Step(_rule_for(term, x), rf"{d(term)}{middle} = {result}"))
    return steps


def _chain_power_form(term: sympy.Expr, x: sympy.Symbol) -> str | None:
    """c·n·g^(n-1)·g′ written out, unevaluated, for a term c·g(x)^n."""
    coefficient, rest = term.as_independent(x, as_Add=False)
    if not (rest.is_Pow and rest.base != x and not rest.exp.has(x)):
        return None
    g, n = rest.base, rest.exp
    factors = [f for f in (coefficient, n) if f != 1]
    outer = sympy.Mul(*factors, sympy.Pow(g, n - 1, evaluate=False), evaluate=False)
    return rf"{sympy.latex(outer)} \cdot {sympy.latex(sympy.diff(g, x))}"


def _rule_for(term: sympy.Expr, x: sympy.Symbol) -> str:
    if not term.has(x):
        return "constant rule: a constant does not change, its slope is 0"
    coefficient, rest = term.as_independent(x, as_Add=False)
    if rest == x:
        return "a line c·x has slope c"
    if rest.is_Pow and rest.base == x and not rest.exp.has(x):
        return "power rule: d/dx xⁿ = n·xⁿ⁻¹"
    if rest.is_Pow and not rest.exp.has(x):
        return "chain rule with the power rule: n·g(x)ⁿ⁻¹ · g′(x)"
    if rest.is_Mul:
        return "product rule: (u·v)′ = u′·v + u·v′"
    if rest.is_Function and rest.args[0] != x:
        return f"chain rule: {type(rest).__name__}′(g(x)) · g′(x)"
    return "a standard derivative from the table"


def direction(slope: float) -> int:
    """Which way is downhill: -1 (decrease the weight), +1 (increase it) or 0."""
    if not np.isfinite(slope) or slope == 0:
        return 0
    return -1 if slope > 0 else 1


def error_models(
    expr: sympy.Expr, x: float, *, dtypes: Iterable[str], methods: Iterable[str], variable: str = "x"
) -> tuple[ErrorModel, ...]:
    """The error model of every (dtype, method) pair that the dtype can run, at x.

    This is the symbolic half of the error-model chart (it needs the second or
    third derivative), so the app runs it in the bounded worker;
    ``model_table`` turns the models into the chart's rows.
    """
    methods = tuple(methods)
    return tuple(
        error_model(expr, x, method=method, dtype=dtype, variable=variable)
        for dtype in dtypes
        for method in methods
        if runs(expr, method, dtype)
    )


def model_table(models: Iterable[ErrorModel], h: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The modelled total error over h, and the best h, of each model.

    Returns (curves with columns dtype, method, h, model; best points with
    the same columns). Models with no minimum get no best point.
    """
    import pandas as pd

    steps = sweep_h(41) if h is None else np.asarray(h, dtype=np.float64)
    columns = ["dtype", "method", "h", "model"]
    curves, best = [], []
    with np.errstate(all="ignore"):
        for model in models:
            total = model.total(steps)
            keep = np.isfinite(total) & (total > 0)
            curves.append(
                pd.DataFrame({"dtype": model.dtype, "method": model.method, "h": steps[keep], "model": total[keep]})
            )
            if model.best_h is not None and np.isfinite(model.best_h):
                best.append(
                    {
                        "dtype": model.dtype,
                        "method": model.method,
                        "h": model.best_h,
                        "model": float(model.total(model.best_h)),
                    }
                )
    curve_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=columns)
    return curve_frame, pd.DataFrame(best, columns=columns)


def secant_and_tangent(
    expr: sympy.Expr, x: float, *, variable: str = "x", half_width: float = 1.5, points: int = 161
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Data for the secant-against-tangent picture around x, in float64.

    Returns (curve: x, y; tangent: line, slope, x, y at both ends of the
    window; anchor: the point (x, f(x))). The secant depends on h and is
    drawn from :func:`secant_point`.
    """
    import pandas as pd

    f = _compiled(expr, variable, "float64")
    xs = np.linspace(x - half_width, x + half_width, points)
    with np.errstate(all="ignore"):
        ys = f(xs)
        fx = float(f(np.float64(x)))
        slope = _exact_value(expr, variable, x)
    curve = pd.DataFrame({"x": xs, "y": ys}).replace([np.inf, -np.inf], np.nan).dropna()
    ends = np.array([x - half_width, x + half_width])
    tangent = pd.DataFrame({"line": "tangent (exact slope)", "slope": slope, "x": ends, "y": fx + slope * (ends - x)})
    if not np.isfinite(slope):
        tangent = tangent.iloc[0:0]
    return curve, tangent, pd.DataFrame({"x": [x], "y": [fx]})


def secant_point(expr: sympy.Expr, x: float, h: float, *, variable: str = "x") -> tuple[float, float]:
    """(x + h, f(x + h)) in float64, the far end of the secant."""
    with np.errstate(all="ignore"):
        return x + h, float(_compiled(expr, variable, "float64")(np.float64(x + h)))


# --- does the derivative exist here? ------------------------------------------------

#: What the exact derivative at a point can be: a real finite number ("fine"), or why not.
SLOPE_KINDS = ("fine", "outside", "edge", "pole", "infinite", "kink", "jump", "undefined", "unknown")

_WORKING_DIGITS = 50  # digits for the point and its neighbours; the offsets (2^-80) leave 26 of them


@dataclass(frozen=True)
class Slope:
    """Whether d expr / d variable at a point is a real, finite number, and if not, why.

    kind:
      "fine"       it is; `value` is it in float64 (±inf only when it is too large for float64:
                   `overflow` is then True)
      "outside"    f itself is not a real number here (log of a negative, sqrt of a negative)
      "edge"       f is defined on one side only (sqrt(x) at 0 from the left): `left`/`right`
                   holds the side that exists
      "pole"       f is infinite here (1/x at 0)
      "infinite"   f is finite but its tangent is vertical (cbrt-like, sqrt(x) at 0)
      "kink"       f is continuous, but the slopes on the left and right differ (relu, abs at 0)
      "jump"       f jumps here (sign at 0): no slope at all
      "undefined"  f has no value here, not even an infinite one (sin(1/x) at 0)
      "unknown"    the symbolic work did not finish in time (the app's bounded worker says so)
    pytorch: what autograd returns at this point under PyTorch's documented conventions
    (relu'(0) = 0, abs'(0) = sign(0) = 0, sign' = 0), when f's only non-smooth parts are those.
    """

    kind: str
    value: float
    left: float | None = None
    right: float | None = None
    pytorch: float | None = None
    overflow: bool = False
    magnitude: str = ""  # the value to 4 digits as text, for one too large for float64 ('1.0e+596')

    @property
    def exists(self) -> bool:
        return self.kind == "fine"


def _switches(expr: sympy.Expr) -> list[sympy.Expr]:
    """The expressions whose zeros are where `expr` may fail to be smooth: |g|, sign g, max/min ties."""
    found = []
    for atom in expr.atoms(sympy.Abs, sympy.sign, sympy.Heaviside, sympy.DiracDelta):
        found.append(atom.args[0])
    for atom in expr.atoms(sympy.Max, sympy.Min):
        args = atom.args
        found.extend(a - b for i, a in enumerate(args) for b in args[i + 1 :])
    return found


def _named_kinks_only(expr: sympy.Expr) -> bool:
    """True when every non-smooth part is relu (max(0, g)), abs or sign, whose PyTorch gradients are documented."""
    for atom in expr.atoms(sympy.Max, sympy.Min):
        if not (isinstance(atom, sympy.Max) and len(atom.args) == 2 and sympy.S.Zero in atom.args):
            return False
    return True


def _pytorch_derivative(d: sympy.Expr) -> sympy.Expr:
    """The derivative with autograd's values at the kinks: relu'(0) = 0 (Heaviside(0) = 0), sign' = 0."""
    d = d.replace(sympy.Heaviside, lambda a, *rest: sympy.Heaviside(a, 0))
    return d.replace(sympy.DiracDelta, lambda *a: sympy.S.Zero)


def _at(expr: sympy.Expr, x: sympy.Symbol, value: sympy.Float) -> sympy.Expr:
    """expr at x = value, evaluated with sympy Floats of `_WORKING_DIGITS` digits (never an exact blow-up)."""
    return expr.xreplace({x: value})  # sympy evaluates the numbers as it rebuilds the tree


def _classify(number: sympy.Expr) -> str:
    """ "real", "complex", "infinite" or "nan" for a number that sympy evaluated."""
    if number.has(sympy.nan):
        return "nan"
    if number.has(sympy.zoo, sympy.oo, -sympy.oo) or number.has(sympy.DiracDelta):
        return "infinite"
    value = complex(sympy.N(number, 20)) if not number.is_real else None
    if value is not None and value.imag != 0:
        return "complex"
    return "real"


def _magnitude(number: sympy.Expr) -> str:
    """A number too large for float64, to 4 significant digits: '2.726e+347'."""
    import mpmath

    return mpmath.nstr(sympy.re(sympy.N(number, 20))._to_mpmath(80), 4, min_fixed=0, max_fixed=0)


def _float(number: sympy.Expr) -> float:
    return float(sympy.re(sympy.N(number, 20)))


def slope_at(expr: sympy.Expr, x: float, variable: str = "x", at: dict[str, float] | None = None) -> Slope:
    """Decide whether the exact derivative of `expr` in `variable` at `x` exists, and what it is.

    `at` fixes the other variables (a partial derivative is the derivative of a one-variable slice).
    The point is taken as the exact real number the float `x` is, and everything is evaluated
    with 50-digit sympy Floats, so rounding cannot fake a kink or hide one. A point is a kink when
    the argument of abs, sign, Heaviside or a max/min tie is zero there; its one-sided slopes are
    the derivative at x ∓ 2^-64·max(1, |x|), where the function is smooth.
    Symbolic work: the app runs it in the bounded worker.
    """
    v = symbol(variable)
    if at:
        expr = expr.xreplace({symbol(k): sympy.Float(val, _WORKING_DIGITS) for k, val in at.items() if k != variable})
    d = sympy.diff(expr, v)
    point = sympy.Float(x, _WORKING_DIGITS)
    value = _classify(_at(expr, v, point))
    if value == "nan":
        return Slope("undefined", np.nan)
    if value == "infinite":
        return Slope("pole", np.nan)
    if value == "complex":
        return Slope("outside", np.nan)

    if any(_at(g, v, point).is_zero for g in _switches(expr)):
        return _from_sides(expr, d, v, point, x)
    slope = _at(d, v, point)
    if _classify(slope) == "real":
        value = _float(slope)
        if not np.isfinite(value):
            return Slope("fine", value, overflow=True, magnitude=_magnitude(slope))
        return Slope("fine", value)
    return _from_sides(expr, d, v, point, x)  # sympy's formula fails here: look at each side


def _side_slope(expr, v, point, f_here, side: int, x: float) -> float | None | str:
    """The one-sided slope (f(x ± δ) − f(x)) / ±δ in 50 digits, ±inf if it grows as δ shrinks.

    None where f is not real on that side; "jump" where f does not approach f(x).
    Two offsets, 2^-64 and 2^-80 times max(1, |x|): a finite one-sided slope gives the same
    number at both (to about 1e-19 relative), a vertical tangent a larger one at the smaller offset,
    and a jump the same rise at both.
    """
    scale = max(1.0, abs(x))
    rises, secants = [], []
    for offset in (2.0**-64, 2.0**-80):
        delta = sympy.Float(side * offset * scale, _WORKING_DIGITS)
        f_side = _at(expr, v, point + delta)
        if _classify(f_side) != "real":
            return None
        rises.append(_float(f_side - f_here))
        secants.append(rises[-1] / float(delta))
    # Continuous: the rise shrinks with the offset (by 2^-16 for a slope, 2^-5.3 for a cube root).
    if abs(rises[1]) > 1e-12 * max(1.0, abs(_float(f_here))) and abs(rises[1]) > 0.5 * abs(rises[0]):
        return "jump"
    far, near = secants
    if abs(near - far) <= 1e-6 * max(1.0, abs(far)):
        return near if abs(near) > 1e-12 else 0.0
    return math.copysign(math.inf, near)


def _from_sides(expr, d, v, point, x: float) -> Slope:
    """Kinks, jumps, vertical tangents and ends of the domain, from the slopes on each side."""
    f_here = _at(expr, v, point)
    left, right = (_side_slope(expr, v, point, f_here, side, x) for side in (-1, 1))
    pytorch = _pytorch_value(expr, d, v, point)
    if "jump" in (left, right):
        return Slope("jump", np.nan, pytorch=pytorch)
    if left is None and right is None:
        return Slope("undefined", np.nan)
    if left is None or right is None:
        return Slope("edge", np.nan, left=left, right=right, pytorch=pytorch)
    if math.isinf(left) and left == right:
        return Slope("infinite", np.nan, left=left, right=right)
    scale = max(1.0, abs(left), abs(right))
    if math.isinf(left) or math.isinf(right) or abs(left - right) > 1e-9 * scale:
        return Slope("kink", np.nan, left=left, right=right, pytorch=pytorch)
    exact = _at(d, v, point)
    close = _classify(exact) == "real" and abs(_float(exact) - right) <= 1e-9 * scale
    return Slope("fine", _float(exact) if close else right, pytorch=pytorch)


def _pytorch_value(expr, d, v, point) -> float | None:
    if not _named_kinks_only(expr) or not _switches(expr):
        return None
    value = _at(_pytorch_derivative(d), v, point)
    return _float(value) if _classify(value) == "real" else None
