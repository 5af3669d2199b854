"""Cached calls into core.low_precision, and the tidy tables the charts draw.

Every training is cached on plain values (data set, noise, seed, activation, precision, recipe,
learning rate, schedule, steps), so a rerun that only moves the step slider or plays through the
snapshots trains nothing: it reads the snapshots the Training already holds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import ml_dtypes
import numpy as np
import pandas as pd
import streamlit as st

from core import low_precision as lp
from core.optimizers import learning_rates

N_POINTS = 200
SIZES = (2, 16, 16, 1)
INIT_SEED = 0  # mlp_init(seed=0): the weights the story's numbers were measured from
DTYPES = ("float32", "float16", "bfloat16")
NOISES = (0.0, 0.05, 0.1, 0.2, 0.3)
RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0)
STEP_COUNTS = (100, 200, 500, 1000)
GRID = 30  # decision-boundary cells per side: 900 cells and 200 points per chart
BIN_WIDTH = 0.25  # histogram bins, in decades
FLOAT16_SUBNORMAL = 2.0**-24  # IEEE 754 binary16: smallest subnormal ≈ 5.96e-8
FLOAT16_NORMAL = 2.0**-14  # and smallest normal ≈ 6.10e-5


@dataclass(frozen=True)
class Settings:
    """What the controls chose: plain values, the cache keys of every training."""

    kind: str
    noise: float
    seed: int
    activation: str
    dtype: str
    recipes: tuple[str, ...]
    lr: float
    schedule: str
    steps: int

    def run_key(self) -> tuple:
        """What one training depends on besides its precision and recipe."""
        return (self.kind, self.noise, self.seed, self.activation, self.lr, self.schedule, self.steps)

    def key(self) -> tuple:
        return (*self.run_key(), self.dtype, self.recipes)


@st.cache_data(max_entries=32, show_spinner=False)
def data(kind: str, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return lp.make_data(kind, N_POINTS, noise, seed)


@st.cache_resource(max_entries=96, show_spinner="Training…")
def training(
    kind: str, noise: float, seed: int, activation: str, lr: float, schedule: str, steps: int, dtype: str, recipe: str
) -> lp.Training:
    """One full-batch training of the 2-16-16-1 network (the same object on every hit: never modified)."""
    X, y = data(kind, noise, seed)
    rates = learning_rates(schedule, lr, steps)
    return lp.train(
        X, y, lp.mlp_init(SIZES, INIT_SEED), dtype=dtype, recipe=recipe, lr=rates, steps=steps, activation=activation
    )


def runs(s: Settings) -> dict[str, lp.Training]:
    """The chosen recipes in the chosen precision, in the order of core's RECIPES."""
    return {recipe: training(*s.run_key(), s.dtype, recipe) for recipe in lp.RECIPES if recipe in s.recipes}


def reference(s: Settings) -> lp.Training:
    """The same training in float32, where all three recipes are one computation."""
    return training(*s.run_key(), "float32", "low")


def snapshot_steps(s: Settings) -> list[int]:
    return [int(k) for k in reference(s).snapshot_steps]


def nearest_snapshot(steps: list[int], value) -> int:
    """The kept step nearest a value from the address bar or an older, longer run."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return steps[-1]
    return steps[-1] if not math.isfinite(value) else min(steps, key=lambda k: abs(k - value))


def next_snapshot(steps: list[int], at: int) -> int:
    """Play's next frame: one kept step on; from the last one, back to the start."""
    later = [k for k in steps if k > at]
    return later[0] if later else steps[0]


# --- tables for the charts -------------------------------------------------------------------


