"""core.descent: the course's numbers, the loop that dies, divergence, and where non-convex descent ends."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.descent import descend, factor_on_square, fit_line
from core.expressions import parse_expression
from core.landscapes import get_landscape, least_squares, linear_data, linear_model_sse

REFERENCE = json.loads((Path(__file__).parent / "data" / "gpu_fd_reference.json").read_text())["loops"]
X2 = parse_expression("x^2", ("x",))
W2 = parse_expression("w^2", ("w",))


def test_course_update_rule():
    # Course: gradient 0.5, learning rate 0.1 → w_new = w_old − 0.05 (f = 0.25·w² has slope 0.5 at w = 1).
    run = descend(parse_expression("0.25*w^2", ("w",)), ("w",), (1.0,), lr=0.1, steps=1)
    assert run.gradients[0, 0] == 0.5 and run.points[1, 0] == 1.0 - 0.05


def test_course_loop_twenty_epochs():
    # Course: f(x) = x², x = 10, lr 0.1, 20 epochs; x shrinks by 0.8 a step and ends at 10·0.8²⁰ ≈ 0.1153.
    run = descend(X2, ("x",), (10.0,), lr=0.1, steps=20)
    assert run.steps == 20 and run.status == "running"
    np.testing.assert_allclose(run.points[:, 0], 10 * 0.8 ** np.arange(21), rtol=1e-14)
    assert f"{run.points[-1, 0]:.4f}" == "0.1153"
    np.testing.assert_allclose(run.losses, run.points[:, 0] ** 2, rtol=0)
    table = run.frame()
    assert list(table.columns[:3]) == ["step", "x", "loss"] and len(table) == 21


@pytest.mark.parametrize("dtype, h", [("float64", "1e-17"), ("float32", "1e-08"), ("bfloat16", "0.0001")])
def test_the_loop_that_dies_stalls_at_three(dtype, h):
    # ../shared/reference: an H100's weights, step by step; CPU and GPU agree bit for bit on w².
    run = descend(W2, ("w",), (3.0,), lr=0.1, steps=50, gradient="forward", h=float(h), dtype=dtype)
    assert run.points[:, 0].tolist() == REFERENCE[f"{dtype}|{h}"]
    assert run.status == "stalled" and run.step == 1
    assert run.reason.startswith("Stalled at step 1: estimated slope 0, true slope 6.")
    assert np.all(run.gradients == 0) and np.all(run.true_gradients == 6.0)


@pytest.mark.parametrize("key", [k for k in REFERENCE if not k.startswith("float16")])
def test_every_reference_loop_bit_for_bit(key):
    dtype, h = key.split("|")
    # tol=0: never stop early (bfloat16 with h = 0.01 lands exactly on 0 at step 27, then the estimate h moves it).
    run = descend(W2, ("w",), (3.0,), lr=0.1, steps=50, gradient="forward", h=float(h), dtype=dtype, tol=0.0)
    assert run.points[:, 0].tolist() == REFERENCE[key], key


def test_float16_tiny_h_is_nan_not_a_stall():
    # Reference README: in float16 h = 1e-8 rounds to 0 and the loop produces 0/0 = NaN.
    run = descend(W2, ("w",), (3.0,), lr=0.1, steps=50, gradient="forward", h=1e-8, dtype="float16")
    assert math.isnan(REFERENCE["float16|1e-08"][1]) and math.isnan(run.points[1, 0])
    assert run.status == "diverged" and run.step == 1 and run.steps == 1
    assert "rounds to 0 in float16" in run.reason and "0/0 = NaN" in run.reason


def test_float32_survives_where_float64_does():
    # h = 1e-8 is fine in float64 (it walks down) but dies in float32 (3 + 1e-8 == 3 there).
    alive = descend(W2, ("w",), (3.0,), lr=0.1, steps=50, gradient="forward", h=1e-8, dtype="float64")
    dead = descend(W2, ("w",), (3.0,), lr=0.1, steps=50, gradient="forward", h=1e-8, dtype="float32")
    assert alive.status == "running" and abs(alive.points[-1, 0]) < 1e-3
    assert dead.status == "stalled"


def test_exact_gradient_walks_to_the_bottom():
    run = descend(W2, ("w",), (3.0,), lr=0.1, steps=200)
    assert run.status == "converged" and abs(run.points[-1, 0]) < 1e-6
    assert np.linalg.norm(run.true_gradients[-1]) < 1e-6 <= np.linalg.norm(run.true_gradients[-2])


@pytest.mark.parametrize("lr", [0.05, 0.3, 0.5, 0.7, 0.95])  # 0.5 lands on 0 in one step
def test_converges_below_one(lr):
    run = descend(W2, ("w",), (3.0,), lr=lr, steps=2000)
    assert run.status == "converged", (lr, run.reason)
    # w ← (1 − 2η)w: the sign alternates exactly when η > 0.5.
    assert (run.points[1, 0] < 0) == (lr > 0.5)
    first = run.points[:4, 0]
    np.testing.assert_allclose(first[1:], first[:-1] * factor_on_square(lr), rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("lr", [1.01, 1.1, 1.5])
def test_diverges_above_one(lr):
    run = descend(W2, ("w",), (3.0,), lr=lr, steps=5000)
    assert run.status == "diverged" and "learning rate is too large" in run.reason
    assert run.losses[-1] > 1e12 * 9 >= run.losses[-2]  # stopped at the first step past the bound


def test_divergence_through_inf_to_nan():
    run = descend(W2, ("w",), (3.0,), lr=1.1, steps=10_000, blowup=None)
    assert run.status == "diverged" and math.isnan(run.points[-1, 0])
    w = run.points[:, 0]
    first_inf_loss, first_inf_w = int(np.argmax(np.isinf(run.losses))), int(np.argmax(np.isinf(w)))
    assert run.step == first_inf_loss < first_inf_w == len(w) - 2  # the loss overflows first, then w, then NaN
    for words in ("loss overflowed to inf", "overflowed to", "inf − inf is not a number"):
        assert words in run.reason
    assert f"step {first_inf_loss}" in run.reason and f"step {len(w) - 1}" in run.reason


def test_himmelblau_start_decides_the_end():
    land = get_landscape("himmelblau")
    ends = set()
    for start in [(0.0, 0.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]:
        run = descend(land.expr, land.variables, start, lr=0.01, steps=2000)
        assert run.status == "converged", run.reason
        nearest = min(land.minima, key=lambda m: np.hypot(*(run.points[-1] - m)))
        np.testing.assert_allclose(run.points[-1], nearest, atol=1e-5)  # minima known to 6 decimals
        ends.add(nearest)
    assert len(ends) == 4


def test_saddle_and_statuses():
    saddle = get_landscape("saddle")
    run = descend(saddle.expr, saddle.variables, (1.0, 0.0), lr=0.1, steps=500)  # on the ridge line y = 0
    assert run.status == "converged" and np.allclose(run.points[-1], 0, atol=1e-6)  # the saddle, not a minimum
    # Off the ridge y grows 1.2x a step and f = x² − y² falls without end until y² overflows: −inf.
    escaped = descend(saddle.expr, saddle.variables, (1.0, 1e-3), lr=0.1, steps=3000)
    assert escaped.status == "diverged" and escaped.losses[-1] == -math.inf
    assert "loss overflowed to −inf" in escaped.reason
    running = descend(saddle.expr, saddle.variables, (1.0, 1e-3), lr=0.1, steps=5)
    assert running.status == "running" and running.step is None and running.steps == 5


def test_undefined_loss_is_a_divergence_in_words():
    run = descend(parse_expression("log(x)", ("x",)), ("x",), (0.5,), lr=1.0, steps=10)
    assert run.status == "diverged" and "no real value" in run.reason


def test_optimizers_and_dtypes_run_on_rosenbrock():
    land = get_landscape("rosenbrock")
    for name, lr in [("gd", 1e-3), ("momentum", 5e-4), ("nesterov", 5e-4), ("rmsprop", 1e-3), ("adam", 0.02)]:
        run = descend(land.expr, land.variables, land.start, optimizer=name, lr=lr, steps=3000)
        assert run.losses[-1] < run.losses[0], name
    fast = descend(land.expr, land.variables, land.start, optimizer="adam", lr=0.01, steps=300)
    slow = descend(land.expr, land.variables, land.start, optimizer="adam", lr=0.01, steps=300, dtype="float32")
    np.testing.assert_allclose(slow.points[-1], fast.points[-1], rtol=1e-3)
    assert not np.array_equal(slow.points[-1], fast.points[-1])  # float32 really rounds


def test_float_fast_path_matches_numpy_path():
    # The float64 exact path runs on Python floats; the central difference path on numpy: same run, tiny h error.
    land = get_landscape("beale")
    exact = descend(land.expr, land.variables, land.start, optimizer="adam", lr=0.01, steps=200)
    central = descend(
        land.expr, land.variables, land.start, optimizer="adam", lr=0.01, steps=200, gradient="central", h=1e-6
    )
    np.testing.assert_allclose(central.points, exact.points, rtol=1e-6)


def test_typed_function_with_kinks_uses_the_numpy_path():
    expr = parse_expression("relu(x) + abs(y)", ("x", "y"))
    run = descend(expr, ("x", "y"), (2.0, -1.0), lr=0.25, steps=3)
    np.testing.assert_array_equal(run.points[-1], [1.25, -0.25])


def test_bad_arguments_say_what_is_wrong():
    with pytest.raises(ValueError, match="needs a step h"):
        descend(W2, ("w",), (3.0,), gradient="forward")
    with pytest.raises(ValueError, match="complex type"):
        descend(W2, ("w",), (3.0,), gradient="complex-step", h=1e-3, dtype="float16")
    with pytest.raises(ValueError, match="no hyper-parameter"):
        descend(W2, ("w",), (3.0,), optimizer="adam", momentum=0.9)
    with pytest.raises(ValueError, match="2 coordinates"):
        descend(W2, ("w",), (3.0, 1.0))


def test_fit_line_full_batch_equals_descend_on_the_sse():
    xs, ys = linear_data(0, 1.0)
    run = fit_line(xs, ys, (0.0, 0.0), lr=0.002, steps=3000)
    same = descend(linear_model_sse(xs, ys), ("m", "c"), (0.0, 0.0), lr=0.002, steps=3000)
    np.testing.assert_allclose(run.points, same.points, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.points[-1], least_squares(xs, ys), atol=1e-4)


def test_fit_line_mini_batch_is_noisy_but_reproducible():
    xs, ys = linear_data(0, 1.0)
    a = fit_line(xs, ys, (0.0, 0.0), lr=0.002, steps=600, batch_size=3, seed=1)
    b = fit_line(xs, ys, (0.0, 0.0), lr=0.002, steps=600, batch_size=3, seed=1)
    c = fit_line(xs, ys, (0.0, 0.0), lr=0.002, steps=600, batch_size=3, seed=2)
    np.testing.assert_array_equal(a.points, b.points)
    assert not np.array_equal(a.points, c.points)
    best = np.array(least_squares(xs, ys))
    assert np.linalg.norm(a.points[-1] - best) < 0.5 and a.status == "running"  # near the bottom, never settling


# --- what kind of flat ground a run stops on: the second-order test -----------------------------
# At a point with zero gradient, a positive definite Hessian means a minimum, a negative definite one
# a maximum, eigenvalues of both signs a saddle; a zero eigenvalue leaves the test undecided
# (the course text 004_4f39cf025fc1a526.txt: "local minima and saddle points").


@pytest.mark.parametrize(
    "text, start, critical",
    [
        ("x^2 + y^2", (1.0, 1.0), "minimum"),
        ("x^2 - y^2", (1.0, 0.0), "saddle"),
        ("-x^2 - y^2", (0.0, 0.0), "maximum"),
        ("x^4 + y^4", (0.0, 0.0), "flat"),
    ],
)
def test_convergence_names_the_kind_of_critical_point(text, start, critical):
    run = descend(parse_expression(text, ("x", "y")), ("x", "y"), start, lr=0.1, steps=500)
    assert (run.status, run.critical) == ("converged", critical)
    if critical != "minimum":
        assert "not a minimum" in run.reason or "cannot tell" in run.reason


def test_a_weight_at_the_minimum_rests_there_whatever_the_rate():
    # w ← (1 − 2·1.1)·0 = 0: at the minimum the update is 0, so nothing diverges and nothing stalls.
    run = descend(W2, ("w",), (0.0,), lr=1.1, steps=100, tol=0.0, blowup=None)
    assert (run.status, run.critical) == ("converged", "minimum")
    assert np.all(run.points == 0.0)


def test_a_time_budget_cuts_a_run_short_and_says_so():
    slow = parse_expression("sin(" * 30 + "x*y" + ")" * 30 + " + x^2 + y^2", ("x", "y"))
    # lr = 1e-7: far too small to converge within the steps, so only the clock can end the run.
    run = descend(slow, ("x", "y"), (1.0, 1.0), lr=1e-7, steps=100_000, gradient="central", h=1e-5, time_budget=0.05)
    assert run.status == "running" and run.cut_short and run.steps < 100_000
    assert run.reason.startswith(f"Cut short after {run.steps} of 100000 steps")


@pytest.mark.parametrize(
    "text, start",
    [
        ("(x^2 + y^2) / 1e7", (1.0, 1.0)),
        ("-exp(-(x^2 + y^2))", (4.0, 4.0)),
        ("1 - sigmoid(x) - sigmoid(y)", (-20.0, -20.0)),
    ],
)
def test_a_gradient_under_tol_on_a_plateau_is_not_a_minimum(text, start):
    # Newton's step −H⁻¹∇f says how far the flat point is: 1.4 away for (x² + y²)/1e7 from (1, 1).
    run = descend(parse_expression(text, ("x", "y")), ("x", "y"), start, lr=0.1, steps=100)
    assert (run.status, run.critical) == ("converged", "plateau")
    assert "not a minimum" in run.reason


def test_adam_on_a_huge_loss_says_g_squared_overflowed():
    # Adam divides by √v with v ← β₂v + (1 − β₂)g²; g = 2e300 gives g² = inf in float64 (largest ≈ 1.8e308).
    run = descend(parse_expression("1e300*(x^2 + y^2)", ("x", "y")), ("x", "y"), (1.0, 1.0), optimizer="adam", steps=20)
    assert run.status == "stalled"
    assert "exact gradient" in run.reason and "square overflows float64" in run.reason and "estimated" not in run.reason


def test_a_pole_is_not_called_an_overflow():
    run = descend(parse_expression("log(x*y)", ("x", "y")), ("x", "y"), (0.0, 0.0), steps=5)
    assert run.status == "diverged" and "f is infinite at (0, 0)" in run.reason and "overflow" not in run.reason


def test_an_infinite_gradient_at_a_kink_is_named():
    run = descend(parse_expression("sqrt(x) + y^2", ("x", "y")), ("x", "y"), (0.0, 0.0), steps=5)
    assert run.status == "diverged" and "the gradient there is infinite" in run.reason
