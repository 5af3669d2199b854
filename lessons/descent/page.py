"""Lesson 5 — Gradient descent: the update rule, learning rates, optimizers, and the loop that dies."""

import streamlit as st

from core import descent, optimizers
from lessons.descent import keys, state, tabs
from ui import page, predict
from ui.controls import preset_button
from ui.show_code import show_code

page.header(
    "Gradient descent: step downhill, again and again",
    "Compute the gradient, take a small step against it, check that the loss went down: "
    "**new weight = old weight − learning rate × gradient**. With gradient 0.5 and learning rate 0.1 the weight "
    "moves by 0.05. Everything else on this page is about how big that step should be — and what happens when the "
    "gradient is wrong.",
)


@st.fragment
@page.guarded
def _lesson() -> None:
    """Everything below the title: a control moved here reruns this, not the sidebar or the header."""

    def _reveal_overshoot() -> None:
        story = state.overflow_story(3.0, 1.1)
        first = ", ".join(f"{w:.4g}" for w in story.points[:6, 0])
        st.markdown(
            f"Each step multiplies w by 1 − 2·1.1 = **−1.2**: w = {first}, … It flips sign and grows 20% a step, and the "
            f"loss with it. {story.reason}"
        )
        preset_button(
            "Show it below (one weight)", {keys.TAB: "One weight", keys.LR1: 1.1, keys.X0_1: 3.0}, key=keys.Q1_SHOW
        )

    predict.ask(
        predict.Question(
            key=keys.Q1,
            prompt="Loss = w² from w = 3 with learning rate 1.1 — what happens?",
            choices=(
                "It converges, just slowly",
                "It oscillates around 0 but gets there",
                "It overshoots further every step and blows up: inf, then NaN",
                "It stops at w = 3",
            ),
            answer=2,
            explain=_reveal_overshoot,
        )
    )

    tab_one, tab_dies, tab_two, tab_line = st.tabs(
        ["One weight", "The loop that dies", "Two weights: optimizers", "Linear regression learning"],
        key=keys.TAB,
        on_change="rerun",
        bind="query-params",
    )

    # --- one weight: the course's loop --------------------------------------------------------
    page.show_tab(tab_one, tabs.one_weight)

    # --- the loop that dies ------------------------------------------------------------------
    page.show_tab(tab_dies, tabs.loop_that_dies)

    # --- two weights: optimizers on a landscape -------------------------------------------------
    page.show_tab(tab_two, tabs.two_weights)

    # --- linear regression learning ------------------------------------------------------------
    page.show_tab(tab_line, tabs.line_learning)

    show_code(
        descent.descend,
        optimizers.adam,
        equivalent=state.torch_loop(
            {"gd": (0.001, {}), "momentum": (0.0005, {"momentum": 0.9}), "adam": (0.01, {})}, (-1.5, 2.0)
        ),
        language_note="The same runs with torch.optim on Rosenbrock's banana (the numbers agree with descend's):",
    )


_lesson()
