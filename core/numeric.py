"""Dtype-exact numeric evaluation of sympy expressions.

"In float32" means every operation rounds to float32. ``sympy.lambdify`` does
not promise that: it prints ``sqrt(2)*x`` as ``numpy.sqrt(2)*x``, a float64
constant that silently promotes a float32 array to float64 (NEP 50), and a
plain Python float promotes ``ml_dtypes.bfloat16`` to float32. So every number
in the expression is folded to one constant of the target dtype *before*
printing, and the printer refers to it by name. Arithmetic between an array of
that dtype and a scalar of that dtype stays in that dtype.

Folding is done in Python float arithmetic, never by sympy's arbitrary
precision ``evalf``: ``exp(exp(exp(100)))`` must give ``inf`` at once rather
than ask mpmath for a number with 10**43 digits.
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import ml_dtypes
import numpy as np
import sympy
from sympy.printing.numpy import NumPyPrinter

__all__ = [
    "DTYPES",
    "COMPLEX_DTYPES",
    "finfo",
    "lambdify",
    "as_dtype",
    "fold_constant",
    "to_bits",
    "exact_decimal",
    "ulp",
]

DTYPES: Mapping[str, np.dtype] = MappingProxyType(
    {
        "float64": np.dtype(np.float64),
        "float32": np.dtype(np.float32),
        "float16": np.dtype(np.float16),
        "bfloat16": np.dtype(ml_dtypes.bfloat16),
    }
)

# The complex type whose real and imaginary parts are each `dtype`. float16 and
# bfloat16 have none, so the complex-step method does not exist for them.
COMPLEX_DTYPES: Mapping[str, np.dtype] = MappingProxyType(
    {"float64": np.dtype(np.complex128), "float32": np.dtype(np.complex64)}
)


def as_dtype(dtype: str | np.dtype) -> np.dtype:
    """The numpy dtype for a name in DTYPES (or a dtype already)."""
    if isinstance(dtype, str):
        if dtype in DTYPES:
            return DTYPES[dtype]
        if dtype in ("complex64", "complex128"):
            return np.dtype(dtype)
        else:
            raise ValueError(f"unknown precision {dtype!r}; choose one of {', '.join(DTYPES)}")
    return np.dtype(dtype)


def finfo(dtype: str | np.dtype):
    """Machine limits of a float dtype, bfloat16 included (ml_dtypes.finfo)."""
    return ml_dtypes.finfo(as_dtype(dtype))


# --- constant folding in float arithmetic -------------------------------------

_FLOAT_FUNCS: dict[type, Callable[[float], float]] = {
    sympy.sin: math.sin,
    sympy.cos: math.cos,
    sympy.tan: math.tan,
    sympy.asin: math.asin,
    sympy.acos: math.acos,
    sympy.atan: math.atan,
    sympy.sinh: math.sinh,
    sympy.cosh: math.cosh,
    sympy.tanh: math.tanh,
    sympy.exp: math.exp,
    sympy.log: math.log,
    sympy.Abs: abs,
    sympy.sign: lambda v: math.copysign(1.0, v) if v != 0 else 0.0,
    sympy.Heaviside: lambda v: 1.0 if v > 0 else (0.5 if v == 0 else 0.0),
    sympy.DiracDelta: lambda v: math.inf if v == 0 else 0.0,
    # sympy writes |z| of a complex number with re and im; the real-valued reading has no value there (the
    # argument folds to NaN), and of a real number re is the number and im is 0.
    sympy.re: lambda v: v,
    sympy.im: lambda v: 0.0,
}


def _call(func: Callable[..., float], *args: float) -> float:
    """Apply a float function the IEEE 754 way: overflow is inf, a domain error NaN."""
    if any(math.isnan(a) for a in args):
        return math.nan
    try:
        return float(func(*args))
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan


def _power(base: float, exponent: float) -> float:
    if base == 0.0 and exponent < 0:
        return math.inf
    try:
        value = base**exponent
    except OverflowError:
        # |base| > 1 with a huge exponent; the sign follows odd integer powers.
        odd = exponent == int(exponent) and int(exponent) % 2 == 1
        return -math.inf if (base < 0 and odd) else math.inf
    except ZeroDivisionError:
        return math.inf
    return math.nan if isinstance(value, complex) else float(value)


def fold_constant(expr: sympy.Expr) -> float:
    """The float64 value of a number-only sympy expression, IEEE 754 style."""
    if expr.is_Integer or expr.is_Rational:
        p, q = int(expr.p), int(expr.q)
        try:
            return p / q
        except OverflowError:  # 10**400: beyond float64, as IEEE 754 rounds it (math.copysign would need float(p))
            return math.inf if p > 0 else -math.inf
    if expr.is_Float:
        return float(expr)
    if expr is sympy.pi:
        return math.pi
    if expr is sympy.E:
        return math.e
    if expr is sympy.oo:
        return math.inf
    if expr is -sympy.oo:
        return -math.inf
    if expr is sympy.nan or expr is sympy.zoo or expr is sympy.I:
        # A real-valued function has no value where sympy finds a complex one (sqrt(-0.7) = 0.84 i):
        # NaN, as numpy's sqrt(-0.7) gives.
        return math.nan
    args = [fold_constant(a) for a in expr.args]
    if expr.is_Add:
        return math.fsum(args) if all(map(math.isfinite, args)) else sum(args)
    if expr.is_Mul:
        return _call(lambda *factors: math.prod(factors), *args)
    if expr.is_Pow:
        return _power(*args)
    if isinstance(expr, (sympy.Max, sympy.Min)):
        pick = max if isinstance(expr, sympy.Max) else min
        return pick(args)
    func = _FLOAT_FUNCS.get(type(expr))
    if func is None:
        raise ValueError(f"cannot evaluate {type(expr).__name__} numerically")
    return _call(func, *args)


# --- printing with typed constants ---------------------------------------------


class _TypedConstantPrinter(NumPyPrinter):
    """NumPyPrinter that prints every number as a named constant of one dtype."""

    def __init__(self, scalar_type: Callable[[float], np.generic]):
        super().__init__({"fully_qualified_modules": True, "inline": True})
        self._scalar_type = scalar_type
        self.constants: dict[str, np.generic] = {name: scalar_type(v) for name, v in NONFINITE.items()}
        self._names: dict[str, str] = {}

    def _constant(self, value: float) -> str:
        # One name per distinct value, so printing twice gives the same text.
        name = self._names.setdefault(repr(value), f"_k{len(self._names)}")
        self.constants[name] = self._scalar_type(value)
        return name

    def _print_Number(self, expr):
        return self._constant(fold_constant(expr))

    _print_Integer = _print_Rational = _print_Float = _print_Number
    _print_Pi = _print_Exp1 = _print_Infinity = _print_NegativeInfinity = _print_Number
    _print_NaN = _print_ComplexInfinity = _print_Number
    _print_One = _print_Zero = _print_NegativeOne = _print_Half = _print_Number

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.args
        if exponent.is_Integer and abs(int(exponent)) <= 64:
            # Small integer powers stay integer: x**2 is x*x rounded once.
            b = self.parenthesize(base, 1000)
            return f"{b}**({int(exponent)})"
        if exponent == sympy.Rational(1, 2):
            return f"numpy.sqrt({self._print(base)})"
        return f"numpy.power({self._print(base)}, {self._print(exponent)})"

    def _print_NonFinite(self, expr):
        return expr.name

    def _print_Derivative(self, expr):
        # sympy leaves d/dx sign(g(x)) and the like unevaluated: no number can be given for it.
        return self._constant(math.nan)

    _print_Subs = _print_Derivative

    def _print_Abs(self, expr):
        return f"numpy.abs({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr):
        return f"numpy.heaviside({self._print(expr.args[0])}, {self._constant(0.5)})"

    def _print_DiracDelta(self, expr):
        # The derivative of sign(x) (and of any kink): 0 away from the kink, infinite on it.
        arg = self._print(expr.args[0])
        on_kink = self._constant(math.inf if len(expr.args) == 1 else math.nan)
        return f"numpy.where({arg} == {self._constant(0.0)}, {on_kink}, {self._constant(0.0)})"

    def _minmax(self, expr, ufunc):
        first, *rest = expr.args
        text = self._print(first)
        for arg in rest:
            text = f"numpy.{ufunc}({text}, {self._print(arg)})"
        return text

    def _print_Max(self, expr):
        return self._minmax(expr, "maximum")

    def _print_Min(self, expr):
        return self._minmax(expr, "minimum")


class NonFinite(sympy.AtomicExpr):
    """A folded constant that is NaN, inf or −inf, printed by name and bound to the dtype's value.

    sympy's printer compares numbers with 0 to print their signs, and a NaN Float cannot be
    compared; a Symbol would not do either, since sympy.lambdify binds every Symbol to itself.
    """

    is_commutative = True
    is_number = False

    def __new__(cls, name: str):
        atom = super().__new__(cls)
        atom.name = name
        return atom

    def _hashable_content(self):
        return (self.name,)


#: The names NonFinite constants print as, with their values.
NONFINITE = MappingProxyType({"_nan": math.nan, "_inf": math.inf, "_ninf": -math.inf})


def _as_constant(value: float) -> sympy.Expr:
    if math.isfinite(value):
        return sympy.Float(value)
    return NonFinite("_nan" if math.isnan(value) else ("_inf" if value > 0 else "_ninf"))


def _fold_numbers(expr: sympy.Expr) -> sympy.Expr:
    """Replace each maximal number-only subtree by one Float (via float math)."""
    if expr.is_Atom or not expr.free_symbols:
        if expr.is_Atom and not expr.is_number:
            return expr
        if expr.is_Integer and isinstance(expr, sympy.Integer) and abs(int(expr)) <= 64:
            return expr  # keep small integers exact: they may be exponents
        return _as_constant(fold_constant(expr)) if expr.is_number else expr
    args = [_fold_numbers(a) for a in expr.args]
    try:
        return expr.func(*args, evaluate=False)
    except TypeError:  # Piecewise pairs and relations take no `evaluate`
        return expr.func(*args)


def lambdify(expr: sympy.Expr, variables: Sequence[str], dtype: str = "float64") -> Callable[..., np.ndarray]:
    """Compile `expr` to a numpy function evaluated entirely in `dtype`.

    The returned function takes one array-like per variable (in the order of
    `variables`) and returns an ndarray of exactly `dtype` with the broadcast
    shape of its inputs, even when `expr` is a constant. Inputs are converted
    to `dtype` first, so float64 inputs are rounded to float32 before any
    arithmetic when `dtype` is "float32". A complex dtype (complex64,
    complex128) is also accepted, for the complex-step method.
    """
    target = as_dtype(dtype)
    symbols = _symbols_for(expr, variables)
    expr = _as_expr(expr)
    folded = _fold_numbers(expr)
    printer = _TypedConstantPrinter(target.type)
    # dummify=False: lambdify would otherwise substitute dummies into the
    # expression, which re-evaluates unevaluated products and prints numbers
    # the namespace does not hold. The names are safe: variables are
    # allow-listed identifiers (core.expressions), never raw user text.
    with np.errstate(all="ignore"):
        compiled = sympy.lambdify(
            symbols,
            folded,
            modules=[printer_namespace(printer, folded), "numpy"],
            printer=printer,
            dummify=False,
        )

    def evaluate(*values) -> np.ndarray:
        if len(values) != len(symbols):
            raise TypeError(f"expected {len(symbols)} values, got {len(values)}")
        arrays = [np.asarray(v, dtype=target) for v in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        with np.errstate(all="ignore"):
            result = np.asarray(compiled(*arrays))
        if result.dtype != target:
            # Only a constant result (e.g. diff(6*x) == 6) may come back as
            # another type; anything computed from the inputs is already exact.
            result = result.astype(target)
        if result.shape != shape:
            result = np.broadcast_to(result, shape).copy()
        return result

    evaluate.expr = expr
    evaluate.variables = tuple(variables)
    evaluate.dtype = target
    return evaluate


def printer_namespace(printer: _TypedConstantPrinter, expr: sympy.Expr) -> dict:
    """Print once so the printer registers the typed constants it refers to."""
    printer.doprint(expr)
    return dict(printer.constants)


def _as_expr(expr) -> sympy.Expr:
    """A sympy expression, or a plain number made into one; text is refused (never sympify it)."""
    if isinstance(expr, sympy.Basic):
        return expr
    if isinstance(expr, bool) or not isinstance(expr, (int, float)):
        raise TypeError(f"expected a sympy expression or a number, got {type(expr).__name__}")
    return sympy.Integer(expr) if isinstance(expr, int) else sympy.Float(expr)


def _symbols_for(expr: sympy.Expr, variables: Sequence[str]) -> list[sympy.Symbol]:
    for name in variables:
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise ValueError(f"{name!r} cannot be a variable name")
    by_name = {s.name: s for s in _as_expr(expr).free_symbols}
    unknown = set(by_name) - set(variables)
    if unknown:
        raise ValueError(
            f"expression uses {', '.join(sorted(unknown))}, not among the variables {', '.join(variables)}"
        )
    return [by_name.get(name, sympy.Symbol(name, real=True)) for name in variables]


# --- IEEE 754 anatomy -------------------------------------------------------------

_UINT_FOR_SIZE = {8: np.uint64, 4: np.uint32, 2: np.uint16}
# (exponent bits, mantissa bits) by dtype name; bfloat16 keeps float32's exponent.
_LAYOUT = {"float64": (11, 52), "float32": (8, 23), "float16": (5, 10), "bfloat16": (8, 7)}


def _dtype_name(dtype: str | np.dtype) -> str:
    target = as_dtype(dtype)
    for name, candidate in DTYPES.items():
        if candidate == target:
            return name
    raise ValueError(f"{target} is not one of {', '.join(DTYPES)}")


def to_bits(value: float, dtype: str | np.dtype) -> tuple[str, str, str]:
    """(sign, exponent, mantissa) bit strings of `value` rounded to `dtype`."""
    name = _dtype_name(dtype)
    exponent_bits, mantissa_bits = _LAYOUT[name]
    target = as_dtype(dtype)
    raw = int(np.asarray(value, dtype=target).view(_UINT_FOR_SIZE[target.itemsize]))
    text = format(raw, f"0{1 + exponent_bits + mantissa_bits}b")
    return text[0], text[1 : 1 + exponent_bits], text[1 + exponent_bits :]


def exact_decimal(value: float | np.generic) -> str:
    """Every decimal digit of a binary float (float32, float16, bfloat16 widen exactly)."""
    from decimal import Decimal

    number = float(value)
    if not math.isfinite(number):
        return repr(number)
    return format(Decimal(number), "f") if number != 0 else ("-0.0" if math.copysign(1, number) < 0 else "0.0")


def ulp(value: float, dtype: str | np.dtype = "float64") -> float:
    """Distance from `value` (rounded to `dtype`) to the next larger-magnitude float."""
    target = as_dtype(dtype)
    x = np.asarray(abs(value), dtype=target)
    if not np.isfinite(x):
        return math.nan
    uint = _UINT_FOR_SIZE[target.itemsize]
    above = (x.view(uint) + uint(1)).view(target)
    return float(above) - float(x)
