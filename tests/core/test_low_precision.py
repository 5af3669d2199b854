"""core.low_precision against PyTorch, IEEE 754 and the lesson it has to tell.

Oracles:

- PyTorch 2.13.0 (CPU) itself: tests/reference/torch_low_precision.json, written by
  tests/reference/make_torch_reference.py (run it with a Python that has torch; it holds the
  inputs too, so the reference stands alone). Where torch is importable the same functions
  run live as well (pytest.importorskip), so a machine with torch checks today's torch.
- IEEE 754-2008 binary16 (float16: 11 significant bits, exponent range -14..15) and
  bfloat16 (float32's 8-bit exponent, 8 significant bits), checked against numpy's own
  float16 conversion and ml_dtypes.
- exact rational arithmetic (fractions.Fraction) for whether a weight + update rounds back.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

from core import low_precision as lp
from core.low_precision import RECIPES, loss_scales, make_data, matmul, mlp_init, round_to, train, vanished

REFERENCE = json.loads((Path(__file__).parents[1] / "reference" / "torch_low_precision.json").read_text())
BF16 = ml_dtypes.bfloat16

# float32 training follows torch's to a few float32 ulps: the same operations, summed in
# another order (BLAS, reductions), so each step differs by rounding only, and gradient descent
# on this smooth loss does not amplify it. Measured: 3.7e-7 at worst over 200 steps.
LOSS_RTOL = 5e-6
PARAM_ATOL, PARAM_RTOL = 1e-5, 1e-4
# "low" in float16 / bfloat16 beside torch's CPU kernels in those types: close, not bit for bit
# (torch's BCELoss backward divides by p(1 - p), core's fused one does not, and once one weight
# rounds the other way the runs drift apart by a few ulps of the loss). Measured: 0.1 % and 0.6 %.
LOW_LOSS_RTOL = {"float16": 0.005, "bfloat16": 0.02}


def _arrays(case):
    X, y = np.array(case["X"], np.float32), np.array(case["y"], np.float32)
    return X, y, [np.array(p, np.float32) for p in case["params"]]


def _scale_cases():
    return [pytest.param(c, id=c["name"]) for c in REFERENCE["scales"]]


# --- float32 follows PyTorch ---------------------------------------------------------------


@pytest.mark.parametrize("case", REFERENCE["training"], ids=lambda c: c["name"])
def test_float32_training_follows_torch(case):
    X, y, params = _arrays(case)
    run = train(X, y, params, lr=case["lr"], steps=case["steps"], activation=case["activation"])
    assert run.losses.shape == (case["steps"] + 1,)
    np.testing.assert_allclose(
        run.losses, case["losses"], rtol=LOSS_RTOL, err_msg=f"{case['name']}: loss at each step against torch 2.13.0"
    )
    for i, (ours, theirs) in enumerate(zip(run.params, case["final_params"])):
        np.testing.assert_allclose(
            ours, theirs, rtol=PARAM_RTOL, atol=PARAM_ATOL, err_msg=f"{case['name']}: final weights [{i}] against torch"
        )


def test_the_reference_runs_learn():
    """A reference that does not move cannot catch a wrong gradient."""
    for case in REFERENCE["training"]:
        assert case["losses"][-1] < 0.5 * case["losses"][0], case["name"]


@pytest.mark.parametrize("case", REFERENCE["low_precision_training"], ids=lambda c: c["name"])
def test_low_precision_training_stays_close_to_torch(case):
    base = next(t for t in REFERENCE["training"] if t["name"] == case["training"])
    X, y, params = _arrays(base)
    run = train(
        X,
        y,
        params,
        dtype=case["dtype"],
        recipe="low",
        lr=case["lr"],
        steps=case["steps"],
        activation=base["activation"],
    )
    np.testing.assert_allclose(
        run.losses,
        case["losses"],
        rtol=LOW_LOSS_RTOL[case["dtype"]],
        err_msg=f"{case['name']} against torch's CPU kernels",
    )


def test_float32_training_follows_torch_live():
    torch = pytest.importorskip("torch")
    from tests.reference.make_torch_reference import torch_training

    X, y = make_data("spiral", 100, 0.05, 7)
    for activation in ("tanh", "relu"):
        params = mlp_init([2, 12, 8, 1], 11)
        losses, final = torch_training(X, y, params, lr=0.3, steps=120, activation=activation, dtype=torch.float32)
        run = train(X, y, params, lr=0.3, steps=120, activation=activation)
        np.testing.assert_allclose(run.losses, losses, rtol=LOSS_RTOL, err_msg=f"{activation} against live torch")
        for ours, theirs in zip(run.params, final):
            np.testing.assert_allclose(ours, theirs, rtol=PARAM_RTOL, atol=PARAM_ATOL)


def test_every_recipe_is_the_same_computation_in_float32():
    X, y = make_data("xor", 80, 0.1, 3)
    params = mlp_init([2, 8, 1], 2)
    runs = [train(X, y, params, recipe=recipe, lr=0.5, steps=30) for recipe in RECIPES]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.losses, runs[0].losses)
    assert np.all(runs[2].scales == 2.0**16) and not runs[2].skipped.any()


# --- GradScaler -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", _scale_cases())
def test_loss_scales_equal_grad_scalers(case):
    found_inf = [bad is not None for bad in case["bad"]]
    expected = np.array(case["scales"], dtype=float)
    np.testing.assert_array_equal(loss_scales(found_inf, **case["config"]), expected, err_msg=case["name"])
    # torch skipped exactly the steps whose gradient held an inf or NaN
    assert case["skipped"] == found_inf


@pytest.mark.parametrize("case", _scale_cases())
def test_loss_scales_equal_grad_scalers_live(case):
    pytest.importorskip("torch")
    from tests.reference.make_torch_reference import torch_scales

    scales, skipped = torch_scales(case["bad"], **case["config"])
    found_inf = [bad is not None for bad in case["bad"]]
    np.testing.assert_array_equal(loss_scales(found_inf, **case["config"]), scales, err_msg=case["name"])
    assert skipped == found_inf


def test_loss_scale_timing():
    # the inf at step 1 is met at the old scale; the halved one applies from step 2
    assert loss_scales([False, True, False]).tolist() == [2.0**16, 2.0**16, 2.0**15]
    # 3 clean steps in a row grow the scale for the 4th; an inf restarts the count
    scales = loss_scales(
        [False, False, False, False, True, False, False, False, False], init_scale=1.0, growth_interval=3
    )
    assert scales.tolist() == [1, 1, 1, 2, 2, 1, 1, 1, 2]


def test_loss_scale_is_a_float32():
    assert loss_scales([False], init_scale=0.1)[0] == float(np.float32(0.1)) != 0.1
    # 0.3 · 1000 taken in double precision, then stored in float32
    assert loss_scales([True, False], init_scale=1000.0, backoff_factor=0.3)[1] == float(np.float32(1000.0 * 0.3))
    # growth that would overflow float32 is refused (torch: "do not grow the scale past fp32 bounds to inf")
    assert loss_scales([False] * 3, init_scale=2.0**127, growth_interval=1).tolist() == [2.0**127] * 3


def test_scaled_training_uses_the_grad_scaler_schedule():
    # float16's largest number is 65504: a seed of 2^16 · (p − y) / n overflows the hidden layer's
    # gradient sums when n is small, the step is skipped and the scale halves, as GradScaler does.
    X, y = make_data("moons", 8, 0.1, 0)
    run = train(
        X,
        y,
        mlp_init([2, 16, 16, 1], 0),
        dtype="float16",
        recipe="scaled",
        lr=0.5,
        steps=40,
        init_scale=2.0**24,
        growth_interval=5,
    )
    assert run.skipped[0] and run.skipped.any()
    np.testing.assert_array_equal(run.scales, loss_scales(run.skipped, init_scale=2.0**24, growth_interval=5))
    assert np.all(run.vanished[run.skipped] == 0)
    skipped_steps = np.flatnonzero(run.skipped)
    for step in skipped_steps[skipped_steps < 39]:
        for before, after in zip(run.snapshots[step], run.snapshots[step + 1]):
            np.testing.assert_array_equal(before, after)  # nothing moved


# --- IEEE 754 facts ---------------------------------------------------------------------------


def test_float16_limits():
    # IEEE 754-2008 binary16: 5 exponent bits (bias 15), 10 fraction bits
    info = ml_dtypes.finfo(np.float16)
    assert float(info.smallest_subnormal) == 2.0**-24 and float(info.smallest_normal) == 2.0**-14
    assert float(info.max) == 65504.0
    assert round_to(2.0**-24, "float16") == 2.0**-24
    assert round_to(2.0**-25, "float16") == 0.0  # exactly halfway to 0: ties to even
    assert round_to(1.5 * 2.0**-25, "float16") == 2.0**-24
    assert round_to(65519.0, "float16") == 65504.0 and round_to(65520.0, "float16") == np.inf


def test_bfloat16_drops_what_is_below_half_an_ulp():
    # 8 significant bits: the spacing above 1 is 2^-7, so 2^-9 (a quarter of it) is lost
    assert float(ml_dtypes.finfo(BF16).eps) == 2.0**-7
    assert float(np.asarray(1.0, BF16) + np.asarray(2.0**-9, BF16)) == 1.0
    assert round_to(1.0 + 2.0**-9, "bfloat16") == 1.0
    assert round_to(1.0 + 2.0**-8, "bfloat16") == 1.0  # exactly half: ties to the even 1.0
    assert round_to(1.0 + 3 * 2.0**-9, "bfloat16") == 1.0 + 2.0**-7
    assert vanished(1.0, 2.0**-9, "bfloat16") and not vanished(1.0, 2.0**-7, "bfloat16")
    assert not vanished(1.0, 2.0**-9, "float32")  # float32 keeps it: 24 bits


def test_round_half_is_numpys_float16_bit_for_bit():
    every = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)
    finite = np.sort(every[np.isfinite(every)])
    midpoints = ((finite[:-1].astype(np.float64) + finite[1:]) / 2).astype(np.float32)
    rng = np.random.default_rng(0)
    random_bits = rng.integers(0, 2**32, size=400_000, dtype=np.uint64).astype(np.uint32).view(np.float32)
    near_range = (rng.integers(0, 2**32, size=400_000, dtype=np.uint64).astype(np.uint32) & np.uint32(0x807FFFFF)) | (
        rng.integers(90, 146, size=400_000).astype(np.uint32) << 23
    )
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 65519.996, 65520.0, -65520.0, 3e38, 1e-45], np.float32)
    for x in (
        every,
        midpoints,
        np.nextafter(midpoints, np.float32(np.inf)),
        np.nextafter(midpoints, np.float32(-1)),
        random_bits,
        near_range.view(np.float32),
        specials,
    ):
        with np.errstate(all="ignore"):  # the random bits hold signalling NaNs
            expected = x.astype(np.float16).astype(np.float32)
            got = lp._round_half(x.copy())
        same = (got.view(np.uint32) == expected.view(np.uint32)) | (np.isnan(got) & np.isnan(expected))
        assert same.all(), f"_round_half differs at {x[~same][:5]}: {got[~same][:5]} != {expected[~same][:5]}"


def test_numpys_float16_tanh_is_correctly_rounded():
    # core uses numpy's float16 tanh as "tanh in float32, rounded once": true for every input
    every = np.arange(2**16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    every = every[np.isfinite(every)]
    np.testing.assert_array_equal(np.tanh(every), np.tanh(every.astype(np.float64)).astype(np.float16))


def _nearest(exact: Fraction, w: float, dtype: str) -> float:
    """w + u rounded to dtype, by exact comparison with w's two neighbours (ties to even)."""
    dt = np.dtype(dtype) if dtype != "bfloat16" else np.dtype(BF16)
    wa = np.asarray(w, dt)
    candidates = [float(np.nextafter(wa, np.asarray(-np.inf, dt))), w, float(np.nextafter(wa, np.asarray(np.inf, dt)))]
    candidates = [c for c in candidates if math.isfinite(c)]
    distances = [abs(exact - Fraction(c)) for c in candidates]
    best = min(distances)
    ties = [c for c, d in zip(candidates, distances) if d == best]
    if len(ties) == 1:
        return ties[0]
    bits = {c: int(np.asarray(c, dt).view(np.dtype(f"u{dt.itemsize}"))) for c in ties}
    return next(c for c in ties if bits[c] % 2 == 0)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32"])