def losses_table(trained: dict[str, lp.Training], ref: lp.Training, dtype: str) -> pd.DataFrame:
    """``run, step, loss``: each recipe, and the float32 reference unless float32 is what is shown."""
    frames = [
        pd.DataFrame({"run": recipe, "step": np.arange(len(t.losses)), "loss": t.losses})
        for recipe, t in trained.items()
    ]
    if dtype != "float32" or not trained:
        frames.append(pd.DataFrame({"run": "float32", "step": np.arange(len(ref.losses)), "loss": ref.losses}))
    table = pd.concat(frames, ignore_index=True)
    table = table[np.isfinite(table["loss"]) & (table["loss"] > 0)]
    return _thin(table, "run", 1500)


def per_step_table(trained: dict[str, lp.Training], field: str) -> pd.DataFrame:
    """``run, step, value`` for a per-step record of each Training (vanished, underflow_backward, scales)."""
    frames = [
        pd.DataFrame({"run": recipe, "step": np.arange(t.steps), "value": getattr(t, field)})
        for recipe, t in trained.items()
    ]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["run", "step", "value"])
    return _thin(table, "run", 1500)


def _thin(table: pd.DataFrame, by: str, max_rows: int) -> pd.DataFrame:
    every = max(1, math.ceil(len(table) / max_rows))  # every k-th step of each run, and its last
    return table[(table["step"] % every == 0) | table.groupby(by)["step"].transform(lambda s: s == s.max())]


@st.cache_data(max_entries=256, show_spinner=False)
def boundary(key: tuple, dtype: str, recipe: str, step: int) -> pd.DataFrame:
    """``x1, x2, p``: the network's p(class 1) on a grid, with the weights of the snapshot at `step`,
    computed in `dtype` as the recipe's forward pass does (its weights rounded to dtype)."""
    t = training(*key, dtype, recipe)
    X, _ = data(*key[:3])
    k = int(np.abs(t.snapshot_steps - step).argmin())
    low, high = X.min(axis=0) - 0.3, X.max(axis=0) + 0.3
    g1, g2 = np.meshgrid(np.linspace(low[0], high[0], GRID), np.linspace(low[1], high[1], GRID))
    grid = np.column_stack([g1.ravel(), g2.ravel()]).astype(np.float32)
    p = lp.predict(grid, t.snapshots[k], dtype, key[3]).astype(np.float64)
    return pd.DataFrame(
        {
            "x1": grid[:, 0],
            "x2": grid[:, 1],
            "p": p,
            "w": (high[0] - low[0]) / (GRID - 1),
            "h": (high[1] - low[1]) / (GRID - 1),
        }
    )


def points(kind: str, noise: float, seed: int) -> pd.DataFrame:
    X, y = data(kind, noise, seed)
    return pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "class": np.where(y == 1, "class 1", "class 0")})


@dataclass(frozen=True)
class Gradients:
    """The weight gradients of one recipe at one kept step (divided by the loss scale)."""

    histogram: pd.DataFrame  # run, decade (bin start, log10), count, fate
    zero: int  # exactly 0 in float32 math too: nothing to lose (a log axis cannot show them)
    flushed: float  # share of all entries that are 0 in dtype but not in float32
    subnormal: float  # dtype's smallest subnormal, in the same (unscaled) units
    normal: float
    scale: float


def gradients(t: lp.Training, recipe: str, step: int) -> Gradients:
    exact, held = t.gradient_magnitudes(step)
    k = int(np.abs(t.snapshot_steps - step).argmin())
    scale = float(t.snapshot_scales[k])
    positive = exact > 0
    decade = np.floor(np.log10(exact[positive]) / BIN_WIDTH) * BIN_WIDTH
    fate = np.where(held[positive] == 0, f"flushed to 0 in {t.dtype}", f"kept in {t.dtype}")
    table = (
        pd.DataFrame({"decade": decade, "fate": fate})
        .groupby(["decade", "fate"])
        .size()
        .rename("count")
        .reset_index()
        .assign(run=recipe)
    )
    info = ml_dtypes.finfo(t.dtype) if t.dtype == "bfloat16" else np.finfo(t.dtype)
    return Gradients(
        table,
        int((~positive).sum()),
        float(np.mean(positive & (held == 0))),
        float(info.smallest_subnormal) / scale,
        float(info.smallest_normal) / scale,
        scale,
    )


