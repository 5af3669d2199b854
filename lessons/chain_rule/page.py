"""Lesson 3 — Chain rule: composite functions, computational graphs and backpropagation."""

import streamlit as st

from core import chain_rule
from core.derivatives import finite_difference
from core.expressions import symbol
from lessons.chain_rule import keys, state, tabs
from ui import numbers, page, predict
from ui.controls import segmented
from ui.function_input import function_input
from ui.show_code import show_code

page.header(
    "Chain rule: passing the blame back",
    "A network is a chain: Layer 1 → Layer 2 → Layer 3 → Loss. The gradient for an early weight is the "
    "**product of the local derivatives along the chain back from the loss**. Computing those products "
    "backward, one node at a time, is **backpropagation** — the chain rule, run on a graph.",
)


def _reveal_course_example() -> None:
    u, xx = symbol("u"), symbol("x")
    rule = chain_rule.chain_rule(u**2, 2 * xx + 3)
    at_one = float(rule.direct.subs(xx, 1))
    estimate = float(finite_difference(rule.composition, 1.0, 1e-5, method="central"))
    st.markdown(
        f"f′(g(x)) · g′(x) = 2(2x + 3) · 2 = 4(2x + 3), so at x = 1 the slope is **{at_one:g}** "
        f"(a central difference agrees: {estimate:.6f}). Forgetting the inner derivative g′ = 2 gives 10, half the truth."
    )


COURSE_EXAMPLE = predict.Question(
    key=keys.Q1,
    prompt="f(x) = (2x + 3)² at x = 1: what is df/dx?",
    choices=("2(2x + 3) = 10", "4(2x + 3) = 20", "2 · 2 = 4", "(2·1 + 3)² = 25"),
    answer=1,
    explain=_reveal_course_example,
)


def _compose_controls() -> tuple[str, str, float]:
    with st.container(border=True):
        left, middle, right = st.columns([2, 2, 1])
        outer_text, _ = function_input(
            "Outer function f(u)", key=keys.OUTER, default="u^2", variables=("u",), container=left
        )
        inner_text, _ = function_input(
            "Inner function g(x)", key=keys.INNER, default="2x + 3", variables=("x",), container=middle
        )
        x = right.number_input(
            "Point x", key=keys.X, value=1.0, min_value=-1e6, max_value=1e6, step=0.5, bind="query-params"
        )
    return outer_text, inner_text, x


def _compose_check(check, x: float) -> None:
    """The chain rule's number beside a central difference of f(g(x)), and whether they agree."""
    st.markdown(f"**Check at x = {x:g}** against a central difference of f(g(x)):")
    first, second = st.columns(2)
    first.metric(
        "Chain rule f′(g(x)) · g′(x)",
        numbers.number(check.chain),
        help=f"f′(g(x)) = {numbers.number(check.outer_at_inner)}, g′(x) = {numbers.number(check.inner_derivative)}",
    )
    second.metric(
        "Central difference",
        numbers.number(check.central),
        delta=f"off by {numbers.error(abs(check.central - check.chain))}",
        delta_color="off",
        delta_arrow="off",
        help=f"(f(g(x + h)) − f(g(x − h))) / 2h with h = {check.h:g}, in float64",
    )
    st.markdown(state.compose_sentence(check))


@st.fragment
@page.guarded
def _compose() -> None:
    """Section 1: its own functions and point, so editing them redraws only this section."""
    st.subheader("Compose two functions: d/dx f(g(x)) = f′(g(x)) · g′(x)")
    outer_text, inner_text, x = _compose_controls()
    composed = state.compose(outer_text, inner_text)
    if composed.error:
        st.error(f"The chain rule could not be worked out for these functions: {composed.error}", icon="✏️")
        return
    steps, check_column = st.columns([3, 2])
    with steps:
        st.latex(rf"f(g(x)) = {composed.composition_latex}")
        for name, latex in composed.steps:
            st.latex(rf"{state.latex_name(name)} = {latex}")
    with check_column:
        _compose_check(state.compose_check(outer_text, inner_text, x), x)


def _graph_source() -> tuple:
    """The graph to draw: ("network", depth, activation) or ("expression", text, x, y)."""
    with st.container(border=True):
        source_column, left, right = st.columns([1.3, 1.6, 2])
        source = segmented(source_column, "Graph of", ["Network", "Your function"], default="Network", key=keys.SOURCE)
        if source == "Network":
            depth = left.slider(
                "Layers", min_value=1, max_value=chain_rule.MAX_DEPTH, value=2, key=keys.DEPTH, bind="query-params"
            )
            activation = segmented(right, "Activation", list(chain_rule.ACTIVATIONS), default="sigmoid", key=keys.ACT)
            return ("network", depth, activation)
        text, _ = function_input(
            "Function of x and y", key=keys.F, default="(x*y + sin(x))^2", variables=("x", "y"), container=left
        )
        px, py = right.columns(2)
        gx = px.number_input("x", key=keys.GX, value=0.7, min_value=-1e6, max_value=1e6, step=0.1, bind="query-params")
        gy = py.number_input("y", key=keys.GY, value=-1.3, min_value=-1e6, max_value=1e6, step=0.1, bind="query-params")
        return ("expression", text, gx, gy)


@st.fragment
@page.guarded
def _backprop() -> None:
    """Section 2: the graph and its tabs, redrawn without section 1."""
    st.subheader("Backpropagation: the chain rule on a graph")
    key = _graph_source()
    drawn = state.drawn(key)
    if drawn.error:
        st.error(drawn.error, icon="✏️")
        st.stop()
    st.markdown(state.graph_intro(key, drawn))
    tab_graph, tab_check, tab_flow = st.tabs(
        ["Backward pass, step by step", "Gradient check", "Vanishing and exploding gradients"],
        key=keys.TAB,
        on_change="rerun",
        bind="query-params",
    )
    page.show_tab(tab_graph, lambda: tabs.backward_pass(key, drawn))
    if tab_check.open:
        table = state.gradient_check(key)
        tab_check.markdown(state.check_sentence(table))
        tab_check.dataframe(state.check_display(table), hide_index=True, width="stretch")
    page.show_tab(tab_flow, tabs.vanishing)


@st.fragment
@page.guarded
def _lesson() -> None:
    """Everything below the title: a control moved here reruns this, not the sidebar or the header."""
    predict.ask(COURSE_EXAMPLE)
    _compose()
    _backprop()
    show_code(
        chain_rule.backprop,
        equivalent=(
            "import torch\n\n"
            "# A 2-layer sigmoid network, L = (a2 - 1)^2, as on this page\n"
            "x = torch.tensor(0.5)\n"
            "w1, b1 = torch.tensor(0.8, requires_grad=True), torch.tensor(0.2, requires_grad=True)\n"
            "w2, b2 = torch.tensor(1.3, requires_grad=True), torch.tensor(-0.4, requires_grad=True)\n"
            "a1 = torch.sigmoid(w1 * x + b1)\n"
            "a2 = torch.sigmoid(w2 * a1 + b2)\n"
            "loss = (a2 - 1.0) ** 2      # forward pass: every node keeps its value\n"
            "loss.backward()             # backward pass: the chain rule, node by node\n"
            "print(w1.grad, b1.grad, w2.grad, b2.grad)"
        ),
    )


_lesson()
