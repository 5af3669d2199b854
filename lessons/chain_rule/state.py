"""The Chain rule page's Streamlit side: cached wrappers around core.chain_rule, the step control, sentences.

Every cache is keyed on text and plain numbers (sympy objects do not hash
for ``st.cache_data``) and bounded. Symbolic work on what a student typed
runs in the killable worker (``core.limits.run_bounded``); the networks are
the app's own expressions and are small.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st
import sympy

from core import chain_rule as chain
from core import gradients
from core.derivatives import finite_difference, slope_at
from core.limits import SymbolicTimeout, run_bounded
from core.numeric import finfo, lambdify
from lessons.chain_rule import graph as graph_view
from ui import numbers, slopes, symbolic
from ui.controls import clamp_to_range
from ui.symbolic import SYMBOLIC_TIMEOUT
from ui.theme import NORMAL, PRESENTER

# Central-difference steps near the best h of each precision, about eps^(1/3).
CHECK_H = {name: float(f"{float(finfo(name).eps) ** (1 / 3):.0e}") for name in ("float64", "float32")}
COMPOSE_H = CHECK_H["float64"]


# --- Compose: f(g(x)) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Composed:
    """The chain-rule steps of outer ∘ inner, or why there are none."""

    rule: chain.ChainRule | None
    steps: tuple[tuple[str, str], ...]  # (name, LaTeX)
    error: str | None
    composition_latex: str = ""


@st.cache_resource(max_entries=256, show_spinner=False)
def compose(outer_text: str, inner_text: str) -> Composed:
    """chain_rule of two functions that already parsed (differentiating and simplifying, bounded)."""
    parsed = symbolic.analyse(outer_text, ("u",)), symbolic.analyse(inner_text, ("x",))
    if any(p.analysis is None for p in parsed):  # the function box has already said why
        return Composed(None, (), next(p.error for p in parsed if p.analysis is None))
    outer, inner = (p.analysis.expr for p in parsed)
    try:
        rule = run_bounded(chain.chain_rule, outer, inner, timeout=SYMBOLIC_TIMEOUT)
        steps = run_bounded(chain.ChainRule.latex_steps, rule, timeout=SYMBOLIC_TIMEOUT)
    except SymbolicTimeout as error:
        return Composed(None, (), f"{error}; try simpler functions")
    except ValueError as error:
        return Composed(None, (), str(error))
    return Composed(rule, tuple(steps), None, sympy.latex(rule.composition))


def latex_name(name: str) -> str:
    """A step's name as LaTeX: f'(g(x)) · g'(x) -> f'(g(x)) \\cdot g'(x)."""
    return name.replace("·", r"\cdot")


def compose_sentence(check: Check) -> str:
    if check.why:
        return check.why
    if not (math.isfinite(check.chain) and math.isfinite(check.central)):
        return (
            f"At this x the derivative is not a finite number in float64 ({numbers.number(check.chain)}): "
            "the values are too large for float64. Try another point."
        )
    gap = abs(check.central - check.chain)
    if check.tolerance >= abs(check.chain) and check.tolerance > 0:
        return (
            f"f′(g(x)) = {numbers.number(check.outer_at_inner)} times g′(x) = {numbers.number(check.inner_derivative)} "
            f"gives {numbers.number(check.chain)}; the difference quotient gives {numbers.number(check.central)}. "
            f"At this x the difference quotient cannot check it: its own error (about {numbers.error(check.tolerance)}, "
            f"round-off ε·|f|/h plus truncation with h = {check.h:g}) is as large as the slope itself."
        )
    verdict = (
        "agree, within the difference quotient's own error"
        if gap <= check.tolerance
        else f"disagree: the function bends too fast here for h = {check.h:g}, so the difference quotient "
        "is still far from its limit"
    )
    return (
        f"f′(g(x)) = {numbers.number(check.outer_at_inner)} times g′(x) = {numbers.number(check.inner_derivative)} "
        f"gives {numbers.number(check.chain)}; the difference quotient gives {numbers.number(check.central)}. "
        f"They {verdict} (about {numbers.error(check.tolerance)}: round-off ε·|f|/h plus truncation)."
    )


@dataclass(frozen=True)
class Check:
    outer_at_inner: float  # f'(g(x))
    inner_derivative: float  # g'(x)
    chain: float  # their product
    exact: float  # sympy's derivative of f(g(x)) at x
    central: float  # central difference of f(g(x)) at x, float64
    h: float
    tolerance: float = math.inf  # how far the central difference may be off: round-off plus truncation
    why: str | None = None  # why there is no derivative at x, when there is none


def central_tolerance(f, x: float, h: float) -> float:
    """How far a float64 central difference at (x, h) may be from the derivative.

    Round-off: each of f(x ± h) is off by up to ε·|f|, divided by 2h, with a factor 4 of margin.
    Truncation: the error is about c·h² (central), so D(2h) − D(h) ≈ 3·c·h², which bounds c·h².
    """
    eps = float(np.finfo(np.float64).eps)
    values = [abs(float(f(np.float64(x + k * h)))) for k in (-2, -1, 1, 2)]
    central = lambda step: (float(f(np.float64(x + step))) - float(f(np.float64(x - step)))) / (2 * step)  # noqa: E731
    roundoff = 4 * eps * max(values) / h
    return roundoff + abs(central(2 * h) - central(h))


