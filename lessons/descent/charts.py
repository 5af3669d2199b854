"""Charts of the Gradient descent lesson: steps on a curve, learning-rate regimes, the dying loop,
paths on a contour map and the loss against step.

The contour map is ``ui.landscape.contour_map`` with the paths layered on
top. How far the paths are revealed is the Vega-Lite parameter ``{prefix}upto``,
so the step slider and play/pause never rebuild a chart. Render with
``ui.render.show``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import landscape
from ui.render import register
from ui.theme import OKABE_ITO, PRECISION_STYLE, style_chart, theme

PATH_COLOURS = [OKABE_ITO[c] for c in ("vermillion", "blue", "green", "purple", "orange", "sky")]
PATH_DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]]


@register
def curve_steps(curve: pd.DataFrame, steps: pd.DataFrame, variable: str = "x") -> alt.LayerChart:
    """f(x) (columns x, f) with the descent's steps (step, x, f) as dots joined in order."""
    t = theme()
    x = alt.X("x:Q", title=variable, scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("f:Q", title=f"f({variable}) = {variable}²")
    line = alt.Chart(curve).mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width).encode(x=x, y=y)
    tooltip = [
        alt.Tooltip("step:Q"),
        alt.Tooltip("x:Q", title=variable, format=".6g"),
        alt.Tooltip("f:Q", format=".6g"),
    ]
    path = (
        alt.Chart(steps)
        .mark_line(color=OKABE_ITO["vermillion"], strokeDash=[5, 3], strokeWidth=1.5)
        .encode(x=x, y=y, order="step:Q")
    )
    dots = (
        alt.Chart(steps)
        .mark_point(filled=True, color=OKABE_ITO["vermillion"], opacity=1)
        .encode(
            x=x,
            y=y,
            size=alt.Size("step:Q", legend=None, scale=alt.Scale(range=[t.point_size * 2, t.point_size / 2])),
            tooltip=tooltip,
        )
    )
    first = (
        alt.Chart(steps.head(1))
        .mark_text(dy=-16, fontSize=t.font_size, fontWeight="bold", text="start")
        .encode(x=x, y=y)
    )
    return style_chart(alt.layer(line, path, dots, first).properties(height=t.chart_height))


@register
def lr_regimes(table: pd.DataFrame) -> alt.LayerChart:
    """The factor 1 − 2·lr against lr (columns lr, factor), with the thresholds 0.5 and 1 and parameter ``eta``."""
    t = theme()
    x = alt.X("lr:Q", title="learning rate η", scale=alt.Scale(domain=[0, 1.6], nice=False))
    y = alt.Y("factor:Q", title="x is multiplied by 1 − 2η", scale=alt.Scale(domain=[-2.2, 1.05], nice=False))
    bands = pd.DataFrame(
        {
            "lr": [0.0, 0.5, 1.0],
            "lr2": [0.5, 1.0, 1.6],
            "label": ["shrinks", "oscillates, converges", "diverges"],
            "colour": ["#e8f4ee", "#fdf3dc", "#fbe3d9"],
        }
    )
    band = (
        alt.Chart(bands).mark_rect(opacity=0.9).encode(x=x, x2=alt.X2("lr2:Q"), color=alt.Color("colour:N", scale=None))
    )
    labels = (
        alt.Chart(bands)
        .transform_calculate(mid="(datum.lr + datum.lr2) / 2")
        .mark_text(fontSize=t.font_size, fontWeight="bold", dy=4, baseline="top")
        .encode(x=alt.X("mid:Q"), y=alt.value(4), text="label:N")
    )
    limits = alt.Chart(pd.DataFrame({"factor": [1.0, -1.0]})).mark_rule(color="#777", strokeDash=[4, 3]).encode(y=y)
    line = alt.Chart(table).mark_line(color=OKABE_ITO["black"], strokeWidth=t.stroke_width).encode(x=x, y=y)
    thresholds = alt.Chart(pd.DataFrame({"lr": [0.5, 1.0], "text": ["η = 0.5", "η = 1"]}))
    rules = thresholds.mark_rule(color=OKABE_ITO["black"], strokeWidth=2).encode(x=x)
    rule_text = thresholds.mark_text(align="left", dx=4, dy=-6, fontSize=t.font_size).encode(
        x=x, y=alt.datum(-2.0), text="text:N"
    )
    current = alt.Chart(pd.DataFrame({"row": [0]})).transform_calculate(lr="eta", factor="1 - 2 * eta")
    dot = current.mark_point(
        filled=True, color=OKABE_ITO["vermillion"], size=t.point_size * 2.5, opacity=1, clip=True
    ).encode(x=x, y=y)
    text = current.mark_text(
        align="left",
        dx=10,
        dy=-10,
        fontSize=t.font_size + 1,
        fontWeight="bold",
        clip=True,
        color=OKABE_ITO["vermillion"],
        text=alt.expr("'your η = ' + format(eta, '.3~g')"),
    ).encode(x=x, y=y)
    chart = alt.layer(band, labels, limits, line, rules, rule_text, dot, text).add_params(
        alt.param(name="eta", value=0.1)
    )
    return style_chart(chart.properties(height=t.chart_height - 40))


