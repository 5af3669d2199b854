"""The Gradient descent lesson's tabs: each one's controls and what they draw, run as a fragment by page.py."""

import streamlit as st

from core.optimizers import OPTIMIZERS
from lessons.descent import charts, keys, state
from ui import landscape, page, render
from ui.controls import format_step, precision_pills, preset_button
from ui.function_input import function_input


def one_weight() -> None:
    """The course's loop on x²: its own controls, so moving them redraws only this tab."""
    left, middle, right = st.columns([1, 2, 1])
    x0 = left.number_input(
        "Start x₀", key=keys.X0_1, value=10.0, min_value=-1e6, max_value=1e6, step=1.0, bind="query-params"
    )
    lr1 = middle.select_slider("Learning rate η", state.ONE_WEIGHT_RATES, value=0.1, key=keys.LR1, bind="query-params")
    epochs = right.select_slider("Epochs", state.EPOCHS, value=20, key=keys.EPOCHS, bind="query-params")
    one = state.one_weight(x0, lr1, epochs)
    severity, sentence = state.regime(lr1, x0)
    getattr(st, severity)(sentence)
    curve, table = st.columns([1.4, 1])
    render.show(
        charts.curve_steps,
        key=(x0, lr1, epochs),
        data=lambda: state.curve_with_steps(one),
        container=curve,
        alt=f"The parabola f(x) = x² with {epochs} steps of gradient descent from x = {x0:g} at learning rate {lr1:g}, "
        f"ending at x = {one.points[-1, 0]:.4g}.",
    )
    epochs_table = state.epoch_table(one)
    table.dataframe(
        epochs_table[["printed"]],
        hide_index=True,
        height=360,
        width="stretch",
        column_config={"printed": st.column_config.TextColumn("What the loop prints")},
    )
    if lr1 == 0.1 and x0 == 10.0 and epochs == 20:
        table.caption("x shrinks by 0.8 each step: 10 · 0.8²⁰ ≈ 0.1153, the course's last line.")
    render.show(
        charts.lr_regimes,
        key=(),
        data=lambda: (state.factor_table(),),
        params={"eta": lr1},
        container=st,
        alt="The factor 1 − 2η that multiplies x each step, against the learning rate η: below η = 0.5 x shrinks, "
        "between 0.5 and 1 it flips sign but shrinks (oscillation), above 1 it grows (divergence).",
    )
    story = state.overflow_story(x0, lr1) if lr1 > 1 else None
    if story is not None and story.status == "diverged":
        st.error(f"**Diverged.** {story.reason}")
        st.caption(
            "Run on past the epochs shown, until the weight is no longer a number. Tools that train "
            "models report this as a loss of NaN; it is the learning rate, not a bug."
        )


def loop_that_dies() -> None:
    """The loop fed a cancelled forward difference; its controls redraw only this tab."""
    st.markdown(
        "The same loop on Loss = w² from w = 3 with learning rate 0.1, but the slope comes from the forward difference "
        "(f(w + h) − f(w)) / h instead of calculus. When h is too small for the precision, w + h == w, the estimate "
        "is exactly 0 — and the loop believes it stands on flat ground."
    )
    left, right = st.columns([1.4, 1])
    h = state.tiny_step_slider("Step size h of the forward difference", key=keys.H, default=1e-17, container=left)
    dtypes = precision_pills("Precisions", key=keys.DTYPES, container=right)
    runs = {"exact slope 2w (calculus)": state.dying_exact()}
    styles = [("exact slope 2w (calculus)", "exact")]
    for dtype in dtypes:
        label = f"forward difference, {dtype}"
        runs[label] = state.dying(h, dtype)
        styles.append((label, dtype))
    render.show(
        charts.dying_chart,
        key=(h, tuple(dtypes)),
        data=lambda: (state.dying_table(runs), tuple(styles)),
        container=st,
        alt=f"The weight w over 50 steps from w = 3: with the exact slope it walks to 0; with the forward difference "
        f"at h = {format_step(h)} in {', '.join(dtypes) or 'no precision'} it "
        + ", ".join(f"{r.status}" for r in list(runs.values())[1:])
        + ".",
    )
    statuses(runs)
    st.caption(
        "For w² these are the very weights an NVIDIA H100 computes with PyTorch in each precision, bit for bit "
        "(checked against a GPU reference). In float32 the loop already dies at h = 1e-8: 3 + 1e-8 rounds to 3."
    )
    buttons = st.columns(3)
    preset_button("float64, h = 1e-17", {keys.H: 1e-17, keys.DTYPES: ["float64"]}, key=keys.P64, container=buttons[0])
    preset_button(
        "float32, h = 1e-8", {keys.H: 1e-8, keys.DTYPES: ["float64", "float32"]}, key=keys.P32, container=buttons[1]
    )
    preset_button(
        "float16, h = 1e-8 (NaN)", {keys.H: 1e-8, keys.DTYPES: ["float16"]}, key=keys.P16, container=buttons[2]
    )


