"""A catalogue of named loss landscapes in two variables.

Each entry carries its formula in the app's input grammar, the sympy
expression parsed from it, a box that shows its interesting part, a start
point for descent, and its known minima (and saddles) — exact where they are
known in closed form. The partials-and-gradients and gradient-descent lessons
share it. The linear model's error surface is built from a dataset the page
can regenerate with a seed and a noise level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import sympy

from core.expressions import parse_expression, symbol

__all__ = [
    "Landscape",
    "LANDSCAPES",
    "get_landscape",
    "linear_data",
    "linear_model_sse",
    "linear_model_landscape",
    "TRUE_LINE",
]

Box = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class Landscape:
    key: str
    title: str
    text: str  # the formula, as a student would type it
    expr: sympy.Expr
    variables: tuple[str, str]
    box: Box  # ((xmin, xmax), (ymin, ymax))
    start: tuple[float, float]  # a start point that shows the landscape's character
    minima: tuple[tuple[float, float], ...]
    saddles: tuple[tuple[float, float], ...] = ()
    note: str = ""
    exact_minima: bool = True  # False where the minima are known to a few decimals only
    extra: dict = field(default_factory=dict, compare=False, hash=False)


def _entry(key, title, text, box, start, minima, note, *, saddles=(), exact=True) -> Landscape:
    return Landscape(
        key=key,
        title=title,
        text=text,
        expr=parse_expression(text, ("x", "y")),
        variables=("x", "y"),
        box=box,
        start=start,
        minima=tuple(minima),
        saddles=tuple(saddles),
        note=note,
        exact_minima=exact,
    )


_CATALOGUE = [
    _entry(
        "course", "3x² + 2y (the course's example)", "3x^2 + 2y", ((-3, 3), (-3, 3)), (1.0, 1.0), (),
        "∂f/∂x = 6x, ∂f/∂y = 2: the slope in y never vanishes, so there is no minimum — descent walks downhill for ever.",
    ),
    _entry(
        "bowl", "Round bowl", "x^2 + y^2", ((-3, 3), (-3, 3)), (2.5, 1.5), [(0, 0)],
        "Every direction curves the same way: the gradient points straight at the bottom.",
    ),
    _entry(
        "ravine", "Ill-conditioned bowl (a ravine)", "x^2 + 50y^2", ((-3, 3), (-3, 3)), (2.5, 0.6), [(0, 0)],
        "The Hessian's eigenvalues are 2 and 100, a condition number of 50: steep walls, a flat floor, "
        "and gradient descent zig-zags across the ravine.",
    ),
    _entry(
        "rosenbrock", "Rosenbrock's banana", "(1 - x)^2 + 100(y - x^2)^2", ((-2, 2), (-1, 3)), (-1.5, 2.0), [(1, 1)],
        "The minimum (1, 1) lies at the end of a long curved valley that is easy to find and slow to follow.",
    ),
    _entry(
        "himmelblau", "Himmelblau's four minima", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ((-5, 5), (-5, 5)), (0.0, 0.0),
        # (3, 2) is exact; the other three to six decimals (Himmelblau 1972).
        [(3, 2), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
        "Four valleys of equal depth: where you start decides where you end.",
        exact=False,
    ),
    _entry(
        "beale", "Beale", "(3/2 - x + x*y)^2 + (9/4 - x + x*y^2)^2 + (21/8 - x + x*y^3)^2",
        ((-1, 4.5), (-1.5, 2)), (1.0, 1.5), [(3, 0.5)],
        "Flat plateaus and sharp ridges: the gradient is tiny on most of the map and huge at its edges.",
    ),
    _entry(
        "booth", "Booth", "(x + 2y - 7)^2 + (2x + y - 5)^2", ((-4, 6), (-2, 8)), (-3.0, -1.0), [(1, 3)],
        "A tilted, stretched bowl with its minimum at (1, 3).",
    ),
    _entry(
        "saddle", "Saddle x² − y²", "x^2 - y^2", ((-2, 2), (-2, 2)), (1.5, 0.05), (),
        "Uphill along x, downhill along y: the gradient is zero at the origin, yet it is no minimum.",
        saddles=[(0, 0)],
    ),
]

LANDSCAPES: Mapping[str, Landscape] = MappingProxyType({entry.key: entry for entry in _CATALOGUE})


def get_landscape(key: str) -> Landscape:
    try:
        return LANDSCAPES[key]
    except KeyError:
        raise ValueError(f"unknown landscape {key!r}; choose one of {', '.join(LANDSCAPES)}") from None


# --- the linear model y = m x + c -------------------------------------------------------

TRUE_LINE = (2.0, 1.0)  # (m, c) the data are drawn around


def linear_data(seed: int, noise: float, n: int = 12) -> tuple[np.ndarray, np.ndarray]:
    """n points on y = 2x + 1 over x in [0, 5], with Gaussian noise of std `noise`."""
    if n < 2:
        raise ValueError("a line needs at least 2 points")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError("the noise level must be a number ≥ 0")
    rng = np.random.default_rng(seed)
    xs = np.linspace(0.0, 5.0, n)
    m, c = TRUE_LINE
    return xs, m * xs + c + noise * rng.standard_normal(n)


def linear_model_sse(xs, ys) -> sympy.Expr:
    """Sum of squared errors of y = m x + c on the data, as a sympy expression in m and c."""
    m, c = symbol("m"), symbol("c")
    return sympy.Add(*[(m * sympy.Float(float(x)) + c - sympy.Float(float(y))) ** 2 for x, y in zip(xs, ys)])


def least_squares(xs, ys) -> tuple[float, float]:
    """The (m, c) that minimise the SSE (the normal equations, via numpy)."""
    design = np.column_stack([np.asarray(xs, dtype=float), np.ones(len(xs))])
    (m, c), *_ = np.linalg.lstsq(design, np.asarray(ys, dtype=float), rcond=None)
    return float(m), float(c)


def linear_model_landscape(seed: int = 0, noise: float = 1.0, n: int = 12) -> Landscape:
    """The (m, c) error surface of a line fitted to `linear_data(seed, noise, n)`."""
    xs, ys = linear_data(seed, noise, n)
    best = least_squares(xs, ys)
    text = " + ".join(f"(m*{x:.6g} + c - {y:.6g})^2" for x, y in zip(xs, ys))
    return Landscape(
        key="linear_sse",
        title="Linear model: sum of squared errors",
        text=text,
        expr=linear_model_sse(xs, ys),
        variables=("m", "c"),
        box=((best[0] - 3, best[0] + 3), (best[1] - 6, best[1] + 6)),
        start=(best[0] - 2.5, best[1] + 5),
        minima=(best,),
        note="A bowl over (slope, intercept): its lowest point is the best line.",
        exact_minima=False,
        extra={"xs": xs, "ys": ys},
    )


__all__ += ["least_squares"]