@register
def dying_chart(table: pd.DataFrame, styles: tuple[tuple[str, str], ...]) -> alt.LayerChart:
    """The weight against step (columns run, step, w), one line per run; `styles` pairs each run with a precision."""
    t = theme()
    runs = [r for r, _ in styles]
    colour = alt.Color(
        "run:N", title=None, scale=alt.Scale(domain=runs, range=[PRECISION_STYLE[s][0] for _, s in styles])
    )
    dash = alt.StrokeDash(
        "run:N", title=None, scale=alt.Scale(domain=runs, range=[PRECISION_STYLE[s][1] for _, s in styles])
    )
    x = alt.X("step:Q", title="step", scale=alt.Scale(nice=False))
    y = alt.Y("w:Q", title="weight w")
    lines = (
        alt.Chart(table)
        .mark_line(strokeWidth=t.stroke_width, point=True)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=dash,
            tooltip=[alt.Tooltip("run:N"), alt.Tooltip("step:Q"), alt.Tooltip("w:Q", format=".9g")],
        )
    )
    bottom = alt.Chart(pd.DataFrame({"w": [0.0]})).mark_rule(color="#888").encode(y=y)
    return style_chart(alt.layer(bottom, lines).properties(height=t.chart_height))


@register
def descent_map(
    heat: pd.DataFrame,
    lines: pd.DataFrame,
    arrows: pd.DataFrame,
    levels: int,
    box,
    names,
    paths: pd.DataFrame,
    marks: pd.DataFrame,
    prefix: str = "dm_",
) -> alt.LayerChart:
    """The Partials lesson's contour map with descent paths (path, step, x, y, loss) and marked minima.

    Parameters: those of ``landscape.point_params`` with `prefix` (the
    start point), and ``{prefix}upto``: paths are drawn up to that step, each
    with a large dot where it has got to.
    """
    t = theme()
    chart = landscape.contour_map(heat, lines, arrows, levels, box, names, prefix)
    x, y = landscape.axes(box, names)
    upto = f"{prefix}upto"
    labels = list(dict.fromkeys(paths["path"])) or ["-"]
    colour = alt.Color("path:N", title=None, scale=alt.Scale(domain=labels, range=PATH_COLOURS[: len(labels)]))
    dash = alt.StrokeDash("path:N", title=None, scale=alt.Scale(domain=labels, range=PATH_DASHES[: len(labels)]))
    tooltip = [
        alt.Tooltip("path:N"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("x:Q", title=names[0], format=".5g"),
        alt.Tooltip("y:Q", title=names[1], format=".5g"),
        alt.Tooltip("loss:Q", format=".5g"),
    ]
    shown = alt.Chart(paths).transform_filter(f"datum.step <= {upto}")
    trail = shown.mark_line(strokeWidth=t.stroke_width, clip=True).encode(
        x=x, y=y, color=colour, strokeDash=dash, order="step:Q", tooltip=tooltip
    )
    head = (
        shown.transform_joinaggregate(last="max(step)", groupby=["path"])
        .transform_filter("datum.step == datum.last")
        .mark_point(filled=True, size=t.point_size * 2.2, opacity=1, stroke="black", strokeWidth=1, clip=True)
        .encode(x=x, y=y, color=colour, shape=alt.Shape("path:N", title=None, legend=None), tooltip=tooltip)
    )
    layers = [trail, head]
    if len(marks):
        layers.append(
            alt.Chart(marks)
            .mark_point(shape="cross", filled=True, color="black", size=t.point_size * 2.5, opacity=1, clip=True)
            .encode(
                x=x,
                y=y,
                tooltip=[alt.Tooltip("kind:N"), alt.Tooltip("x:Q", format=".6g"), alt.Tooltip("y:Q", format=".6g")],
            )
        )
    chart.layer = [*chart.layer, *layers]
    chart = chart.add_params(alt.param(name=upto, value=0))
    return chart.resolve_scale(color="independent", strokeDash="independent", shape="independent")


@register
def loss_chart(paths: pd.DataFrame, log: bool, prefix: str = "dm_") -> alt.LayerChart:
    """Loss against step for each path, on a log scale when every loss is positive (parameter ``{prefix}upto``)."""
    t = theme()
    upto = f"{prefix}upto"
    labels = list(dict.fromkeys(paths["path"])) or ["-"]
    colour = alt.Color("path:N", title=None, scale=alt.Scale(domain=labels, range=PATH_COLOURS[: len(labels)]))
    dash = alt.StrokeDash("path:N", title=None, scale=alt.Scale(domain=labels, range=PATH_DASHES[: len(labels)]))
    scale = alt.Scale(type="log") if log else alt.Scale(type="symlog")
    last = int(paths["step"].max()) if len(paths) else 1
    x = alt.X("step:Q", title="step", scale=alt.Scale(domain=[0, max(last, 1)], nice=False))  # still while playing
    y = alt.Y("loss:Q", title="loss (log scale)" if log else "loss (symmetric log scale)", scale=scale)
    lines = (
        alt.Chart(paths)
        .transform_filter(f"datum.step <= {upto}")
        .mark_line(strokeWidth=t.stroke_width)
        .encode(
            x=x,
            y=y,
            color=colour,
            strokeDash=dash,
            tooltip=[alt.Tooltip("path:N"), alt.Tooltip("step:Q"), alt.Tooltip("loss:Q", format=".5g")],
        )
    )
    now = (
        alt.Chart().mark_rule(color="#666", strokeDash=[3, 3]).encode(x=alt.XDatum(alt.expr(upto), type="quantitative"))
    )
    chart = alt.layer(lines, now).add_params(alt.param(name=upto, value=0))
    return style_chart(chart.properties(height=t.chart_height - 40))
