"""The Derivatives lesson's tabs: each draws what the controls (a page.Reading) say, when it is open."""

import streamlit as st

from core import derivatives
from lessons.derivatives import charts, keys, state, words
from ui import numbers, render, slopes
from ui.controls import format_step, preset_button

W = "w"


def error_against_h(r, estimates: dict) -> None:
    """The V of truncation against round-off, over 201 values of h, with the student's h on it."""
    if not estimates:
        st.info("No precision chosen can run this method, so there is no error to draw.")
        return
    if not r.slope.exists:
        st.info("There is no exact slope here to measure the estimates' error against; move the point.")
        return
    sweep_key = (r.text, (W,), r.w, r.dtypes, (r.method,))
    render.show(
        charts.error_vs_h,
        key=sweep_key,
        data=lambda: (state.error_sweep(*sweep_key), *state.model_table(r.text, W, r.w, r.dtypes, (r.method,))),
        params={"current_h": r.h},
        alt=f"Log-log chart of the {r.method} difference's error against h for {', '.join(r.dtypes)}: "
        "the error falls as h shrinks, then rises again as round-off takes over, and ends in exact cancellation.",
    )
    truncation, roundoff = words.error_model_terms(r.method)
    st.caption(
        f"Dotted lines: the error model, truncation {truncation} plus round-off {roundoff}. "
        "Diamonds: the h where the model is smallest. "
        "Points in the grey bands could not be drawn on a log axis."
    )


def microscope(r, scopes: dict) -> None:
    """The forward difference digit by digit and bit by bit, as each precision stores it."""
    st.markdown(
        f"The forward difference at {W} = {r.w:g}, h = {format_step(r.h)}, in each precision"
        + ("" if r.method == "forward" else f" (the {r.method} method subtracts in the same way)")
        + ":"
    )
    for scope in scopes.values():  # one under another: float64's 52 mantissa bits need the full width
        st.code(words.microscope_text(scope, W), language=None)


def secant(r, scopes: dict) -> None:
    """The secant through w and w + h against the exact tangent."""
    primary = scopes[r.dtypes[0]]
    expr = r.analysis.expr
    x_h, y_h = derivatives.secant_point(expr, r.w, r.h, variable=W)
    render.show(
        charts.secant_tangent,
        key=(r.text, r.w),
        data=lambda: (*derivatives.secant_and_tangent(expr, r.w, variable=W), W),
        params={"secant_slope": primary.estimate, "x_h": x_h, "y_h": y_h},
        alt=f"The curve f({W}) with its exact tangent at {W} = {r.w:g} (slope {numbers.number(r.exact)}) "
        f"and the secant through {W} and {W} + h (slope {numbers.number(primary.estimate)}).",
    )
    st.caption(f"The secant uses the {r.dtypes[0]} estimate. A large h misses the tangent; a vanished h flattens it.")


def exact(r) -> None:
    """The derivative from calculus, rule by rule, and its value at the point."""
    st.latex(rf"f({W}) = {r.analysis.latex}")
    for step in state.derivation(r.text, W):
        st.markdown(f"*{step.rule}*")
        st.latex(step.latex)
    if r.slope.exists:
        st.latex(rf"f'({r.w:g}) = {numbers.number(r.exact)}")
        st.markdown("No h, no subtraction, no cancellation: the exact derivative is the same in every precision.")
    else:
        st.markdown(slopes.no_slope(r.slope, r.text, W, r.w))


def downhill(r) -> None:
    """The sign of the slope as the compass."""
    st.markdown(words.direction_sentence(r.exact, W) if r.slope.exists else slopes.no_slope(r.slope, r.text, W, r.w))
    st.markdown(
        "The sign of the slope is the compass. A second example from the course: "
        "Loss = (w − 4)² at w = 6 has slope 2(w − 4) = 4, positive, so decrease w."
    )
    preset_button("Try it: Loss = (w − 4)² at w = 6", {keys.F: "(w-4)**2", keys.W: 6.0}, key=keys.TRY_SECOND)
