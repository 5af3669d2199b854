"""Shared widgets: every control that changes a view is bound to the URL."""

from __future__ import annotations

import streamlit as st

from core.numeric import DTYPES

# Round step sizes from 1e-20 to 1: 1, 2 and 5 in every decade, parsed from
# text so that 1e-17 is exactly the float a student types.
STEP_SIZES: tuple[float, ...] = tuple(float(f"{m}e{k}") for k in range(-20, 0) for m in (1, 2, 5)) + (1.0,)


def format_step(h: float) -> str:
    return f"{h:.0e}".replace("e-0", "e-").replace("e+00", "")


def step_size_slider(label: str, *, key: str, default: float = 0.01, container=st) -> float:
    """h on a log scale from 1e-20 to 1, in round steps (1, 2, 5 per decade)."""
    return container.select_slider(
        label,
        options=STEP_SIZES,
        value=default,
        format_func=format_step,
        key=key,
        bind="query-params",
        help="The run of rise over run. Smaller is more accurate, until round-off wins.",
    )


def precision_pills(
    label: str, *, key: str, default: tuple[str, ...] = ("float64", "float32"), container=st
) -> list[str]:
    """Which floating-point formats to compare, in a fixed order."""
    chosen = container.pills(
        label,
        list(DTYPES),
        selection_mode="multi",
        default=list(default),
        key=key,
        bind="query-params",
        help="float64 and float32 are numpy's; float16 and bfloat16 are the formats GPUs train in.",
    )
    return [d for d in DTYPES if d in (chosen or [])]


def preset_button(label: str, values: dict, *, key: str, container=st) -> None:
    """A button that sets several bound widgets at once (and so the URL)."""

    def apply() -> None:
        for name, value in values.items():
            st.session_state[name] = value

    if container.button(label, key=key, on_click=apply, icon=":material/play_arrow:"):
        # The controls it sets may live outside the fragment the button is in: redraw the whole page.
        st.rerun(scope="app")


def segmented(container, label: str, options, *, default, key: str, **kwargs):
    """A required single choice, bound to the URL, that never comes back empty.

    ``required=True`` stops a click from clearing it, but an empty value in
    the address (``?key=``) still clears a bound control; fall back to the
    default then.
    """
    value = container.segmented_control(
        label, options, default=default, required=True, key=key, bind="query-params", **kwargs
    )
    return default if value is None else value


def clamp_to_range(key: str, low: float, high: float) -> None:
    """Keep a bound slider's value inside a range that comes from data (a graph's steps, a run's length).

    The value held in the session (a control moved) must not lie outside the new range, or the slider
    raises. (A value from the address bar of a bound widget cannot be rewritten by the script.)
    """
    if key in st.session_state:
        value = st.session_state[key]
        if isinstance(value, (int, float)) and not low <= value <= high:
            st.session_state[key] = type(value)(min(max(value, low), high))
