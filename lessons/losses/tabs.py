"""The Loss functions lesson's tabs: each one's controls and what they draw, run as a fragment by page.py."""

import streamlit as st

from core import losses
from core.losses import LOSSES
from lessons.losses import charts, keys, state
from ui import predict, render
from ui.controls import segmented


def gallery() -> None:
    """The gallery's own choices redraw only this tab."""
    left, middle, right = st.columns([2, 1.2, 1.2])
    chosen = left.multiselect(
        "Losses (one or two)",
        list(LOSSES),
        default=["mse", "mae"],
        max_selections=2,
        format_func=lambda n: LOSSES[n].title,
        key=keys.GALLERY,
        bind="query-params",
    )
    target = middle.number_input(
        "Regression target y",
        value=3.0,
        min_value=-100.0,
        max_value=100.0,
        step=0.5,
        key=keys.TARGET,
        bind="query-params",
    )
    side = segmented(
        right,
        "Label (classification)",
        ["positive", "negative"],
        default="positive",
        key=keys.SIDE,
        help="y = 1 for cross-entropy, +1 for hinge; negative is 0 or −1",
    )
    delta = 1.0
    if "huber" in chosen:
        delta = left.slider("Huber δ", 0.25, 3.0, 1.0, 0.25, key=keys.DELTA, bind="query-params")
    if not chosen:
        st.info("Pick one or two losses above to see their formulas and curves.")
    plots, formulas = st.columns([3, 2])
    groups = state.overlay_groups(tuple(chosen))
    for column, group in zip(plots.columns(len(groups)) if groups else [], groups):
        targets = tuple(state.gallery_target(n, side, target) for n in group)
        x_title = state.x_title(group)
        names = " and ".join(LOSSES[n].title for n in group)
        for panel, y_title in (("loss", "loss ℓ"), ("derivative", "derivative")):
            render.show(
                charts.loss_curve,
                key=(group, targets, delta, panel),
                container=column,
                data=lambda: (state.curves(group, targets, delta), panel, x_title, y_title, False, panel == "loss"),
                alt=f"The {panel} of {names} against the {x_title}, exact from sympy.",
            )
    if chosen:
        plots.caption(
            "Top: the loss. Beneath: its exact derivative — the direction and strength of the pull. "
            "Hover a curve to read both."
        )
    for shown in chosen:
        loss, y = LOSSES[shown], state.gallery_target(shown, side, target)
        exact, slope = state.exact_forms(shown, y, delta)
        with formulas.container(border=True):
            st.markdown(f"**{loss.title}** — {loss.summary}")
            st.latex(loss.formula)
            st.latex(loss.gradient_formula)
            st.caption(f"Exactly, from sympy, for {state.target_words(shown, y)}:")
            st.latex(rf"\ell = {exact}")
            st.latex(rf"\frac{{d\ell}}{{d{state.VARIABLE_LATEX[loss.variable]}}} = {slope}")


def outliers() -> None:
    """The outlier's controls redraw only this tab."""
    left, right = st.columns([1, 2])
    with_outlier = left.toggle("Add one outlier", value=True, key=keys.OUTLIER, bind="query-params")
    miss = right.select_slider(
        "How far the outlier misses (ŷ − y)",
        options=[1.0, 2.0, 5.0, 10.0, 20.0, 50.0],
        value=10.0,
        key=keys.MISS,
        bind="query-params",
    )
    totals, pulls = state.outlier_comparison(miss, with_outlier)
    st.markdown("The course's three samples" + (f", plus one that misses by {miss:g}:" if with_outlier else ":"))
    for column, row in zip(st.columns(len(totals)), totals.itertuples()):
        column.metric(
            row.loss,
            state.fmt(row.with_outlier),
            delta=f"{state.fmt(row.without_outlier)} without the outlier",
            delta_color="off",
            delta_arrow="off",
        )

    def _reveal_outlier() -> None:
        _, hard = state.outlier_comparison(10.0, True)
        outlier = hard[hard["outlier"]].set_index("loss")["pull"]
        st.markdown(
            f"**MSE** pulls on it with {state.fmt(outlier['MSE'])}, **MAE** with {state.fmt(outlier['MAE'])} and "
            f"**Huber** with {state.fmt(outlier['Huber'])}. MSE's gradient 2(ŷ − y) grows with the miss, so one "
            "bad sample outweighs all the others; MAE's sign(ŷ − y) and Huber's capped δ·sign pull no harder "
            "on it than on a sample that is just a little off."
        )

    predict.ask(
        predict.Question(
            key=keys.Q2,
            prompt="One prediction misses by 10. Which loss pulls hardest on that outlier?",
            choices=("MSE", "MAE", "Huber", "All three pull the same"),
            answer=0,
            explain=_reveal_outlier,
        )
    )
    render.show(
        charts.outlier_pulls,
        key=(miss, with_outlier),
        data=lambda: (pulls,),
        alt="Bars of how hard each sample pulls (the size of its gradient) under MSE, MAE and Huber; "
        "under MSE the outlier's bar towers over the others.",
    )
    st.caption("MAE and Huber use δ = 1, PyTorch's default. Grey bars: the course's three samples.")


