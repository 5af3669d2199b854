"""Charts of the low-precision lesson: tidy DataFrames in, styled Altair charts out.

The step being watched is the Vega-Lite parameter ``lp_step`` on the charts over time, so Play
moves a rule instead of rebuilding them. Render with ``ui.render.show``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import render
from ui.theme import OKABE_ITO, style_chart, theme

#: Each run keeps its colour and dash on every chart of the lesson (colour is never the only cue).
RUN_STYLE = {
    "low": (OKABE_ITO["vermillion"], []),
    "mixed": (OKABE_ITO["blue"], [8, 4]),
    "scaled": (OKABE_ITO["green"], [2, 3]),
    "float32": (OKABE_ITO["black"], [10, 3, 2, 3]),
}


def _step_rule(t) -> alt.Chart:
    at = alt.XDatum(alt.expr("lp_step"), type="quantitative")
    return alt.Chart().mark_rule(color="#555", strokeDash=[3, 3], strokeWidth=t.stroke_width / 1.5).encode(x=at)


def _over_steps(table: pd.DataFrame, y: alt.Y, labels: dict[str, str], height: int) -> alt.LayerChart:
    """One line per run against step, labelled in words, with the watched step as a rule."""
    t = theme()
    runs = list(dict.fromkeys(table["run"]))
    named = [labels.get(r, r) for r in runs]
    colour = alt.Scale(domain=named, range=[RUN_STYLE[r][0] for r in runs])
    dash = alt.Scale(domain=named, range=[RUN_STYLE[r][1] for r in runs])
    lines = (
        alt.Chart(table.assign(label=table["run"].map(lambda r: labels.get(r, r))))
        .mark_line(clip=True)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=y,
            color=alt.Color("label:N", scale=colour, title=None, legend=alt.Legend(columns=2, labelLimit=400)),
            strokeDash=alt.StrokeDash("label:N", scale=dash, legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="run"),
                alt.Tooltip("step:Q"),
                alt.Tooltip(y.shorthand, format=".4g"),
            ],
        )
    )
    chart = alt.layer(lines, _step_rule(t)).add_params(alt.param(name="lp_step", value=0))
    return style_chart(chart.properties(height=height))


@render.register
def lp_losses(table: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """The loss (log scale) against step for each run (``run, step, loss``)."""
    y = alt.Y("loss:Q", title="loss (binary cross-entropy, log scale)", scale=alt.Scale(type="log"))
    return _over_steps(table, y, labels, theme().chart_height)


@render.register
def lp_share(table: pd.DataFrame, labels: dict[str, str], title: str) -> alt.LayerChart:
    """A share (0..1) against step for each run (``run, step, value``)."""
    y = alt.Y("value:Q", title=title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]))
    return _over_steps(table, y, labels, 240)


@render.register
def lp_scale(table: pd.DataFrame, labels: dict[str, str]) -> alt.LayerChart:
    """GradScaler's loss scale S against step (``run, step, value``), on a log axis of base 2."""
    y = alt.Y(
        "value:Q",
        title="loss scale S (log₂ axis)",
        scale=alt.Scale(type="log", base=2),
        axis=alt.Axis(labelExpr="'2^' + format(log(datum.value) / log(2), 'd')"),
    )
    return _over_steps(table, y, labels, 240)


