"""What each benchmark does to each page, and its benchmark budget.

A scenario opens a page through dashboard.py (as a student would) and then
moves one control back and forth; only warm reruns are timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scenario:
    page: str
    budget_ms: float  # median warm rerun under AppTest
    move: Callable  # move(at, i): change one control; at.run() is called by the harness
    query: dict = field(default_factory=dict)
    states: tuple[dict, ...] = ()  # extra URL states to check chart payloads in


def _move_h(at, i):
    at.select_slider(key="d_h").set_value([1e-3, 1e-4, 1e-5, 1e-17][i % 4])


def _step_or_depth(at, i):
    # Chain rule page: walk the backward pass, then change the network's depth.
    if i % 2:
        at.slider(key="c_depth").set_value([2, 4, 6][i // 2 % 3])
    else:
        at.slider(key="c_step").set_value([3, 8, 14, 1][i // 2 % 4])


def _edit_cell(at, i):
    # Loss functions page: type into the first prediction cell (one value is not a number).
    cell = ["2.0", "2.5", "abc", "3.5"][i % 4]
    at.session_state["l_rows_regression"] = {
        "edited_rows": {0: {"prediction": cell}},
        "added_rows": [],
        "deleted_rows": [],
    }


def _move_point(at, i):
    # Partials and gradients page: move x0 along the course's example.
    at.number_input(key="g_x0").set_value([0.5, 1.0, 1.5, 2.0][i % 4])


def _watch_steps(at, i):
    # Gradient descent page: watching it learn, the step slider reveals the three paths.
    at.slider(key="gd_upto").set_value([50, 120, 300, 500][i % 4])


def _watch_snapshots(at, i):
    # Training in low precision: the snapshot slider (what Play moves) over cached trainings.
    at.select_slider(key="lp_at").set_value([100, 250, 400, 500][i % 4])


SCENARIOS: list[Scenario] = [
    Scenario(
        "lessons/derivatives/page.py",
        budget_ms=50,  # the benchmark budget
        move=_move_h,
        states=(
            {"d_dtypes": ["float64", "float32", "float16", "bfloat16"], "d_method": "central"},
            {"d_dtypes": ["float64", "float32", "float16", "bfloat16"], "d_tab": "Secant vs tangent"},
            {"d_f": "exp(-w^2)*sin(5w)", "d_h": "1e-08"},
        ),
    ),
    Scenario(
        "lessons/chain_rule/page.py",
        budget_ms=80,  # the benchmark budget
        move=_step_or_depth,
        states=(
            {
                "c_tab": "Vanishing and exploding gradients",
                "c_layers": "50",
                "c_scales": ["0.25", "0.5", "1", "1.5", "2", "4"],
            },
            {"c_tab": "Gradient check", "c_depth": "6"},
        ),
    ),
    Scenario(
        "lessons/losses/page.py",
        budget_ms=80,  # the benchmark budget
        move=_edit_cell,
        query={"l_tab": "Your data"},
        states=(
            {"l_tab": "Gallery", "l_gallery": ["Huber loss", "Binary cross-entropy"]},
            {"l_tab": "Gallery", "l_gallery": ["Cross-entropy (softmax)", "Hinge loss"], "l_side": "negative"},
            {"l_tab": "Outliers", "l_miss": "50.0"},
            {"l_tab": "Classification"},
        ),
    ),
    Scenario(
        "lessons/gradients/page.py",
        budget_ms=80,  # the benchmark budget
        move=_move_point,
        states=(
            {"g_tab": "A partial is a slice"},
            {"g_tab": "The linear model"},
            {"g_land": "Rosenbrock's banana"},
        ),
    ),
    Scenario(
        "lessons/descent/page.py",
        budget_ms=100,  # the benchmark budget: three optimizers of 500 steps each (the defaults)
        move=_watch_steps,
        query={"gd_tab": "Two weights: optimizers"},
        states=(
            {
                "gd_tab": "Two weights: optimizers",
                "gd_opts": ["gd", "momentum", "nesterov", "rmsprop", "adam"],
                "gd_steps": "5000",
            },
            {"gd_tab": "Two weights: optimizers", "gd_land": "Rosenbrock's banana"},
            {"gd_tab": "One weight", "gd_lr1": "1.1", "gd_epochs": "100"},
            {"gd_tab": "The loop that dies", "gd_dtypes": ["float64", "float32", "float16", "bfloat16"]},
            {"gd_tab": "Linear regression learning", "gd_batch": "1", "gd_line_steps": "1000"},
        ),
    ),
    Scenario(
        "lessons/low_precision/page.py",
        budget_ms=100,  # three recipes of 500 steps in float16 and the float32 reference, cached
        move=_watch_snapshots,
        states=(
            {"lp_dtype": "bfloat16", "lp_steps": "1000", "lp_data": "spiral"},
            {"lp_tab": "What rounding took", "lp_steps": "1000"},
        ),
    ),
]
