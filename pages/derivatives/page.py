"""Lesson 1 — Derivatives: the slope as rise over run, and why it breaks."""

import math

import streamlit as st

from core import derivatives
from core.derivatives import METHODS
from core.expressions import parse_expression
from core.numeric import ulp
from pages.derivatives import charts, keys, state, words
from ui import numbers, page, predict, render, slopes, symbolic
from ui.controls import (
    format_step,
    precision_pills,
    preset_button,
    segmented,
    step_size_slider,
)
from ui.function_input import function_input
from ui.show_code import show_code

W = "w"

page.header(
    "Derivatives: which way is downhill?",
    "A model with one weight *w* stands on its loss curve, blindfolded. Rise over run, "
    "**(f(w + h) − f(w)) / h**, estimates the slope — until h is so small that the computer "
    "cannot tell *w + h* from *w*.",
)


def _reveal_cancellation() -> None:
    estimate = float(derivatives.finite_difference(parse_expression("w^2", (W,)), 3.0, 1e-17, variable=W))
    st.markdown(
        f"The computer's answer: **{estimate}**. In float64, 3.0 + 1e-17 rounds back to 3.0 "
        f"(the gap between neighbouring floats at 3 is {ulp(3.0):.2e}), so f(w + h) − f(w) = 9 − 9 = 0 "
        "and 0 / 1e-17 = 0. Smaller h was supposed to be *more* accurate; below the best h it is less, and here "
        "it is completely wrong."
    )
    preset_button(
        "Show it below", {keys.F: "w**2", keys.W: 3.0, keys.H: 1e-17, keys.METHOD: "forward"}, key=keys.Q1_SHOW
    )


predict.ask(
    predict.Question(
        key=keys.Q1,
        prompt="Loss = w², w = 3, h = 1e-17 in float64 — what will the forward difference give?",
        choices=(
            "About 6.01, like h = 0.01",
            "Almost exactly 6: smaller h is more accurate",
            "Exactly 0",
            "NaN or an error",
        ),
        answer=2,
        explain=_reveal_cancellation,
    )
)


