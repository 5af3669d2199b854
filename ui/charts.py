"""Altair chart builders: tidy DataFrames in, styled charts out.

Every builder returns a chart already passed through ``theme.style_chart``,
and sends at most ``MAX_ROWS`` rows to the browser.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from ui.theme import OKABE_ITO, PRECISION_STYLE, style_chart, theme
from ui.theme import presenting as theme_presenting

MAX_ROWS = 2000

OUTCOME_LABELS = {
    "zero": "estimate exactly 0 (total cancellation)",
    "exact": "error exactly 0",
    "nan": "NaN (0/0)",
    "inf": "inf (overflow)",
}


def thin(frame: pd.DataFrame, by: list[str], max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """Keep every k-th row of each group so the whole frame fits in `max_rows`."""
    if len(frame) <= max_rows:
        return frame
    groups = max(frame.groupby(by, sort=False).ngroups, 1)
    per_group = max(max_rows // groups, 2)
    parts = []
    for _, group in frame.groupby(by, sort=False):
        k = math.ceil(len(group) / per_group)
        parts.append(group.iloc[::k])
    return pd.concat(parts, ignore_index=True)


def precision_color(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=[PRECISION_STYLE[d][0] for d in domain])


def precision_dash(domain: list[str]) -> alt.Scale:
    return alt.Scale(domain=domain, range=[PRECISION_STYLE[d][1] for d in domain])


def _log_ticks(low: float, high: float) -> list[float]:
    return [10.0**k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1, 2)]


def _decade(value: float, shift: int) -> float:
    """The power of ten `shift` decades beyond `value`'s own, kept inside float64's range (1e-300 .. 1e300)."""
    exponent = (math.floor if shift < 0 else math.ceil)(math.log10(value)) + shift
    return 10.0 ** min(max(exponent, -300), 300)


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

    x = alt.X("h:Q", scale=alt.Scale(type="log", domain=[data["h"].min(), data["h"].max()]),
              axis=alt.Axis(format=".0e", values=_log_ticks(data["h"].min(), data["h"].max()), title="step size h"))
    y = alt.Y("plotted:Q", scale=alt.Scale(type="log", domain=[low, high]),
              axis=alt.Axis(format=".0e", title="|estimate − exact slope|"))
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
    lines = alt.Chart(finite_rows).mark_line(point=False).encode(
        x=x, y=y, color=color, strokeDash=alt.StrokeDash("method:N", title="method"), detail="method:N", tooltip=tooltip
    )
    flagged = alt.Chart(data[data["outcome"] != "ok"]).mark_point(filled=True, opacity=0.85).encode(
        x=x, y=y, color=color, shape=alt.Shape("what:N", title="cannot be drawn on a log axis"), tooltip=tooltip
    )
    layers = [band_layer, lines, flagged]
    if len(model):
        layers.append(
            alt.Chart(model).mark_line(strokeDash=[2, 3], opacity=0.55, clip=True).encode(
                x=x, y=alt.Y("model:Q"), color=color, detail="method:N",
                tooltip=[alt.Tooltip("dtype:N"), alt.Tooltip("method:N"), alt.Tooltip("h:Q", format=".2e"),
                         alt.Tooltip("model:Q", title="modelled error", format=".2e")],
            )
        )
    if len(best):
        layers.append(
            alt.Chart(best).mark_point(shape="diamond", filled=True, size=t.point_size * 2, stroke="black").encode(
                x=x, y=alt.Y("model:Q"), color=color,
                tooltip=[alt.Tooltip("dtype:N"), alt.Tooltip("method:N"), alt.Tooltip("h:Q", title="best h", format=".2e")],
            )
        )
    current = alt.XDatum(alt.expr("current_h"), type="quantitative")
    layers.append(alt.Chart().mark_rule(color=OKABE_ITO["vermillion"], strokeWidth=t.stroke_width).encode(x=current))
    layers.append(
        alt.Chart()
        .mark_text(align="left", dx=5, color=OKABE_ITO["vermillion"], fontSize=t.font_size, fontWeight="bold",
                   text=alt.expr("'your h = ' + format(current_h, '.0e')"))
        .encode(x=current, y=alt.value(12))
    )
    chart = alt.layer(*layers).add_params(alt.param(name="current_h", value=1e-2))
    return style_chart(chart.properties(height=t.chart_height).resolve_scale(shape="independent"))


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
    at_h = {"x": alt.XDatum(alt.expr("x_h"), type="quantitative"), "y": alt.YDatum(alt.expr("y_h"), type="quantitative")}
    point_h = alt.Chart().mark_point(filled=True, color=OKABE_ITO["vermillion"], size=t.point_size * 1.5).encode(**at_h)
    label_h = alt.Chart().mark_text(dy=18, fontSize=t.font_size, fontWeight="bold", color=OKABE_ITO["vermillion"],
                                    text=f"{variable} + h").encode(**at_h)
    layers = [
        alt.Chart(curve).mark_line(color=OKABE_ITO["blue"], strokeWidth=t.stroke_width).encode(
            x=x, y=y, tooltip=[alt.Tooltip("x:Q", title=variable, format=".4f"), alt.Tooltip("y:Q", title="f", format=".4f")]
        ),
        alt.Chart(tangent).mark_line(color=OKABE_ITO["black"], clip=True).encode(
            x=x, y=y, tooltip=[alt.Tooltip("line:N"), alt.Tooltip("slope:Q", format=".6g")]
        ),
        secant,
        alt.Chart(anchor).mark_point(filled=True, color="black", size=t.point_size * 1.5).encode(x=x, y=y),
        alt.Chart(anchor).mark_text(dy=-16, fontSize=t.font_size, fontWeight="bold").encode(x=x, y=y, text=alt.value(variable)),
        point_h,
        label_h,
    ]
    params = [alt.param(name=n, value=0.0) for n in ("secant_slope", "x_h", "y_h")]
    return style_chart(alt.layer(*layers).add_params(*params).properties(height=t.chart_height))


# --- rendering: one Vega-Lite spec per (builder, data, theme), cached ---------

_BUILDERS = {f.__name__: f for f in (error_vs_h, secant_tangent)}


def register(builder):
    """Make a chart builder renderable through :func:`show` (use as a decorator)."""
    _BUILDERS[builder.__name__] = builder
    return builder


PARAMS = "chart_params"  # the one-row dataset that carries a chart's parameter values


@st.cache_data(max_entries=256, show_spinner=False)
def _spec(builder: str, presenting: bool, key: tuple, _data: Callable[[], tuple]) -> tuple[dict, dict]:
    """The chart's Vega-Lite spec with its data as Arrow, and its parameters' defaults."""
    spec = _BUILDERS[builder](*_data()).to_dict(validate=False)
    # Serialise the datasets to Arrow once, here, instead of on every rerun.
    spec["datasets"] = {
        name: convert_anything_to_arrow_bytes(pd.DataFrame(values)) for name, values in spec.get("datasets", {}).items()
    }
    defaults = params_from_data(spec)
    # SVG: when a parameter moves, Vega updates the few marks it touches instead of
    # repainting every mark on a canvas (the contour maps hold over a thousand), and text stays
    # sharp on a projector.
    spec["usermeta"] = {**spec.get("usermeta", {}), "embedOptions": {"renderer": "svg"}}
    if defaults:
        spec["datasets"][PARAMS] = _param_row(defaults)
    return spec, defaults


def params_from_data(spec: dict) -> dict:
    """Make the spec's value parameters read their values from the dataset ``PARAMS``; returns their defaults.

    Streamlit rebuilds a chart's whole Vega view when its spec changes but
    only swaps the data when just a dataset changes, several times cheaper in
    the browser. So a parameter such as the current h is not written into
    the spec: it becomes ``data('chart_params')[0].name``, and each rerun
    sends a one-row dataset. A layer that draws nothing references the
    dataset, so that Vega-Lite keeps it in the view.
    """
    defaults = {}

    def visit(node) -> None:
        if isinstance(node, dict):
            for param in node.get("params", []):
                if "value" in param and "select" not in param and "bind" not in param:
                    name, default = param["name"], param.pop("value")
                    defaults[name] = default
                    param["expr"] = f"length(data('{PARAMS}')) ? data('{PARAMS}')[0]['{name}'] : {json.dumps(default)}"
            for child in node.values():
                visit(child)
        elif isinstance(node, list):
            for child in node:
                visit(child)

    visit({k: v for k, v in spec.items() if k != "datasets"})
    if defaults:
        layers = _first_layer_list(spec)
        if layers is None:
            raise ValueError("a chart with parameters must contain a layer chart to carry them")
        layers.append({"data": {"name": PARAMS}, "mark": {"type": "text", "text": ""}, "encoding": {}})
    return defaults


def _first_layer_list(node: dict) -> list | None:
    if isinstance(node.get("layer"), list):
        return node["layer"]
    for composition in ("vconcat", "hconcat", "concat"):
        for child in node.get(composition, []):
            found = _first_layer_list(child)
            if found is not None:
                return found
    return None


def _param_row(values: dict) -> bytes:
    """One row of float64 columns as Arrow; a value that cannot be drawn (NaN, inf) becomes null."""
    import pyarrow as pa

    columns = {k: pa.array([None if v is None or not math.isfinite(v) else float(v)], pa.float64())
               for k, v in values.items()}
    return convert_anything_to_arrow_bytes(pa.table(columns))  # a pyarrow table skips pandas: 0.07 ms, not 1.1


def show(builder, *, key: tuple, data: Callable[[], tuple], alt: str, params: dict | None = None, container=st) -> None:
    """Draw ``builder(*data())``; `params` set Vega-Lite parameters without a rebuild.

    Building an Altair chart and serialising its data costs tens to hundreds
    of milliseconds, far too slow for a slider. The spec is built once per
    (builder, `key`, theme), where `key` holds the plain values the data
    comes from, and `data` is called only then. Per-rerun values such as the
    current h travel as Vega-Lite parameters, sent as a one-row dataset (see
    :func:`params_from_data`), so the browser updates the chart in place.
    Every chart gets a button that downloads its data as CSV (built only
    when clicked).
    """
    spec, defaults = _spec(builder.__name__, theme_presenting(), key, data)
    if params:
        unknown = set(params) - set(defaults)
        if unknown:
            raise ValueError(f"{builder.__name__} has no parameter {', '.join(sorted(unknown))}")
        spec["datasets"][PARAMS] = _param_row({**defaults, **params})
    container.vega_lite_chart(spec=spec, alt=alt, width="stretch")
    container.download_button(
        "Download this chart's data (CSV)",
        lambda: _csv(data()),
        file_name=f"{builder.__name__}.csv",
        mime="text/csv",
        key=f"csv-{builder.__name__}-{_stable_id(key)}",
        on_click="ignore",
        type="tertiary",
        icon=":material/download:",
    )


def _csv(arguments: tuple) -> str:
    """The chart's tables as one CSV; several tables are stacked with a `table` column."""
    frames = [a for a in arguments if isinstance(a, pd.DataFrame)]
    if len(frames) == 1:
        return frames[0].to_csv(index=False)
    return pd.concat([f.assign(table=i) for i, f in enumerate(frames)], ignore_index=True).to_csv(index=False)


def _stable_id(key: tuple) -> str:
    import hashlib

    return hashlib.sha1(repr(key).encode()).hexdigest()[:10]
