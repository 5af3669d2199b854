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


def _check_method(method: str, dtype: str) -> None:
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "complex-step" and dtype not in COMPLEX_DTYPES:
        raise ValueError(
            f"the complex-step method needs a complex type, and {dtype} has none; "
            "use float64 or float32"
        )


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
    x_ = np.asarray(x, dtype=target)
    h_ = np.asarray(h, dtype=target)
    with np.errstate(all="ignore"):
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
            if method == "complex-step" and dtype not in COMPLEX_DTYPES:
                continue
            estimate = finite_difference(
                expr, x, steps, method=method, dtype=dtype, variable=variable
            ).astype(np.float64)
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
    return pd.concat(frames, ignore_index=True)


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


def best_h(expr: sympy.Expr, x: float, *, method: str = "forward", dtype: str = "float64", variable: str = "x") -> float | None:
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
    x_, h_ = np.asarray(x, dtype=target), np.asarray(h, dtype=target)
    with np.errstate(all="ignore"):
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
        if method == "complex-step" and dtype not in COMPLEX_DTYPES:
            rows.append({"dtype": dtype, "estimate": np.nan, "error": np.nan, "outcome": "unavailable"})
            continue
        estimate = float(finite_difference(expr, x, h, method=method, dtype=dtype, variable=variable))
        with np.errstate(all="ignore"):
            error = abs(estimate - exact)
        rows.append({"dtype": dtype, "estimate": estimate, "error": error,
                     "outcome": _outcomes(np.array([estimate]), exact)[0]})
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
        if not (method == "complex-step" and dtype not in COMPLEX_DTYPES)
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
            curves.append(pd.DataFrame({"dtype": model.dtype, "method": model.method, "h": steps[keep], "model": total[keep]}))
            if model.best_h is not None and np.isfinite(model.best_h):
                best.append({"dtype": model.dtype, "method": model.method, "h": model.best_h,
                             "model": float(model.total(model.best_h))})
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
