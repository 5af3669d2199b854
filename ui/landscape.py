"""The landscape that Gradients and Descent both draw: a function of two variables and its contour map.

A function of two variables has a *source*, a tuple of plain values that names it and hashes:
``("text", text)`` for a typed function, ``("landscape", key)`` for a catalogue entry and
``("sse", seed, noise)`` for the linear model's error surface. :func:`surface` gives its
expression and exact partials (worked out in the bounded worker for typed text); the chart
builders draw its contour map, with the point and its gradient as Vega-Lite parameters, and the
line fit of the linear model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
import sympy

from core import gradients, landscapes
from core.expressions import symbol
from ui.render import register
from ui.symbolic import analyse
from ui.theme import OKABE_ITO, style_chart, theme

ASCENT, DESCENT = OKABE_ITO["vermillion"], OKABE_ITO["green"]


XY = ("x", "y")


MC = ("m", "c")


@dataclass(frozen=True)
class Surface:
    """A function of two variables ready to show: formula, partials and where to look."""

    source: tuple
    expr: sympy.Expr
    variables: tuple[str, str]
    partials: tuple[sympy.Expr, sympy.Expr]
    latex: str
    partial_latex: tuple[str, str]


@st.cache_resource(max_entries=256, show_spinner=False)
def surface(source: tuple) -> Surface:
    """The function a source names, with its exact partials (symbolic work bounded for typed text)."""
    kind = source[0]
    if kind == "text":
        analysis = analyse(source[1], XY).analysis  # parsed and differentiated in the bounded worker
        return Surface(source, analysis.expr, XY, analysis.derivatives, analysis.latex, analysis.derivative_latex)
    if kind == "landscape":
        landscape = landscapes.get_landscape(source[1])
        expr, variables = landscape.expr, tuple(landscape.variables)
    else:
        expr, variables = sse_expr(source[1], source[2]), MC
    partials = gradients.gradient(expr, variables)
    return Surface(source, expr, variables, partials, sympy.latex(expr), tuple(sympy.latex(p) for p in partials))


@st.cache_resource(max_entries=64, show_spinner=False)
def linear_data(seed: int, noise: float) -> pd.DataFrame:
    """The linear model's small dataset, columns x and y."""
    xs, ys = landscapes.linear_data(seed, noise)
    return pd.DataFrame({"x": np.asarray(xs, dtype=float), "y": np.asarray(ys, dtype=float)})


@st.cache_resource(max_entries=64, show_spinner=False)
def sse_expr(seed: int, noise: float) -> sympy.Expr:
    data = linear_data(seed, noise)
    return landscapes.linear_model_sse(data["x"].to_numpy(), data["y"].to_numpy())


TYPED = "typed"


RADII = (0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0)


NOISES = (0.0, 0.5, 1.0, 2.0, 4.0)


def _catalogue() -> dict[str, landscapes.Landscape]:
    """The catalogue's functions of x and y (the linear model's SSE has its own tab)."""
    entries = landscapes.LANDSCAPES.values() if isinstance(landscapes.LANDSCAPES, dict) else landscapes.LANDSCAPES
    items = [landscapes.get_landscape(e) if isinstance(e, str) else e for e in entries]
    return {item.key: item for item in items if tuple(item.variables) == XY}


CATALOGUE = _catalogue()


CHOICES = (*CATALOGUE, TYPED)


def choice_title(choice: str) -> str:
    return "Type your own f(x, y)" if choice == TYPED else CATALOGUE[choice].title


def source_and_box(choice: str, text: str | None, radius: float | None) -> tuple[tuple, tuple]:
    """The source tuple and the (square) box to draw for the current choice."""
    if choice == TYPED:
        return ("text", text), ((-radius, radius), (-radius, radius))
    box = tuple(tuple(float(v) for v in side) for side in CATALOGUE[choice].box)
    return ("landscape", choice), gradients.square_box(box)


def sse_source_and_box(seed: int, noise: float) -> tuple[tuple, tuple]:
    """The error surface's source, and a square box around its lowest point (the best line)."""
    best = best_line(seed, noise)
    half = max(3.0, 1.5 * max(abs(v) for v in best))
    return ("sse", seed, noise), ((best[0] - half, best[0] + half), (best[1] - half, best[1] + half))


