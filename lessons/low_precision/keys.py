"""The lesson's widget keys, declared once. The bound ones are also its URL parameters (prefix ``lp_``)."""

from __future__ import annotations

TAB = "lp_tab"
DATA = "lp_data"
NOISE = "lp_noise"
SEED = "lp_seed"
ACTIVATION = "lp_act"
DTYPE = "lp_dtype"
RECIPES = "lp_recipes"
OPTIMIZER = "lp_opt"
LR = "lp_lr"
SCHEDULE = "lp_sched"
STEPS = "lp_steps"
AT = "lp_at"  # the snapshot shown: a training step
PLAY = "lp_play"  # the Play / Pause button
BACK, FORWARD = "lp_back", "lp_fwd"  # one snapshot back or on
PLAYING = "lp_playing"  # not a widget: whether Play is on (a button cannot hold it)

#: Bound to the address bar: a copied link reproduces the screen.
BOUND = frozenset({TAB, DATA, NOISE, SEED, ACTIVATION, DTYPE, RECIPES, OPTIMIZER, LR, SCHEDULE, STEPS, AT})

QUESTION = "lp_q1"  # predict-then-reveal (ui.predict adds __guess and __reveal)

#: The presets that tell the story, in order: button key → the values it sets.
#: The settings the core's author measured: moons, n = 200, noise 0.1, seed 0, 2-16-16-1 tanh, 500 steps.
_STORY = {DATA: "moons", NOISE: 0.1, SEED: 0, ACTIVATION: "tanh", OPTIMIZER: "gd", SCHEDULE: "constant", STEPS: 500}
PRESETS: dict[str, dict] = {
    "lp_p1": {**_STORY, DTYPE: "float32", LR: 0.5, RECIPES: ["low"]},
    "lp_p2": {**_STORY, DTYPE: "float16", LR: 0.5, RECIPES: ["mixed", "scaled"]},
    "lp_p3": {**_STORY, DTYPE: "bfloat16", LR: 0.2, RECIPES: ["low"]},
    "lp_p4": {**_STORY, DTYPE: "bfloat16", LR: 0.2, RECIPES: ["low", "mixed"]},
}

#: Every key a widget of this page may carry.
ALL = BOUND | {PLAY, BACK, FORWARD, f"{QUESTION}__guess", f"{QUESTION}__reveal"} | set(PRESETS)
