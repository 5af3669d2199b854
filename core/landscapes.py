"""A catalogue of named loss landscapes in two variables.

Each entry carries its formula twice: as text in the app's input grammar
(what a student would type; ``^`` is a power) and as a sympy expression built
here directly from real symbols, so a test can check that the parser reads
the text as this expression. It also carries a box that shows the
interesting part, a start point for descent, and its known critical points —
minima, saddles, maxima — exact where they are known in closed form.
The partials-and-gradients and gradient-descent lessons share it.

The linear model's error surface, the sum of squared errors (SSE) of
y = m·x + c over (m, c), is built from a small dataset that the page can
regenerate with a seed and a noise level: ``get_landscape("linear_sse",
seed=..., noise=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType

import numpy as np
import sympy

__all__ = [
    "Landscape",
    "LANDSCAPES",
    "LINEAR_SSE",
    "TRUE_LINE",
    "get_landscape",
    "linear_data",
    "linear_model_sse",
    "linear_model_landscape",
    "least_squares",
]

Point = tuple[float, float]
Box = tuple[tuple[float, float], tuple[float, float]]  # ((xmin, xmax), (ymin, ymax))

# Project convention: every variable is a real symbol (as core.expressions makes them).
x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
m, c = sympy.Symbol("m", real=True), sympy.Symbol("c", real=True)


@dataclass(frozen=True)
class Landscape:
    key: str
    title: str
    text: str  # the formula in the app's input grammar
    expr: sympy.Expr
    variables: tuple[str, str]
    box: Box  # ((xmin, xmax), (ymin, ymax)): where to draw it
    start: Point  # a start point that shows the landscape's character under descent
    minima: tuple[Point, ...]
    note: str  # one sentence for the student
    saddles: tuple[Point, ...] = ()
    maxima: tuple[Point, ...] = ()
    exact_minima: bool = True  # every listed point is exact; False where some are known to 6 decimals only
    data: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False)  # (xs, ys) of the linear model


_CATALOGUE = (
    Landscape(
        "course",
        "3x² + 2y (the course's example)",
        "3x^2 + 2y",
        3 * x**2 + 2 * y,
        ("x", "y"),
        ((-3, 3), (-3, 3)),
        (1.0, 1.0),
        (),
        "∂f/∂x = 6x and ∂f/∂y = 2: the slope in y never vanishes, so there is no minimum and descent "
        "walks downhill for ever.",
    ),
    Landscape(
        "bowl",
        "Round bowl",
        "x^2 + y^2",
        x**2 + y**2,
        ("x", "y"),
        ((-3, 3), (-3, 3)),
        (2.5, 1.5),
        ((0, 0),),
        "Every direction curves the same way, so the gradient points straight at the bottom.",
    ),
    Landscape(
        "ravine",
        "Ill-conditioned bowl (a ravine)",
        "x^2 + 50y^2",
        x**2 + 50 * y**2,
        ("x", "y"),
        ((-3, 3), (-3, 3)),
        (2.5, 0.6),
        ((0, 0),),
        "The Hessian's eigenvalues are 2 and 100, a condition number of 50: a learning rate small enough "
        "for the steep walls crawls along the flat floor, and larger ones zig-zag across the ravine.",
    ),
    Landscape(
        "rosenbrock",
        "Rosenbrock's banana",
        "(1 - x)^2 + 100*(y - x^2)^2",
        (1 - x) ** 2 + 100 * (y - x**2) ** 2,
        ("x", "y"),
        ((-2, 2), (-1, 3)),
        (-1.5, 2.0),
        ((1, 1),),
        "The minimum (1, 1) lies at the end of a long curved valley that is easy to find and slow to follow.",
    ),
    Landscape(
        "himmelblau",
        "Himmelblau's four minima",
        "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
        (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        ("x", "y"),
        ((-5, 5), (-5, 5)),
        (0.0, 0.0),
        # (3, 2) is exact; the rest are roots of the gradient (sympy nroots at 30 digits) rounded to 6 decimals.
        ((3, 2), (-2.805118, 3.131313), (-3.779310, -3.283186), (3.584428, -1.848127)),
        "Four valleys of equal depth (f = 0 in each): where you start decides where you end.",
        saddles=((0.086678, 2.884255), (-3.073026, -0.081353), (-0.127961, -1.953715), (3.385154, 0.073852)),
        maxima=((-0.270845, -0.923039),),
        exact_minima=False,
    ),
    Landscape(
        "beale",
        "Beale",
        "(3/2 - x + x*y)^2 + (9/4 - x + x*y^2)^2 + (21/8 - x + x*y^3)^2",
        (sympy.Rational(3, 2) - x + x * y) ** 2
        + (sympy.Rational(9, 4) - x + x * y**2) ** 2
        + (sympy.Rational(21, 8) - x + x * y**3) ** 2,
        ("x", "y"),
        ((-1, 4.5), (-1.5, 2)),
        (1.0, 1.5),
        ((3, 0.5),),
        "Flat plateaus and sharp ridges: the gradient is tiny on most of the map and huge at its edges.",
        # (0, 1) exactly; the other from a cubic's root, to 6 decimals (below this box).
        saddles=((0, 1), (0.100538, -2.644514)),
    ),
    Landscape(
        "booth",
        "Booth",
        "(x + 2y - 7)^2 + (2x + y - 5)^2",
        (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
        ("x", "y"),
        ((-4, 6), (-2, 8)),
        (-3.0, -1.0),
        ((1, 3),),
        "A tilted, stretched bowl with its minimum at (1, 3).",
    ),
    Landscape(
        "saddle",
        "Saddle x² − y²",
        "x^2 - y^2",
        x**2 - y**2,
        ("x", "y"),
        ((-2, 2), (-2, 2)),
        (1.5, 0.05),
        (),
        "Uphill along x, downhill along y: the gradient is zero at the origin, yet it is no minimum.",
        saddles=((0, 0),),
    ),
)

LANDSCAPES: Mapping[str, Landscape] = MappingProxyType({entry.key: entry for entry in _CATALOGUE})


# --- the linear model y = m x + c -------------------------------------------------------

LINEAR_SSE = "linear_sse"
TRUE_LINE = (2.0, 1.0)  # (m, c): the data are drawn around y = 2x + 1


def linear_data(seed: int, noise: float, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """n points on y = 2x + 1, x evenly spaced over [0, 5], plus Gaussian noise of std `noise`.

    numpy's default_rng(seed): the same seed gives the same data. Both columns
    are rounded to 2 decimals, so a student reads short numbers and the SSE's
    formula stays within the function box's length limit.
    """
    if n < 2:
        raise ValueError("a line needs at least 2 points")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError("the noise level must be a number ≥ 0")
    rng = np.random.default_rng(seed)
    xs = np.linspace(0.0, 5.0, n).round(2)
    slope, intercept = TRUE_LINE
    return xs, (slope * xs + intercept + noise * rng.standard_normal(n)).round(2)


def _pairs(xs, ys) -> list[tuple[float, float]]:
    pairs = [(float(a), float(b)) for a, b in zip(xs, ys, strict=True)]
    if len(pairs) < 2 or not all(np.isfinite(pairs).ravel()):
        raise ValueError("the data need at least 2 points, all finite")
    return pairs


def linear_model_sse(xs, ys) -> sympy.Expr:
    """SSE(m, c) = Σ (m·xᵢ + c − yᵢ)², a sympy expression in m and c with the data as floats."""
    return sympy.Add(*[(sympy.Float(a) * m + c - sympy.Float(b)) ** 2 for a, b in _pairs(xs, ys)])


def _sse_text(xs, ys) -> str:
    def term(a: float, b: float) -> str:
        slope = "" if a == 0 else f"{a!r}*m + "
        sign = "-" if b >= 0 else "+"
        return f"({slope}c {sign} {abs(b)!r})^2"

    return " + ".join(term(a, b) for a, b in _pairs(xs, ys))


def least_squares(xs, ys) -> Point:
    """The (m, c) that minimise the SSE: the normal equations solved exactly, in fractions, then rounded.

    m = (n Σxy − Σx Σy) / (n Σx² − (Σx)²),   c = (Σy − m Σx) / n
    """
    pairs = [(Fraction(a), Fraction(b)) for a, b in _pairs(xs, ys)]
    n = len(pairs)
    sx, sy = sum(a for a, _ in pairs), sum(b for _, b in pairs)
    sxx, sxy = sum(a * a for a, _ in pairs), sum(a * b for a, b in pairs)
    det = n * sxx - sx * sx
    if det == 0:
        raise ValueError("all x are equal: every line through their mean fits, so there is no single best line")
    slope = (n * sxy - sx * sy) / det
    return float(slope), float((sy - slope * sx) / n)


def linear_model_landscape(xs, ys) -> Landscape:
    """The (m, c) error surface of a line fitted to the data, with its minimum: the least-squares line."""
    xs, ys = (np.array(v, dtype=float) for v in (xs, ys))
    for v in (xs, ys):
        v.flags.writeable = False
    best = least_squares(xs, ys)
    # Centred on the best line, wide enough to hold the start (0, 0) with room to spare.
    half_m, half_c = max(3.0, 1.5 * abs(best[0])), max(6.0, 1.5 * abs(best[1]))
    return Landscape(
        LINEAR_SSE,
        "Linear model: sum of squared errors",
        _sse_text(xs, ys),
        linear_model_sse(xs, ys),
        ("m", "c"),
        ((best[0] - half_m, best[0] + half_m), (best[1] - half_c, best[1] + half_c)),
        (0.0, 0.0),
        (best,),
        "A bowl over (slope, intercept): its lowest point is the best line, and each weight moves by its own partial.",
        exact_minima=False,
        data=(xs, ys),
    )


def get_landscape(key: str, **kwargs) -> Landscape:
    """A catalogue entry by key; "linear_sse" takes seed, noise and n (defaults 0, 1.0, 12)."""
    if key == LINEAR_SSE:
        settings = {"seed": 0, "noise": 1.0, "n": 12}
        unknown = set(kwargs) - set(settings)
        if unknown:
            raise ValueError(f"the linear model takes seed, noise and n, not {', '.join(sorted(unknown))}")
        settings.update(kwargs)
        return linear_model_landscape(*linear_data(**settings))
    if key not in LANDSCAPES:
        raise ValueError(f"unknown landscape {key!r}; choose one of {', '.join([*LANDSCAPES, LINEAR_SSE])}")
    if kwargs:
        raise ValueError(f"the landscape {key!r} has no settings (got {', '.join(sorted(kwargs))})")
    return LANDSCAPES[key]