@st.cache_data(max_entries=512, show_spinner=False)
def compose_check(outer_text: str, inner_text: str, x: float) -> Check | None:
    rule = compose(outer_text, inner_text).rule
    if rule is None:
        return None

    def at(expr: sympy.Expr, variable: str, value: float) -> float:
        return float(lambdify(expr, [variable])(np.float64(value)))

    try:
        slope = run_bounded(slope_at, rule.composition, x, "x", timeout=SYMBOLIC_TIMEOUT)
    except (SymbolicTimeout, ValueError, TypeError, ArithmeticError):
        slope = None
    why = None if slope is None or slope.exists else slopes.no_slope(slope, "f(g(x))", "x", x)
    with np.errstate(all="ignore"):
        # f' evaluated at the number g(x), as the chain rule says.
        outer_at_inner = at(rule.outer_derivative, "u", at(rule.inner, "x", x))
        inner_derivative = at(rule.inner_derivative, "x", x)
        central = float(finite_difference(rule.composition, x, COMPOSE_H, method="central", variable="x"))
        tolerance = central_tolerance(lambdify(rule.composition, ["x"]), x, COMPOSE_H)
        return Check(
            outer_at_inner,
            inner_derivative,
            outer_at_inner * inner_derivative,
            at(rule.direct, "x", x),
            central,
            COMPOSE_H,
            tolerance,
            why,
        )


# --- the graph -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """A graph ready to draw and narrate, or why there is none."""

    graph: chain.Graph | None
    view: graph_view.View | None
    point: dict[str, float]  # every input's value (weights, x, y)
    expr: sympy.Expr | None
    error: str | None = None

    @property
    def steps(self) -> int:
        return len(graph_view.walk(self.graph)) if self.graph else 0


@st.cache_resource(max_entries=64, show_spinner=False)
def network_graph(depth: int, activation: str) -> Drawn:
    net = chain.network(depth, activation, symbolic_input=True)
    graph = chain.backprop(net.expr, net.parameters, net.point)
    return Drawn(graph, graph_view.network_view(graph, net), dict(net.point), net.expr)


@st.cache_resource(max_entries=256, show_spinner=False)
def expression_graph(text: str, x: float, y: float) -> Drawn:
    """backprop of a typed function of x and y (already parsed, so bounded in size)."""
    point = {"x": float(x), "y": float(y)}
    parsed = symbolic.analyse(text, ("x", "y"))
    if parsed.analysis is None:  # the function box has already said why
        return Drawn(None, None, point, None, parsed.error)
    expr = parsed.analysis.expr
    if not expr.free_symbols:
        return Drawn(
            None,
            None,
            point,
            expr,
            f"**{text}** is a constant: it depends on neither x nor y, so there is "
            "nothing to pass a gradient back to (both gradients are 0). Type a function of x and y.",
        )
    try:
        graph = chain.backprop(expr, ("x", "y"), point)
    except ValueError as error:
        return Drawn(None, None, point, expr, f"Backpropagation cannot draw this function: {error}.")
    return Drawn(graph, graph_view.expression_view(graph), point, expr)


@st.cache_data(max_entries=1024, show_spinner=False)
def svg(source: tuple, step: int, presenting: bool, alt: str) -> str:
    """The SVG picture of `source` (the arguments of network_graph or expression_graph) at `step`."""
    drawn = _drawn(source)
    return graph_view.graph_svg(drawn.graph, step, PRESENTER if presenting else NORMAL, drawn.view, alt)


@st.cache_data(max_entries=1024, show_spinner=False)
def narration(source: tuple, step: int) -> str:
    drawn = _drawn(source)
    return graph_view.narrate(drawn.graph, step, drawn.view)


def _drawn(source: tuple) -> Drawn:
    kind, *args = source
    return network_graph(*args) if kind == "network" else expression_graph(*args)


def drawn(source: tuple) -> Drawn:
    """("network", depth, activation) or ("expression", text, x, y) -> its graph."""
    return _drawn(source)


def graph_intro(source: tuple, d: Drawn) -> str:
    nodes = sum(n.kind != "constant" for n in d.graph.nodes)
    if source[0] == "network":
        _, depth, activation = source
        act = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}[activation]
        return (
            f"The network: x = 0.5 → {depth} layer{'s' if depth > 1 else ''} "
            f"aᵢ = {act}(wᵢ·aᵢ₋₁ + bᵢ) → loss L = ({graph_view.subscript(f'a{depth}')} − 1)², "
            f"drawn one row per layer: {nodes} nodes, L = {graph_view.short(d.graph.value)}."
        )
    return (
        f"Your function at x = {source[2]:g}, y = {source[3]:g}: {nodes} nodes, f = {graph_view.short(d.graph.value)}."
    )


