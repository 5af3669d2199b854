"""The chart render engine every lesson shares: one cached Vega-Lite spec per (builder, data, theme).

A lesson's charts module defines builders (tidy DataFrames in, a chart passed through
``theme.style_chart`` out, at most ``MAX_ROWS`` rows) and registers them with
:func:`register`; :func:`show` draws one. The engine names no lesson's chart.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.dataframe_util import convert_anything_to_arrow_bytes

from ui.theme import PRECISION_STYLE
from ui.theme import presenting as theme_presenting

MAX_ROWS = 2000


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


# --- rendering: one Vega-Lite spec per (builder, data, theme), cached ---------

_BUILDERS: dict = {}  # name -> builder; each lesson registers its own (see register)


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

    columns = {
        k: pa.array([None if v is None or not math.isfinite(v) else float(v)], pa.float64()) for k, v in values.items()
    }
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
