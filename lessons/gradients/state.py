"""Cached wrappers for the Partials and gradients lesson.

A function of two variables on the page has a *source*, a tuple of plain
values that names it and hashes: ``("text", text)`` for a typed function,
``("landscape", key)`` for a catalogue entry and ``("sse", seed, noise)`` for
the linear model's error surface. Every cache is keyed on the source and plain
numbers, never on sympy objects, and each is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
import sympy

from core import gradients
from core.expressions import symbol
from lessons.gradients import keys
from ui import numbers, slopes, symbolic
from ui.landscape import CATALOGUE, XY, Surface, best_line, surface


@st.cache_data(max_entries=128, show_spinner=False)
def contour_data(source: tuple, box: tuple) -> gradients.ContourMap:
    """Heatmap, contour lines and arrow field: once per function and box."""
    s = surface(source)
    return gradients.contour_map(s.expr, s.variables, box, partials=s.partials)


@st.cache_data(max_entries=512, show_spinner=False)
def at_point(source: tuple, point: tuple[float, float]) -> tuple[float, np.ndarray]:
    """(f, exact gradient) at the point, in float64; NaN where undefined."""
    s = surface(source)
    value, *partials = gradients.evaluate((s.expr, *s.partials), s.variables, point)
    if not np.isfinite(value):  # no function value, no slope: 1/x exists at x = -1, log(x) does not
        partials = [np.nan] * len(partials)
    return value, np.array(partials)


@st.cache_data(max_entries=512, show_spinner=False)
def numeric_gradient(source: tuple, point: tuple[float, float], h: float, dtype: str) -> np.ndarray:
    s = surface(source)
    return gradients.numeric_gradient(s.expr, s.variables, point, h=h, method="central", dtype=dtype)


@st.cache_data(max_entries=256, show_spinner=False)
def slice_curve(source: tuple, axis: int, fixed: float, low: float, high: float) -> pd.DataFrame:
    """f along one axis from `low` to `high`, the other coordinate held at `fixed`."""
    s = surface(source)
    point = (0.0, fixed) if axis == 0 else (fixed, 0.0)
    return gradients.slice_curve(s.expr, s.variables, point, axis, low, high)


@st.cache_data(max_entries=1, show_spinner=False)
def directions() -> pd.DataFrame:
    return gradients.directions()


@st.cache_data(max_entries=256, show_spinner=False)
def partials_table(text: str, variables: tuple[str, ...], point: tuple[float, ...]) -> pd.DataFrame:
    """The many-weights table for a typed function (already parsed and checked)."""
    analysis = symbolic.analyse(text, variables).analysis
    used = [i for i, v in enumerate(variables) if analysis.expr.has(symbol(v))] or [0]
    return gradients.partials_table(
        analysis.expr,
        [variables[i] for i in used],
        [point[i] for i in used],
        partials=[analysis.derivatives[i] for i in used],
    )


# --- what the page needs besides caches: choices, formulas, sentences -------------------------

WEIGHTS = tuple(f"w{i}" for i in range(1, 7))
MANY_DEFAULT = "(2w1 - w2 + 3w3 - 1)^2"  # one example's squared error, three weights
MANY_POINT = (1.0, 2.0, 3.0, 0.0, 0.0, 0.0)
NUMERIC_DTYPES = ("float64", "float32")


DEFAULT_POINT = tuple(float(v) for v in next(iter(CATALOGUE.values())).start) if CATALOGUE else (1.0, 1.0)


def choice_text(choice: str) -> str:
    """One sentence on the chosen landscape's character (its formula is typeset beside it)."""
    return CATALOGUE[choice].note


def move_point_to_start() -> None:
    """on_change of the function choice: put the point where the catalogue suggests starting."""
    landscape = CATALOGUE.get(st.session_state.get(keys.LAND))
    if landscape is not None:
        st.session_state[keys.X0], st.session_state[keys.Y0] = (float(v) for v in landscape.start)


def _n(value: float) -> str:
    """A number for LaTeX: six significant digits, NaN and inf in words."""
    if not np.isfinite(value):
        return r"\text{" + numbers.number(float(value)) + "}"
    return f"{value:.6g}".replace("e", r"\times 10^{") + ("}" if "e" in f"{value:.6g}" else "")


def partials_latex(s: Surface) -> str:
    vx, vy = s.variables
    dx, dy = s.partial_latex
    return (
        rf"\frac{{\partial f}}{{\partial {vx}}} = {dx}, \qquad \frac{{\partial f}}{{\partial {vy}}} = {dy}, \qquad "
        rf"\nabla f = \begin{{bmatrix}} {dx} \\ {dy} \end{{bmatrix}}"
    )


