"""Charts of the Chain rule lesson: how much gradient reaches each layer."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.render import register, thin
from ui.theme import OKABE_ITO, style_chart, theme

# Each activation keeps a colour and a point shape; each weight scale a dash.
ACTIVATION_STYLE = {
    "sigmoid": (OKABE_ITO["vermillion"], "circle"),
    "tanh": (OKABE_ITO["blue"], "square"),
    "relu": (OKABE_ITO["green"], "triangle-up"),
}
SCALE_DASHES = [[], [8, 4], [2, 3], [10, 3, 2, 3], [4, 2], [12, 2]]


def _scale_label(w: float) -> str:
    return f"w = {w:g}"


@register
def gradient_by_layer(flow: pd.DataFrame) -> alt.LayerChart:
    """Log-scale gradient magnitude reaching each layer, one line per activation and weight scale.

    `flow` is ``core.chain_rule.gradient_flow``'s frame. Layer 1 is farthest
    from the loss. A dotted line marks 0.25 per layer, the most a sigmoid
    layer with w = 1 can pass back. Gradients of exactly 0 (a dead ReLU)
    cannot sit on a log axis and are left out; the caption says so.
    """
    t = theme()
    data = flow[flow["gradient"] > 0].copy()
    data["scale"] = data["weight_scale"].map(_scale_label)
    data["line"] = data["activation"] + ", " + data["scale"]
    data = thin(data, ["activation", "weight_scale"])
    activations = [a for a in ACTIVATION_STYLE if a in set(data["activation"])]
    scales = [_scale_label(w) for w in sorted(set(data["weight_scale"]))]
    layers = int(flow["layer"].max())
    bound = pd.DataFrame({"layer": np.arange(1, layers + 1)})
    bound["gradient"] = 0.25 ** (layers - bound["layer"] + 1)
    bound["what"] = "0.25 per layer: sigmoid's most at w = 1"

    x = alt.X(
        "layer:Q",
        title="layer (1 = farthest from the loss)",
        scale=alt.Scale(domain=[1, max(layers, 2)], nice=False),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    y = alt.Y(
        "gradient:Q", title="|gradient reaching the layer|", scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e")
    )
    color_scale = alt.Scale(domain=activations, range=[ACTIVATION_STYLE[a][0] for a in activations])
    color = alt.Color("activation:N", title="activation", sort=activations, scale=color_scale)
    shape = alt.Shape(
        "activation:N",
        title="activation",
        sort=activations,
        scale=alt.Scale(domain=activations, range=[ACTIVATION_STYLE[a][1] for a in activations]),
    )
    dash = alt.StrokeDash(
        "scale:N", title="weights", sort=scales, scale=alt.Scale(domain=scales, range=SCALE_DASHES[: len(scales)])
    )
    tooltip = [
        alt.Tooltip("activation:N"),
        alt.Tooltip("scale:N", title="weights"),
        alt.Tooltip("layer:Q"),
        alt.Tooltip("factors:Q", title="factors in the product"),
        alt.Tooltip("gradient:Q", format=".3e"),
    ]
    lines = alt.Chart(data).mark_line().encode(x=x, y=y, color=color, strokeDash=dash, detail="line:N", tooltip=tooltip)
    points = (
        alt.Chart(data)
        .mark_point(filled=True, size=t.point_size * 0.6, opacity=0.9)
        .encode(x=x, y=y, color=color, shape=shape, detail="line:N", tooltip=tooltip)
    )
    # Each line named on the line too, so no line is told apart by colour alone;
    # each activation's names sit at a different layer, so they do not overlap.
    at_layer = {a: 1 + round(k * (layers - 1) / len(activations)) for k, a in enumerate(activations)}
    ends = data[data["layer"] == data["activation"].map(at_layer)]
    labels = (
        alt.Chart(ends)
        .mark_text(align="left", dx=6, dy=-11, fontSize=t.font_size - 1, fontWeight="bold")
        .encode(x=x, y=y, color=alt.Color("activation:N", scale=color_scale, legend=None), text="line:N")
    )
    reference = (
        alt.Chart(bound)
        .mark_line(color=OKABE_ITO["black"], strokeDash=[1, 3], strokeWidth=1.5)
        .encode(
            x=x, y=y, tooltip=[alt.Tooltip("what:N"), alt.Tooltip("layer:Q"), alt.Tooltip("gradient:Q", format=".3e")]
        )
    )
    chart = alt.layer(reference, lines, points, labels).resolve_scale(color="shared")
    return style_chart(chart.properties(height=t.chart_height + 60))
