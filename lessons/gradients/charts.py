"""Charts of the Partials and gradients lesson: contour maps, slices, directions, the line fit.

Data that depends only on the function and its box (the heatmap, contour
lines, arrow field, a slice) is baked into the cached spec; everything that
moves with the point — the point itself, the gradient arrows, the tangent
lines, the fitted line — is a Vega-Lite parameter, so moving the point does
not rebuild the chart. Render them with ``ui.render.show``; the contour map itself is shared with Descent (ui.landscape).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.landscape import ASCENT, ONE_ROW
from ui.render import register
from ui.theme import OKABE_ITO, style_chart, theme


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
    line = (
        alt.Chart(curve)
        .mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("t:Q", title=variable, format=".4g"), alt.Tooltip("f:Q", title="f", format=".4g")],
        )
    )
    tangent = (
        alt.Chart(pd.DataFrame({"t": [low, high]}))
        .transform_calculate(f=f"{f0} + {slope} * (datum.t - {t0})")
        .transform_filter(f"{slope} != null && isFinite({slope})")
        .mark_line(color=OKABE_ITO["black"], strokeDash=[7, 4], clip=True)
        .encode(x=x, y=y)
    )
    here = alt.Chart(ONE_ROW).transform_calculate(t=t0, f=f0).transform_filter(f"{f0} != null && isFinite({f0})")
    dot = here.mark_point(filled=True, color=ASCENT, size=t.point_size * 1.6, opacity=1, clip=True).encode(x=x, y=y)
    label = here.mark_text(
        align="left",
        dx=10,
        dy=-14,
        fontSize=t.font_size + 1,
        fontWeight="bold",
        clip=True,
        text=alt.expr(f"'slope ' + format({slope}, '.4~g')"),
    ).encode(x=x, y=y)
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
    x = alt.X(
        "angle:Q",
        title="direction of u (degrees from the +x axis)",
        scale=alt.Scale(domain=[0, 360], nice=False),
        axis=alt.Axis(values=list(range(0, 361, 45))),
    )
    y = alt.Y("slope:Q", title="slope along u:  ∇f · u")
    curve = (
        alt.Chart(directions)
        .transform_calculate(slope="gx * datum.ux + gy * datum.uy")
        .mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("angle:Q", title="angle °", format=".0f"), alt.Tooltip("slope:Q", format=".4g")],
        )
    )
    zero = alt.Chart(ONE_ROW).mark_rule(color="#888888").encode(y=alt.datum(0))
    peak = (
        alt.Chart(ONE_ROW)
        .transform_calculate(angle="(atan2(gy, gx) * 180 / PI + 360) % 360", slope="sqrt(gx * gx + gy * gy)")
        .transform_filter("datum.slope > 0")
    )
    marks = [
        peak.mark_rule(color=ASCENT, strokeDash=[6, 4]).encode(x=x),
        peak.mark_point(filled=True, color=ASCENT, size=t.point_size * 2, opacity=1).encode(x=x, y=y),
        peak.mark_text(
            align="left",
            dx=10,
            dy=-6,
            color=ASCENT,
            fontSize=t.font_size + 2,
            fontWeight="bold",
            text=alt.expr("'steepest: |∇f| = ' + format(sqrt(gx * gx + gy * gy), '.4~g')"),
        ).encode(x=x, y=y),
    ]
    chart = alt.layer(curve, zero, *marks).add_params(alt.param(name="gx", value=0.0), alt.param(name="gy", value=0.0))
    return style_chart(chart.properties(height=t.chart_height))
