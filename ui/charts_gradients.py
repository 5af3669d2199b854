"""Charts of the Partials and gradients lesson: contour maps, slices, directions, the line fit.

Data that depends only on the function and its box (the heatmap, contour
lines, arrow field, a slice) is baked into the cached spec; everything that
moves with the point — the point itself, the gradient arrows, the tangent
lines, the fitted line — is a Vega-Lite parameter, so moving the point does
not rebuild the chart. Render them with ``ui.charts.show``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import pandas as pd

from ui.charts import register
from ui.theme import OKABE_ITO, style_chart, theme

ASCENT, DESCENT = OKABE_ITO["vermillion"], OKABE_ITO["green"]
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


def _axes(box, names):
    """Axes with equal units: one unit of x is as many pixels as one unit of y, whatever the chart's size.

    Only then does the gradient visibly cross contour lines at right angles.
    The box fits inside; the longer side of the chart shows a margin.
    """
    (x0, x1), (y0, y1) = box
    cx, cy, xr, yr = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0
    unit = f"max({xr!r} / width, {yr!r} / height)"  # data units per pixel
    x = alt.X("x:Q", title=names[0], scale=alt.Scale(
        domainMin=alt.expr(f"{cx!r} - {unit} * width / 2"), domainMax=alt.expr(f"{cx!r} + {unit} * width / 2"),
        nice=False, zero=False))
    y = alt.Y("y:Q", title=names[1], scale=alt.Scale(
        domainMin=alt.expr(f"{cy!r} - {unit} * height / 2"), domainMax=alt.expr(f"{cy!r} + {unit} * height / 2"),
        nice=False, zero=False))
    return x, y


@register
def contour_map(heat: pd.DataFrame, lines: pd.DataFrame, arrows: pd.DataFrame, levels: int, box, names: tuple[str, str],
                prefix: str = "") -> alt.LayerChart:
    """Heatmap with contour lines, a coarse field of gradient directions, the point and ±∇f there.

    Parameters ``{prefix}px, py`` (the point), ``ax, ay`` (the drawn gradient
    arrow) and ``norm`` (|∇f|) come from :func:`point_params`.
    """
    t = theme()
    x, y = _axes(box, names)
    x2, y2 = alt.X2("x2:Q"), alt.Y2("y2:Q")
    p = {k: prefix + k for k in ("px", "py", "ax", "ay", "norm")}
    cells = alt.Chart(heat).mark_rect(opacity=0.9).encode(
        x=x, x2=x2, y=y, y2=y2,
        color=alt.Color("band:Q", legend=None, scale=alt.Scale(domain=[0, max(levels, 1)], range=["#fbfaf0", "#6f9fca"])),
        tooltip=[alt.Tooltip("f:Q", title=f"f({names[0]}, {names[1]})", format=".4g")],
    )
    contour = alt.Chart(lines).mark_rule(color="#333333", strokeWidth=1.2, opacity=0.75).encode(
        x=x, y=y, x2=x2, y2=y2, tooltip=[alt.Tooltip("level:Q", title="contour f =", format=".4g")]
    )
    field_tooltip = [alt.Tooltip("gx:Q", title=f"∂f/∂{names[0]}", format=".3g"),
                     alt.Tooltip("gy:Q", title=f"∂f/∂{names[1]}", format=".3g"),
                     alt.Tooltip("magnitude:Q", title="|∇f|", format=".3g")]
    field = alt.Chart(arrows).mark_rule(color="#555555", strokeWidth=1.3).encode(x=x, y=y, x2=x2, y2=y2, tooltip=field_tooltip)
    heads = alt.Chart(arrows).mark_point(shape="triangle-up", filled=True, color="#555555", size=28, opacity=1).encode(
        x=alt.X("x2:Q"), y=alt.Y("y2:Q"), angle=alt.Angle("angle:Q", scale=None), tooltip=field_tooltip
    )

    here = alt.Chart(ONE_ROW).transform_calculate(
        x=p["px"], y=p["py"],
        up_x=f"{p['px']} + {p['ax']}", up_y=f"{p['py']} + {p['ay']}",
        down_x=f"{p['px']} - {p['ax']}", down_y=f"{p['py']} - {p['ay']}",
        up_angle=f"atan2({p['ax']}, {p['ay']}) * 180 / PI", down_angle=f"atan2({p['ax']}, {p['ay']}) * 180 / PI + 180",
        visible=f"{p['norm']} != null && {p['norm']} > 0",
    )
    width = t.stroke_width + 1

    def arrow(end: str, colour: str, label: str, dash: list[int]):
        shaft = here.mark_rule(color=colour, strokeWidth=width, strokeDash=dash, clip=True).encode(
            x=x, y=y, x2=alt.X2(f"{end}_x:Q"), y2=alt.Y2(f"{end}_y:Q"))
        head = here.mark_point(shape="triangle-up", filled=True, color=colour, size=t.point_size * 2.2, opacity=1,
                               clip=True).encode(x=alt.X(f"{end}_x:Q"), y=alt.Y(f"{end}_y:Q"),
                                                 angle=alt.Angle(f"{end}_angle:Q", scale=None))
        text = here.mark_text(color=colour, fontSize=t.font_size + 2, fontWeight="bold", dx=14, dy=-12, clip=True,
                              text=label).encode(x=alt.X(f"{end}_x:Q"), y=alt.Y(f"{end}_y:Q"))
        return [layer.transform_filter("datum.visible") for layer in (shaft, head, text)]

    dot = here.mark_point(filled=True, color="black", size=t.point_size * 1.6, opacity=1, clip=True).encode(
        x=x, y=y, tooltip=[alt.Tooltip("x:Q", title=names[0], format=".4g"), alt.Tooltip("y:Q", title=names[1], format=".4g")])
    layers = [cells, contour, field, heads, *arrow("up", ASCENT, "∇f (uphill)", []),
              *arrow("down", DESCENT, "−∇f (downhill)", [7, 4]), dot]
    defaults = {"px": 0.0, "py": 0.0, "ax": 0.0, "ay": 0.0, "norm": 0.0}
    chart = alt.layer(*layers).add_params(*(alt.param(name=prefix + k, value=v) for k, v in defaults.items()))
    return style_chart(chart.properties(height=t.chart_height + 140))


@register
def slice_chart(curve: pd.DataFrame, variable: str, title: str, prefix: str) -> alt.LayerChart:
    """One slice of f (columns t, f) with the tangent at the point.

    Parameters ``{prefix}t0, {prefix}f0`` (the point on the slice) and
    ``{prefix}slope`` (the partial, the tangent's slope).
    """
    t = theme()
    t0, f0, slope = (prefix + k for k in ("t0", "f0", "slope"))
    low, high = (float(curve["t"].min()), float(curve["t"].max())) if len(curve) else (0.0, 1.0)
    f_low, f_high = (float(curve["f"].min()), float(curve["f"].max())) if len(curve) else (0.0, 1.0)
    pad = 0.08 * (f_high - f_low) or 1.0
    x = alt.X("t:Q", title=variable, scale=alt.Scale(domain=[low, high], nice=False, zero=False))
    y = alt.Y("f:Q", title=title, scale=alt.Scale(domain=[f_low - pad, f_high + pad], nice=False, zero=False))
    line = alt.Chart(curve).mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width).encode(
        x=x, y=y, tooltip=[alt.Tooltip("t:Q", title=variable, format=".4g"), alt.Tooltip("f:Q", title="f", format=".4g")])
    tangent = alt.Chart(pd.DataFrame({"t": [low, high]})).transform_calculate(
        f=f"{f0} + {slope} * (datum.t - {t0})"
    ).transform_filter(f"{slope} != null && isFinite({slope})").mark_line(color=OKABE_ITO["black"], strokeDash=[7, 4], clip=True).encode(x=x, y=y)
    here = alt.Chart(ONE_ROW).transform_calculate(t=t0, f=f0).transform_filter(f"{f0} != null && isFinite({f0})")
    dot = here.mark_point(filled=True, color=ASCENT, size=t.point_size * 1.6, opacity=1, clip=True).encode(x=x, y=y)
    label = here.mark_text(align="left", dx=10, dy=-14, fontSize=t.font_size + 1, fontWeight="bold", clip=True,
                           text=alt.expr(f"'slope ' + format({slope}, '.4~g')")).encode(x=x, y=y)
    params = [alt.param(name=n, value=0.0) for n in (t0, f0, slope)]
    return style_chart(alt.layer(line, tangent, dot, label).add_params(*params).properties(height=t.chart_height - 60))


@register
def directional_chart(directions: pd.DataFrame) -> alt.LayerChart:
    """∇f·u against the angle of u (columns angle, ux, uy), from the parameters ``gx, gy``.

    The dot product is computed from the unit vectors in the data, so the
    curve is exactly gx·cos θ + gy·sin θ; its peak (height |∇f|, at the
    gradient's angle) is marked.
    """
    t = theme()
    x = alt.X("angle:Q", title="direction of u (degrees from the +x axis)",
              scale=alt.Scale(domain=[0, 360], nice=False), axis=alt.Axis(values=list(range(0, 361, 45))))
    y = alt.Y("slope:Q", title="slope along u:  ∇f · u")
    curve = alt.Chart(directions).transform_calculate(slope="gx * datum.ux + gy * datum.uy").mark_line(
        color=OKABE_ITO["blue"], strokeWidth=t.stroke_width
    ).encode(x=x, y=y, tooltip=[alt.Tooltip("angle:Q", title="angle °", format=".0f"), alt.Tooltip("slope:Q", format=".4g")])
    zero = alt.Chart(ONE_ROW).mark_rule(color="#888888").encode(y=alt.datum(0))
    peak = alt.Chart(ONE_ROW).transform_calculate(
        angle="(atan2(gy, gx) * 180 / PI + 360) % 360", slope="sqrt(gx * gx + gy * gy)"
    ).transform_filter("datum.slope > 0")
    marks = [
        peak.mark_rule(color=ASCENT, strokeDash=[6, 4]).encode(x=x),
        peak.mark_point(filled=True, color=ASCENT, size=t.point_size * 2, opacity=1).encode(x=x, y=y),
        peak.mark_text(align="left", dx=10, dy=-6, color=ASCENT, fontSize=t.font_size + 2, fontWeight="bold",
                       text=alt.expr("'steepest: |∇f| = ' + format(sqrt(gx * gx + gy * gy), '.4~g')")).encode(x=x, y=y),
    ]
    chart = alt.layer(curve, zero, *marks).add_params(alt.param(name="gx", value=0.0), alt.param(name="gy", value=0.0))
    return style_chart(chart.properties(height=t.chart_height))


@register
def line_fit(points: pd.DataFrame) -> alt.LayerChart:
    """The data (columns x, y), the line y = m·x + c and each residual, from the parameters ``lm, lc``."""
    t = theme()
    low, high = float(points["x"].min()), float(points["x"].max())
    pad = 0.05 * (high - low or 1.0)
    x = alt.X("x:Q", title="x", scale=alt.Scale(domain=[low - pad, high + pad], nice=False, zero=False))
    y = alt.Y("y:Q", title="y")
    residuals = alt.Chart(points).transform_calculate(fit="lm * datum.x + lc").mark_rule(
        color=ASCENT, strokeDash=[3, 2], strokeWidth=1.5).encode(
        x=x, y=y, y2=alt.Y2("fit:Q"), tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")])
    line = alt.Chart(pd.DataFrame({"x": [low - pad, high + pad]})).transform_calculate(y="lm * datum.x + lc").mark_line(
        color=OKABE_ITO["black"], strokeWidth=t.stroke_width, clip=True).encode(x=x, y=y)
    dots = alt.Chart(points).mark_point(filled=True, color=OKABE_ITO["blue"], size=t.point_size, opacity=1).encode(
        x=x, y=y, tooltip=[alt.Tooltip("x:Q", format=".3g"), alt.Tooltip("y:Q", format=".3g")])
    chart = alt.layer(residuals, line, dots).add_params(alt.param(name="lm", value=0.0), alt.param(name="lc", value=0.0))
    return style_chart(chart.properties(height=t.chart_height))
