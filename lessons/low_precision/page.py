"""Lesson 6 — Training in low precision: flushed gradients, vanished updates, and the recipes that win them back."""

import streamlit as st

from core import low_precision as lp
from core.optimizers import OPTIMIZERS, SCHEDULES
from lessons.low_precision import charts, keys, state, words
from ui import page, predict, render
from ui.controls import preset_button, segmented
from ui.show_code import show_code

page.header(words.TITLE, words.INTRO)


def question() -> None:
    predict.ask(
        predict.Question(
            key=keys.QUESTION,
            prompt=words.QUESTION_PROMPT,
            choices=words.QUESTION_CHOICES,
            answer=words.QUESTION_ANSWER,
            explain=reveal,
        )
    )


def reveal() -> None:
    st.markdown(words.question_reveal(*state.question_numbers()))


def training_controls() -> state.Settings:
    """The data, the network's activation, the precision, the recipes and how it trains."""
    with st.container(border=True):
        data, noise, seed, activation = st.columns([1.2, 1.4, 0.8, 1])
        kind = data.selectbox("Data set", lp.DATASETS, key=keys.DATA, bind="query-params")
        noise = noise.select_slider("Noise", state.NOISES, value=0.1, key=keys.NOISE, bind="query-params")
        seed = seed.number_input(
            "Data seed", min_value=0, max_value=10_000, value=0, step=1, key=keys.SEED, bind="query-params"
        )
        activation = segmented(activation, "Activation", list(lp.ACTIVATIONS), default="tanh", key=keys.ACTIVATION)
        precision, recipes = st.columns([1.2, 3.2])
        dtype = segmented(precision, "Precision", list(state.DTYPES), default="float16", key=keys.DTYPE)
        chosen = (
            recipes.pills(
                "Recipes, side by side",
                list(lp.RECIPES),
                selection_mode="multi",
                default=list(lp.RECIPES),
                format_func=lambda r: words.recipe_label(r, dtype),
                key=keys.RECIPES,
                bind="query-params",
                help=words.RECIPE_HELP,
            )
            or []
        )
        optimizer, rate, schedule, steps = st.columns([1.2, 1.4, 1.8, 1])
        optimizer.selectbox(
            "Optimizer",
            ["gd"],
            format_func=lambda k: OPTIMIZERS[k].title,
            key=keys.OPTIMIZER,
            bind="query-params",
            help=words.OPTIMIZER_NOTE,
        )
        lr = rate.select_slider("Learning rate", state.RATES, value=0.5, key=keys.LR, bind="query-params")
        schedule = segmented(
            schedule, "Schedule", list(SCHEDULES), default="constant", key=keys.SCHEDULE, help=words.SCHEDULE_HELP
        )
        steps = steps.select_slider("Steps", state.STEP_COUNTS, value=500, key=keys.STEPS, bind="query-params")
        st.caption(f"{words.OPTIMIZER_NOTE} {words.DATA_NOTE}")
    return state.Settings(
        kind, float(noise), int(seed), activation, dtype, tuple(chosen), float(lr), schedule, int(steps)
    )


def presets(s: state.Settings) -> None:
    """The story in order: four buttons, and the sentence of the one the controls now match."""
    st.markdown(words.PRESETS_INTRO)
    for column, (key, values) in zip(st.columns(len(keys.PRESETS)), keys.PRESETS.items()):
        preset_button(words.PRESET_LABELS[key], values, key=key, container=column)
    chosen = state.matching_preset({name: st.session_state.get(name) for name in keys.BOUND}, keys.PRESETS)
    if chosen:
        st.info(words.story(chosen, state.story_numbers(state.runs(s), state.reference(s))), icon=":material/school:")


def numbers(s: state.Settings) -> None:
    """One column per run: its final loss, the updates it lost and the backward values it flushed."""
    trained = state.runs(s)
    if not trained:
        st.info(words.NO_RECIPE)
        return
    shown = {**trained, **({"float32": state.reference(s)} if s.dtype != "float32" else {})}
    for column, (run, t) in zip(st.columns(len(shown)), shown.items()):
        summary = state.summary(t)
        column.markdown(f"**{words.recipe_label(run, s.dtype)}**")
        column.metric(f"{run}: final loss", f"{summary.final_loss:.4g}")
        column.metric(f"{run}: updates vanished (mean per step)", f"{summary.vanished:.1%}")
        column.metric(f"{run}: backward values flushed (last step)", f"{summary.flushed_backward:.1%}")
        if summary.skipped:
            column.warning(words.SKIPPED.format(label=run, count=summary.skipped))


def watch_it_learn(s: state.Settings) -> None:
    """Play and step buttons; the frames themselves redraw on their own while playing."""
    steps = state.snapshot_steps(s)
    playing = bool(st.session_state.get(keys.PLAYING))
    back, play, forward, _ = st.columns([1, 1, 1, 5])
    back.button(
        "Step back",
        key=keys.BACK,
        icon=":material/skip_previous:",
        on_click=state.step_by,
        args=(steps, keys.AT, -1),
        width="stretch",
    )
    play.button(
        "Pause" if playing else "Play",
        key=keys.PLAY,
        type="primary",
        width="stretch",
        icon=":material/pause:" if playing else ":material/play_arrow:",
        help=words.PLAY_HELP,
        on_click=state.toggle_play,
        args=(steps, keys.AT, keys.PLAYING),
    )
    forward.button(
        "Step",
        key=keys.FORWARD,
        icon=":material/skip_next:",
        on_click=state.step_by,
        args=(steps, keys.AT, 1),
        width="stretch",
    )
    st.fragment(run_every=0.7 if playing else None)(page.guarded(frames))(s)


