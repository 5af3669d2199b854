"""Cached wrappers and sentences for the Gradient descent lesson.

Runs are cached on plain values: a function's *source* tuple (as in
``ui.landscape``: ``("landscape", key)``, ``("text", text)``,
``("sse", seed, noise)``), the start, the optimizer's name, its learning rate
and its hyper-parameters as a sorted tuple of pairs. Nothing symbolic happens
on a rerun that only moves the step slider.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import streamlit as st

from core import descent, gradients, landscapes
from core.expressions import parse_expression
from core.optimizers import OPTIMIZERS
from lessons.descent import keys
from ui import landscape, render
from ui.controls import STEP_SIZES, format_step

SQUARE = "x^2"  # the course's loop
MAX_PATH_POINTS = 700  # per map: with the contour data, a chart stays under 2,000 rows
MAP_ROWS = 1200  # contour cells and lines on a descent map
ONE_WEIGHT_RATES = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9, 0.95, 1.0, 1.05, 1.1, 1.5)
EPOCHS = (5, 10, 20, 50, 100)
STEPS = (50, 100, 200, 500, 1000, 2000, 5000)
UI_LR = {"gd": 0.015, "momentum": 0.005, "nesterov": 0.005, "rmsprop": 0.02, "adam": 0.1}  # good on the ravine
DEFAULT_OPTIMIZERS = ("gd", "momentum", "adam")
BATCHES = (1, 2, 3, 4, 6, 12)


@st.cache_resource(max_entries=8, show_spinner=False)
def _square(text: str, variable: str):
    return parse_expression(text, (variable,))


@st.cache_data(max_entries=256, show_spinner=False)
def one_weight(start: float, lr: float, steps: int) -> descent.Descent:
    """The course's loop: f(x) = x² from x = `start`."""
    return descent.descend(_square(SQUARE, "x"), ("x",), (start,), lr=lr, steps=steps, tol=0.0)


@st.cache_data(max_entries=64, show_spinner=False)
def overflow_story(start: float, lr: float) -> descent.Descent:
    """The same loop with no bound: on until the weight is NaN (a few thousand steps at most)."""
    return descent.descend(_square(SQUARE, "x"), ("x",), (start,), lr=lr, steps=20_000, blowup=None, tol=0.0)


@st.cache_data(max_entries=256, show_spinner=False)
def dying(h: float, dtype: str, steps: int = 50) -> descent.Descent:
    """Loss = w² from w = 3, lr 0.1, driven by the forward difference (the reference loop)."""
    return descent.descend(
        _square("w^2", "w"), ("w",), (3.0,), lr=0.1, steps=steps, gradient="forward", h=h, dtype=dtype
    )


@st.cache_data(max_entries=8, show_spinner=False)
def dying_exact(steps: int = 50) -> descent.Descent:
    return descent.descend(_square("w^2", "w"), ("w",), (3.0,), lr=0.1, steps=steps, tol=0.0)


RUN_BUDGET = 0.12  # seconds per optimizer run: five of them, and the page still answers within 2 s


@st.cache_data(max_entries=512, show_spinner=False)
def run(
    source: tuple,
    start: tuple[float, float],
    optimizer: str,
    lr: float,
    steps: int,
    hyper: tuple[tuple[str, float], ...],
) -> descent.Descent:
    s = landscape.surface(source)
    return descent.descend(
        s.expr,
        s.variables,
        start,
        optimizer=optimizer,
        lr=lr,
        steps=steps,
        time_budget=RUN_BUDGET,
        partials=s.partials,
        **dict(hyper),
    )


@st.cache_data(max_entries=128, show_spinner=False)
def descent_contour(source: tuple, box: tuple) -> gradients.ContourMap:
    """The contour data of ``ui.landscape``, smaller so the paths fit beside it, and without arrows."""
    s = landscape.surface(source)
    contour = gradients.contour_map(s.expr, s.variables, box, max_rows=MAP_ROWS, arrows_n=1, heat_n=21)
    return gradients.ContourMap(
        contour.box, contour.heat, contour.lines, contour.arrows.iloc[:0], contour.levels, contour.undefined
    )


@st.cache_data(max_entries=128, show_spinner=False)
def fit(
    seed: int, noise: float, start: tuple[float, float], lr: float, steps: int, batch: int, batch_seed: int
) -> descent.Descent:
    xs, ys = landscapes.linear_data(seed, noise)
    return descent.fit_line(xs, ys, start, lr=lr, steps=steps, batch_size=batch, seed=batch_seed)


