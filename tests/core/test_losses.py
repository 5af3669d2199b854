"""Tests for core.losses against independent oracles.

Where the expected numbers come from:
  * the course text 002_16e3fd7667d98696.txt: MSE of [2.5, 3.1, 4.8] vs [3.0, 3.0, 5.0] is 0.10;
    -log(0.8) = 0.22 and -log(0.1) = 2.30;
  * reference functions below, written element by element in plain Python from
    the formulas on the PyTorch docs pages torch.nn.MSELoss, torch.nn.L1Loss,
    torch.nn.HuberLoss, torch.nn.BCELoss and torch.nn.CrossEntropyLoss
    (reduction="mean"), and max(0, 1 - y f) for the hinge;
  * literals produced by torch 2.13.0 on CPU (the snippet is next to them);
    torch is not imported here;
  * central differences, for every gradient;
  * sympy, for the exact forms.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pandas as pd
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from core.losses import (
    LOG_CLAMP,
    LOSSES,
    binary_cross_entropy_with_logits,
    clamped_binary_cross_entropy,
    cross_entropy_vs_squared_error,
    curve,
    evaluate_rows,
    log_softmax,
    loss_gradient,
    loss_value,
    naive_binary_cross_entropy,
    naive_cross_entropy,
    per_sample_gradient,
    per_sample_loss,
    precision_cases,
    sigmoid,
    softmax,
    stable_cross_entropy,
    symbolic_loss,
)
from core.numeric import DTYPES

# A RuntimeWarning from numpy (overflow, divide by zero, invalid) is a defect:
# expected infs and NaNs must be produced quietly, under np.errstate.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

# Tolerances are data, keyed by dtype: the float64 reference is computed on the
# inputs already rounded to the dtype, so these cover arithmetic rounding only.
TOL = {
    "float64": {"rtol": 1e-12, "atol": 1e-12},
    "float32": {"rtol": 2e-6, "atol": 1e-6},
    "float16": {"rtol": 4e-3, "atol": 2e-3},
    "bfloat16": {"rtol": 3e-2, "atol": 2e-2},
}
CENTRAL_H = 1e-6  # float64 central difference: error ~ h² f''' + eps/h ~ 1e-10
CENTRAL_TOL = {"rtol": 1e-6, "atol": 1e-8}


def close(actual, expected, dtype="float64", what=""):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        **TOL[dtype],
        err_msg=f"{what} in {dtype}",
    )


# --- independent references, one element at a time (torch.nn docs formulas) ---------------


def ref_mse(x, y):
    # torch.nn.MSELoss: l_n = (x_n - y_n)^2, mean over all elements.
    n = len(x)
    return sum((a - b) ** 2 for a, b in zip(x, y)) / n, [2 * (a - b) / n for a, b in zip(x, y)]


def ref_mae(x, y):
    # torch.nn.L1Loss: l_n = |x_n - y_n|; d|r|/dr taken as sign(r), sign(0) = 0.
    n = len(x)
    sign = lambda r: (r > 0) - (r < 0)  # noqa: E731
    return sum(abs(a - b) for a, b in zip(x, y)) / n, [sign(a - b) / n for a, b in zip(x, y)]


def ref_huber(x, y, delta=1.0):
    # torch.nn.HuberLoss: l_n = 0.5 (x_n - y_n)^2 if |x_n - y_n| < delta,
    #                           delta * (|x_n - y_n| - 0.5 * delta) otherwise.
    n = len(x)
    values, grads = [], []
    for a, b in zip(x, y):
        r = a - b
        if abs(r) < delta:
            values.append(0.5 * r * r)
            grads.append(r / n)
        else:
            values.append(delta * (abs(r) - 0.5 * delta))
            grads.append(math.copysign(delta, r) / n)
    return sum(values) / n, grads


def ref_bce(p, y):
    # torch.nn.BCELoss: l_n = -[y_n log x_n + (1 - y_n) log(1 - x_n)], each log
    # clamped to >= -100 ("our solution is that BCELoss clamps its log function
    # outputs to be greater than or equal to -100"). log(1 - p) as log1p(-p).
    def clamped_log(v):
        return max(math.log(v), -100.0) if v > 0 else -100.0

    def clamped_log1p(v):
        return max(math.log1p(v), -100.0) if v > -1 else -100.0

    n = len(p)
    values = [-(b * clamped_log(a) + (1 - b) * clamped_log1p(-a)) for a, b in zip(p, y)]
    # d l / d p = -y / p + (1 - y) / (1 - p) = (p - y) / (p (1 - p)), for 0 < p < 1.
    grads = [(a - b) / (a * (1 - a)) / n if 0 < a < 1 else math.nan for a, b in zip(p, y)]
    return sum(values) / n, grads


def ref_cross_entropy(logits, classes):
    # torch.nn.CrossEntropyLoss: l_n = -log(exp(x_{n,y_n}) / sum_c exp(x_{n,c})),
    # mean over the n rows; d l_n / d x_{n,c} = softmax(x_n)_c - [c = y_n].
    n = len(logits)
    values, grads = [], []
    for row, k in zip(logits, classes):
        total = math.fsum(math.exp(v) for v in row)
        values.append(-math.log(math.exp(row[k]) / total))
        grads.append([(math.exp(v) / total - (c == k)) / n for c, v in enumerate(row)])
    return sum(values) / n, grads


def ref_hinge(x, y):
    # max(0, 1 - y f); derivative -y where 1 - y f > 0, else 0 (torch.relu's rule).
    n = len(x)
    return (
        sum(max(0.0, 1 - b * a) for a, b in zip(x, y)) / n,
        [(-b if 1 - b * a > 0 else 0.0) / n for a, b in zip(x, y)],
    )


REFERENCES = {
    "mse": ref_mse,
    "mae": ref_mae,
    "huber": ref_huber,
    "binary_cross_entropy": ref_bce,
    "cross_entropy": ref_cross_entropy,
    "hinge": ref_hinge,
}

# Hand-picked data per loss: both Huber branches, a zero residual, soft and hard
# BCE labels, a hinge sample inside and outside the margin.
DATA = {
    "mse": ([2.5, 3.1, 4.8, -1.0, 7.0], [3.0, 3.0, 5.0, 2.0, 7.0]),
    "mae": ([2.5, 3.1, 4.8, -1.0, 7.0], [3.0, 3.0, 5.0, 2.0, 7.0]),
    "huber": ([2.5, 3.1, 4.8, -1.0, 7.0], [3.0, 3.0, 5.0, 2.0, 7.0]),
    "binary_cross_entropy": ([0.8, 0.1, 0.5, 0.3, 0.99], [1.0, 1.0, 0.0, 0.25, 0.0]),
    "cross_entropy": ([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [-3.0, 0.0, 3.0]], [0, 2, 2]),
    "hinge": ([1.5, 0.5, -2.0, 3.0, -0.2], [1.0, -1.0, -1.0, 1.0, 1.0]),
}


# --- the course's numbers ------------------------------------------------------------------


def test_mse_of_the_course_example_is_0_10():
    # course text 002_16e3fd7667d98696.txt: "Loss = ((2.5-3.0)² + (3.1-3.0)² + (4.8-5.0)²) / 3"
    # = ((-0.5)² + 0.1² + (-0.2)²) / 3 = (0.25 + 0.01 + 0.04) / 3 = 0.10
    predictions, actuals = [2.5, 3.1, 4.8], [3.0, 3.0, 5.0]
    value = loss_value("mse", predictions, actuals)
    assert value == pytest.approx((0.25 + 0.01 + 0.04) / 3, rel=1e-12)
    assert round(value, 2) == 0.10
    close(per_sample_loss("mse", predictions, actuals), [0.25, 0.01, 0.04], what="per-sample MSE")
    close(per_sample_gradient("mse", predictions, actuals), [-1.0, 0.2, -0.4], what="2(ŷ - y)")


@pytest.mark.parametrize("p_cat, expected, shown", [(0.8, 0.2231435513142097, 0.22), (0.1, 2.302585092994046, 2.30)])
def test_cat_example_cross_entropy(p_cat, expected, shown):
    # course text 002_16e3fd7667d98696.txt: "Loss = -log(0.8) = 0.22 (low loss, good prediction)"
    # and "Loss = -log(0.1) = 2.30 (high loss, bad prediction)"; P(cat) is 0.8, then 0.1.
    logits = np.log([p_cat, 1 - p_cat])  # softmax of these logits is (p_cat, 1 - p_cat)
    ce = loss_value("cross_entropy", logits, 0)
    bce = loss_value("binary_cross_entropy", [p_cat], [1.0])
    assert ce == pytest.approx(expected, rel=1e-12)
    assert bce == pytest.approx(expected, rel=1e-12)
    assert round(ce, 2) == shown
    # the gradient on the logits is p - y: d/dz of -log softmax(z)_y from
    # https://docs.pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html, worked by hand
    close(loss_gradient("cross_entropy", logits, 0), [p_cat - 1, 1 - p_cat], what="p - y")


# --- every loss against the documented definitions ---------------------------------------------


@pytest.mark.parametrize("name", list(LOSSES))
def test_value_and_gradient_match_the_documented_definition(name):
    x, y = DATA[name]
    expected_value, expected_gradient = REFERENCES[name](x, y)
    close(loss_value(name, x, y), expected_value, what=f"{name} value")
    close(loss_gradient(name, x, y), expected_gradient, what=f"{name} gradient")


def test_huber_delta_is_the_switch_point():
    x, y = DATA["huber"]
    for delta in (0.05, 0.5, 2.0, 10.0):
        expected_value, expected_gradient = ref_huber(x, y, delta)
        close(loss_value("huber", x, y, delta=delta), expected_value, what=f"huber delta={delta}")
        close(loss_gradient("huber", x, y, delta=delta), expected_gradient, what=f"huber grad delta={delta}")


finite = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, finite), min_size=1, max_size=20), st.sampled_from(["mse", "mae", "huber"]))
def test_regression_losses_match_the_definitions_on_any_data(pairs, name):
    x, y = [a for a, _ in pairs], [b for _, b in pairs]
    expected_value, expected_gradient = REFERENCES[name](x, y)
    np.testing.assert_allclose(loss_value(name, x, y), expected_value, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(loss_gradient(name, x, y), expected_gradient, rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(1e-6, 1 - 1e-6), st.floats(0, 1)), min_size=1, max_size=20))
def test_binary_cross_entropy_matches_the_definition_on_any_data(pairs):
    p, y = [a for a, _ in pairs], [b for _, b in pairs]
    expected_value, expected_gradient = ref_bce(p, y)
    np.testing.assert_allclose(loss_value("binary_cross_entropy", p, y), expected_value, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(loss_gradient("binary_cross_entropy", p, y), expected_gradient, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.data())
def test_cross_entropy_matches_the_definition_on_any_data(classes, rows, data):
    logits = [data.draw(st.lists(st.floats(-30, 30), min_size=classes, max_size=classes)) for _ in range(rows)]
    labels = [data.draw(st.integers(0, classes - 1)) for _ in range(rows)]
    expected_value, expected_gradient = ref_cross_entropy(logits, labels)
    np.testing.assert_allclose(loss_value("cross_entropy", logits, labels), expected_value, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(loss_gradient("cross_entropy", logits, labels), expected_gradient, rtol=1e-9, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(finite, st.sampled_from([-1.0, 1.0])), min_size=1, max_size=20))
def test_hinge_matches_the_definition_on_any_data(pairs):
    x, y = [a for a, _ in pairs], [b for _, b in pairs]
    expected_value, expected_gradient = ref_hinge(x, y)
    np.testing.assert_allclose(loss_value("hinge", x, y), expected_value, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(loss_gradient("hinge", x, y), expected_gradient)


@pytest.mark.parametrize("name", list(LOSSES))
def test_mean_reduction_is_the_mean_of_the_per_sample_values(name):
    x, y = DATA[name]
    samples = len(x)
    close(loss_value(name, x, y), np.mean(per_sample_loss(name, x, y)), what=f"{name} mean")
    close(loss_gradient(name, x, y), per_sample_gradient(name, x, y) / samples, what=f"{name} gradient / N")


# --- PyTorch 2.13.0 (CPU) reference numbers ------------------------------------------------------
# Produced with, for each row below (dtype torch.float64 or torch.float32):
#   x = torch.tensor(pred, dtype=dtype, requires_grad=True); y = torch.tensor(target, dtype=dtype)
#   L = nn.MSELoss()(x, y)           # nn.L1Loss(), nn.HuberLoss(delta=...), nn.BCELoss(),
#                                    # nn.CrossEntropyLoss() with y = torch.tensor(target) (long),
#                                    # torch.relu(1 - y * x).mean() for the hinge
#   L.backward(); print(L.item(), x.grad.tolist())

REG = ([2.5, 3.1, 4.8, -1.0, 7.0], [3.0, 3.0, 5.0, 2.0, 7.0])
BCE = ([0.8, 0.1, 0.0, 1.0, 0.5, 1e-8, 0.3], [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.25])
CE = ([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0], [100.0, -100.0, 0.0], [-3.0, 0.0, 3.0]], [0, 2, 1, 2])
HINGE = ([1.0, 0.5, -2.0, 3.0, -0.2], [1.0, -1.0, -1.0, 1.0, 1.0])

TORCH = [
    # name, params, data, dtype, value, gradient
    ("mse", {}, REG, "float64", 1.86, [-0.2, 0.040000000000000036, -0.08000000000000007, -1.2000000000000002, 0.0]),
    ("mae", {}, REG, "float64", 0.76, [-0.2, 0.2, -0.2, -0.2, 0.0]),
    ("huber", {}, REG, "float64", 0.53, [-0.1, 0.020000000000000018, -0.040000000000000036, -0.2, 0.0]),
    (
        "huber",
        {"delta": 0.5},
        REG,
        "float64",
        0.30500000000000005,
        [-0.1, 0.020000000000000018, -0.040000000000000036, -0.1, 0.0],
    ),
    (
        "binary_cross_entropy",
        {},
        BCE,
        "float64",
        29.112482177700535,
        [
            -0.17857142857142858,
            -1.4285714285714284,
            -142857143427.97183,
            142857143427.97183,
            0.2857142857142857,
            0.1428571442857143,
            0.03401360544217687,
        ],
    ),
    (
        "cross_entropy",
        {},
        CE,
        "float64",
        51.03028849673078,
        [
            [-0.08524971527850803, 0.060608242676178474, 0.02464147260232955],
            [0.029028633668535288, 0.2144942026521143, -0.2435228363206496],
            [0.25, -0.25, 9.30018994005209e-45],
            [0.0005889082701991702, 0.011828538805456007, -0.012417447075655175],
        ],
    ),
    ("hinge", {}, HINGE, "float64", 0.54, [-0.0, 0.2, 0.0, -0.0, -0.2]),
    (
        "mse",
        {},
        REG,
        "float32",
        1.8600000143051147,
        [-0.20000000298023224, 0.039999961853027344, -0.07999992370605469, -1.2000000476837158, 0.0],
    ),
    (
        "mae",
        {},
        REG,
        "float32",
        0.7599999308586121,
        [-0.20000000298023224, 0.20000000298023224, -0.20000000298023224, -0.20000000298023224, 0.0],
    ),
    (
        "huber",
        {},
        REG,
        "float32",
        0.5299999713897705,
        [-0.10000000149011612, 0.019999980926513672, -0.039999961853027344, -0.20000000298023224, 0.0],
    ),
    (
        "binary_cross_entropy",
        {},
        BCE,
        "float32",
        29.112483978271484,
        [
            -0.1785714328289032,
            -1.4285714626312256,
            -142857142272.0,
            142857142272.0,
            0.2857142984867096,
            0.1428571492433548,
            0.03401361033320427,
        ],
    ),
    (
        "cross_entropy",
        {},
        CE,
        "float32",
        51.03028869628906,
        [
            [-0.08524970710277557, 0.06060824543237686, 0.024641474708914757],
            [0.0290286336094141, 0.21449419856071472, -0.24352283775806427],
            [0.25, -0.25, 9.80908925027372e-45],
            [0.000588908267673105, 0.011828538961708546, -0.012417435646057129],
        ],
    ),
    ("hinge", {}, HINGE, "float32", 0.5400000214576721, [-0.0, 0.20000000298023224, 0.0, -0.0, -0.20000000298023224]),
]


@pytest.mark.parametrize(
    "name, params, data, dtype, value, gradient", TORCH, ids=[f"{row[0]}-{row[3]}-{'-'.join(row[1])}" for row in TORCH]
)
def test_matches_pytorch(name, params, data, dtype, value, gradient):
    x, y = data
    close(loss_value(name, x, y, dtype=dtype, **params), value, dtype, f"{name} value vs torch")
    got = loss_gradient(name, x, y, dtype=dtype, **params)
    assert got.dtype == DTYPES[dtype]
    close(got, gradient, dtype, f"{name} gradient vs torch")


def test_bce_clamps_like_torch():
    # torch.nn.BCELoss(reduction="none") on p = (0, 1, 1e-8, 0.3), y = (1, 0, 0, 0.25), float64:
    # [100.0, 100.0, 1.0000000050000001e-08, 0.5684994090355333]
    p, y = [0.0, 1.0, 1e-8, 0.3], [1.0, 0.0, 0.0, 0.25]
    # relative tolerance only: log(1 - 1e-8) would give 9.99999993922529e-09, off in the 8th digit
    np.testing.assert_allclose(
        per_sample_loss("binary_cross_entropy", p, y),
        [100.0, 100.0, 1.0000000050000001e-08, 0.5684994090355333],
        rtol=1e-12,
        atol=0,
    )
    assert LOG_CLAMP == -100.0
    # a certain *right* answer costs 0, not 0 · log 0 = NaN
    np.testing.assert_array_equal(per_sample_loss("binary_cross_entropy", [0.0, 1.0], [0.0, 1.0]), [0.0, 0.0])


def test_bce_gradient_at_p_0_or_1_is_nan_in_float16_as_in_torch():
    # torch: p = torch.tensor([0., 1.], dtype=torch.float16, requires_grad=True)
    #        nn.BCELoss()(p, torch.tensor([0., 1.], dtype=torch.float16)).backward() -> p.grad = [nan, nan]
    # (its epsilon 1e-12 rounds to 0 in float16, and 0 / 0 is NaN)
    assert np.isnan(loss_gradient("binary_cross_entropy", [0.0, 1.0], [0.0, 1.0], dtype="float16")).all()
    np.testing.assert_array_equal(loss_gradient("binary_cross_entropy", [0.0, 1.0], [0.0, 1.0]), [0.0, 0.0])


def test_kinks_follow_torch():
    # L1Loss: the gradient at a zero residual is 0 (torch's sign(0) = 0);
    # HuberLoss at |r| = delta: delta * sign(r) (both branches agree);
    # hinge at y f = 1: 0, as torch.relu(1 - y * x) gives (torch.relu'(0) = 0).
    assert per_sample_gradient("mae", [3.0], [3.0])[0] == 0.0
    np.testing.assert_array_equal(per_sample_gradient("huber", [1.0, -1.0], [0.0, 0.0]), [1.0, -1.0])
    np.testing.assert_array_equal(per_sample_gradient("hinge", [1.0, -1.0], [1.0, -1.0]), [0.0, 0.0])


# --- central differences ------------------------------------------------------------------------


def central_difference(name, x, y, params):
    x = np.asarray(x, dtype=np.float64)
    estimate = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = CENTRAL_H
        up = loss_value(name, x + step, y, **params)
        down = loss_value(name, x - step, y, **params)
        estimate[index] = (up - down) / (2 * CENTRAL_H)
    return estimate


def away_from_kinks(name, x, y, params):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if name == "mae":
        return np.all(np.abs(x - y) > 1e-3)
    if name == "huber":
        return np.all(np.abs(np.abs(x - y) - params.get("delta", 1.0)) > 1e-3)
    if name == "hinge":
        return np.all(np.abs(1 - x * y) > 1e-3)
    return True


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize(
    "name, params",
    [
        ("mse", {}),
        ("mae", {}),
        ("huber", {}),
        ("huber", {"delta": 0.3}),
        ("binary_cross_entropy", {}),
        ("cross_entropy", {}),
        ("hinge", {}),
    ],
)
def test_gradient_matches_central_differences(name, params, seed):
    rng = np.random.default_rng(seed)
    if name == "cross_entropy":
        x, y = rng.normal(0, 3, size=(4, 3)), rng.integers(0, 3, size=4)
    elif name == "binary_cross_entropy":
        x, y = rng.uniform(0.05, 0.95, size=6), rng.uniform(0, 1, size=6)
    elif name == "hinge":
        x, y = rng.normal(0, 2, size=6), rng.choice([-1.0, 1.0], size=6)
    else:
        x, y = rng.normal(0, 2, size=6), rng.normal(0, 2, size=6)
    assert away_from_kinks(name, x, y, params), "choose another seed: a point sits on a kink"
    np.testing.assert_allclose(
        loss_gradient(name, x, y, **params),
        central_difference(name, x, y, params),
        **CENTRAL_TOL,
        err_msg=f"{name}{params} gradient vs central difference, h={CENTRAL_H}, seed {seed}, float64",
    )


# --- precision ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("name", list(LOSSES))
def test_every_loss_computes_in_the_requested_precision(name, dtype):
    x, y = DATA[name]
    target = DTYPES[dtype]
    x_rounded = np.asarray(x, dtype=target).astype(np.float64)
    y_rounded = y if name == "cross_entropy" else np.asarray(y, dtype=target).astype(np.float64).tolist()
    expected_value, expected_gradient = REFERENCES[name](x_rounded.tolist(), y_rounded)
    values = per_sample_loss(name, x, y, dtype=dtype)
    gradient = loss_gradient(name, x, y, dtype=dtype)
    assert values.dtype == target and gradient.dtype == target, f"{name} left {dtype}"
    assert per_sample_gradient(name, x, y, dtype=dtype).dtype == target
    assert gradient.shape == np.shape(x)
    value = loss_value(name, x, y, dtype=dtype)
    assert isinstance(value, float)
    close(value, expected_value, dtype, f"{name} value")
    close(gradient, expected_gradient, dtype, f"{name} gradient")


def test_bfloat16_is_not_promoted_by_python_constants():
    # Before ml_dtypes 0.7 a Python float times a bfloat16 array gave float32 (0.7 keeps bfloat16);
    # with either, every helper must stay in bfloat16.
    b = DTYPES["bfloat16"]
    z = np.linspace(-3, 3, 5)
    assert sigmoid(z, "bfloat16").dtype == b
    assert softmax([[1.0, 2.0]], "bfloat16").dtype == b
    assert log_softmax([[1.0, 2.0]], "bfloat16").dtype == b
    assert binary_cross_entropy_with_logits(z, 1.0, "bfloat16").dtype == b
    assert clamped_binary_cross_entropy([0.2], [1.0], "bfloat16").dtype == b
    comparison = cross_entropy_vs_squared_error(z, 1.0, "bfloat16")
    for f in dataclasses.fields(comparison):
        assert getattr(comparison, f.name).dtype == b, f.name


def test_naive_cross_entropy_fails_in_float32_on_logits_of_100():
    logits = [[100.0, -100.0], [100.0, -100.0]]
    naive = naive_cross_entropy(logits, [0, 1], "float32")
    stable = stable_cross_entropy(logits, [0, 1], "float32")
    assert np.isnan(naive[0]), "exp(100) = inf in float32, inf / inf = NaN"
    assert np.isposinf(naive[1]), "the label's probability rounds to 0, -log 0 = inf"
    np.testing.assert_array_equal(stable, [0.0, 200.0])
    # float64 holds exp(100) = 2.7e43, so there the naive form is still right...
    close(naive_cross_entropy(logits, [0, 1], "float64"), [0.0, 200.0], what="naive CE, logits ±100")
    # ...until exp(1000)
    assert not np.isfinite(naive_cross_entropy([[1000.0, -1000.0]], [1], "float64")).any()


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_stable_cross_entropy_is_finite_on_extreme_logits(dtype):
    logits = [[100.0, -100.0, 0.0], [-100.0, 100.0, 0.0], [1e4, -1e4, 0.0]]
    values = stable_cross_entropy(logits, [1, 1, 1], dtype)
    assert np.isfinite(values).all(), values
    close(values, [200.0, 0.0, 2e4], dtype, "stable cross-entropy")
    assert values.dtype == DTYPES[dtype]
    assert np.isfinite(loss_gradient("cross_entropy", logits, [1, 1, 1], dtype=dtype)).all()


def test_naive_binary_cross_entropy_fails_where_a_probability_rounds():
    # p = 1 - 1e-8 is exactly 1.0 in float32: log(1 - p) = log 0.
    assert np.float32(1 - 1e-8) == 1.0
    assert np.isposinf(naive_binary_cross_entropy(1 - 1e-8, 0.0, "float32"))
    assert clamped_binary_cross_entropy(1 - 1e-8, 0.0, "float32") == -LOG_CLAMP  # torch's 100
    z = math.log((1 - 1e-8) / 1e-8)  # the same prediction, kept as a logit
    close(binary_cross_entropy_with_logits(z, 0.0, "float32"), -math.log(1e-8), "float32", "BCE from the logit")
    # p = 1e-8 itself is representable in float32 (the naive form is fine there), not in float16
    close(naive_binary_cross_entropy(1e-8, 1.0, "float32"), -math.log(1e-8), "float32", "naive BCE p=1e-8")
    assert np.isposinf(naive_binary_cross_entropy(1e-8, 1.0, "float16"))
    # 0 · log 0 is NaN in the naive form, 0 with torch's clamp
    assert np.isnan(naive_binary_cross_entropy(0.0, 0.0))
    assert clamped_binary_cross_entropy(0.0, 0.0) == 0.0


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_bce_from_logits_is_finite_where_the_sigmoid_saturates(dtype):
    z = np.array([-1000.0, 1000.0, 0.0])
    y = np.array([1.0, 0.0, 1.0])
    naive = naive_binary_cross_entropy(sigmoid(z, dtype), y, dtype)
    assert np.isposinf(naive[:2]).all(), "sigmoid(±1000) rounds to exactly 0 or 1"
    close(binary_cross_entropy_with_logits(z, y, dtype), [1000.0, 1000.0, math.log(2)], dtype, "BCE with logits")


def test_precision_cases_show_the_naive_failures_in_float32():
    table = precision_cases("float32")
    assert list(table.columns) == ["case", "dtype", "naive", "stable", "exact", "naive_ok", "explanation"]
    assert table["naive_ok"].tolist() == [False, False, True, False]
    assert np.isnan(table["naive"][0]) and np.isposinf(table["naive"][1]) and np.isposinf(table["naive"][3])
    np.testing.assert_allclose(table["stable"], table["exact"], rtol=1e-6, atol=1e-6)
    assert "inf / inf is NaN" in table["explanation"][0]
    assert "rounds to exactly 1 in float32" in table["explanation"][3]
    assert "both are fine" in table["explanation"][2]
    assert not precision_cases("float16")["naive_ok"].any()


# --- helpers ---------------------------------------------------------------------------------------


def test_softmax_matches_the_definition_and_survives_huge_logits():
    z = [1.0, 2.0, -0.5]
    total = math.fsum(math.exp(v) for v in z)
    close(softmax(z), [math.exp(v) / total for v in z], what="softmax")
    close(log_softmax(z), [v - math.log(total) for v in z], what="log_softmax")
    rows = softmax([[1000.0, 0.0, -1000.0], [3.0, 3.0, 3.0]], "float16")
    np.testing.assert_array_equal(rows[0], [1.0, 0.0, 0.0])
    close(rows.astype(np.float64).sum(axis=1), [1.0, 1.0], "float16", "softmax rows sum to 1")


def test_cross_entropy_beats_squared_error_when_confidently_wrong():
    z = np.linspace(-12.0, 12.0, 241)
    for y in (1.0, 0.0):
        c = cross_entropy_vs_squared_error(z, y)
        p = np.array([1 / (1 + math.exp(-v)) for v in z])
        close(c.probability, p, what="sigmoid")
        close(c.cross_entropy_gradient, p - y, what="d BCE / dz = sigmoid(z) - y")
        close(c.squared_error, (p - y) ** 2, what="(sigmoid(z) - y)²")
        not_p = np.array([1 / (1 + math.exp(v)) for v in z])  # 1 - sigmoid(z), without cancellation
        close(c.cross_entropy, -(y * np.log(p) + (1 - y) * np.log(not_p)), what="BCE(sigmoid(z))")
        # each gradient against a central difference of its own loss
        h = 1e-6
        up, down = cross_entropy_vs_squared_error(z + h, y), cross_entropy_vs_squared_error(z - h, y)
        np.testing.assert_allclose(
            c.cross_entropy_gradient, (up.cross_entropy - down.cross_entropy) / (2 * h), **CENTRAL_TOL
        )
        np.testing.assert_allclose(
            c.squared_error_gradient, (up.squared_error - down.squared_error) / (2 * h), **CENTRAL_TOL
        )
        # confidently wrong: z = -10 for a cat (y = 1), z = +10 for a dog (y = 0)
        wrong = z == (-10.0 if y == 1 else 10.0)
        assert abs(c.cross_entropy_gradient[wrong][0]) > 0.99
        assert abs(c.squared_error_gradient[wrong][0]) < 1e-3
        # and the more wrong, the weaker the squared error's pull
        side = z < -2 if y == 1 else z > 2
        pull = np.abs(c.squared_error_gradient[side])
        assert np.all(np.diff(pull if y == 1 else pull[::-1]) > 0)


# --- exact forms -------------------------------------------------------------------------------------


SYMBOLIC_POINTS = {
    "mse": (1.5, [-2.0, 0.3, 1.4, 4.0]),
    "mae": (1.5, [-2.0, 0.3, 1.4, 4.0]),
    "huber": (1.5, [-2.0, 0.3, 1.4, 4.0]),
    "binary_cross_entropy": (1.0, [0.01, 0.3, 0.9]),
    "hinge": (-1.0, [-2.0, -0.5, 0.7, 3.0]),
}


@pytest.mark.parametrize("name", list(SYMBOLIC_POINTS))
def test_symbolic_forms_agree_with_the_numbers(name):
    target, points = SYMBOLIC_POINTS[name]
    form = symbolic_loss(name, target)
    assert form.variable.is_real and form.variable.name == LOSSES[name].variable
    loss = sympy.lambdify(form.variable, form.loss, "numpy")
    slope = sympy.lambdify(form.variable, form.derivative, "numpy")
    targets = [target] * len(points)
    close([loss(v) for v in points], per_sample_loss(name, points, targets), what=f"{name} symbolic loss")
    close([slope(v) for v in points], per_sample_gradient(name, points, targets), what=f"{name} symbolic derivative")


def test_symbolic_forms_are_the_textbook_ones():
    yhat, p, z = sympy.Symbol("yhat", real=True), sympy.Symbol("p", real=True), sympy.Symbol("z", real=True)
    assert sympy.simplify(symbolic_loss("mse", 3).derivative - 2 * (yhat - 3)) == 0
    assert symbolic_loss("mae", 3).derivative.subs(yhat, 3) == 0  # sign(0) = 0
    assert sympy.simplify(symbolic_loss("binary_cross_entropy", 1).derivative + 1 / p) == 0
    assert sympy.simplify(symbolic_loss("binary_cross_entropy", 0).derivative - 1 / (1 - p)) == 0
    assert symbolic_loss("hinge", 1).derivative.subs(yhat, 1) == 0  # at the kink, as torch.relu
    huber = symbolic_loss("huber", 0, delta=0.5)
    assert huber.loss.subs(yhat, 2) == pytest.approx(0.5 * (2 - 0.25))
    # cross-entropy in one logit: derivative p - y, p = softmax of (z, 0, 0)
    ce = symbolic_loss("cross_entropy", 1, classes=3)
    assert sympy.simplify(ce.derivative - (sympy.exp(z) / (sympy.exp(z) + 2) - 1)) == 0


@pytest.mark.parametrize("target, column", [(1, 0), (0, 1)])
def test_symbolic_cross_entropy_is_one_logit_of_the_numeric_one(target, column):
    form = symbolic_loss("cross_entropy", target, classes=3)
    loss = sympy.lambdify(form.variable, form.loss, "numpy")
    slope = sympy.lambdify(form.variable, form.derivative, "numpy")
    label = 0 if target == 1 else 2  # the varied logit is column 0 or 1; the label is column 0 or 2
    for zv in (-4.0, 0.5, 6.0):
        row = [[0.0, 0.0, 0.0]]
        row[0][column] = zv
        close(loss(zv), per_sample_loss("cross_entropy", row, [label])[0], what="symbolic CE")
        close(slope(zv), per_sample_gradient("cross_entropy", row, [label])[0][column], what="symbolic CE slope")


@pytest.mark.parametrize("name", list(LOSSES))
def test_curve_is_the_exact_loss_over_a_grid(name):
    entry = LOSSES[name]
    target = entry.curve_targets[0] if entry.curve_targets else 2.0
    table = curve(name, target, points=41)
    assert list(table.columns) == ["prediction", "loss", "derivative"] and len(table) == 41
    assert np.isfinite(table[["loss", "derivative"]].to_numpy()).all()
    if name != "cross_entropy":
        grid = table["prediction"].to_numpy()
        close(table["loss"], per_sample_loss(name, grid, np.full_like(grid, target)), what=f"{name} curve")
    assert curve(name, target, points=3, low=0.2, high=0.4)["prediction"].tolist() == pytest.approx([0.2, 0.3, 0.4])


# --- the editable table -------------------------------------------------------------------------------


def test_course_table_is_scored_row_by_row():
    result = evaluate_rows("mse", [2.5, 3.1, 4.8], [3.0, 3.0, 5.0])
    assert result.problems == (None, None, None) and result.messages == ()
    assert result.total == pytest.approx(0.10, rel=1e-12) and result.count == 3
    close(result.loss, [0.25, 0.01, 0.04], what="table loss")
    close(result.gradient, [-1.0, 0.2, -0.4], what="table gradient")


def test_bad_cells_are_flagged_in_words_and_the_rest_is_untouched():
    predictions = [2.5, "abc", None, "", float("nan"), " 3.1 ", 4.8, "inf", True]
    targets = [3.0, 3.0, 3.0, 3.0, 3.0, "3.0", 5.0, 1.0, 1.0]
    result = evaluate_rows("huber", predictions, targets, delta=0.5)
    assert result.problems == (
        None,
        "row 2: prediction 'abc' is not a number",
        "row 3: prediction is empty",
        "row 4: prediction is empty",
        "row 5: prediction is empty",
        None,
        None,
        "row 8: prediction 'inf' is not a finite number",
        "row 9: prediction True is not a number",
    )
    good = [0, 5, 6]
    assert result.valid.tolist() == [i in good for i in range(9)] and result.count == 3
    alone = per_sample_loss("huber", [2.5, 3.1, 4.8], [3.0, 3.0, 5.0], delta=0.5)
    np.testing.assert_array_equal(result.loss[good], alone)
    np.testing.assert_array_equal(
        result.gradient[good], per_sample_gradient("huber", [2.5, 3.1, 4.8], [3.0, 3.0, 5.0], delta=0.5)
    )
    assert np.isnan(np.delete(result.loss, good)).all() and np.isnan(np.delete(result.gradient, good)).all()
    assert result.total == loss_value("huber", [2.5, 3.1, 4.8], [3.0, 3.0, 5.0], delta=0.5)
    with pytest.raises(ValueError):
        result.loss[0] = 1.0  # results are read-only


def test_domain_problems_per_loss():
    bce = evaluate_rows("binary_cross_entropy", [0.8, 1.3, -0.1, 0.5], [1, 1, 0, 2])
    assert bce.problems == (
        None,
        "row 2: prediction 1.3 is not a probability (it must be between 0 and 1)",
        "row 3: prediction -0.1 is not a probability (it must be between 0 and 1)",
        "row 4: target 2 is not a label between 0 and 1 (use 0 or 1)",
    )
    assert bce.total == pytest.approx(-math.log(0.8), rel=1e-12)
    hinge = evaluate_rows("hinge", [0.5, 0.5, 0.5], [0, 1, "-1"])
    assert hinge.problems == ("row 1: target 0 is not -1 or +1", None, None)
    assert hinge.total == pytest.approx((0.5 + 1.5) / 2, rel=1e-12)
    ce = evaluate_rows("cross_entropy", [[2.0, 1.0, 0.1], [1.0, "x", None], [0, 0, 0], [0, 0, 0]], [0, 1.5, 3, -1])
    assert ce.problems == (
        None,
        "row 2: the logit of class 1 'x' is not a number; the logit of class 2 is empty; class 1.5 is not a whole number",
        "row 3: class 3 is not one of the classes 0 to 2",
        "row 4: class -1 is not one of the classes 0 to 2",
    )
    assert ce.gradient.shape == (4, 3)
    close(ce.gradient[0], per_sample_gradient("cross_entropy", [[2.0, 1.0, 0.1]], [0])[0], what="CE row gradient")


def test_no_good_rows_means_no_total():
    result = evaluate_rows("mse", ["a", None], [1.0, 2.0])
    assert result.total is None and result.count == 0 and len(result.messages) == 2
    assert evaluate_rows("mse", [], []).total is None


def test_table_from_pandas_with_row_labels():
    frame = pd.DataFrame(
        {"prediction": [2.5, np.nan, 4.8], "target": pd.array([3, pd.NA, 5], dtype="Int64")}, index=[10, 11, 12]
    )
    result = evaluate_rows("mse", frame["prediction"], frame["target"], row_labels=frame.index)
    assert result.problems == (None, "row 11: prediction is empty; target is empty", None)
    assert result.total == pytest.approx((0.25 + 0.04) / 2, rel=1e-12)
    logits = pd.DataFrame({"logit 0": [2.0, 0.0], "logit 1": [1.0, 0.0]})
    assert evaluate_rows("cross_entropy", logits, pd.Series([0, 1])).count == 2


def test_table_shape_errors_are_valueerrors():
    with pytest.raises(ValueError, match="3 predictions but 2 targets"):
        evaluate_rows("mse", [1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="same number of logit cells"):
        evaluate_rows("cross_entropy", [[1, 2], [1, 2, 3]], [0, 0])
    with pytest.raises(ValueError, match="delta"):
        evaluate_rows("huber", [1.0], [1.0], delta=-1)


# --- the catalogue and its errors -------------------------------------------------------------------


def test_catalogue_lists_the_six_losses():
    assert list(LOSSES) == ["mse", "mae", "huber", "binary_cross_entropy", "cross_entropy", "hinge"]
    for name, entry in LOSSES.items():
        assert entry.name == name and entry.kind in ("regression", "classification")
        for latex in (entry.formula, entry.sample_formula, entry.gradient_formula):
            assert latex and latex.count("{") == latex.count("}"), f"{name}: unbalanced LaTeX {latex}"
        with pytest.raises(dataclasses.FrozenInstanceError):
            entry.title = "changed"
        with pytest.raises(TypeError):
            entry.params["delta"] = 2.0
    assert dict(LOSSES["huber"].params) == {"delta": 1.0}
    assert [n for n, e in LOSSES.items() if e.kind == "regression"] == ["mse", "mae", "huber"]


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: loss_value("mean_squared", [1.0], [1.0]), "unknown loss 'mean_squared'; choose one of mse, mae"),
        (lambda: loss_value("mse", [1.0], [1.0], delta=1.0), "mse takes no parameters; got delta"),
        (lambda: loss_value("huber", [1.0], [1.0], alpha=1.0), "huber takes delta; got alpha"),
        (lambda: loss_value("huber", [1.0], [1.0], delta=0), "delta must be a positive number"),
        (lambda: loss_gradient("huber", [1.0], [1.0], delta=float("nan")), "delta must be a positive number"),
        (lambda: loss_value("huber", [1.0], [1.0], delta="1"), "delta must be a positive number"),
        (lambda: loss_value("mse", [1.0, 2.0], [1.0]), "give one target per prediction"),
        (lambda: loss_value("mse", [], []), "no predictions"),
        (lambda: loss_value("mse", ["abc"], [1.0]), "must all be numbers"),
        (lambda: loss_value("mse", [1.0], [1.0], dtype="float8"), "unknown precision 'float8'"),
        (lambda: loss_value("binary_cross_entropy", [1.5], [1.0]), "every prediction must be between 0 and 1"),
        (lambda: loss_gradient("binary_cross_entropy", [0.5], [2.0]), "labels between 0 and 1"),
        (lambda: loss_value("hinge", [0.5], [0.0]), "hinge takes labels -1 or +1"),
        (lambda: loss_value("cross_entropy", [[1.0, 2.0]], [2]), "between 0 and 1 (there are 2 logits)"),
        (lambda: loss_value("cross_entropy", [[1.0, 2.0]], [0.5]), "whole numbers"),
        (lambda: loss_value("cross_entropy", [[1.0, 2.0]], [0, 1]), "one class number per row"),
        (lambda: loss_value("cross_entropy", np.zeros((2, 2, 2)), [0, 1]), "shape (n, C)"),
        (lambda: symbolic_loss("hinge", 0), "hinge takes a target of 1 or -1"),
        (lambda: symbolic_loss("binary_cross_entropy", 2), "between 0 and 1"),
        (lambda: symbolic_loss("cross_entropy", 1, classes=1), "classes must be a whole number, at least 2"),
        (lambda: cross_entropy_vs_squared_error([0.0], target=2), "between 0 and 1"),
    ],
)
def test_bad_input_is_a_plain_valueerror(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    "cell, value", [("−0.5", -0.5), ("–1", -1.0), ("1 000", 1000.0), ("1\u202f000", 1000.0), (" +2 ", 2.0)]
)
def test_cells_as_printed_tables_write_them(cell, value):
    # U+2212 is the minus sign of printed formulas (Unicode's "MINUS SIGN"); a thin or no-break space
    # groups thousands in print (SI Brochure, 9th edition, 5.4.4).
    evaluation = evaluate_rows("mae", [cell], [0.0])
    assert list(evaluation.valid) == [True]
    assert evaluation.total == abs(value)


@pytest.mark.parametrize("cell, message", [("0,5", "write 0.5 with a dot"), ("1 2", "is not a number")])
def test_ambiguous_cells_say_what_to_fix(cell, message):
    evaluation = evaluate_rows("mae", [cell], [0.0])
    assert message in evaluation.messages[0]


def test_a_loss_beyond_float64_is_flagged_not_silently_infinite():
    # (1e308 − 0)² = 1e616 overflows float64 (largest ≈ 1.8e308, IEEE 754 binary64) to inf.
    evaluation = evaluate_rows("mse", ["1e308", "1"], [0, 0])
    assert math.isinf(evaluation.total)
    assert "too large to square or add" in evaluation.messages[0]
