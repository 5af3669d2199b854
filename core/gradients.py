"""Partial derivatives and the gradient: one weight at a time, then all together.

A partial derivative ∂f/∂x asks how f changes when x alone moves and every
other variable is held fixed, so numerically it is an ordinary finite
difference of the one-variable function t ↦ f(x₀, …, t, …, x₋₁). This module
builds that function by substituting the other coordinates and hands it to
``core.derivatives.finite_difference``: the same rounding, in the same
precision, as the Derivatives lesson.

The gradient ∇f = (∂f/∂x₁, …, ∂f/∂xₙ) points where f rises fastest: the slope
along a unit direction u is ∇f·u = |∇f| cos θ, largest (|∇f|) when u points
along ∇f, zero along a contour line, and most negative along −∇f, the way
gradient descent walks.

For pictures of f(x, y) the module evaluates f on a grid (NaN wherever f is not
a finite real number, e.g. log of a negative number, never an exception),
traces contour lines by marching squares, and samples a coarse field of
gradient directions.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sympy

from core.derivatives import METHODS
from core.expressions import symbol
from core.numeric import COMPLEX_DTYPES, as_dtype, lambdify

__all__ = [
    "gradient",
    "numeric_gradient",
    "evaluate",
    "square_box",
    "grid",
    "contour_levels",
    "contour_segments",
    "heatmap_table",
    "arrow_field",
    "ContourMap",
    "contour_map",
    "directional_derivative",
    "steepest_ascent",
    "directions",
    "directional_curve",
    "slice_curve",
    "partials_table",
]

Box = tuple[tuple[float, float], tuple[float, float]]  # ((x_low, x_high), (y_low, y_high))


def gradient(expr: sympy.Expr, variables: Sequence[str]) -> tuple[sympy.Expr, ...]:
    """The exact partials (∂expr/∂v for each v in `variables`), in order."""
    return tuple(sympy.diff(expr, symbol(v)) for v in variables)


def numeric_gradient(
    expr: sympy.Expr,
    variables: Sequence[str],
    point: Sequence[float],
    *,
    h,
    method: str = "central",
    dtype: str = "float64",
) -> np.ndarray:
    """Finite-difference partials of `expr` at `point`, one coordinate at a time, in `dtype`.

    For coordinate i, f is evaluated with every coordinate stored in `dtype`, the other ones held
    where they are and coordinate i moved by ±h (rounded to `dtype`); every operation rounds to
    `dtype`, as in :func:`core.derivatives.finite_difference`. Nothing is substituted into the
    sympy expression, so no number is ever computed by sympy at arbitrary precision (exp(exp(x))
    at x = 20 would take minutes). Where f has no real value the partial is NaN. Returns shape
    ``(len(variables), *shape(h))`` in `dtype`.
    """
    variables = tuple(variables)
    point = tuple(point)
    if len(point) != len(variables):
        raise ValueError(f"the point has {len(point)} coordinates but there are {len(variables)} variables")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    target = as_dtype(dtype)
    complex_step = method == "complex-step"
    if complex_step and dtype not in COMPLEX_DTYPES:
        raise ValueError(f"the complex-step method needs a complex type, and {dtype} has none; use float64 or float32")
    work = COMPLEX_DTYPES[dtype] if complex_step else target
    f = _compiled(expr, variables, work.name)
    with np.errstate(all="ignore"):
        stored = [np.asarray(p, dtype=target) for p in point]  # the point as `dtype` holds it
        step = np.asarray(h, dtype=target)
        partials = []
        for i in range(len(variables)):

            def moved(offset):
                values = [np.broadcast_to(v, step.shape).astype(work) for v in stored]
                values[i] = stored[i].astype(work) + offset
                return f(*values)

            if complex_step:
                partials.append((moved(step.astype(work) * work.type(1j)).imag / step).astype(target))
            elif method == "forward":
                partials.append((moved(step) - moved(np.zeros_like(step))) / step)
            elif method == "backward":
                partials.append((moved(np.zeros_like(step)) - moved(-step)) / step)
            else:
                partials.append((moved(step) - moved(-step)) / (step + step))
        return np.stack(partials).astype(target, copy=False)


@functools.lru_cache(maxsize=256)
def _compiled(expr: sympy.Expr, variables: tuple[str, ...], dtype: str = "float64"):
    return lambdify(expr, variables, dtype)


def evaluate(exprs: Sequence[sympy.Expr], variables: Sequence[str], point: Sequence[float]) -> np.ndarray:
    """Each expression at `point`, in float64 (NaN where it is not a finite real number)."""
    variables = tuple(variables)
    values = np.array([float(_compiled(e, variables)(*point)) for e in exprs], dtype=np.float64)
    values[~np.isfinite(values)] = np.nan
    return values


def square_box(box: Box) -> Box:
    """Widen the shorter side of `box` about its centre so both sides have the same length.

    On a chart as tall as it is wide, equal lengths make equal scales, and
    only then does the gradient visibly cross contour lines at right angles.
    """
    (x0, x1), (y0, y1) = box
    half = max(x1 - x0, y1 - y0) / 2
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx - half, cx + half), (cy - half, cy + half)


def grid(
    expr: sympy.Expr, variables: Sequence[str], box: Box, n: int = 41
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """f on an n-by-n grid over `box`: (xs, ys, Z) with Z[j, i] = f(xs[i], ys[j]).

    Wherever f is not a finite real number (log or sqrt of a negative number,
    division by zero, overflow) Z is NaN; nothing raises.
    """
    (x0, x1), (y0, y1) = box
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        Z = np.asarray(_compiled(expr, tuple(variables))(X, Y), dtype=np.float64)
    Z = np.where(np.isfinite(Z), Z, np.nan)
    return xs, ys, Z


def contour_levels(Z: np.ndarray, count: int = 10) -> np.ndarray:
    """`count` levels at evenly spaced quantiles of the finite values of Z.

    Quantiles rather than equal steps: Rosenbrock's values run from 0 to
    thousands, and equal steps would put every line on the walls and none in
    the valley.
    """
    finite = Z[np.isfinite(Z)]
    if finite.size == 0:
        return np.array([])
    levels = np.unique(np.quantile(finite, np.linspace(0, 1, count + 2)[1:-1]))
    return levels[(levels > finite.min()) & (levels < finite.max())] if levels.size > 1 else levels


def contour_segments(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, levels: Sequence[float]) -> pd.DataFrame:
    """Contour lines by marching squares: one row per straight segment.

    Columns ``level, x, y, x2, y2``. Each grid cell whose corners straddle a
    level gets the segment between the (linearly interpolated) crossings on
    its edges; cells with a NaN corner are skipped, so lines stop at the edge
    of the region where f is defined.
    """
    frames = []
    z00, z10, z01, z11 = Z[:-1, :-1], Z[:-1, 1:], Z[1:, :-1], Z[1:, 1:]  # (row = y, column = x)
    X0, Y0 = np.meshgrid(xs[:-1], ys[:-1])
    dx, dy = np.diff(xs)[None, :], np.diff(ys)[:, None]
    # The four edges of each cell, in order around it: bottom, right, top, left.
    edges = [
        (z00, z10, X0, Y0, dx, 0 * dy),
        (z10, z11, X0 + dx, Y0, 0 * dx, dy),
        (z01, z11, X0, Y0 + dy, dx, 0 * dy),
        (z00, z01, X0, Y0, 0 * dx, dy),
    ]
    with np.errstate(all="ignore"):
        valid = np.isfinite(z00) & np.isfinite(z10) & np.isfinite(z01) & np.isfinite(z11)
        for level in levels:
            crossings = []
            for a, b, ex, ey, sx, sy in edges:
                hit = valid & ((a < level) != (b < level))
                t = np.where(hit, (level - a) / (b - a), np.nan)
                crossings.append((hit, ex + t * sx, ey + t * sy))
            hits = np.stack([c[0] for c in crossings])
            px = np.stack([np.broadcast_to(c[1], z00.shape) for c in crossings])
            py = np.stack([np.broadcast_to(c[2], z00.shape) for c in crossings])
            count = hits.sum(axis=0)
            order = np.argsort(~hits, axis=0, kind="stable")  # each cell's crossed edges first, in edge order
            ends = [
                (np.take_along_axis(px, order[k][None], 0)[0], np.take_along_axis(py, order[k][None], 0)[0])
                for k in range(4)
            ]
            # Two crossings make one segment; four (a saddle cell) make two.
            for (a, b), needed in (((0, 1), 2), ((2, 3), 4)):
                use = count >= needed
                if use.any():
                    frames.append(
                        pd.DataFrame(
                            {
                                "level": float(level),
                                "x": ends[a][0][use],
                                "y": ends[a][1][use],
                                "x2": ends[b][0][use],
                                "y2": ends[b][1][use],
                            }
                        )
                    )
    if not frames:
        return pd.DataFrame(columns=["level", "x", "y", "x2", "y2"], dtype=float)
    return pd.concat(frames, ignore_index=True)


def heatmap_table(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, levels: Sequence[float]) -> pd.DataFrame:
    """One row per defined grid cell: its rectangle, f at its centre and its band between levels.

    Columns ``x, x2, y, y2, f, band``; band k means levels[k-1] ≤ f < levels[k].
    Cells where f is undefined are left out, so they draw blank.
    """

    def edges(v):
        mid = (v[:-1] + v[1:]) / 2
        return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])

    ex, ey = edges(xs), edges(ys)
    X0, Y0 = np.meshgrid(ex[:-1], ey[:-1])
    X1, Y1 = np.meshgrid(ex[1:], ey[1:])
    frame = pd.DataFrame({"x": X0.ravel(), "x2": X1.ravel(), "y": Y0.ravel(), "y2": Y1.ravel(), "f": Z.ravel()})
    frame = frame[np.isfinite(frame["f"])].reset_index(drop=True)
    frame["band"] = np.searchsorted(np.asarray(levels, dtype=float), frame["f"].to_numpy(), side="right")
    return frame


def arrow_field(
    expr: sympy.Expr, variables: Sequence[str], box: Box, n: int = 11, partials: Sequence[sympy.Expr] | None = None
) -> pd.DataFrame:
    """A coarse n-by-n field of gradient directions over `box`.

    Columns ``x, y, x2, y2, angle, gx, gy, magnitude``: each arrow starts at
    (x, y) and points along ∇f with a fixed length (0.7 of the spacing), so
    steep and flat places are equally readable; the magnitude is a column.
    ``angle`` is the arrow's direction in degrees clockwise from straight up
    (how Vega rotates a symbol). Points where f or ∇f is undefined, or ∇f
    is zero, are left out. `partials`, if given, are expr's exact partials (already worked out, for
    instance in the bounded worker), so no symbolic work is done here.
    """
    variables = tuple(variables)
    partials = gradient(expr, variables) if partials is None else tuple(partials)
    (x0, x1), (y0, y1) = box
    # Samples at cell centres, so no arrow sits on the frame.
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    X, Y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        gx, gy = (np.asarray(_compiled(d, variables)(X, Y), dtype=np.float64).ravel() for d in partials)
        magnitude = np.hypot(gx, gy)
        value = np.asarray(_compiled(expr, variables)(X, Y), dtype=np.float64).ravel()
        # Where f itself is undefined there is no slope, even if the formula for ∇f (1/x) has a value.
        keep = np.isfinite(magnitude) & (magnitude > 0) & np.isfinite(value)
        length = 0.7 * min(x1 - x0, y1 - y0) / n
        ux, uy = gx / magnitude, gy / magnitude
    frame = pd.DataFrame(
        {
            "x": X.ravel(),
            "y": Y.ravel(),
            "x2": X.ravel() + length * ux,
            "y2": Y.ravel() + length * uy,
            "angle": np.degrees(np.arctan2(ux, uy)),
            "gx": gx,
            "gy": gy,
            "magnitude": magnitude,
        }
    )
    return frame[keep].reset_index(drop=True)


@dataclass(frozen=True)
class ContourMap:
    """Everything a contour picture of f over a box needs, as tidy tables."""

    box: Box
    heat: pd.DataFrame  # heatmap_table
    lines: pd.DataFrame  # contour_segments
    arrows: pd.DataFrame  # arrow_field
    levels: np.ndarray
    undefined: float  # fraction of the grid where f is not a finite real number

    @property
    def rows(self) -> int:
        return len(self.heat) + len(self.lines) + len(self.arrows)


def contour_map(
    expr: sympy.Expr,
    variables: Sequence[str],
    box: Box,
    *,
    max_rows: int = 2000,
    heat_n: int = 25,
    line_n: int = 33,
    levels: int = 9,
    arrows_n: int = 11,
    partials: Sequence[sympy.Expr] | None = None,
) -> ContourMap:
    """Heatmap cells, contour segments and gradient arrows over `box`, in at most `max_rows` rows.

    The heatmap's colour bands use all the quantile levels; contour lines are
    drawn for fewer of them if that is what it takes to fit.
    """
    xs, ys, Z = grid(expr, variables, box, heat_n)
    _, _, fine = grid(expr, variables, box, line_n)
    chosen = contour_levels(fine, levels)
    arrows = arrow_field(expr, variables, box, arrows_n, partials)
    heat = heatmap_table(xs, ys, Z, chosen)
    line_xs, line_ys = np.linspace(*box[0], line_n), np.linspace(*box[1], line_n)
    lines = contour_segments(line_xs, line_ys, fine, chosen)
    kept = chosen
    while len(heat) + len(lines) + len(arrows) > max_rows and kept.size > 1:
        # Fewer levels, still spread over the whole range of f.
        kept = chosen[np.unique(np.linspace(0, chosen.size - 1, kept.size - 1).round().astype(int))]
        lines = contour_segments(line_xs, line_ys, fine, kept)
    if len(heat) + len(lines) + len(arrows) > max_rows:
        lines = lines.iloc[: max(max_rows - len(heat) - len(arrows), 0)]
    return ContourMap(box, heat, lines, arrows, kept, float(np.isnan(fine).mean()))


def directional_derivative(grad: Sequence[float], u: Sequence[float]) -> float:
    """∇f·u for the unit vector along `u` (u is normalised first; it must not be zero)."""
    grad, u = np.asarray(grad, dtype=np.float64), np.asarray(u, dtype=np.float64)
    norm = np.linalg.norm(u)
    if norm == 0 or not np.isfinite(norm):
        raise ValueError("a direction needs a nonzero finite vector u")
    return float(grad @ (u / norm))


def steepest_ascent(grad: Sequence[float]) -> tuple[float, float]:
    """(angle in degrees from the +x axis, in [0, 360), slope |∇f|) of the steepest way up."""
    gx, gy = (float(g) for g in grad)
    return math.degrees(math.atan2(gy, gx)) % 360.0, math.hypot(gx, gy)


def directions(step: float = 2.0) -> pd.DataFrame:
    """Unit vectors every `step` degrees from 0 to 360: columns ``angle, ux, uy``."""
    angle = np.arange(0.0, 360.0 + step / 2, step)
    radians = np.radians(angle)
    return pd.DataFrame({"angle": angle, "ux": np.cos(radians), "uy": np.sin(radians)})


def directional_curve(grad: Sequence[float], step: float = 2.0) -> pd.DataFrame:
    """∇f·u against the angle of u: columns ``angle, ux, uy, slope``.

    A cosine of height |∇f| peaking at the gradient's own angle.
    """
    frame = directions(step)
    gx, gy = (float(g) for g in grad)
    frame["slope"] = gx * frame["ux"] + gy * frame["uy"]
    return frame


def slice_curve(
    expr: sympy.Expr, variables: Sequence[str], point: Sequence[float], axis: int, low: float, high: float, n: int = 161
) -> pd.DataFrame:
    """f along one coordinate with the others held at `point`: columns ``t, f``.

    The slope of this curve at point[axis] is the partial ∂f/∂(variables[axis]).
    Points where f is undefined are left out.
    """
    t = np.linspace(low, high, n)
    arguments = [np.full_like(t, float(p)) for p in point]
    arguments[axis] = t
    with np.errstate(all="ignore"):
        f = np.asarray(_compiled(expr, tuple(variables))(*arguments), dtype=np.float64)
    keep = np.isfinite(f)
    return pd.DataFrame({"t": t[keep], "f": f[keep]})


def partials_table(
    expr: sympy.Expr,
    variables: Sequence[str],
    point: Sequence[float],
    *,
    h: float = 1e-6,
    partials: Sequence[sympy.Expr] | None = None,
) -> pd.DataFrame:
    """One row per variable: its value, ∂f/∂v as a formula, exact at the point, and a central difference.

    Columns ``variable, value, partial, exact, central`` (the last in float64 with step `h`).
    `partials` may pass the exact partials if they are already known.
    """
    variables, point = tuple(variables), tuple(float(p) for p in point)
    partials = gradient(expr, variables) if partials is None else tuple(partials)
    return pd.DataFrame(
        {
            "variable": variables,
            "value": point,
            "partial": [str(p) for p in partials],
            "exact": evaluate(partials, variables, point),
            "central": numeric_gradient(expr, variables, point, h=h, method="central", dtype="float64"),
        }
    )
