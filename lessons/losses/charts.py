"""Charts of the Loss functions lesson: exact loss and derivative curves, and the outlier's pull.

Render them with ``ui.render.show``. Curve data is cached per loss and target;
the one value that moves with a slider (the marker on the sigmoid curves) is
the Vega-Lite parameter ``x_now``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.render import register, thin
from ui.theme import OKABE_ITO, style_chart, theme

# One colour and dash per series, by order of appearance; the legend names them too.
SERIES_STYLE = ((OKABE_ITO["blue"], []), (OKABE_ITO["vermillion"], [8, 4]), (OKABE_ITO["green"], [2, 3]))


@register
def loss_curve(
    frame: pd.DataFrame, column: str, x_title: str, y_title: str, marker: bool = False, legend: bool = True
) -> alt.LayerChart:
    """One panel of exact curves: `column` ("loss" or "derivative") of each series against x.

    `frame` is tidy: series, x, loss, derivative. Hovering anywhere shows the
    nearest point's loss and derivative together. With `marker`, a vertical
    rule sits at the parameter ``x_now``. The panel beneath another can drop
    its `legend` (same colours and dashes as the one above).
    """
    t = theme()
    frame = thin(frame, ["series"])
    series = list(dict.fromkeys(frame["series"]))
    styles = SERIES_STYLE[: len(series)]
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(zero=False, nice=False))
    # A fixed room for the y labels lines up the x axes of the panels stacked above and below.
    y = alt.Y(f"{column}:Q", title=y_title, scale=alt.Scale(zero=False), axis=alt.Axis(minExtent=4 * t.font_size))
    keep = {} if legend else {"legend": None}
    color = alt.Color("series:N", title=None, scale=alt.Scale(domain=series, range=[s[0] for s in styles]), **keep)
    dash = alt.StrokeDash("series:N", title=None, scale=alt.Scale(domain=series, range=[s[1] for s in styles]), **keep)
    hover = alt.selection_point(
        name="hover", nearest=True, on="pointerover", clear="pointerout", fields=["x"], empty=False
    )
    tooltip = [
        alt.Tooltip("series:N", title="loss"),
        alt.Tooltip("x:Q", title=x_title, format=".4f"),
        alt.Tooltip("loss:Q", title="loss ℓ", format=".4f"),
        alt.Tooltip("derivative:Q", title="derivative", format=".4f"),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, color=color)
    layers = [
        alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#888", strokeWidth=1).encode(y="zero:Q"),
        base.mark_line(clip=True).encode(strokeDash=dash),
        base.mark_point(filled=True, size=t.point_size)
        .encode(opacity=alt.condition(hover, alt.value(1.0), alt.value(0.0)), tooltip=tooltip)
        .add_params(hover),
        alt.Chart(frame).mark_rule(color="#777", strokeDash=[3, 3]).encode(x=x).transform_filter(hover),
    ]
    params = []
    if marker:
        at = alt.XDatum(alt.expr("x_now"), type="quantitative")
        layers.append(alt.Chart().mark_rule(color=OKABE_ITO["black"], strokeWidth=t.stroke_width / 1.5).encode(x=at))
        params.append(alt.param(name="x_now", value=0.0))
    chart = alt.layer(*layers)
    if params:
        chart = chart.add_params(*params)
    # The height includes the axes and the legend; the panel with the legend needs the room.
    return style_chart(chart.properties(height=round(t.chart_height * (1.0 if legend else 0.75))))


@register
def outlier_pulls(pulls: pd.DataFrame) -> alt.LayerChart:
    """Bars of |∂L/∂ŷᵢ| for each sample, grouped by loss; the outlier's bar is coloured and labelled."""
    t = theme()
    samples = list(dict.fromkeys(pulls["sample"]))
    x = alt.X("loss:N", title=None, sort=list(dict.fromkeys(pulls["loss"])), axis=alt.Axis(labelAngle=0))
    y = alt.Y("pull:Q", title="how hard the sample pulls |∂L/∂ŷᵢ|")
    offset = alt.XOffset("sample:N", sort=samples)
    color = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=["ordinary sample", "outlier"], range=["#9a9a9a", OKABE_ITO["vermillion"]]),
    )
    tooltip = [alt.Tooltip("loss:N"), alt.Tooltip("sample:N"), alt.Tooltip("pull:Q", format=".4f")]
    base = (
        alt.Chart(pulls)
        .transform_calculate(
            kind="datum.outlier ? 'outlier' : 'ordinary sample'",
            label="datum.outlier ? 'outlier ' + format(datum.pull, '.2f') : format(datum.pull, '.2f')",
        )
        .encode(x=x, xOffset=offset)
    )
    bars = base.mark_bar().encode(y=y, color=color, tooltip=tooltip)
    labels = base.mark_text(dy=-8, fontSize=t.font_size).encode(y=y, text="label:N")
    return style_chart(alt.layer(bars, labels).properties(height=t.chart_height))