def _restart_at_the_end(longest: int) -> None:
    """Play pressed with every step already shown: start again from step 0."""
    if st.session_state.get(keys.PLAY) and st.session_state.get(keys.UPTO, 0) >= longest:
        st.session_state[keys.UPTO] = 0


def two_weights() -> None:
    """Optimizers on a landscape; its controls redraw only this tab."""
    with st.container(border=True):
        left, mx, my, right = st.columns([2.2, 0.8, 0.8, 2.4])
        choice = left.selectbox(
            "Landscape",
            landscape.CHOICES,
            index=landscape.CHOICES.index("ravine"),
            format_func=landscape.choice_title,
            key=keys.LAND,
            bind="query-params",
            on_change=state.move_start_to_catalogue,
        )
        text, radius = None, None
        if choice == landscape.TYPED:
            text, analysis = function_input(
                "f(x, y)", key=keys.F, default="x^2 + 10y^2", variables=landscape.XY, container=left
            )
            if analysis is None:
                st.error("The function could not be analysed just now; reload the page in a moment.")
                st.stop()
            radius = left.select_slider(
                "Box: x and y from −r to r", landscape.RADII, value=3.0, key=keys.R, bind="query-params"
            )
        suggested = state.suggested_start(choice)
        sx = mx.number_input(
            "start x", key=keys.SX, value=suggested[0], min_value=-1e6, max_value=1e6, step=0.1, bind="query-params"
        )
        sy = my.number_input(
            "start y", key=keys.SY, value=suggested[1], min_value=-1e6, max_value=1e6, step=0.1, bind="query-params"
        )
        steps = right.select_slider("Steps", state.STEPS, value=500, key=keys.STEPS, bind="query-params")
        chosen = (
            st.pills(
                "Optimizers",
                list(OPTIMIZERS),
                selection_mode="multi",
                default=list(state.DEFAULT_OPTIMIZERS),
                format_func=state.optimizer_title,
                key=keys.OPTS,
                bind="query-params",
            )
            or []
        )
        settings = {}
        if chosen:
            for column, key in zip(st.columns(len(chosen)), chosen):
                optimizer = OPTIMIZERS[key]
                column.markdown(f"**{optimizer.title}**")
                lr = column.select_slider(
                    "learning rate",
                    optimizer.lr_options,
                    value=state.UI_LR[key],
                    key=f"gd_lr_{key}",
                    bind="query-params",
                    format_func=lambda v: f"{v:g}",
                )
                hyper = {
                    p.name: column.select_slider(
                        p.label,
                        p.options,
                        value=p.default,
                        key=f"gd_{key}_{p.name}",
                        bind="query-params",
                        help=p.help,
                        format_func=lambda v: f"{v:g}",
                    )
                    for p in optimizer.hyper
                }
                settings[key] = (lr, hyper)
    if choice != landscape.TYPED:
        st.markdown(state.landscape_sentence(choice))
    if not chosen:
        st.info("Pick at least one optimizer above.")
    else:
        source, box = landscape.source_and_box(choice, text, radius)
        start = (sx, sy)
        runs = {
            state.run_label(k, lr): state.run(source, start, k, lr, steps, state.hyper_items(k, hyper))
            for k, (lr, hyper) in settings.items()
        }
        longest = max(r.steps for r in runs.values())
        contour = state.descent_contour(source, box)
        surface = landscape.surface(source)
        path_key = (
            source,
            box,
            start,
            steps,
            tuple((k, lr, state.hyper_items(k, h)) for k, (lr, h) in settings.items()),
        )
        paths = state.paths(runs)
        map_params = landscape.point_params(start, (0.0, 0.0), box, prefix="dm_")

        @st.fragment(run_every=0.3 if st.session_state.get(keys.PLAY) else None)
        @page.guarded
        def watch() -> None:
            """Watching it learn: reveal the paths step by step (play advances the slider)."""
            stride = max(1, longest // 60)
            if st.session_state.get(keys.PLAY):
                at = st.session_state.get(keys.UPTO, 0)
                if at >= longest:
                    # The end: stop before the toggle is drawn (a widget's value cannot change after it is),
                    # and rerun the app so that the fragment stops ticking.
                    st.session_state[keys.PLAY] = False
                    st.rerun(scope="app")
                st.session_state[keys.UPTO] = min(longest, at + stride)
            controls = st.columns([1, 4])
            controls[0].toggle(
                "Play",
                key=keys.PLAY,
                help="Reveal the paths step by step, as on a projector.",
                on_change=_restart_at_the_end,
                args=(longest,),
            )
            upto = state.step_slider("Show steps up to", steps, key=keys.UPTO, container=controls[1])
            st.progress(min(upto, longest) / max(longest, 1), text=f"step {min(upto, longest)} of {longest}")
            chart, loss = st.columns([1.2, 1])
            render.show(
                charts.descent_map,
                key=path_key,
                data=lambda: (
                    contour.heat,
                    contour.lines,
                    contour.arrows,
                    len(contour.levels),
                    box,
                    surface.variables,
                    paths,
                    state.minima_marks(choice),
                ),
                params={**map_params, "dm_upto": upto},
                container=chart,
                alt=f"Contour map with the paths of {', '.join(runs)} from ({sx:g}, {sy:g}); "
                + "; ".join(state.final_sentence(label, r, surface.variables) for label, r in runs.items()),
            )
            positive = bool((paths["loss"] > 0).all())
            render.show(
                charts.loss_chart,
                key=path_key,
                data=lambda: (paths, positive),
                params={"dm_upto": upto},
                container=loss,
                alt="The loss against step for each optimizer, on a log scale.",
            )
            if not positive:
                loss.caption("Some losses are ≤ 0, which a log scale cannot show: a symmetric log scale is used.")

        watch()
        statuses(runs)
        st.caption(
            "Black crosses: the catalogue's minima (and saddle points). Each optimizer follows "
            "torch.optim's update rule with its defaults; the code below runs the same loop in PyTorch."
        )


def line_learning() -> None:
    """Linear regression by descent; its controls redraw only this tab."""
    controls = st.columns(6)
    seed = controls[0].number_input(
        "Data seed", key=keys.SEED, value=0, min_value=0, max_value=10_000, step=1, bind="query-params"
    )
    noise = controls[1].select_slider("Noise", landscape.NOISES, value=1.0, key=keys.NOISE, bind="query-params")
    lr_line = controls[2].select_slider(
        "Learning rate",
        (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02),
        value=0.005,
        key=keys.LR_LINE,
        bind="query-params",
        format_func=lambda v: f"{v:g}",
    )
    line_steps = controls[3].select_slider(
        "Steps", (50, 100, 200, 500, 1000), value=200, key=keys.LINE_STEPS, bind="query-params"
    )
    batch = controls[4].select_slider(
        "Mini-batch size",
        state.BATCHES,
        value=3,
        key=keys.BATCH,
        bind="query-params",
        help="How many of the 12 points each step's gradient sees (12 = full batch).",
    )
    batch_seed = controls[5].number_input(
        "Shuffle seed", key=keys.BSEED, value=1, min_value=0, max_value=10_000, step=1, bind="query-params"
    )
    sse_source, sse_box = landscape.sse_source_and_box(seed, noise)
    start = (sse_box[0][0] + 0.5, sse_box[1][1] - 0.5)
    full = state.fit(seed, noise, start, lr_line, line_steps, 12, batch_seed)
    runs = {"full batch (12 points)": full}
    if batch < 12:
        runs[f"mini-batch of {batch}"] = state.fit(seed, noise, start, lr_line, line_steps, batch, batch_seed)
    upto = state.step_slider("Show steps up to", line_steps, key=keys.LINE_UPTO)
    shown = list(runs.values())[-1]
    m, c = shown.points[min(upto, shown.steps)]
    st.markdown(
        f"Step {min(upto, shown.steps)} of the {list(runs)[-1]}: the line y = {m:.3f}·x + {c:.3f}. The best line "
        f"(least squares) is m = {landscape.best_line(seed, noise)[0]:.3f}, c = {landscape.best_line(seed, noise)[1]:.3f}."
    )
    fit_chart, surface_chart = st.columns(2)
    render.show(
        landscape.line_fit,
        key=(seed, noise),
        data=lambda: (landscape.linear_data(seed, noise),),
        params={"lm": float(m), "lc": float(c)},
        container=fit_chart,
        alt=f"The data and the line y = {m:.3g}·x + {c:.3g} after {min(upto, shown.steps)} steps of descent.",
    )
    sse_contour = state.descent_contour(sse_source, sse_box)
    line_paths = state.paths(runs)
    render.show(
        charts.descent_map,
        key=(sse_source, sse_box, lr_line, line_steps, batch, batch_seed),
        data=lambda: (
            sse_contour.heat,
            sse_contour.lines,
            sse_contour.arrows,
            len(sse_contour.levels),
            sse_box,
            landscape.MC,
            line_paths,
            state.sse_minimum(seed, noise),
            "lm_",
        ),
        params={**landscape.point_params(start, (0.0, 0.0), sse_box, prefix="lm_"), "lm_upto": upto},
        container=surface_chart,
        alt="The sum of squared errors over (m, c) with the full-batch path walking smoothly to the bottom and the "
        "mini-batch path wandering around it.",
    )
    statuses(runs)
    st.caption(
        "A mini-batch gradient uses a few points, shuffled each epoch, scaled up to the whole dataset: cheaper "
        "and noisy, so the path wanders and never settles exactly — which is why training lowers the learning rate "
        "late on."
    )


def statuses(runs: dict) -> None:
    """One line per run: converged, still going, or diverged, in its severity's colour."""
    for label, r in runs.items():
        severity, sentence = state.status_line(label, r)
        getattr(st, severity)(sentence)