@st.cache_data(max_entries=64, show_spinner=False)
def best_line(seed: int, noise: float) -> tuple[float, float]:
    """(m, c) of least squares: where ∂SSE/∂m = ∂SSE/∂c = 0, solved exactly by sympy."""
    m, c = symbol("m"), symbol("c")
    partials = gradients.gradient(sse_expr(seed, noise), MC)
    solution = sympy.solve(partials, [m, c], dict=True)[0]
    return float(solution[m]), float(solution[c])


ONE_ROW = pd.DataFrame({"row": [0]})  # the carrier of marks computed from parameters


def point_params(point: Sequence[float], grad: Sequence[float], box, *, prefix: str = "") -> dict[str, float]:
    """Parameters for :func:`contour_map`: the point and a gradient arrow 1/5 of the box long.

    The arrow shows the direction of ∇f; its true length |∇f| is in the label.
    An undefined or zero gradient gets no arrow (length 0).
    """
    side = min(box[0][1] - box[0][0], box[1][1] - box[1][0])
    gx, gy = (float(g) for g in grad)
    norm = math.hypot(gx, gy)
    usable = math.isfinite(norm) and norm > 0
    scale = 0.2 * side / norm if usable else 0.0
    return {
        f"{prefix}px": float(point[0]),
        f"{prefix}py": float(point[1]),
        f"{prefix}ax": gx * scale,
        f"{prefix}ay": gy * scale,
        f"{prefix}norm": norm if math.isfinite(norm) else None,
    }


def axes(box, names):
    """Axes with equal units: one unit of x is as many pixels as one unit of y, whatever the chart's size.

    Only then does the gradient visibly cross contour lines at right angles.
    The box fits inside; the longer side of the chart shows a margin.
    """
    (x0, x1), (y0, y1) = box
    cx, cy, xr, yr = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    unit = f"max({xr!r} / width, {yr!r} / height)"  # data units per pixel
    x = alt.X(
        "x:Q",
        title=names[0],
        scale=alt.Scale(
            domainMin=alt.expr(f"{cx!r} - {unit} * width / 2"),
            domainMax=alt.expr(f"{cx!r} + {unit} * width / 2"),
            nice=False,
            zero=False,
        ),
    )
    y = alt.Y(
        "y:Q",
        title=names[1],
        scale=alt.Scale(
            domainMin=alt.expr(f"{cy!r} - {unit} * height / 2"),
            domainMax=alt.expr(f"{cy!r} + {unit} * height / 2"),
            nice=False,
            zero=False,
        ),
    )
    return x, y


