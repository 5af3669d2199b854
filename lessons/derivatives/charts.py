"""The Derivatives lesson's charts: the error against h, and the secant against the tangent.

Builders take tidy DataFrames and return styled Altair charts; they are registered with the
shared render engine (ui.render), which caches their specs and sends per-rerun values such as
the current h as Vega-Lite parameters.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from ui.render import MAX_ROWS, precision_color, register, thin
from ui.theme import OKABE_ITO, style_chart, theme

OUTCOME_LABELS = {
    "zero": "estimate exactly 0 (total cancellation)",
    "exact": "error exactly 0",
    "nan": "NaN (0/0)",
    "inf": "inf (overflow)",
}


def _log_ticks(low: float, high: float) -> list[float]:
    return [10.0**k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1, 2)]


def _decade(value: float, shift: int) -> float:
    """The power of ten `shift` decades beyond `value`'s own, kept inside float64's range (1e-300 .. 1e300)."""
    exponent = (math.floor if shift < 0 else math.ceil)(math.log10(value)) + shift
    return 10.0 ** min(max(exponent, -300), 300)


@register
def error_vs_h(sweep: pd.DataFrame, model: pd.DataFrame, best: pd.DataFrame) -> alt.LayerChart:
    """Log-log error against h: the V of truncation against round-off.

    Estimates that cannot sit on a log axis (exactly 0, NaN, inf) are drawn
    in marked bands at the bottom and top instead of being dropped. The
    student's h is the Vega-Lite parameter ``current_h``.
    """
    t = theme()
    dtypes = list(dict.fromkeys(sweep["dtype"]))
    finite = sweep["error"].replace([np.inf, -np.inf], np.nan)
    positive = finite[finite > 0]
    low = _decade(positive.min(), -2) if len(positive) else 1e-18
    high = _decade(positive.max(), +2) if len(positive) else 1e2

    data = sweep.copy()
    data["outcome"] = np.where((data["outcome"] == "ok") & (data["error"] == 0), "exact", data["outcome"])
    data["plotted"] = np.select(
        [data["outcome"].isin(["zero", "exact"]), data["outcome"].isin(["nan", "inf"])],
        [low * 3, high / 3],
        default=data["error"],
    )
    data["what"] = data["outcome"].map(OUTCOME_LABELS).fillna("finite error")
    data = thin(data, ["dtype", "method"], MAX_ROWS - len(model) - len(best) - 4)

    x = alt.X(
        "h:Q",
        scale=alt.Scale(type="log", domain=[data["h"].min(), data["h"].max()]),
        axis=alt.Axis(format=".0e", values=_log_ticks(data["h"].min(), data["h"].max()), title="step size h"),
    )
    y = alt.Y(
        "plotted:Q",
        scale=alt.Scale(type="log", domain=[low, high]),
        axis=alt.Axis(format=".0e", title="|estimate − exact slope|"),
    )
    color = alt.Color("dtype:N", scale=precision_color(dtypes), title="precision")
    tooltip = [
        alt.Tooltip("dtype:N", title="precision"),
        alt.Tooltip("method:N"),
        alt.Tooltip("h:Q", format=".3e"),
        alt.Tooltip("estimate:Q", format=".17g"),
        alt.Tooltip("error:Q", format=".3e"),
        alt.Tooltip("what:N", title="outcome"),
    ]
    bands = pd.DataFrame(
        {"y": [low, high / 10], "y2": [low * 10, high], "label": ["exactly 0: cancelled", "NaN / inf"]}
    )
    band_layer = alt.Chart(bands).mark_rect(color="#f3f3f3").encode(y="y:Q", y2="y2:Q") + alt.Chart(bands).mark_text(
        align="left", dx=6, color="#555", fontSize=t.font_size
    ).encode(x=alt.value(0), y=alt.Y("y:Q"), text="label:N")

    finite_rows = data[data["outcome"] == "ok"]
    lines = (
        alt.Chart(finite_rows)
        .mark_line(point=False)
        .encode(
            x=x,
            y=y,
            color=color,
            strokeDash=alt.StrokeDash("method:N", title="method"),
            detail="method:N",
            tooltip=tooltip,
        )
    )
    flagged = (
        alt.Chart(data[data["outcome"] != "ok"])
        .mark_point(filled=True, opacity=0.85)
        .encode(
            x=x, y=y, color=color, shape=alt.Shape("what:N", title="cannot be drawn on a log axis"), tooltip=tooltip
        )
    )
    layers = [band_layer, lines, flagged]
    if len(model):
        layers.append(
            alt.Chart(model)
            .mark_line(strokeDash=[2, 3], opacity=0.55, clip=True)
            .encode(
                x=x,
                y=alt.Y("model:Q"),
                color=color,
                detail="method:N",
                tooltip=[
                    alt.Tooltip("dtype:N"),
                    alt.Tooltip("method:N"),
                    alt.Tooltip("h:Q", format=".2e"),
                    alt.Tooltip("model:Q", title="modelled error", format=".2e"),
                ],
            )
        )
    if len(best):
        layers.append(
            alt.Chart(best)
            .mark_point(shape="diamond", filled=True, size=t.point_size * 2, stroke="black")
            .encode(
                x=x,
                y=alt.Y("model:Q"),
                color=color,
                tooltip=[
                    alt.Tooltip("dtype:N"),
                    alt.Tooltip("method:N"),
                    alt.Tooltip("h:Q", title="best h", format=".2e"),
                ],
            )
        )
    current = alt.XDatum(alt.expr("current_h"), type="quantitative")
    layers.append(alt.Chart().mark_rule(color=OKABE_ITO["vermillion"], strokeWidth=t.stroke_width).encode(x=current))
    layers.append(
        alt.Chart()
        .mark_text(
            align="left",
            dx=5,
            color=OKABE_ITO["vermillion"],
            fontSize=t.font_size,
            fontWeight="bold",
            text=alt.expr("'your h = ' + format(current_h, '.0e')"),
        )
        .encode(x=current, y=alt.value(12))
    )
    chart = alt.layer(*layers).add_params(alt.param(name="current_h", value=1e-2))
    return style_chart(chart.properties(height=t.chart_height).resolve_scale(shape="independent"))


@register
def secant_tangent(curve: pd.DataFrame, tangent: pd.DataFrame, anchor: pd.DataFrame, variable: str) -> alt.LayerChart:
    """The curve, the exact tangent at w, and the secant through w and w + h.

    `anchor` is the one-row point (x, y) = (w, f(w)). The secant is drawn
    from the parameters ``secant_slope``, ``x_h`` and ``y_h`` (the point
    w + h), so moving h changes only parameters, not data.
    """
    t = theme()
    low, high = float(curve["x"].min()), float(curve["x"].max())
    x = alt.X("x:Q", title=variable, scale=alt.Scale(zero=False, nice=False, domain=[low, high]))
    y = alt.Y("y:Q", title=f"f({variable})", scale=alt.Scale(zero=False))
    w, fw = float(anchor["x"].iloc[0]), float(anchor["y"].iloc[0])
    ends = pd.DataFrame({"x": [low, high]})
    secant = (
        alt.Chart(ends)
        .transform_calculate(y=f"{fw!r} + secant_slope * (datum.x - {w!r})", line="'secant (estimate)'")
        .mark_line(color=OKABE_ITO["vermillion"], strokeDash=[8, 5], clip=True)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("line:N")])
    )
    at_h = {
        "x": alt.XDatum(alt.expr("x_h"), type="quantitative"),
        "y": alt.YDatum(alt.expr("y_h"), type="quantitative"),
    }
    point_h = alt.Chart().mark_point(filled=True, color=OKABE_ITO["vermillion"], size=t.point_size * 1.5).encode(**at_h)
    label_h = (
        alt.Chart()
        .mark_text(
            dy=18, fontSize=t.font_size, fontWeight="bold", color=OKABE_ITO["vermillion"], text=f"{variable} + h"
        )
        .encode(**at_h)
    )
    layers = [
        alt.Chart(curve)
        .mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("x:Q", title=variable, format=".4f"), alt.Tooltip("y:Q", title="f", format=".4f")],
        ),
        alt.Chart(tangent)
        .mark_line(color=OKABE_ITO["black"], clip=True)
        .encode(x=x, y=y, tooltip=[alt.Tooltip("line:N"), alt.Tooltip("slope:Q", format=".6g")]),
        secant,
        alt.Chart(anchor).mark_point(filled=True, color="black", size=t.point_size * 1.5).encode(x=x, y=y),
        alt.Chart(anchor)
        .mark_text(dy=-16, fontSize=t.font_size, fontWeight="bold")
        .encode(x=x, y=y, text=alt.value(variable)),
        point_h,
        label_h,
    ]
    params = [alt.param(name=n, value=0.0) for n in ("secant_slope", "x_h", "y_h")]
    return style_chart(alt.layer(*layers).add_params(*params).properties(height=t.chart_height))
