"""The Chain rule lesson's tabs with their own controls, run as fragments by page.py."""

import streamlit as st

from core import chain_rule
from lessons.chain_rule import charts, keys, state
from ui import render
from ui.theme import presenting


def backward_pass(key: tuple, drawn) -> None:
    """One step of the backward pass at a time: the step control redraws only the graph."""
    controls, story = st.columns([3, 2])
    step = state.step_control(key=keys.STEP, steps=drawn.steps, container=controls)
    story.markdown(state.narration(key, step))
    # Our own SVG (every text in it escaped); st.html would strip it.
    st.markdown(
        state.svg(
            key,
            step,
            presenting(),
            "The computational graph: each box is one operation with its forward value and its gradient; "
            "arrows carry the local derivatives back from the loss.",
        ),
        unsafe_allow_html=True,
    )
    st.caption(
        "Blue boxes are inputs and weights; each box shows its operation, its forward **value** and its **grad** "
        "(∂L/∂node). Numbers on arrows are local derivatives ∂(node)/∂(input). The thick vermillion box is the node "
        "whose gradient is being finalised; the thick arrows are the paths its gradient arrives along. "
        "Numbers are written inside the operation that uses them."
    )


def vanishing() -> None:
    """Gradients through a deep chain; its controls redraw only this tab."""
    left, middle, right = st.columns([2, 2, 2])
    layers = left.slider(
        "Layers in the chain",
        min_value=1,
        max_value=chain_rule.MAX_LAYERS,
        value=30,
        key=keys.LAYERS,
        bind="query-params",
    )
    activations = middle.pills(
        "Activations",
        list(chain_rule.ACTIVATIONS),
        selection_mode="multi",
        default=list(chain_rule.ACTIVATIONS),
        key=keys.ACTS,
        bind="query-params",
    )
    scales = right.pills(
        "Weights scaled by",
        state.WEIGHT_SCALES,
        selection_mode="multi",
        default=[0.5, 1.0, 2.0],
        format_func=lambda w: f"{w:g}",
        key=keys.SCALES,
        bind="query-params",
    )
    if not activations or not scales:
        st.info("Pick at least one activation and one weight scale.")
    else:
        flow_key = (layers, tuple(a for a in chain_rule.ACTIVATIONS if a in activations), tuple(sorted(scales)))
        render.show(
            charts.gradient_by_layer,
            key=flow_key,
            data=lambda: (state.gradient_flow(*flow_key),),
            container=st,
            alt=state.flow_alt(state.gradient_flow(*flow_key)),
        )
    st.markdown(
        "**What it means for training:** the gradient reaching an early layer is a product of one factor per later "
        "layer, so in a deep network it shrinks or grows exponentially — sigmoid factors are at most 0.25, and "
        "weights above 1 blow up — and the first layers either stop learning (vanishing) or take wild steps "
        "(exploding); this is why deep networks use ReLU, careful weight initialisation, normalisation and "
        "residual connections."
    )
