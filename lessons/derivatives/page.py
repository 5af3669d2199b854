"""Lesson 1 — Derivatives: the slope as rise over run, and why it breaks."""

import math
from dataclasses import dataclass

import streamlit as st

from core import derivatives
from core.derivatives import METHODS
from core.expressions import parse_expression
from core.numeric import ulp
from lessons.derivatives import keys, tabs, words
from ui import numbers, page, predict, slopes, symbolic
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


@dataclass(frozen=True)
class Reading:
    """What the controls say: the function, the point, h, the precisions and the method, and the exact slope."""

    text: str
    analysis: derivatives.Analysis
    w: float
    h: float
    dtypes: tuple[str, ...]
    method: str
    slope: derivatives.Slope

    @property
    def exact(self) -> float:
        return self.slope.value if self.slope.exists else math.nan


def _controls() -> Reading:
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
    return Reading(text, analysis, w, h, tuple(dtypes), method, symbolic.slope(text, (W,), W, (w,)))


def _headline(r: Reading, table) -> None:
    """The exact slope, then each precision's estimate and its error."""
    columns = st.columns(len(r.dtypes) + 1)
    columns[0].metric(
        "Exact slope (calculus)", slopes.slope_label(r.slope), help=f"d/d{W} of {r.text}, from sympy, at {W} = {r.w:g}"
    )
    for column, row in zip(columns[1:], table.itertuples()):
        column.metric(
            f"{row.dtype} estimate",
            "unavailable" if row.outcome == "unavailable" else numbers.number(row.estimate, row.dtype),
            delta=None if row.outcome == "unavailable" or not r.slope.exists else f"error {numbers.error(row.error)}",
            delta_color="off",
            delta_arrow="off",
            help=f"{r.method} difference with h = {format_step(r.h)}, every operation rounded to {row.dtype}",
        )


def _verdicts(r: Reading, scopes: dict, estimates: dict) -> None:
    """What each estimate means, worst first; or why there is no slope to estimate."""
    if r.slope.exists:
        for severity, sentences in words.verdicts(scopes.values(), r.exact, W, r.method, estimates).items():
            getattr(st, severity)("\n".join(f"- {s}" for s in sentences) if len(sentences) > 1 else sentences[0])
    else:
        no_slope = slopes.no_slope(r.slope, r.text, W, r.w)
        st.warning(" ".join(filter(None, [no_slope, slopes.estimates_what(r.slope, r.method)])))
    if len(estimates) < len(r.dtypes):
        st.info(words.unavailable(r.method, analytic=derivatives.analytic(r.analysis.expr)))


@st.fragment
@page.guarded
def _lesson() -> None:
    """The controls and everything they drive: moving one reruns this, not the header, question or code."""
    r = _controls()
    if not r.dtypes:
        st.info("Pick at least one precision above to compare its estimate with the exact slope.")
        st.stop()
    expr = r.analysis.expr
    table = derivatives.estimates_table(expr, r.w, r.h, dtypes=r.dtypes, method=r.method, variable=W)
    scopes = {d: derivatives.microscope(expr, r.w, r.h, dtype=d, variable=W) for d in r.dtypes}
    estimates = {row.dtype: row.estimate for row in table.itertuples() if row.outcome != "unavailable"}
    _headline(r, table)
    _verdicts(r, scopes, estimates)
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
    for tab, draw in (
        (tab_error, lambda: tabs.error_against_h(r, estimates)),
        (tab_scope, lambda: tabs.microscope(r, scopes)),
        (tab_secant, lambda: tabs.secant(r, scopes)),
        (tab_exact, lambda: tabs.exact(r)),
        (tab_direction, lambda: tabs.downhill(r)),
    ):
        if tab.open:
            with tab:
                draw()


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
