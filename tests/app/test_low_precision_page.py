"""AppTest of the Training in low precision page.

Expected numbers: the presets' stories were measured through core.low_precision by its author (moons,
n = 200, noise 0.1, seed 0, 2-16-16-1 tanh, mlp_init(seed=0), 500 steps) and are recomputed here through
core, so the screen must show what core computes. Limits: IEEE 754-2008 binary16, smallest subnormal 2⁻²⁴
and smallest normal 2⁻¹⁴. Loss scaling: torch.amp.GradScaler's documented defaults (init_scale 2¹⁶).
The vanished update is the rounding of the course's Lesson 1 (3.0 + 1e-17 == 3.0 in float64).
"""

import pytest

from core.low_precision import make_data, mlp_init, train
from lessons.low_precision import keys
from tests.conftest import no_exception

PAGE = "lessons/low_precision/page.py"


def texts(elements) -> str:
    return "\n".join(e.value for e in elements)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _core(dtype, recipe, lr):
    X, y = make_data("moons", 200, 0.1, 0)
    return train(X, y, mlp_init([2, 16, 16, 1], 0), dtype=dtype, recipe=recipe, lr=lr, steps=500)


def test_defaults_render_three_recipes_in_float16(open_page):
    at = open_page(PAGE)
    no_exception(at)
    shown = metrics(at)
    for recipe in ("low", "mixed", "scaled", "float32"):
        assert f"{recipe}: final loss" in shown
    assert len(at.get("vega_lite_chart")) == 7  # loss, 3 boundaries, 3 gradient histograms
    assert shown["mixed: final loss"] == f"{_core('float16', 'mixed', 0.5).final_loss:.4g}"


def _press(at, preset):
    at.button(key=preset).click().run()
    no_exception(at)
    return texts(at.info), metrics(at)


def test_preset_1_float32_learns(open_page):
    story, shown = _press(open_page(PAGE), "lp_p1")
    final = _core("float32", "low", 0.5).final_loss
    assert round(final, 4) == 0.0062  # the measured story
    assert shown["low: final loss"] == f"{final:.4g}" and "float32: final loss" not in shown
    assert f"the loss is **{final:.2g}**" in story


def test_preset_2_float16_flushes_and_loss_scaling_keeps(open_page):
    story, shown = _press(open_page(PAGE), "lp_p2")
    mixed, scaled = _core("float16", "mixed", 0.5), _core("float16", "scaled", 0.5)
    # below 2^-24 (binary16's smallest subnormal) a backward value is 0; ×2^16 (GradScaler's init_scale) lifts it
    assert round(mixed.underflow_backward[-1], 2) == 0.07 and scaled.underflow_backward.max() == 0
    assert shown["mixed: backward values flushed (last step)"] == f"{mixed.underflow_backward[-1]:.1%}"
    assert shown["scaled: backward values flushed (last step)"] == "0.0%"
    assert "**7%**" in story and "**0%** flush" in story and "S = 65536" in story


def test_preset_3_bfloat16_loses_small_updates(open_page):
    story, shown = _press(open_page(PAGE), "lp_p3")
    low, ref = _core("bfloat16", "low", 0.2), _core("float32", "low", 0.2)
    assert (
        round(low.final_loss, 3) == 0.266
        and round(low.vanished.mean(), 2) == 0.83
        and round(ref.final_loss, 3) == 0.046
    )
    assert (
        shown["low: final loss"] == f"{low.final_loss:.4g}" and shown["float32: final loss"] == f"{ref.final_loss:.4g}"
    )
    assert shown["low: updates vanished (mean per step)"] == f"{low.vanished.mean():.1%}"
    assert "**0.266**" in story and "**0.046**" in story and "**83%**" in story


def test_preset_4_master_weights_fix_it(open_page):
    story, shown = _press(open_page(PAGE), "lp_p4")
    mixed = _core("bfloat16", "mixed", 0.2)
    assert round(mixed.final_loss, 3) == 0.046
    assert shown["mixed: final loss"] == f"{mixed.final_loss:.4g}"
    assert "**0.046**" in story and "master weights" in story


def test_a_moved_control_leaves_the_story(open_page):
    at = open_page(PAGE)
    _press(at, "lp_p3")
    at.select_slider(key=keys.LR).set_value(0.5).run()
    no_exception(at)
    assert "loses small updates" not in texts(at.info)


def test_every_widget_key_is_declared(open_page):
    at = open_page(PAGE)
    kinds = (
        "text_input",
        "number_input",
        "slider",
        "select_slider",
        "selectbox",
        "radio",
        "toggle",
        "checkbox",
        "multiselect",
        "button_group",
        "button",
    )
    found = {e.key for kind in kinds for e in at.get(kind) if getattr(e, "key", None)}
    found = {k for k in found if k != "present" and not k.startswith("csv-")}
    assert found and found <= keys.ALL, f"undeclared keys: {sorted(found - keys.ALL)}"
    assert all(k.startswith("lp_") for k in keys.ALL)


def test_the_snapshot_slider_steps_without_retraining(open_page):
    at = open_page(PAGE, query={"lp_at": "0"})
    assert at.select_slider(key=keys.AT).value == 0
    at.button(key=keys.FORWARD).click().run()
    no_exception(at)
    assert at.select_slider(key=keys.AT).value == 10  # 500 steps keep a snapshot every 10
    assert "Step 10 of 500" in texts(at.caption)


@pytest.mark.parametrize(
    "query",
    [
        {"lp_recipes": []},
        {"lp_steps": "100", "lp_at": "999"},
        {"lp_dtype": "bfloat16", "lp_sched": "cosine"},
        {"lp_data": "spiral", "lp_act": "relu", "lp_lr": "2.0"},
        {"lp_tab": "What rounding took"},
        {"lp_tab": "What rounding took", "lp_recipes": ["low"]},
    ],
)
def test_odd_states_render(open_page, query):
    at = open_page(PAGE, query=query)
    no_exception(at)
    assert at.title