def gradient_at_latex(s: Surface, point, value: float, grad: np.ndarray) -> str:
    where = f"{_n(point[0])}, {_n(point[1])}"
    return (
        rf"f({where}) = {_n(value)}, \qquad \nabla f({where}) = \begin{{bmatrix}} {_n(grad[0])} \\ {_n(grad[1])} "
        rf"\end{{bmatrix}}, \qquad \lvert \nabla f \rvert = {_n(float(np.hypot(*grad)))}"
    )


def missing_partials(source: tuple, point) -> str | None:
    """Why a typed function has no gradient at the point (a kink, a pole, outside the domain), or None."""
    if source[0] != "text":
        return None  # the named landscapes are smooth everywhere
    sentences = []
    for i, v in enumerate(XY):
        slope = symbolic.slope(source[1], XY, v, tuple(float(p) for p in point))
        if slope.kind in ("outside", "pole", "undefined"):  # f itself fails at the point: one sentence says it
            where = f"({point[0]:g}, {point[1]:g})"
            return (
                slopes.no_slope(slope, source[1], "(x, y)", 0)
                .replace("(x, y) = 0", f"(x, y) = {where}")
                .replace("Move (x, y)", "Move the point")
            )
        if not slope.exists:
            sentences.append(
                slopes.no_slope(slope, source[1], v, point[i]).replace(f"at {v} = ", f"along {v} at {v} = ")
            )
    if not sentences:
        return None
    return " ".join(dict.fromkeys(sentences)) + " So there is no gradient here to follow; move the point."


def gradient_sentence(s: Surface, point, value: float, grad: np.ndarray) -> str:
    where = f"({point[0]:g}, {point[1]:g})"
    if not np.isfinite(value) or not np.all(np.isfinite(grad)):
        return (
            f"f or its partials have no real value at {where} (for example the log or square root of a negative "
            "number, or a division by zero), so there is no gradient here. Move the point."
        )
    if not np.any(grad):
        return f"∇f = 0 at {where}: no direction goes uphill or downhill — a minimum, a maximum or a saddle."
    angle, slope = gradients.steepest_ascent(grad)
    return (
        f"At {where} f rises fastest along ∇f, at {angle:.0f}° from the +{s.variables[0]} axis, with slope "
        f"|∇f| = {slope:.4g}. **To reduce f, step along −∇f** = [{-grad[0]:.4g}, {-grad[1]:.4g}]."
    )


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    delta: str | None
    help: str


def numeric_rows(s: Surface, grad: np.ndarray, estimates: dict[str, np.ndarray]) -> list[list[Cell]]:
    """For each partial: the exact value, then each precision's estimate with its error."""
    rows = []
    for i, v in enumerate(s.variables):
        row = [
            Cell(f"∂f/∂{v} exact", numbers.number(float(grad[i])), None, f"sympy's ∂f/∂{v} at the point, in float64")
        ]
        for dtype, estimate in estimates.items():
            e = float(estimate[i])
            error = abs(e - float(grad[i])) if np.isfinite(e) and np.isfinite(grad[i]) else float("nan")
            row.append(
                Cell(
                    f"∂f/∂{v} in {dtype}",
                    numbers.number(e, dtype),
                    f"error {numbers.error(error)}",
                    f"central difference along {v} with the other coordinate held fixed, all in {dtype}",
                )
            )
        rows.append(row)
    return rows


def contour_notes(s: Surface, point, grad: np.ndarray, box) -> str:
    vx, vy = s.variables
    lines = [
        "- **Lighter is lower.** Thin dark lines join points where f has the same value (contours).",
        "- **Grey arrows** point along ∇f at a grid of points, all drawn the same length (hover for |∇f|). "
        "Each crosses the contours **at right angles**: along a contour f does not change, so the steepest way up is "
        "straight across it.",
        "- **Red arrow**: ∇f at the point, uphill. **Green dashed arrow**: −∇f, the step gradient descent takes.",
    ]
    inside = box[0][0] <= point[0] <= box[0][1] and box[1][0] <= point[1] <= box[1][1]
    if not inside:
        lines.append(f"- The point ({point[0]:g}, {point[1]:g}) is outside this box, so it is not drawn.")
    elif np.all(np.isfinite(grad)) and np.any(grad):
        angle, slope = gradients.steepest_ascent(grad)
        lines.append(
            f"- Here ∇f points {angle:.0f}° from the +{vx} axis; its length |∇f| = {slope:.4g} "
            "(the red arrow's length shows only the direction)."
        )
    return "\n".join(lines)