def test_vanished_is_exact(dtype):
    rng = np.random.default_rng(1)
    dt = np.float16 if dtype == "float16" else BF16 if dtype == "bfloat16" else np.float32
    w = (rng.choice([-1, 1], 3000) * 2.0 ** rng.uniform(-12, 8, 3000)).astype(dt).astype(np.float64)
    gaps = np.abs(np.nextafter(w.astype(dt), np.asarray(np.inf, dt)).astype(np.float64) - w)
    # updates near the decision: around half a gap, exactly half, a quarter, 0, and far
    factor = rng.choice([0.5, 0.25, 0.49999, 0.50001, 0.75, 1.0, 0.0, 3.0], 3000) * rng.choice([-1, 1], 3000)
    u = factor * gaps
    got = vanished(w, u, dtype)
    expected = np.array([ui != 0 and _nearest(Fraction(wi) + Fraction(ui), wi, dtype) == wi for wi, ui in zip(w, u)])
    bad = np.flatnonzero(got != expected)
    assert bad.size == 0, f"{dtype}: w={w[bad[:3]]}, u={u[bad[:3]]}"
    assert 0.2 < got.mean() < 0.8  # both answers are exercised


def test_vanished_counts_nonzero_updates_only():
    assert not vanished(1.0, 0.0, "bfloat16")
    assert vanished(np.array([1.0, 1.0, 0.0]), np.array([1e-3, -1e-3, 1e-30]), "bfloat16").tolist() == [
        True,
        True,
        False,
    ]


