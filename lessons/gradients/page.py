"""Lesson 2 — Partials and gradients: one weight at a time, then the gradient vector."""

import math

import streamlit as st

from core import gradients
from core.expressions import parse_expression, symbol
from lessons.gradients import keys, state, tabs
from ui import landscape, page, predict
from ui.controls import format_step, step_size_slider
from ui.function_input import function_input
from ui.show_code import show_code

page.header(
    "Partials and gradients: one weight at a time",
    "A real model has many weights. A **partial derivative** asks how the loss changes when one weight moves "
    "and every other weight is held fixed; all the partials together form the **gradient** ∇f, an arrow that "
    "points uphill. To reduce the loss, step the opposite way.",
)


def _function_and_point() -> tuple[str, tuple, tuple, tuple[float, float]]:
    """The function (a named landscape, or one typed in x and y) and the point: (choice, source, box, point)."""
    with st.container(border=True):
        left, middle_x, middle_y, right = st.columns([2.4, 0.9, 0.9, 2])
        choice = left.selectbox(
            "Function",
            landscape.CHOICES,
            format_func=landscape.choice_title,
            key=keys.LAND,
            bind="query-params",
            on_change=state.move_point_to_start,
            help="A named landscape from the course, or type your own in x and y.",
        )
        text, radius = None, None
        if choice == landscape.TYPED:
            text, analysis = function_input(
                "f(x, y)", key=keys.F, default="3x^2 + 2y", variables=landscape.XY, container=left
            )
            if analysis is None:  # not even the default could be analysed in time (a cold or overloaded server)
                st.error("The function could not be analysed just now; reload the page in a moment.")
                st.stop()
            radius = right.select_slider(
                "Box: x and y from −r to r", landscape.RADII, value=3.0, key=keys.R, bind="query-params"
            )
        coordinate = dict(min_value=-1e6, max_value=1e6, step=0.1, bind="query-params")
        x0 = middle_x.number_input("x₀", key=keys.X0, value=state.DEFAULT_POINT[0], **coordinate)
        y0 = middle_y.number_input("y₀", key=keys.Y0, value=state.DEFAULT_POINT[1], **coordinate)
    return (choice, *landscape.source_and_box(choice, text, radius), (x0, y0))


def _partials(source: tuple, surface, point, value: float, grad) -> None:
    """The function and its exact partials, then the gradient at the point in numbers and in words."""
    vx, vy = surface.variables
    exact, evaluated = st.columns([1.3, 1])
    with exact:
        st.latex(rf"f({vx}, {vy}) = {surface.latex}")
        st.latex(state.partials_latex(surface))
    with evaluated:
        st.latex(state.gradient_at_latex(surface, point, value, grad))
        st.markdown(state.missing_partials(source, point) or state.gradient_sentence(surface, point, value, grad))


@st.fragment
@page.guarded
def _numeric(source: tuple, surface, point, grad) -> None:
    """The numeric partials beside their own h: moving h redraws only these."""
    control, note = st.columns([2, 3], vertical_alignment="bottom")
    h = step_size_slider("Step size h of the numeric partials", key=keys.H, default=1e-4, container=control)
    note.caption(
        f"Central differences (f(… + h …) − f(… − h …)) / 2h with h = {format_step(h)}, one coordinate at a "
        "time, every operation rounded to the precision named."
    )
    estimates = {dtype: state.numeric_gradient(source, point, h, dtype) for dtype in state.NUMERIC_DTYPES}
    for row in state.numeric_rows(surface, grad, estimates):
        for column, cell in zip(st.columns(len(row)), row):
            column.metric(
                cell.label, cell.value, delta=cell.delta, delta_color="off", delta_arrow="off", help=cell.help
            )


def _reveal_steepest() -> None:
    course = parse_expression("3x^2 + 2y", ("x", "y"))
    gx, gy = (float(d.subs({symbol("x"): 1, symbol("y"): 1})) for d in gradients.gradient(course, ("x", "y")))
    angle = math.degrees(math.atan2(gy, gx))
    st.markdown(
        f"∇f(1, 1) = [6x, 2] = **[{gx:g}, {gy:g}]**: it points {angle:.1f}° above the +x axis, with slope "
        f"|∇f| = {math.hypot(gx, gy):.3f}. Neither axis alone is steepest: the gradient mixes both partials, "
        "and it crosses the contour line through (1, 1) at a right angle."
    )


STEEPEST = predict.Question(
    key=keys.Q1,
    prompt="f = 3x² + 2y at (1, 1): which way is steepest uphill?",
    choices=(
        "Straight along +x (x has the x² term)",
        "Straight along +y",
        "Between them, about 18° above +x",
        "Along the contour line through the point",
    ),
    answer=2,
    explain=_reveal_steepest,
)


@st.fragment
@page.guarded
def _lesson() -> None:
    """Everything below the title: a control moved here reruns this, not the sidebar or the header."""
    choice, source, box, point = _function_and_point()
    surface = landscape.surface(source)
    value, grad = state.at_point(source, point)
    if choice != landscape.TYPED:
        st.markdown(state.choice_text(choice))
    _partials(source, surface, point, value, grad)
    _numeric(source, surface, point, grad)
    predict.ask(STEEPEST)
    tab_map, tab_slices, tab_steepest, tab_linear, tab_many = st.tabs(
        ["Contour map", "A partial is a slice", "Steepest ascent", "The linear model", "Many weights"],
        key=keys.TAB,
        on_change="rerun",
        bind="query-params",
    )
    if tab_map.open:
        with tab_map:
            tabs.contour(source, box, surface, point, grad)
    if tab_slices.open:
        with tab_slices:
            tabs.slices(source, box, surface, point, value, grad)
    if tab_steepest.open:
        with tab_steepest:
            tabs.steepest(grad)
    page.show_tab(tab_linear, tabs.linear_model)
    page.show_tab(tab_many, tabs.many_weights)
    _show_code(*point)


def _show_code(x0: float, y0: float) -> None:
    show_code(
        gradients.numeric_gradient,
        equivalent=(
            "import torch\n\n"
            f"x = torch.tensor({float(x0)!r}, requires_grad=True)\n"
            f"y = torch.tensor({float(y0)!r}, requires_grad=True)\n"
            "f = 3 * x**2 + 2 * y          # the course's example\n"
            "f.backward()\n"
            "print(x.grad, y.grad)          # ∂f/∂x = 6x, ∂f/∂y = 2\n\n"
            "# one partial by finite differences: move x alone, hold y fixed\n"
            "h = 1e-4\n"
            "fx = lambda x: 3 * x**2 + 2 * y.item()\n"
            f"print((fx({float(x0)!r} + h) - fx({float(x0)!r} - h)) / (2 * h))"
        ),
    )


_lesson()
