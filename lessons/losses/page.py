"""Lesson 4 — Loss functions: how wrong, and which way to fix it."""

import streamlit as st

from core import losses
from core.losses import LOSSES
from lessons.losses import keys, state, tabs
from ui import page, predict
from ui.controls import preset_button, segmented
from ui.show_code import show_code

page.header(
    "Loss functions: how wrong, and which way to fix it?",
    "A loss turns *how far the predictions are from the truth* into one number; its **gradient** tells the "
    "model which way to move each prediction. The loss decides what “better” means.",
)


@st.fragment
@page.guarded
def _lesson() -> None:
    """Everything below the title: a control moved here reruns this, not the sidebar or the header."""

    def _reveal_cat() -> None:
        high, low = state.cat_loss(0.1), state.cat_loss(0.8)
        st.markdown(
            f"−log(0.1) = **{state.fmt(high)}**, against −log(0.8) = **{state.fmt(low)}** when the model says 0.8. "
            "Cross-entropy is the *surprise* of the true label: a model that gave the truth only a 10 % chance is "
            "very surprised, and as P(cat) → 0 the loss grows without limit."
        )

    predict.ask(
        predict.Question(
            key=keys.Q1,
            prompt="The picture is a cat, and the model says P(cat) = 0.1. Is the cross-entropy loss high or low?",
            choices=("Low, about 0.1", "About 0.9 (one minus the probability)", "High, about 2.30", "Infinite"),
            answer=2,
            explain=_reveal_cat,
        )
    )

    tab_gallery, tab_data, tab_outliers, tab_class, tab_precision = st.tabs(
        ["Gallery", "Your data", "Outliers", "Classification", "Precision"],
        key=keys.TAB,
        on_change="rerun",
        bind="query-params",
    )

    page.show_tab(tab_gallery, tabs.gallery)

    with tab_data:
        left, right = st.columns([1, 1])
        name = segmented(
            left, "Loss", list(state.TABLE_LOSSES), default="mse", format_func=state.SHORT.get, key=keys.DATA_LOSS
        )
        example = segmented(
            right,
            "Start from",
            list(state.EXAMPLES),
            default="regression",
            format_func=lambda k: state.EXAMPLES[k].title,
            key=keys.EXAMPLE,
            help="Each starting table keeps your edits while you work on it.",
        )
        data_delta = 1.0  # torch.nn.HuberLoss's default
        left, right = st.columns([1, 1.6])
        table = left.data_editor(
            state.example_frame(example),
            key=f"l_rows_{example}",
            num_rows="dynamic",
            hide_index=False,
            column_config={
                # Constant on purpose: the editor's identity includes its configuration, and edits live in it.
                "prediction": st.column_config.TextColumn("prediction ŷ", help="a number (a probability for BCE)"),
                "target": st.column_config.TextColumn("target y", help="a number (0 or 1 for BCE, −1 or +1 for hinge)"),
            },
        )
        evaluation = state.evaluate(name, table, data_delta)
        with right:
            st.metric(f"{LOSSES[name].title} (mean of {evaluation.count} rows)", state.fmt(evaluation.total))
            if evaluation.total is not None:
                st.markdown(state.sum_sentence(name, evaluation))
            if table.empty:
                st.info("The table is empty: add a row (prediction and target) to score it.")
            if evaluation.messages:
                kept = (
                    f"The other {evaluation.count} rows still count."
                    if evaluation.count
                    else "No row can be scored yet."
                )
                st.warning(
                    "\n".join(f"- {m}" for m in evaluation.messages)
                    + f"\n\n{kept} Your table is kept as you typed it: fix the cell and the row counts again."
                )
            st.dataframe(
                state.results_table(evaluation, table.index),
                hide_index=True,
                column_config={"status": st.column_config.TextColumn(width="large")},
            )
        if example != state.example_for(name):
            st.info(f"{LOSSES[name].title} expects {LOSSES[name].prediction} and {LOSSES[name].target}.")
            preset_button(
                f"Start from the {state.EXAMPLES[state.example_for(name)].title.lower()}",
                {keys.EXAMPLE: state.example_for(name)},
                key=keys.FIT_EXAMPLE,
            )
        st.caption(
            "ℓᵢ: each row's loss. ∂ℓᵢ/∂ŷᵢ: its gradient. Pull ∂L/∂ŷᵢ = ∂ℓᵢ/∂ŷᵢ ÷ N, the gradient of the mean: "
            "what PyTorch puts in pred.grad. Add rows in the empty row at the bottom of the table."
        )

    page.show_tab(tab_outliers, tabs.outliers)

    page.show_tab(tab_class, tabs.cat)

    page.show_tab(tab_class, tabs.softmax)

    page.show_tab(tab_class, tabs.sigmoid)

    page.show_tab(tab_precision, tabs.precision)

    good_predictions, good_targets = state.good_rows(table, evaluation)
    show_code(
        losses._RULES[name],  # the per-sample rule behind the "Your data" numbers
        losses.evaluate_rows,
        equivalent=state.torch_snippet(name, good_predictions, good_targets, data_delta),
        language_note=f"The same {LOSSES[name].title} in PyTorch, on the good rows of your table:",
    )


_lesson()