def test_products_accumulate_in_float32_then_round_once():
    # 1 + 256 · 2^-9 = 1.5. Adding the terms one at a time in bfloat16 loses every 2^-9 (half of
    # the spacing at 1 is 2^-8); a GPU matrix unit accumulates in float32 and rounds once.
    a = np.array([[1.0] + [2.0**-9] * 256], dtype=BF16)
    ones = np.ones((257, 1), dtype=BF16)
    one_at_a_time = np.asarray(0.0, BF16)
    for term in a[0] * ones[:, 0]:
        one_at_a_time = (one_at_a_time + term).astype(BF16)
    assert float(one_at_a_time) == 1.0
    product = matmul(a, ones, "bfloat16")
    assert product.dtype == BF16 and float(product[0, 0]) == 1.5


def test_every_value_is_a_number_of_its_dtype():
    X, y = make_data("circles", 60, 0.1, 0)
    params = mlp_init([2, 8, 8, 1], 1)
    for dtype in ("float16", "bfloat16"):
        hs = lp.forward(X, params, dtype)
        assert all(h.dtype == np.dtype(BF16 if dtype == "bfloat16" else dtype) for h in hs)
        run = train(X, y, params, dtype=dtype, recipe="low", lr=np.float64(0.3), steps=10, snapshot_every=1)
        assert all(p.dtype == hs[0].dtype for p in run.params)
        for snapshot in run.snapshots:
            for w in snapshot:
                np.testing.assert_array_equal(round_to(w, dtype), w)  # held exactly in dtype
        np.testing.assert_array_equal(round_to(run.gradients_in_dtype, dtype), run.gradients_in_dtype)
        mixed = train(X, y, params, dtype=dtype, recipe="mixed", lr=0.3, steps=10)
        assert all(p.dtype == np.float32 for p in mixed.params)