@st.fragment
@page.guarded
def _lesson() -> None:
    """The controls and everything they drive: moving one reruns this, not the header, question or code."""
    with st.container(border=True):
        left, middle, right = st.columns([2.2, 1, 3])
        text, analysis = function_input("Loss function", key=keys.F, default="w**2", variables=(W,), container=left)
        w = middle.number_input(
            "Point w", key=keys.W, value=3.0, min_value=-1e6, max_value=1e6, step=0.5, bind="query-params"
        )
        h = step_size_slider("Step size h", key=keys.H, default=0.01, container=right)
        left, right = st.columns([1, 1])
        dtypes = precision_pills("Precisions", key=keys.DTYPES, container=left)
        method = segmented(right, "Method", list(METHODS), default="forward", key=keys.METHOD)

    expr = analysis.expr
    slope = symbolic.slope(text, (W,), W, (w,))
    exact = slope.value if slope.exists else math.nan
    if not dtypes:
        st.info("Pick at least one precision above to compare its estimate with the exact slope.")
        st.stop()

    # Headline: the exact slope, then each precision's estimate and its error.
    table = derivatives.estimates_table(expr, w, h, dtypes=dtypes, method=method, variable=W)
    columns = st.columns(len(dtypes) + 1)
    columns[0].metric(
        "Exact slope (calculus)", slopes.slope_label(slope), help=f"d/d{W} of {text}, from sympy, at {W} = {w:g}"
    )
    for column, row in zip(columns[1:], table.itertuples()):
        column.metric(
            f"{row.dtype} estimate",
            "unavailable" if row.outcome == "unavailable" else numbers.number(row.estimate, row.dtype),
            delta=None if row.outcome == "unavailable" or not slope.exists else f"error {numbers.error(row.error)}",
            delta_color="off",
            delta_arrow="off",
            help=f"{method} difference with h = {format_step(h)}, every operation rounded to {row.dtype}",
        )

    scopes = {d: derivatives.microscope(expr, w, h, dtype=d, variable=W) for d in dtypes}
    estimates = {row.dtype: row.estimate for row in table.itertuples() if row.outcome != "unavailable"}
    if slope.exists:
        for severity, sentences in words.verdicts(scopes.values(), exact, W, method, estimates).items():
            getattr(st, severity)("\n".join(f"- {s}" for s in sentences) if len(sentences) > 1 else sentences[0])
    else:
        st.warning(" ".join(filter(None, [slopes.no_slope(slope, text, W, w), slopes.estimates_what(slope, method)])))
    if len(estimates) < len(dtypes):
        st.info(words.unavailable(method, analytic=derivatives.analytic(expr)))

    tab_error, tab_scope, tab_secant, tab_exact, tab_direction = st.tabs(
        [
            "Error against h",
            "Under the microscope",
            "Secant vs tangent",
            "The exact derivative",
            "Which way is downhill?",
        ],
        key=keys.TAB,
        on_change="rerun",
        bind="query-params",
    )

    if tab_error.open and not estimates:
        tab_error.info("No precision chosen can run this method, so there is no error to draw.")
    elif tab_error.open and not slope.exists:
        tab_error.info("There is no exact slope here to measure the estimates' error against; move the point.")
    elif tab_error.open:
        sweep_key = (text, (W,), w, tuple(dtypes), (method,))
        render.show(
            charts.error_vs_h,
            key=sweep_key,
            data=lambda: (state.error_sweep(*sweep_key), *state.model_table(text, W, w, tuple(dtypes), (method,))),
            params={"current_h": h},
            container=tab_error,
            alt=f"Log-log chart of the {method} difference's error against h for {', '.join(dtypes)}: "
            "the error falls as h shrinks, then rises again as round-off takes over, and ends in exact cancellation.",
        )
        truncation, roundoff = words.error_model_terms(method)
        tab_error.caption(
            f"Dotted lines: the error model, truncation {truncation} plus round-off {roundoff}. "
            "Diamonds: the h where the model is smallest. "
            "Points in the grey bands could not be drawn on a log axis."
        )

    if tab_scope.open:
        with tab_scope:
            st.markdown(
                f"The forward difference at {W} = {w:g}, h = {format_step(h)}, in each precision"
                + ("" if method == "forward" else f" (the {method} method subtracts in the same way)")
                + ":"
            )
            for scope in scopes.values():  # one under another: float64's 52 mantissa bits need the full width
                st.code(words.microscope_text(scope, W), language=None)

    if tab_secant.open:
        primary = scopes[dtypes[0]]
        x_h, y_h = derivatives.secant_point(expr, w, h, variable=W)
        render.show(
            charts.secant_tangent,
            key=(text, w),
            data=lambda: (*derivatives.secant_and_tangent(expr, w, variable=W), W),
            container=tab_secant,
            params={"secant_slope": primary.estimate, "x_h": x_h, "y_h": y_h},
            alt=f"The curve f({W}) with its exact tangent at {W} = {w:g} (slope {numbers.number(exact)}) "
            f"and the secant through {W} and {W} + h (slope {numbers.number(primary.estimate)}).",
        )
        tab_secant.caption(
            f"The secant uses the {dtypes[0]} estimate. A large h misses the tangent; a vanished h flattens it."
        )

    if tab_exact.open:
        with tab_exact:
            st.latex(rf"f({W}) = {analysis.latex}")
            for step in state.derivation(text, W):
                st.markdown(f"*{step.rule}*")
                st.latex(step.latex)
            if slope.exists:
                st.latex(rf"f'({w:g}) = {numbers.number(exact)}")
                st.markdown(
                    "No h, no subtraction, no cancellation: the exact derivative is the same in every precision."
                )
            else:
                st.markdown(slopes.no_slope(slope, text, W, w))

    if tab_direction.open:
        with tab_direction:
            st.markdown(words.direction_sentence(exact, W) if slope.exists else slopes.no_slope(slope, text, W, w))
            st.markdown(
                "The sign of the slope is the compass. A second example from the course: "
                "Loss = (w − 4)² at w = 6 has slope 2(w − 4) = 4, positive, so decrease w."
            )
            preset_button("Try it: Loss = (w − 4)² at w = 6", {keys.F: "(w-4)**2", keys.W: 6.0}, key=keys.TRY_SECOND)


_lesson()

show_code(
    derivatives.finite_difference,
    equivalent=(
        "import numpy as np\n\n"
        "w = np.float64(3.0)\n"
        "f = lambda w: w**2\n"
        "for h in (0.01, 1e-17):\n"
        "    print(h, (f(w + h) - f(w)) / h)   # forward difference: 6.009999999999849, then 0.0\n"
        "print(2 * w)                          # the exact derivative: 6.0\n\n"
        "# PyTorch computes the exact derivative by backpropagation:\n"
        "import torch\n"
        "w = torch.tensor(3.0, requires_grad=True)\n"
        "loss = w**2\n"
        "loss.backward()\n"
        "print(w.grad)   # tensor(6.)"
    ),
    language_note="The course's example, Loss = w² at w = 3, in a few lines of numpy and PyTorch:",
)