def undefined_sentence(s: Surface, fraction: float) -> str:
    """Why part of the map is blank, in one sentence."""
    reasons = []
    if s.expr.has(sympy.log):
        reasons.append("log(u) needs u > 0")
    if any(p.exp.is_Rational and not p.exp.is_Integer for p in s.expr.atoms(sympy.Pow)):
        reasons.append("a square root needs a number ≥ 0")
    if any(p.exp.is_negative for p in s.expr.atoms(sympy.Pow)):
        reasons.append("division by zero has no value")
    why = "; ".join(reasons) or "it is not a finite real number there (or it overflows)"
    return (
        f"f has no real value on {fraction:.0%} of this box — {why} — so that part of the map is blank. "
        "Numbers outside a function's domain are NaN, and NaN cannot be drawn."
    )


def slice_labels(s: Surface, axis: int, fixed: float) -> tuple[str, str]:
    v, other = s.variables[axis], s.variables[1 - axis]
    args = (v, f"{other}₀={fixed:g}") if axis == 0 else (f"{other}₀={fixed:g}", v)
    return v, f"f({args[0]}, {args[1]})"


def slice_params(axis: int, point, value: float, grad: np.ndarray, prefix: str | None = None) -> dict[str, float]:
    prefix = f"s{axis}" if prefix is None else prefix
    return {f"{prefix}t0": float(point[axis]), f"{prefix}f0": float(value), f"{prefix}slope": float(grad[axis])}


def slice_alt(s: Surface, axis: int, point, grad: np.ndarray) -> str:
    v, other = s.variables[axis], s.variables[1 - axis]
    return (
        f"f against {v} with {other} held at {point[1 - axis]:g}, and its tangent at {v} = {point[axis]:g} "
        f"whose slope is the partial ∂f/∂{v} = {float(grad[axis]):.4g}."
    )


def steepest_notes(grad: np.ndarray) -> str:
    if not np.all(np.isfinite(grad)):
        return "There is no gradient at this point (f is undefined there), so no direction has a slope."
    angle, slope = gradients.steepest_ascent(grad)
    if slope == 0:
        return "∇f = 0 here: every direction is flat, ∇f·u = 0 for all u — a minimum, a maximum or a saddle."
    return (
        f"For a unit vector u at angle θ, the slope along u is **∇f·u = |∇f| cos(θ − {angle:.0f}°)**.\n\n"
        f"- Largest, **|∇f| = {slope:.4g}**, at θ = {angle:.0f}°: straight along ∇f — steepest ascent.\n"
        f"- Zero at {(angle + 90) % 360:.0f}° and {(angle + 270) % 360:.0f}°: along the contour line.\n"
        f"- Most negative, −{slope:.4g}, at {(angle + 180) % 360:.0f}°: along −∇f, the way gradient descent steps."
    )


def many_latex(table: pd.DataFrame) -> str:
    names = list(table["variable"])
    symbolic = ", ".join(rf"\frac{{\partial L}}{{\partial {n[0]}_{{{n[1:]}}}}}" for n in names)
    values = ", ".join(_n(v) for v in table["exact"])
    return rf"\nabla L = \left[ {symbolic} \right] = \left[ {values} \right]"


def many_display(table: pd.DataFrame) -> pd.DataFrame:
    """The partials table with column names a student reads."""
    direction = np.where(table["exact"] > 0, "decrease it", np.where(table["exact"] < 0, "increase it", "leave it"))
    return pd.DataFrame(
        {
            "weight": table["variable"],
            "value": table["value"],
            "∂L/∂w (formula)": table["partial"],
            "∂L/∂w here (exact)": table["exact"],
            "central difference (float64, h = 1e-6)": table["central"],
            "to reduce L": np.where(np.isfinite(table["exact"]), direction, "undefined here"),
        }
    )


def linear_sentence(source: tuple, point, value: float, grad: np.ndarray) -> str:
    best = best_line(*source[1:])
    return (
        f"With m = {point[0]:g} and c = {point[1]:g} the sum of squared errors is **SSE = {value:.4g}**; "
        f"∂SSE/∂m = {grad[0]:.4g} and ∂SSE/∂c = {grad[1]:.4g}. The lowest point of the bowl, the best line, "
        f"is m = {best[0]:.4g}, c = {best[1]:.4g}, where both partials are 0."
    )