def test_a_numpy_float64_lr_does_not_promote():
    X, y = make_data("moons", 40, 0.1, 0)
    params = mlp_init([2, 4, 1], 0)
    a = train(X, y, params, dtype="bfloat16", lr=0.25, steps=20)
    b = train(X, y, params, dtype="bfloat16", lr=np.float64(0.25), steps=20)
    np.testing.assert_array_equal(a.losses, b.losses)


# --- underflow and vanishing, by construction ---------------------------------------------------


def _tiny_gradient_problem():
    """Every label 0, p = sigmoid(-16) ≈ 1.1e-7: the per-point gradient p / n = 1.5e-8 is below
    float16's smallest subnormal 2^-24 ≈ 6e-8 (halfway to it rounds to 0)."""
    X = np.ones((8, 2), np.float32)
    y = np.zeros(8, np.float32)
    return X, y, [np.zeros((2, 1), np.float32), np.array([-16.0], np.float32)]


def test_float16_gradients_underflow_in_mixed_and_survive_in_scaled():
    X, y, params = _tiny_gradient_problem()
    mixed = train(X, y, params, dtype="float16", recipe="mixed", lr=1.0, steps=1)
    scaled = train(X, y, params, dtype="float16", recipe="scaled", lr=1.0, steps=1)
    exact = train(X, y, params, dtype="float32", lr=1.0, steps=1)
    assert mixed.underflow[0] == 1.0 and mixed.underflow_backward[0] == 1.0
    np.testing.assert_array_equal(mixed.gradients_in_dtype[0], 0.0)
    np.testing.assert_array_equal(mixed.params[0], 0.0)  # nothing moved
    assert scaled.underflow[0] == 0.0 and scaled.scales[0] == 2.0**16
    # the scaled float16 gradient, unscaled, is float32's to float16's precision (p itself is rounded)
    g_scaled = scaled.gradients_in_dtype[0] / scaled.scales[0]
    np.testing.assert_allclose(g_scaled, exact.gradients[0], rtol=0.1)
    assert np.all(scaled.params[0] < 0)  # the weights moved, as in float32
    np.testing.assert_allclose(scaled.params[0], exact.params[0], rtol=0.1)