# --- tables for the charts --------------------------------------------------------------


def paths(runs: dict[str, descent.Descent], max_points: int = MAX_PATH_POINTS) -> pd.DataFrame:
    """One row per shown step of each run: ``path, step, x, y, loss`` (thinned, the last step always kept)."""
    frames = []
    for label, r in runs.items():
        frame = pd.DataFrame(
            {
                "path": label,
                "step": np.arange(len(r.points)),
                "x": r.points[:, 0],
                "y": r.points[:, 1] if r.points.shape[1] > 1 else r.losses,
                "loss": r.losses,
            }
        )
        frames.append(frame[np.isfinite(frame[["x", "y"]]).all(axis=1)])
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["path", "step", "x", "y", "loss"])
    thinned = render.thin(table, ["path"], max_points)
    last = table.groupby("path", sort=False).tail(1)
    table = pd.concat([thinned, last], ignore_index=True).drop_duplicates(["path", "step"])
    order = {label: i for i, label in enumerate(runs)}
    return table.sort_values(
        ["path", "step"], key=lambda c: c.map(order) if c.name == "path" else c, kind="stable"
    ).reset_index(drop=True)


def minima_marks(choice: str) -> pd.DataFrame:
    entry = landscape.CATALOGUE.get(choice)
    rows = (
        []
        if entry is None
        else (
            [{"x": m[0], "y": m[1], "kind": "minimum"} for m in entry.minima]
            + [{"x": s[0], "y": s[1], "kind": "saddle point"} for s in entry.saddles]
        )
    )
    return pd.DataFrame(rows, columns=["x", "y", "kind"])


def epoch_table(r: descent.Descent) -> pd.DataFrame:
    """The course's printout: "Epoch i: x = …, f(x) = …"."""
    return pd.DataFrame(
        {
            "epoch": np.arange(1, len(r.points)),
            "printed": [
                f"Epoch {i}: x = {x:.4f}, f(x) = {f:.4f}"
                for i, (x, f) in enumerate(zip(r.points[1:, 0], r.losses[1:]), start=1)
            ],
            "x": r.points[1:, 0],
            "f(x)": r.losses[1:],
        }
    )


def curve_with_steps(r: descent.Descent) -> tuple[pd.DataFrame, pd.DataFrame]:
    """f(x) = x² over a range that holds every finite step, and the steps (``step, x, f``)."""
    finite = r.points[np.isfinite(r.points[:, 0]), 0]
    reach = max(float(np.max(np.abs(finite))) if finite.size else 1.0, 1.0) * 1.1
    xs = np.linspace(-reach, reach, 241)
    steps = pd.DataFrame({"step": np.arange(len(r.points)), "x": r.points[:, 0], "f": r.losses})
    steps = steps[np.isfinite(steps["x"]) & np.isfinite(steps["f"])]
    if len(steps) > 400:
        steps = steps.iloc[:: math.ceil(len(steps) / 400)]
    return pd.DataFrame({"x": xs, "f": xs * xs}), steps


def dying_table(runs: dict[str, descent.Descent]) -> pd.DataFrame:
    return pd.concat(
        [
            pd.DataFrame({"run": label, "step": np.arange(len(r.points)), "w": r.points[:, 0]})
            for label, r in runs.items()
        ],
        ignore_index=True,
    )


def factor_table() -> pd.DataFrame:
    rates = np.linspace(0.0, 1.6, 161)
    return pd.DataFrame({"lr": rates, "factor": [descent.factor_on_square(r) for r in rates]})


# --- sentences ---------------------------------------------------------------------------


def regime(lr: float, start: float = 1.0) -> tuple[str, str]:
    """(severity, sentence) for gradient descent on x² with learning rate `lr` from `start`."""
    factor = descent.factor_on_square(lr)
    law = f"Each step multiplies x by 1 − 2·{lr:g} = {factor:.4g}"
    if lr <= 0:
        return "error", "A learning rate must be positive."
    if start == 0:
        return "info", (
            f"{law}, but x₀ = 0 is already the minimum: the slope 2·0 is 0, so every step is 0 and x "
            "stays at 0, whatever the learning rate."
        )
    if lr < 0.5:
        return "success", f"{law}: x shrinks towards 0 without changing sign (smaller lr crawls)."
    if lr == 0.5:
        return "success", f"{law}: one step lands exactly on the minimum."
    if lr < 1:
        return (
            "warning",
            f"{law}: x overshoots to the other side each step, but |x| still shrinks — it oscillates and converges.",
        )
    if lr == 1:
        return "warning", f"{law}: x jumps between +x₀ and −x₀ for ever, never closer."
    return "error", f"{law}: |x| grows {abs(factor):.3g}× every step — it diverges."