def limit_lines(dtype: str, g: Gradients) -> pd.DataFrame:
    """``decade, label, row``: float16's smallest subnormal and normal numbers, where the histogram draws them
    (divided by the loss scale when float16 gradients were scaled; the limits of float16 for comparison otherwise)."""
    scale = g.scale if dtype == "float16" else 1.0
    where = " ÷ S" if scale != 1.0 else ""
    return pd.DataFrame(
        {
            "decade": [math.log10(FLOAT16_SUBNORMAL / scale), math.log10(FLOAT16_NORMAL / scale)],
            "label": [f"float16 smallest subnormal 2⁻²⁴{where}", f"smallest normal 2⁻¹⁴{where}"],
            "row": [0, 1],
        }
    )


def backward_at(t: lp.Training, step: int) -> float:
    """The share of per-point backward values flushed at `step` (the last step's for the final snapshot)."""
    return float(t.underflow_backward[min(step, t.steps - 1)]) if t.steps else 0.0


# --- the numbers the words quote --------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    final_loss: float
    vanished: float  # mean share of weight updates lost to rounding, over all steps
    vanished_last: float
    flushed_backward: float  # share of per-point backward values flushed, at the last step
    skipped: int
    final_scale: float


def summary(t: lp.Training) -> Summary:
    return Summary(
        t.final_loss,
        float(t.vanished.mean()) if t.steps else 0.0,
        float(t.vanished[-1]) if t.steps else 0.0,
        float(t.underflow_backward[-1]) if t.steps else 0.0,
        int(t.skipped.sum()),
        float(t.scales[-1]) if t.steps else 1.0,
    )


def matching_preset(values: dict, presets: dict[str, dict]) -> str | None:
    """The preset whose values the controls hold now (recipes compared as sets), if any."""
    for key, preset in presets.items():
        if all(_same(values.get(name), value) for name, value in preset.items()):
            return key
    return None


def _same(held, wanted) -> bool:
    if isinstance(wanted, list):
        return set(held or ()) == set(wanted)
    return held == wanted


def story_numbers(trained: dict[str, lp.Training], ref: lp.Training) -> dict[str, float]:
    """Every number a preset's sentence may quote, from the runs on the screen."""
    numbers = {
        "reference": ref.final_loss,
        "start": float(ref.losses[0]),
        "scale": lp.GRAD_SCALER_DEFAULTS["init_scale"],
    }
    for recipe, t in trained.items():
        s = summary(t)
        numbers |= {recipe: s.final_loss, f"{recipe}_vanished": s.vanished, f"{recipe}_flushed": s.flushed_backward}
    return numbers


def question_numbers() -> tuple[float, float]:
    """1.0 − 0.001 rounded to bfloat16, and bfloat16's gap just below 1."""
    below = float(np.nextafter(ml_dtypes.bfloat16(1.0), ml_dtypes.bfloat16(0.0)))
    return float(lp.round_to(1.0 - 0.001, "bfloat16")), 1.0 - below


# --- Play and step (button callbacks: they run before the script, so they may set widget values) ---------


def held_step(steps: list[int], key: str) -> int:
    """The kept step the slider holds (or the address asks for), snapped to this run's snapshots."""
    return nearest_snapshot(steps, st.session_state.get(key, st.query_params.get(key, steps[-1])))


def step_by(steps: list[int], key: str, delta: int) -> None:
    i = steps.index(held_step(steps, key))
    st.session_state[key] = steps[min(max(i + delta, 0), len(steps) - 1)]


def toggle_play(steps: list[int], key: str, playing: str) -> None:
    st.session_state[playing] = not st.session_state.get(playing, False)
    if st.session_state[playing] and held_step(steps, key) == steps[-1]:
        st.session_state[key] = steps[0]  # Play from the end starts again