def test_training_vanished_agrees_with_vanished():
    X, y = make_data("moons", 200, 0.1, 0)
    params = mlp_init([2, 16, 16, 1], 0)
    run = train(X, y, params, dtype="bfloat16", lr=0.2, steps=20, snapshot_every=1)
    for step in range(20):
        w = np.concatenate([a.ravel() for a in run.snapshots[step]])
        update = -float(np.float32(0.2)) * run.gradients_in_dtype[step].astype(np.float64)
        # the run rounds lr · g to float32 before adding it (torch's opmath): at most a tie apart
        assert abs(vanished(w, update, "bfloat16").mean() - run.vanished[step]) <= 0.01, step


# --- the lesson: settings the page's presets use ---------------------------------------------------

MOONS = {"kind": "moons", "n": 200, "noise": 0.1, "seed": 0}


def _moons_run(dtype, recipe, lr, steps):
    X, y = make_data(**MOONS)
    return train(X, y, mlp_init([2, 16, 16, 1], 0), dtype=dtype, recipe=recipe, lr=lr, steps=steps)


def test_float32_learns_the_moons():
    run = _moons_run("float32", "low", 0.5, 500)
    assert run.losses[0] > 0.69 and run.final_loss < 0.05  # measured 0.695 → 0.0062


def test_bfloat16_loses_small_updates_and_master_weights_keep_them():
    exact = _moons_run("float32", "low", 0.2, 500)
    low = _moons_run("bfloat16", "low", 0.2, 500)
    mixed = _moons_run("bfloat16", "mixed", 0.2, 500)
    # measured: float32 0.046; bfloat16 0.266 with 83 % of updates lost; mixed 0.046, none lost
    assert low.final_loss > 3 * exact.final_loss and low.vanished.mean() > 0.6
    assert mixed.final_loss < 1.1 * exact.final_loss and mixed.vanished.mean() < 0.01


def test_float16_with_a_small_lr_loses_updates_and_the_recipes_recover_them():
    exact = _moons_run("float32", "low", 0.005, 500)
    low = _moons_run("float16", "low", 0.005, 500)
    scaled = _moons_run("float16", "scaled", 0.005, 500)
    # measured: float32 0.4891; float16 0.4976 with 65 % of updates lost; scaled 0.4890
    assert low.vanished.mean() > 0.5 and low.final_loss > exact.final_loss + 0.004
    assert scaled.vanished.mean() < 0.01 and abs(scaled.final_loss - exact.final_loss) < 1e-3