@register
def contour_map(
    heat: pd.DataFrame,
    lines: pd.DataFrame,
    arrows: pd.DataFrame,
    levels: int,
    box,
    names: tuple[str, str],
    prefix: str = "",
) -> alt.LayerChart:
    """Heatmap with contour lines, a coarse field of gradient directions, the point and ±∇f there.

    Parameters ``{prefix}px, py`` (the point), ``ax, ay`` (the drawn gradient
    arrow) and ``norm`` (|∇f|) come from :func:`point_params`.
    """
    t = theme()
    x, y = axes(box, names)
    x2, y2 = alt.X2("x2:Q"), alt.Y2("y2:Q")
    p = {k: prefix + k for k in ("px", "py", "ax", "ay", "norm")}
    cells = (
        alt.Chart(heat)
        .mark_rect(opacity=0.9)
        .encode(
            x=x,
            x2=x2,
            y=y,
            y2=y2,
            color=alt.Color(
                "band:Q", legend=None, scale=alt.Scale(domain=[0, max(levels, 1)], range=["#fbfaf0", "#6f9fca"])
            ),
            tooltip=[alt.Tooltip("f:Q", title=f"f({names[0]}, {names[1]})", format=".4g")],
        )
    )
    contour = (
        alt.Chart(lines)
        .mark_rule(color="#333333", strokeWidth=1.2, opacity=0.75)
        .encode(x=x, y=y, x2=x2, y2=y2, tooltip=[alt.Tooltip("level:Q", title="contour f =", format=".4g")])
    )
    field_tooltip = [
        alt.Tooltip("gx:Q", title=f"∂f/∂{names[0]}", format=".3g"),
        alt.Tooltip("gy:Q", title=f"∂f/∂{names[1]}", format=".3g"),
        alt.Tooltip("magnitude:Q", title="|∇f|", format=".3g"),
    ]
    field = (
        alt.Chart(arrows)
        .mark_rule(color="#555555", strokeWidth=1.3)
        .encode(x=x, y=y, x2=x2, y2=y2, tooltip=field_tooltip)
    )
    heads = (
        alt.Chart(arrows)
        .mark_point(shape="triangle-up", filled=True, color="#555555", size=28, opacity=1)
        .encode(x=alt.X("x2:Q"), y=alt.Y("y2:Q"), angle=alt.Angle("angle:Q", scale=None), tooltip=field_tooltip)
    )

    here = alt.Chart(ONE_ROW).transform_calculate(
        x=p["px"],
        y=p["py"],
        up_x=f"{p['px']} + {p['ax']}",
        up_y=f"{p['py']} + {p['ay']}",
        down_x=f"{p['px']} - {p['ax']}",
        down_y=f"{p['py']} - {p['ay']}",
        up_angle=f"atan2({p['ax']}, {p['ay']}) * 180 / PI",
        down_angle=f"atan2({p['ax']}, {p['ay']}) * 180 / PI + 180",
        visible=f"{p['norm']} != null && {p['norm']} > 0",
    )
    width = t.stroke_width + 1

    def arrow(end: str, colour: str, label: str, dash: list[int]):
        shaft = here.mark_rule(color=colour, strokeWidth=width, strokeDash=dash, clip=True).encode(
            x=x, y=y, x2=alt.X2(f"{end}_x:Q"), y2=alt.Y2(f"{end}_y:Q")
        )
        head = here.mark_point(
            shape="triangle-up", filled=True, color=colour, size=t.point_size * 2.2, opacity=1, clip=True
        ).encode(x=alt.X(f"{end}_x:Q"), y=alt.Y(f"{end}_y:Q"), angle=alt.Angle(f"{end}_angle:Q", scale=None))
        text = here.mark_text(
            color=colour, fontSize=t.font_size + 2, fontWeight="bold", dx=14, dy=-12, clip=True, text=label
        ).encode(x=alt.X(f"{end}_x:Q"), y=alt.Y(f"{end}_y:Q"))
        return [layer.transform_filter("datum.visible") for layer in (shaft, head, text)]

    dot = here.mark_point(filled=True, color="black", size=t.point_size * 1.6, opacity=1, clip=True).encode(
        x=x,
        y=y,
        tooltip=[alt.Tooltip("x:Q", title=names[0], format=".4g"), alt.Tooltip("y:Q", title=names[1], format=".4g")],
    )
    layers = [
        cells,
        contour,
        field,
        heads,
        *arrow("up", ASCENT, "∇f (uphill)", []),
        *arrow("down", DESCENT, "−∇f (downhill)", [7, 4]),
        dot,
    ]
    defaults = {"px": 0.0, "py": 0.0, "ax": 0.0, "ay": 0.0, "norm": 0.0}
    chart = alt.layer(*layers).add_params(*(alt.param(name=prefix + k, value=v) for k, v in defaults.items()))
    return style_chart(chart.properties(height=t.chart_height + 140))


@register
def line_fit(points: pd.DataFrame) -> alt.LayerChart:
    """The data (columns x, y), the line y = m·x + c and each residual, from the parameters ``lm, lc``."""
    t = theme()
    low, high = float(points["x"].min()), float(points["x"].max())
    pad = 0.05 * (high - low or 1.0)
    x = alt.X("x:Q", title="x", scale=alt.Scale(domain=[low - pad, high + pad], nice=False, zero=False))
    y = alt.Y("y:Q", title="y")
    residuals = (
        alt.Chart(points)
        .transform_calculate(fit="lm * datum.x + lc")
        .mark_rule(color=ASCENT, strokeDash=[3, 2], strokeWidth=1.5)
        .encode(
            x=x, y=y, y2=alt.Y2("fit:Q"), tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")]
        )
    )
    line = (
        alt.Chart(pd.DataFrame({"x": [low - pad, high + pad]}))
        .transform_calculate(y="lm * datum.x + lc")
        .mark_line(color=OKABE_ITO["black"], strokeWidth=t.stroke_width, clip=True)
        .encode(x=x, y=y)
    )
    dots = (
        alt.Chart(points)
        .mark_point(filled=True, color=OKABE_ITO["blue"], size=t.point_size, opacity=1)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")])
    )
    chart = alt.layer(residuals, line, dots).add_params(
        alt.param(name="lm", value=0.0), alt.param(name="lc", value=0.0)
    )
    return style_chart(chart.properties(height=t.chart_height))