def status_line(label: str, r: descent.Descent) -> tuple[str, str]:
    severity = {"converged": "success", "running": "info", "stalled": "error", "diverged": "error"}[r.status]
    if r.status == "converged" and r.critical != "minimum":
        severity = "warning"  # flat ground, but not a minimum (or the second-order test cannot say)
    return severity, f"**{label}** — {r.reason}"


def optimizer_title(key: str) -> str:
    return OPTIMIZERS[key].title


def run_label(key: str, lr: float) -> str:
    return f"{OPTIMIZERS[key].title} (lr {lr:g})"


def hyper_items(key: str, values: dict) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((k, float(v)) for k, v in values.items() if k in OPTIMIZERS[key].defaults))


def final_sentence(label: str, r: descent.Descent, variables) -> str:
    end = ", ".join(f"{v} = {p:.4g}" for v, p in zip(variables, r.points[-1]))
    loss = r.losses[-1]
    return (
        f"{label}: {r.steps} steps, ends at {end}, loss {loss:.4g}" if math.isfinite(loss) else f"{label}: {r.reason}"
    )


def torch_loop(optimizers: dict[str, tuple[float, dict]], start, text: str = "(1 - x)**2 + 100*(y - x**2)**2") -> str:
    """The equivalent torch.optim loop for the chosen optimizers."""
    lines = ["import torch", "", f"def f(x, y):\n    return {text.replace('^', '**')}", ""]
    for key, (lr, hyper) in optimizers.items():
        lines += [
            f"w = torch.tensor([{float(start[0])!r}, {float(start[1])!r}], dtype=torch.float64, requires_grad=True)",
            f"opt = {OPTIMIZERS[key].constructor(lr, **hyper).replace('params', '[w]')}",
            "for step in range(500):",
            "    opt.zero_grad()",
            "    loss = f(w[0], w[1])",
            "    loss.backward()        # the exact gradient, by backpropagation",
            "    opt.step()             # the update rule",
            f"print({key!r}, w.tolist(), loss.item())",
            "",
        ]
    return "\n".join(lines)


def move_start_to_catalogue() -> None:
    """on_change of the landscape: start where the catalogue suggests."""
    entry = landscape.CATALOGUE.get(st.session_state.get(keys.LAND))
    if entry is not None:
        st.session_state[keys.SX], st.session_state[keys.SY] = (float(v) for v in entry.start)


def landscape_sentence(choice: str) -> str:
    entry = landscape.CATALOGUE[choice]
    return f"f(x, y) = `{entry.text}` — {entry.note}"


def suggested_start(choice: str) -> tuple[float, float]:
    """Where the catalogue suggests starting (a typed function starts at (1, 1))."""
    entry = landscape.CATALOGUE.get(choice)
    return (1.0, 1.0) if entry is None else tuple(float(v) for v in entry.start)


def sse_minimum(seed: int, noise: float) -> pd.DataFrame:
    m, c = landscape.best_line(seed, noise)
    return pd.DataFrame({"x": [m], "y": [c], "kind": ["best line (least squares)"]})


def tiny_step_slider(label: str, *, key: str, default: float, container=st) -> float:
    """``ui.controls.step_size_slider`` for a default below 1e-8.

    Streamlit's select_slider finds `value` among the options with an absolute
    tolerance (options_selector_utils.index_), so value=1e-17 selects the first
    option, 1e-20. A default put in session state is matched exactly.
    """
    st.session_state.setdefault(key, default)
    return container.select_slider(
        label,
        options=STEP_SIZES,
        format_func=format_step,
        key=key,
        bind="query-params",
        help="The run of rise over run. Smaller is more accurate, until round-off wins.",
    )


def step_slider(label: str, steps: int, *, key: str, container=st) -> int:
    """How many steps of the paths to show, 0 … `steps` (the whole run unless moved).

    A value already held (moved, or read from the address) is clamped when
    `steps` shrinks, so a shorter run never meets a value past its end.
    """
    if key in st.session_state:
        st.session_state[key] = min(max(int(st.session_state[key]), 0), steps)
        return container.slider(label, 0, max(steps, 1), key=key, bind="query-params")
    return container.slider(label, 0, max(steps, 1), value=steps, key=key, bind="query-params")