def cat() -> None:
    """Is it a cat? The probability slider redraws only its loss."""
    st.subheader("Is it a cat?")
    left, right = st.columns([2, 1])
    p_cat = left.slider(
        "The model's P(cat) for a picture of a cat", 0.0, 1.0, 0.8, 0.01, key=keys.PCAT, bind="query-params"
    )
    right.metric("Loss −log P(cat)", state.fmt(state.cat_loss(p_cat)))
    st.markdown(
        f"From the course: P(cat) = 0.8 → −log 0.8 = **{state.fmt(state.cat_loss(0.8))}**, a low loss; "
        f"P(cat) = 0.1 → −log 0.1 = **{state.fmt(state.cat_loss(0.1))}**, a high one."
        + (
            " At P(cat) = 0 the true loss is infinite; PyTorch's BCELoss caps each log at −100, so it reports 100."
            if p_cat == 0
            else ""
        )
    )


def softmax() -> None:
    """Softmax of a few logits: the logits redraw only this table."""
    st.subheader("Softmax of a few logits")
    columns = st.columns(4)
    logits = tuple(
        column.number_input(
            f"logit of {c}",
            value=v,
            min_value=-50.0,
            max_value=50.0,
            step=0.5,
            key=f"l_logit_{c}",
            bind="query-params",
        )
        for column, c, v in zip(columns, state.CLASSES, (2.0, 1.0, 0.1))
    )
    truth = segmented(columns[3], "True class", list(state.CLASSES), default="cat", key=keys.TRUTH)
    softmax, ce = state.softmax_table(logits, state.CLASSES.index(truth))
    left, right = st.columns([2, 1])
    left.dataframe(softmax, hide_index=True)
    right.metric("Cross-entropy −log p(true class)", state.fmt(ce))
    right.markdown(
        "The gradient with respect to each logit is simply **p − y**: raise the true class's "
        "logit, lower the others, each in proportion to its probability."
    )


def sigmoid() -> None:
    """Cross-entropy against squared error on a sigmoid: the logit redraws only these."""
    st.subheader("Why classifiers use cross-entropy")
    z = st.slider(
        "The model's logit z for a cat (p = sigmoid(z))", -8.0, 8.0, -6.0, 0.5, key=keys.Z, bind="query-params"
    )
    at = state.sigmoid_point(z)
    columns = st.columns(3)
    columns[0].metric("P(cat) = sigmoid(z)", f"{at['p']:.4f}")
    columns[1].metric("cross-entropy gradient p − y", f"{at['ce']:+.4f}")
    columns[2].metric("squared-error gradient 2(p − y)·p(1 − p)", f"{at['se']:+.4f}")
    if at["p"] < 0.1:
        ratio = abs(at["ce"] / at["se"]) if at["se"] else float("inf")
        st.error(
            f"Confidently wrong (P(cat) = {at['p']:.4f} for a cat): squared error's gradient has all but vanished, "
            f"{ratio:,.0f}× weaker than cross-entropy's, because the sigmoid is flat out here. With squared error "
            "the model learns slowest exactly when it is most wrong; cross-entropy keeps pulling."
        )
    for panel, y_title in (("loss", "loss"), ("derivative", "gradient in z")):
        render.show(
            charts.loss_curve,
            key=("sigmoid", panel),
            data=lambda: (
                state.sigmoid_curves(),
                panel,
                "logit z (label: cat, y = 1)",
                y_title,
                True,
                panel == "loss",
            ),
            params={"x_now": z},
            alt=f"The {panel} of cross-entropy and of squared error on a sigmoid output against the logit z; "
            "far left, the squared error's gradient is flat at zero while cross-entropy's stays near −1.",
        )


def precision() -> None:
    """The precision choice redraws only this tab."""
    dtype = segmented(st, "Precision", ["float32", "float16", "bfloat16", "float64"], default="float32", key=keys.DTYPE)
    cases = state.precision_table(dtype)
    for row in cases.itertuples():
        box = st.success if row.naive_ok else st.error
        verdict = "the naive form is right" if row.naive_ok else f"{row.explanation}"
        box(f"**{row.case}** — naive: {row.naive}; stable: {row.stable}; exact: {row.exact}. {verdict}.")
    st.markdown(
        "Not every tiny number fails: **p = 1e-8 is fine in float32** (the smallest float32 is about 1e-45), "
        f"so naive BCE gives {state.fmt(losses.naive_binary_cross_entropy(1e-8, 1.0, 'float32'))}, correct. "
        "In float32 the failures are p = 1 − 1e-8 with label 0 (p rounds to exactly 1, log(1 − p) = log 0) "
        "and logits of ±100 (exp(100) overflows). In float16, 1e-8 itself rounds to 0."
    )
    st.markdown(
        "That is why PyTorch's `CrossEntropyLoss` and `BCEWithLogitsLoss` take **logits**, not probabilities: "
        "they use the stable log-sum-exp form and never round a probability to 0 or 1."
    )
