"""The Partials and gradients lesson's tabs: each one's controls and what they draw, run as a fragment by page.py."""

import streamlit as st

from lessons.gradients import charts, keys, state
from ui import landscape, render
from ui.function_input import function_input


def linear_model() -> None:
    """The linear model's own data and line; its controls redraw only this tab."""
    controls = st.columns(4)
    seed = controls[0].number_input(
        "Data seed", key=keys.SEED, value=0, min_value=0, max_value=10_000, step=1, bind="query-params"
    )
    noise = controls[1].select_slider("Noise", landscape.NOISES, value=1.0, key=keys.NOISE, bind="query-params")
    m = controls[2].number_input(
        "Slope m", key=keys.M, value=0.0, min_value=-1e3, max_value=1e3, step=0.1, bind="query-params"
    )
    c = controls[3].number_input(
        "Intercept c", key=keys.C, value=0.0, min_value=-1e3, max_value=1e3, step=0.1, bind="query-params"
    )
    sse_source, sse_box = landscape.sse_source_and_box(seed, noise)
    sse = landscape.surface(sse_source)
    sse_value, sse_grad = state.at_point(sse_source, (m, c))
    st.markdown(state.linear_sentence(sse_source, (m, c), sse_value, sse_grad))
    fit, surface_chart = st.columns(2)
    render.show(
        landscape.line_fit,
        key=(seed, noise),
        data=lambda: (landscape.linear_data(seed, noise),),
        params={"lm": m, "lc": c},
        container=fit,
        alt=f"The data points, the line y = {m:g}·x + {c:g}, and each point's error as a dashed vertical segment.",
    )
    sse_map = state.contour_data(sse_source, sse_box)
    render.show(
        landscape.contour_map,
        key=(sse_source, sse_box),
        data=lambda: (
            sse_map.heat,
            sse_map.lines,
            sse_map.arrows,
            len(sse_map.levels),
            sse_box,
            sse.variables,
            "sse_",
        ),
        params=landscape.point_params((m, c), sse_grad, sse_box, prefix="sse_"),
        container=surface_chart,
        alt=f"The sum of squared errors over (m, c): a bowl whose lowest point is the best line, with (m, c) = ({m:g}, {c:g}) marked.",
    )
    for column, axis in zip(st.columns(2), (0, 1)):
        fixed, low, high = (m, c)[1 - axis], *sse_box[axis]
        render.show(
            charts.slice_chart,
            key=(sse_source, axis, fixed, low, high),
            data=lambda: (
                state.slice_curve(sse_source, axis, fixed, low, high),
                *state.slice_labels(sse, axis, fixed),
                f"p{axis}",
            ),
            params=state.slice_params(axis, (m, c), sse_value, sse_grad, prefix=f"p{axis}"),
            container=column,
            alt=state.slice_alt(sse, axis, (m, c), sse_grad),
        )
    st.caption(
        "Each weight gets its own update from its own partial: m moves by −lr·∂SSE/∂m and c by "
        "−lr·∂SSE/∂c, so descent does not walk straight at the bottom of the bowl."
    )


def many_weights() -> None:
    """A loss of up to six weights; its inputs redraw only this tab."""
    many_text, many = function_input(
        "Loss of up to six weights w1 … w6",
        key=keys.MANY,
        default=state.MANY_DEFAULT,
        variables=state.WEIGHTS,
        container=st,
    )
    if many is None:
        st.error("The loss could not be analysed just now; reload the page in a moment.")
        st.stop()
    weights = tuple(
        column.number_input(
            name, key=f"g_{name}", value=default, step=0.5, min_value=-1e6, max_value=1e6, bind="query-params"
        )
        for column, name, default in zip(st.columns(len(state.WEIGHTS)), state.WEIGHTS, state.MANY_POINT)
    )
    table = state.partials_table(many_text, state.WEIGHTS, weights)
    st.latex(state.many_latex(table))
    st.dataframe(state.many_display(table), hide_index=True, width="stretch")
    st.caption(
        "Every weight gets its own partial, and gradient descent updates each weight with its own: "
        "wᵢ ← wᵢ − lr·∂L/∂wᵢ. Weights that do not appear in L have partial 0 and are left out."
    )


def contour(source: tuple, box: tuple, surface, point, grad) -> None:
    """The contour map with the gradient at the point, and what to read in it."""
    (x0, y0), (vx, vy) = point, surface.variables
    contour = state.contour_data(source, box)
    chart, notes = st.columns([1.25, 1])
    render.show(
        landscape.contour_map,
        key=(source, box),
        data=lambda: (contour.heat, contour.lines, contour.arrows, len(contour.levels), box, surface.variables),
        params=landscape.point_params(point, grad, box),
        container=chart,
        alt=f"Contour map of f over {vx} from {box[0][0]:g} to {box[0][1]:g} and {vy} from {box[1][0]:g} to "
        f"{box[1][1]:g}, with grey arrows along the gradient, and at ({x0:g}, {y0:g}) the gradient arrow (uphill) "
        "and its negative (downhill).",
    )
    notes.markdown(state.contour_notes(surface, point, grad, box))
    if contour.undefined > 0:
        notes.info(state.undefined_sentence(surface, contour.undefined))


def slices(source: tuple, box: tuple, surface, point, value: float, grad) -> None:
    """f along each axis through the point: the slope of each slice is one partial."""
    (x0, y0), (vx, vy) = point, surface.variables
    st.markdown(
        f"Hold {vy} fixed at {y0:g} and f becomes a curve in {vx} alone; its slope at {vx} = {x0:g} is ∂f/∂{vx}. "
        f"Hold {vx} fixed instead and the slope of the other slice is ∂f/∂{vy}."
    )
    for column, axis in zip(st.columns(2), (0, 1)):
        fixed, low, high = point[1 - axis], *box[axis]
        render.show(
            charts.slice_chart,
            key=(source, axis, fixed, low, high),
            data=lambda axis=axis, fixed=fixed, low=low, high=high: (
                state.slice_curve(source, axis, fixed, low, high),
                *state.slice_labels(surface, axis, fixed),
                f"s{axis}",
            ),
            params=state.slice_params(axis, point, value, grad),
            container=column,
            alt=state.slice_alt(surface, axis, point, grad),
        )


def steepest(grad) -> None:
    """The slope along every direction: a cosine that peaks along the gradient."""
    chart, notes = st.columns([1.6, 1])
    render.show(
        charts.directional_chart,
        key=(),
        data=lambda: (state.directions(),),
        params={"gx": float(grad[0]), "gy": float(grad[1])},
        container=chart,
        alt="The slope ∇f·u along a unit direction u against its angle: a cosine wave peaking at the gradient's "
        "direction with height |∇f|, zero along the contour line and lowest straight downhill.",
    )
    notes.markdown(state.steepest_notes(grad))