@render.register
def lp_boundary(grid: pd.DataFrame, dots: pd.DataFrame, title: str) -> alt.LayerChart:
    """p(class 1) on a grid (``x1, x2, p, w, h``) with the data points (``x1, x2, class``); p = 0.5 is the boundary."""
    t = theme()
    x = alt.X("x1:Q", title="x₁", scale=alt.Scale(nice=False, zero=False))
    y = alt.Y("x2:Q", title="x₂", scale=alt.Scale(nice=False, zero=False))
    cells = (
        alt.Chart(grid)
        .transform_calculate(
            x_lo="datum.x1 - datum.w / 2",
            x_hi="datum.x1 + datum.w / 2",
            y_lo="datum.x2 - datum.h / 2",
            y_hi="datum.x2 + datum.h / 2",
        )
        .mark_rect(opacity=0.75)
        .encode(
            x=alt.X("x_lo:Q", title="x₁", scale=alt.Scale(nice=False, zero=False)),
            x2="x_hi:Q",
            y=alt.Y("y_lo:Q", title="x₂", scale=alt.Scale(nice=False, zero=False)),
            y2="y_hi:Q",
            color=alt.Color(
                "p:Q",
                title="p(class 1)",
                scale=alt.Scale(scheme="blueorange", domain=[0, 1], domainMid=0.5),
                legend=alt.Legend(gradientLength=100, values=[0, 0.5, 1]),
            ),
            tooltip=[
                alt.Tooltip("x1:Q", format=".2f"),
                alt.Tooltip("x2:Q", format=".2f"),
                alt.Tooltip("p:Q", format=".3f"),
            ],
        )
    )
    classes = (
        alt.Chart(dots)
        .mark_point(filled=True, size=t.point_size / 2, opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            shape=alt.Shape("class:N", title=None, scale=alt.Scale(range=["circle", "triangle-up"])),
            color=alt.Color(
                "class:N", scale=alt.Scale(range=[OKABE_ITO["blue"], OKABE_ITO["vermillion"]]), legend=None
            ),
        )
    )
    # The height holds the title, the axes and the legends too (Streamlit fits the chart to it).
    chart = alt.layer(cells, classes).resolve_scale(color="independent").properties(title=title, height=460)
    return style_chart(chart)


@render.register
def lp_gradients(histogram: pd.DataFrame, lines: pd.DataFrame, title: str) -> alt.LayerChart:
    """How many weight gradients have each magnitude (``decade, count, fate``; log₁₀ bins), with the
    limits of float16 as lines (``decade, label, row``: log₁₀ of the limit, its name, which text row)."""
    t = theme()
    ends = pd.concat([histogram["decade"], histogram["decade"] + 0.25, lines["decade"]])
    low, high = (float(ends.min()) - 0.5, float(ends.max()) + 0.5) if len(ends) else (-9.0, 1.0)
    x = alt.X(
        "decade:Q",
        title="|gradient| (log scale)",
        bin="binned",
        scale=alt.Scale(domain=[low, high], nice=False),
        axis=alt.Axis(labelExpr="'1e' + datum.value", tickMinStep=1),
    )
    fates = sorted(set(histogram["fate"]))
    bars = (
        alt.Chart(histogram)
        .transform_calculate(end="datum.decade + 0.25")
        .mark_bar(clip=True)
        .encode(
            x=x,
            x2="end:Q",
            y=alt.Y(
                "count:Q",
                title="weights",
                stack=True,  # head room for the lines' labels
                scale=alt.Scale(domain=[0, 1.5 * max(_tallest(histogram), 1)], nice=False),
            ),
            color=alt.Color(
                "fate:N",
                title=None,
                scale=alt.Scale(
                    domain=fates,
                    range=[OKABE_ITO["vermillion"] if f.startswith("flushed") else OKABE_ITO["sky"] for f in fates],
                ),
            ),
            tooltip=[alt.Tooltip("fate:N"), alt.Tooltip("count:Q"), alt.Tooltip("decade:Q", title="log₁₀ |g| from")],
        )
    )
    rules = (
        alt.Chart(lines)
        .mark_rule(color=OKABE_ITO["black"], strokeDash=[4, 3], strokeWidth=2, clip=True)
        .encode(x="decade:Q")
    )
    text = (
        alt.Chart(lines)
        .transform_calculate(top=f"4 + datum.row * {t.font_size + 4}")
        .mark_text(
            align="left",
            dx=4,
            fontSize=t.font_size - 1,
            baseline="top",
            clip=True,
        )
        .encode(x="decade:Q", y=alt.Y("top:Q", scale=None), text="label:N")
    )
    return style_chart(alt.layer(bars, rules, text).properties(title=title, height=330))


def _tallest(histogram: pd.DataFrame) -> int:
    return int(histogram.groupby("decade")["count"].sum().max()) if len(histogram) else 0


__all__ = ["RUN_STYLE", "lp_boundary", "lp_gradients", "lp_losses", "lp_scale", "lp_share"]