# --- gradient check ------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def gradient_check(source: tuple) -> pd.DataFrame:
    """For every input: backprop's gradient, sympy's, and central differences in float64 and float32.

    Each partial derivative is the ordinary derivative of a one-variable slice
    of the function (the other inputs fixed at their values); the central
    differences move one input at a time (core.gradients.numeric_gradient).
    """
    d = _drawn(source)
    inputs = tuple(d.point)
    point = tuple(d.point.values())
    # Numbers go into compiled functions, never into sympy: exp(exp(x)) at x = 1e6 would be computed exactly.
    numeric = {
        dtype: gradients.numeric_gradient(d.expr, inputs, point, h=h, dtype=dtype) for dtype, h in CHECK_H.items()
    }
    if source[0] == "network":  # the app's own smooth expression: its partials, evaluated
        exact = dict(zip(inputs, gradients.evaluate(gradients.gradient(d.expr, inputs), inputs, point)))
    rows = []
    for name, grad in zip(d.graph.variables, d.graph.gradient):
        value = d.point[name]
        row = {"input": name, "value": value, "backprop": float(grad), "why": None}
        if source[0] == "expression":
            slope = symbolic.slope(source[1], ("x", "y"), name, (d.point["x"], d.point["y"]))
            row["exact"] = slope.value
            row["why"] = None if slope.exists else slopes.no_slope(slope, source[1], name, value)
        else:
            row["exact"] = float(exact[name])
        for dtype in CHECK_H:
            row[dtype] = float(numeric[dtype][inputs.index(name)])
        rows.append(row)
    frame = pd.DataFrame(rows)
    with np.errstate(all="ignore"):
        for column in ("backprop", "float64", "float32"):
            frame[f"{column} error"] = (frame[column] - frame["exact"]).abs()
    return frame


def check_sentence(table: pd.DataFrame) -> str:
    missing = [why for why in table["why"] if isinstance(why, str)]
    if missing:
        return " ".join(dict.fromkeys(missing)) + " Where there is no exact gradient, there is nothing to check."
    worst = {c: table[f"{c} error"].max() for c in ("backprop", "float64", "float32")}
    return (
        f"Backprop's gradient is within **{numbers.error(worst['backprop'])}** of the exact one (float64 rounding); "
        f"the float64 central difference (h = {CHECK_H['float64']:g}) is off by up to {numbers.error(worst['float64'])}, "
        f"and float32 (h = {CHECK_H['float32']:g}) by up to {numbers.error(worst['float32'])}. Frameworks compute "
        "gradients by backprop and use finite differences only to check them (PyTorch's gradcheck)."
    )


def check_display(table: pd.DataFrame) -> pd.DataFrame:
    """The check as text, every number in the shortest digits of its own precision."""
    shown = pd.DataFrame(
        {"input": table["input"].map(graph_view.subscript), "value": table["value"].map(numbers.number)}
    )
    for column, title, dtype in (
        ("backprop", "backprop", "float64"),
        ("exact", "exact (sympy)", "float64"),
        ("float64", "central float64", "float64"),
        ("float32", "central float32", "float32"),
    ):
        shown[title] = table[column].map(lambda v, d=dtype: numbers.number(v, d))
        if column != "exact":
            shown[f"{title} error"] = table[f"{column} error"].map(numbers.error)
    return shown


# --- vanishing and exploding gradients ----------------------------------------------------


WEIGHT_SCALES = [0.25, 0.5, 1.0, 1.5, 2.0, 4.0]


def flow_alt(flow: pd.DataFrame) -> str:
    last = flow[flow["layer"] == 1]
    parts = [f"{r.activation} with w = {r.weight_scale:g}: {r.gradient:.1e}" for r in last.itertuples()]
    return (
        f"Log-scale chart of the gradient reaching each of {int(flow['layer'].max())} layers. "
        f"At layer 1, farthest from the loss: {'; '.join(parts)}."
    )


@st.cache_data(max_entries=128, show_spinner=False)
def gradient_flow(layers: int, activations: tuple[str, ...], scales: tuple[float, ...]) -> pd.DataFrame:
    return chain.gradient_flow(layers, activations, scales)


# --- the step control ------------------------------------------------------------------------


def step_control(*, key: str, steps: int, container=st) -> int:
    """A slider over the backward pass (bound to the URL) with Previous and Next buttons."""

    def move(delta: int) -> None:
        st.session_state[key] = min(max(st.session_state.get(key, 0) + delta, 0), steps)

    if steps < 1:  # a slider needs min < max
        return 0
    clamp_to_range(key, 0, steps)  # the range comes from the graph: a smaller one must not leave the step past its end
    slider = container.container()
    buttons = container.container(horizontal=True)
    buttons.button(
        "Previous", key=f"{key}_prev", on_click=move, args=(-1,), icon=":material/arrow_back:", shortcut="Left"
    )
    buttons.button(
        "Next",
        key=f"{key}_next",
        on_click=move,
        args=(1,),
        icon=":material/arrow_forward:",
        shortcut="Right",
        type="primary",
    )
    return slider.slider(
        "Backward step",
        min_value=0,
        max_value=steps,
        key=key,  # not in the address: its range comes from the graph, and a bound value could lie past its end
        help="0: only the forward pass has run. Each step finalises one node's gradient, from the output back.",
    )