def test_late_in_training_float16_backward_values_underflow_unless_scaled():
    mixed = _moons_run("float16", "mixed", 0.5, 500)
    scaled = _moons_run("float16", "scaled", 0.5, 500)
    # measured: 7 % of the per-point backward values flush to 0 by step 500 in "mixed", none when scaled
    assert mixed.underflow_backward[-50:].mean() > 0.03
    assert scaled.underflow_backward.max() == 0.0 and not scaled.skipped.any()


# --- data, weights and the Training record ------------------------------------------------------


@pytest.mark.parametrize("kind", lp.DATASETS)
def test_make_data(kind):
    X, y = make_data(kind, 101, 0.1, 4)
    assert X.shape == (101, 2) and y.shape == (101,) and X.dtype == y.dtype == np.float32
    assert set(np.unique(y)) == {0.0, 1.0}
    if kind != "xor":
        assert np.count_nonzero(y == 0) == 51
    X2, y2 = make_data(kind, 101, 0.1, 4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(X, make_data(kind, 101, 0.1, 5)[0])


def test_mlp_init_is_torch_linears_rule():
    params = mlp_init([2, 16, 4, 1], seed=3)
    assert [p.shape for p in params] == [(2, 16), (16,), (16, 4), (4,), (4, 1), (1,)]
    assert all(p.dtype == np.float32 for p in params)
    for fan_in, W, b in ((2, params[0], params[1]), (16, params[2], params[3]), (4, params[4], params[5])):
        bound = 1 / math.sqrt(fan_in)
        assert np.abs(W).max() <= bound and np.abs(b).max() <= bound
    assert np.abs(params[0]).max() > 0.5  # uniform over the whole range, not a small init
    np.testing.assert_array_equal(params[2], mlp_init([2, 16, 4, 1], seed=3)[2])


def test_training_record():
    X, y = make_data("xor", 50, 0.1, 0)
    run = train(X, y, mlp_init([2, 8, 1], 0), dtype="float16", recipe="scaled", lr=0.5, steps=240)
    assert run.losses.shape == (241,)
    for name in ("scales", "skipped", "vanished", "underflow", "underflow_backward"):
        assert getattr(run, name).shape == (240,), name
    assert run.skipped.dtype == bool
    assert len(run.snapshots) == len(run.snapshot_steps) <= lp.MAX_SNAPSHOTS + 1
    assert run.snapshot_steps[0] == 0 and run.snapshot_steps[-1] == 240
    assert run.gradients.shape == run.gradients_in_dtype.shape == (len(run.snapshot_steps), 2 * 8 + 8 + 8 + 1)
    assert run.snapshot_scales.shape == run.snapshot_steps.shape and run.snapshot_scales[0] == 2.0**16
    exact, held = run.gradient_magnitudes(0)
    assert exact.shape == held.shape == (33,) and np.all(exact >= 0)
    # float16 rounds every per-point value on the way (2^-11 each), and sums over the points cancel
    np.testing.assert_allclose(held, exact, rtol=0.02, atol=0.01 * exact.max())


def test_predict_is_the_trained_network():
    X, y = make_data("moons", 50, 0.1, 0)
    run = train(X, y, mlp_init([2, 6, 1], 0), lr=0.5, steps=25)
    p = lp.predict(X, run.params).astype(np.float64)
    assert p.shape == (50,)
    bce = -np.mean(np.where(y == 1, np.log(p), np.log1p(-p)))
    assert math.isclose(bce, run.final_loss, rel_tol=1e-5)


def test_params_are_not_modified():
    X, y = make_data("moons", 30, 0.1, 0)
    params = mlp_init([2, 4, 1], 0)
    copies = [p.copy() for p in params]
    train(X, y, params, dtype="bfloat16", lr=0.5, steps=5)
    for p, c in zip(params, copies):
        np.testing.assert_array_equal(p, c)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dtype": "float8"}, "unknown precision"),
        ({"recipe": "fast"}, "unknown recipe"),
        ({"activation": "gelu"}, "unknown activation"),
        ({"lr": -1.0}, "lr must be"),
        ({"steps": 2.5}, "steps must be"),
        ({"growth_factor": 0.5}, "growth_factor"),
        ({"init_scal": 2.0}, "unknown GradScaler argument"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, message):
    X, y = make_data("moons", 10, 0.1, 0)
    with pytest.raises(ValueError, match=message):
        train(X, y, mlp_init([2, 3, 1], 0), **kwargs)


def test_bad_shapes_say_what_is_wrong():
    X, y = make_data("moons", 10, 0.1, 0)
    with pytest.raises(ValueError, match="one output"):
        train(X, y, mlp_init([2, 3, 2], 0))
    with pytest.raises(ValueError, match="layer 1"):
        train(X, y, mlp_init([3, 3, 1], 0))
    with pytest.raises(ValueError, match="0 or 1"):
        train(X, y * 2, mlp_init([2, 3, 1], 0))


# --- a learning rate per step (a schedule) -----------------------------------------------------


def test_a_constant_schedule_is_the_single_rate_bit_for_bit():
    X, y = make_data("moons", 60, 0.1, 3)
    params = mlp_init([2, 8, 8, 1], 1)
    for dtype, recipe in (("float32", "low"), ("bfloat16", "low"), ("float16", "scaled")):
        one = train(X, y, params, dtype=dtype, recipe=recipe, lr=0.3, steps=40)
        each = train(X, y, params, dtype=dtype, recipe=recipe, lr=np.full(40, 0.3), steps=40)
        np.testing.assert_array_equal(one.losses, each.losses, err_msg=f"{dtype} {recipe}")
        np.testing.assert_array_equal(one.vanished, each.vanished, err_msg=f"{dtype} {recipe}")
        assert each.rates.shape == (40,) and each.lr == 0.3


def test_each_step_uses_its_own_rate():
    # Two steps at rates a, b are one step at a followed, from its weights, by one step at b (float32 weights
    # come back exactly, so the two runs must agree bit for bit).
    X, y = make_data("xor", 50, 0.0, 2)
    params = mlp_init([2, 6, 1], 4)
    both = train(X, y, params, lr=[0.5, 0.05], steps=2)
    first = train(X, y, params, lr=0.5, steps=1)
    second = train(X, y, first.params, lr=0.05, steps=1)
    np.testing.assert_array_equal(both.losses, [first.losses[0], first.losses[1], second.losses[1]])
    for a, b in zip(both.params, second.params):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(both.losses, train(X, y, params, lr=0.5, steps=2).losses)


def test_a_zero_rate_changes_nothing_and_loses_nothing():
    X, y = make_data("moons", 30, 0.1, 0)
    params = mlp_init([2, 4, 1], 0)
    run = train(X, y, params, dtype="bfloat16", lr=[0.0, 0.0, 0.0], steps=3)
    assert len(set(run.losses)) == 1 and not run.vanished.any()


def test_a_cosine_schedule_follows_torchs_scheduler_live():
    torch = pytest.importorskip("torch")
    from core.optimizers import learning_rates

    X, y = make_data("moons", 80, 0.1, 5)
    params = mlp_init([2, 8, 1], 2)
    weights = [torch.tensor(w, requires_grad=True) for w in params]
    optimizer = torch.optim.SGD(weights, lr=0.8)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=30)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    losses = []
    for _ in range(30):
        optimizer.zero_grad()
        p = torch.sigmoid(torch.addmm(weights[3], torch.tanh(torch.addmm(weights[1], Xt, weights[0])), weights[2]))
        loss = torch.nn.functional.binary_cross_entropy(p[:, 0], yt)
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        scheduler.step()
    run = train(X, y, params, lr=learning_rates("cosine", 0.8, 30), steps=30)
    np.testing.assert_allclose(run.losses[:30], losses, rtol=LOSS_RTOL, err_msg="cosine schedule against live torch")


@pytest.mark.parametrize(
    "rates, message", [([0.1, 0.2], "one rate per step"), ([0.1, -0.1, 0.1], "≥ 0"), ([0.1, np.nan, 0.1], "finite")]
)
def test_bad_schedules_say_what_is_wrong(rates, message):
    X, y = make_data("moons", 10, 0.1, 0)
    with pytest.raises(ValueError, match=message):
        train(X, y, mlp_init([2, 3, 1], 0), lr=rates, steps=3)
