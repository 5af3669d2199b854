"""One place for how the app looks: fonts, colours, line styles, presenter mode.

Presenter mode is a single session setting (sidebar toggle, or ``?present=1``
in the URL). Every chart goes through :func:`style_chart` and the page CSS
through :func:`apply_page_style`, so turning it on changes everything at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import streamlit as st

PRESENT_KEY = "present"

# Okabe & Ito's colour-blind-safe palette (Color Universal Design, 2002).
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

# Each precision keeps its colour and dash on every page; colour is never the
# only cue (dashes and labels differ too).
PRECISION_STYLE = {
    "float64": (OKABE_ITO["blue"], []),
    "float32": (OKABE_ITO["orange"], [8, 4]),
    "float16": (OKABE_ITO["green"], [2, 3]),
    "bfloat16": (OKABE_ITO["purple"], [10, 3, 2, 3]),
    "exact": (OKABE_ITO["black"], []),
}


@dataclass(frozen=True)
class Theme:
    font_size: int  # axis tick labels, legend labels
    title_size: int  # axis titles, chart titles
    stroke_width: float
    point_size: int
    chart_height: int
    body_scale: float  # page text, relative to Streamlit's default


NORMAL = Theme(font_size=13, title_size=14, stroke_width=2.5, point_size=70, chart_height=340, body_scale=1.0)
PRESENTER = Theme(font_size=18, title_size=20, stroke_width=4.0, point_size=150, chart_height=360, body_scale=1.3)


def presenting() -> bool:
    return bool(st.session_state.get(PRESENT_KEY, False))


def theme() -> Theme:
    return PRESENTER if presenting() else NORMAL


_TRUE = {"1", "true", "yes", "on"}


def presenter_toggle() -> None:
    """The sidebar switch, kept in step with ``?present=1`` in the address bar.

    (A bound toggle would only understand ``?present=true``; teachers type 1.)
    """
    st.sidebar.toggle(
        "Presenter mode",
        value=st.query_params.get(PRESENT_KEY, "").lower() in _TRUE,
        key=PRESENT_KEY,
        persist_state="session",
        help="Larger text and thicker lines for a projector; hides the toolbar. Same as ?present=1 in the address.",
    )
    if presenting():
        if st.query_params.get(PRESENT_KEY) != "1":
            st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


def apply_page_style() -> None:
    """Page-wide CSS: readable type always, larger type in presenter mode."""
    t = theme()
    hide_chrome = (
        """
        [data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stDecoration"],
        [data-testid="stStatusWidget"], .developer-note { display: none !important; }
        h1 { font-size: 2.2rem !important; padding-top: 0 !important; }
        [data-testid="stMetricValue"] { font-size: 1.7rem !important; }
        /* The lesson links keep their size so that all five fit on one row at 1280 px. */
        [data-testid="stTopNav"] * { font-size: 16px !important; }
        [data-testid="stTopNavLink"] { padding: 0 8px !important; }
        """
        if presenting()
        else ""
    )
    st.html(
        f"""<style>
        html {{ font-size: {round(16 * t.body_scale)}px; }}
        .stMainBlockContainer {{ padding-top: 4rem; max-width: 1400px; }}
        [data-testid="stMetricValue"] {{ font-variant-numeric: tabular-nums; }}
        [data-testid="stMetricValue"] * {{ white-space: normal !important; overflow-wrap: anywhere; text-overflow: clip !important; }}
        code {{ font-size: 0.95em; }}
        {hide_chrome}
        </style>"""
    )


def style_chart(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Fonts, sizes and line widths for one chart, from the current theme."""
    t = theme()
    return (
        chart.configure_axis(
            labelFontSize=t.font_size,
            titleFontSize=t.title_size,
            labelColor="#111",
            titleColor="#111",
            gridColor="#e6e6e6",
        )
        .configure_legend(
            labelFontSize=t.font_size, titleFontSize=t.title_size, symbolStrokeWidth=t.stroke_width, orient="bottom"
        )
        .configure_title(fontSize=t.title_size + 2, anchor="start")
        .configure_line(strokeWidth=t.stroke_width)
        .configure_point(size=t.point_size)
        .configure_view(strokeWidth=0)
    )