def frames(s: state.Settings) -> None:
    """The watched step: the loss so far, the decision boundaries and the gradients there."""
    steps, playing = state.snapshot_steps(s), bool(st.session_state.get(keys.PLAYING))
    st.session_state[keys.AT] = state.held_step(steps, keys.AT)
    if playing:
        st.session_state[keys.AT] = state.next_snapshot(steps, st.session_state[keys.AT])
    at = st.select_slider("Snapshot at step", steps, key=keys.AT, bind="query-params")
    trained, ref = state.runs(s), state.reference(s)
    st.caption(words.step_caption(at, s.steps, float(ref.rates[min(at, s.steps - 1)]) if s.steps else s.lr))
    loss_chart(s, trained, ref, at)
    boundaries(s, trained, at)
    gradient_histograms(s, trained, at)
    if playing and at == steps[-1]:
        st.session_state[keys.PLAYING] = False
        st.rerun(scope="app")


def loss_chart(s: state.Settings, trained: dict, ref: lp.Training, at: int) -> None:
    labels = {run: words.recipe_label(run, s.dtype) for run in [*trained, "float32"]}
    shown = [*trained, *(["float32"] if s.dtype != "float32" else [])]
    finals = [trained[r].final_loss if r in trained else ref.final_loss for r in shown]
    render.show(
        charts.lp_losses,
        key=(*s.key(), "losses"),
        data=lambda: (state.losses_table(trained, ref, s.dtype), labels),
        params={"lp_step": at},
        alt=words.alt_losses([labels[r] for r in shown], finals),
    )


def boundaries(s: state.Settings, trained: dict, at: int) -> None:
    dots = state.points(s.kind, s.noise, s.seed)
    for column, (recipe, t) in zip(st.columns(len(trained)), trained.items()):
        k = int(abs(t.snapshot_steps - at).argmin())
        title = words.boundary_title(words.recipe_label(recipe, s.dtype), t.losses[int(t.snapshot_steps[k])])
        render.show(
            charts.lp_boundary,
            key=(s.run_key(), s.dtype, recipe, at),
            container=column,
            data=lambda recipe=recipe, title=title: (state.boundary(s.run_key(), s.dtype, recipe, at), dots, title),
            alt=f"Decision boundary of {title} at step {at}: the network's p(class 1) over the plane, and the points.",
        )


def gradient_histograms(s: state.Settings, trained: dict, at: int) -> None:
    for column, (recipe, t) in zip(st.columns(len(trained)), trained.items()):
        g = state.gradients(t, recipe, at)
        title = words.gradients_title(recipe, g.flushed)
        render.show(
            charts.lp_gradients,
            key=(s.run_key(), s.dtype, recipe, at),
            container=column,
            data=lambda g=g, title=title: (g.histogram, state.limit_lines(s.dtype, g), title),
            alt=f"Histogram of the weight gradients' magnitudes at step {at}, {title}.",
        )
        column.caption(words.backward_flushed(recipe, state.backward_at(t, at)) + words.gradients_zero(g.zero))
    st.caption(words.gradients_caption(s.dtype))


def what_rounding_took(s: state.Settings) -> None:
    """Per step: updates that vanished, backward values that flushed, and the loss scale."""
    trained = state.runs(s)
    st.markdown(words.LESSON_ONE)
    st.markdown(words.LOST_INTRO)
    if not trained:
        st.info(words.NO_RECIPE)
        return
    labels = {run: words.recipe_label(run, s.dtype) for run in trained}
    at = {"lp_step": state.held_step(state.snapshot_steps(s), keys.AT)}
    vanished, flushed = st.columns(2)
    for column, field, title in (
        (vanished, "vanished", words.VANISHED_TITLE),
        (flushed, "underflow_backward", words.FLUSHED_TITLE),
    ):
        render.show(
            charts.lp_share,
            key=(*s.key(), field),
            container=column,
            params=at,
            data=lambda field=field, title=title: (state.per_step_table(trained, field), labels, title),
            alt=f"The share of {title} at each step, for {', '.join(labels.values())}.",
        )
    if "scaled" not in trained:
        st.info(words.NO_SCALED)
        return
    scaled = {"scaled": trained["scaled"]}
    render.show(
        charts.lp_scale,
        key=(*s.key(), "scales"),
        params=at,
        data=lambda: (state.per_step_table(scaled, "scales"), labels),
        alt=f"GradScaler's loss scale at each step, from 65536 to {trained['scaled'].scales[-1]:g}.",
    )
    st.caption(words.SCALE_NOTE)


@st.fragment
@page.guarded
def lesson() -> None:
    """Everything below the title: a control moved here reruns this, not the sidebar or the header."""
    page.guarded(question)()
    settings = training_controls()
    page.guarded(presets)(settings)
    page.guarded(numbers)(settings)
    watch, lost = st.tabs(list(words.TABS), key=keys.TAB, on_change="rerun", bind="query-params")
    if watch.open:
        with watch:
            st.fragment(page.guarded(watch_it_learn))(settings)
    if lost.open:
        with lost:
            st.fragment(page.guarded(what_rounding_took))(settings)
    with st.expander(words.ACCUMULATION_TITLE, icon=":material/calculate:"):
        st.markdown(words.ACCUMULATION)
    show_code(
        lp.train,
        lp.vanished,
        language_note=words.TORCH_NOTE,
        equivalent=words.torch_code(
            settings.dtype, settings.lr, words.schedule_line(settings.schedule, settings.steps), settings.steps
        ),
    )


lesson()
