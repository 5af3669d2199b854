"""Exact derivatives and finite differences: the numbers of the lesson, and its shape."""

import json
from pathlib import Path

import numpy as np
import pytest
import sympy

from core import derivatives as d
from core.expressions import parse_expression, symbol

W2 = parse_expression("w^2", ("w",))
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "gpu_fd_reference.json"
REFERENCE_COPY = Path(__file__).parent / "data" / "gpu_fd_reference.json"


# --- the lesson's numbers -------------------------------------------------------------


def test_rise_over_run_with_h_001():
    # course text 000_99c4d5915fdf932d.txt: "With a step size of 0.01, we get a slope of roughly 6.01."
    # f(3) = 9, f(3.01) = 9.0601, so (9.0601 - 9) / 0.01 = 6.01 (6.009999999999849 in IEEE 754 binary64).
    assert float(d.finite_difference(W2, 3.0, 0.01, variable="w")) == 6.009999999999849


def test_tiny_h_cancels_to_exactly_zero():
    # course text 000_99c4d5915fdf932d.txt: "It rounds the position back to exactly 3.0."
    # 3.0 + 1e-17 == 3.0 in IEEE 754 binary64, so the rise is 0 and the estimate exactly 0.0.
    assert 3.0 + 1e-17 == 3.0
    assert float(d.finite_difference(W2, 3.0, 1e-17, variable="w")) == 0.0


def test_float32_collapses_sooner():
    # IEEE 754 binary32 (spacing 2⁻²² near 3): h = 1e-6 gives 5.72..., h = 1e-8 gives 0.0 (3 + 1e-8 rounds to 3).
    est = d.finite_difference(W2, 3.0, np.array([1e-6, 1e-8]), dtype="float32", variable="w")
    assert est.dtype == np.float32
    assert 5.72 <= est[0] < 5.73
    assert est[1] == 0.0


def test_float16_h_underflows_to_nan():
    # ../shared/reference/README.md: in float16, h = 1e-8 rounds to 0 and the estimate is 0/0 = NaN.
    assert np.float16(1e-8) == 0
    assert np.isnan(d.finite_difference(W2, 3.0, 1e-8, dtype="float16", variable="w"))


def test_exact_derivative_is_the_power_rule():
    assert d.derivative(W2, "w") == 2 * symbol("w")
    assert d.exact_slope(W2, 3.0, "w") == 6.0
    # course text 001_17881fd077a1d289.txt: "Therefore, we need to decrease w to reduce the loss."
    # (w - 4)^2 at w = 6 has slope 2(w - 4) = 4, positive: decrease w.
    second = parse_expression("(w-4)^2", ("w",))
    assert sympy.expand(d.derivative(second, "w") - 2 * (symbol("w") - 4)) == 0
    assert d.exact_slope(second, 6.0, "w") == 4.0
    assert d.direction(4.0) == -1 and d.direction(-2.0) == 1 and d.direction(0.0) == 0


def test_derivation_names_the_power_rule():
    steps = d.derivation(W2, "w")
    assert "power rule" in steps[0].rule and steps[0].latex.endswith("= 2 w")


# --- IEEE 754: when does x + h == x? ------------------------------------------------------


@pytest.mark.parametrize(
    ("dtype", "largest"),
    # Half the spacing at 3 (= eps), as 3's last mantissa bit is even and ties round to even.
    [("float64", 2.0**-52), ("float32", 2.0**-23), ("float16", 2.0**-10), ("bfloat16", 2.0**-7)],
)
def test_largest_vanishing_h(dtype, largest):
    h = d.largest_vanishing_h(3.0, dtype)
    assert h == largest
    stored = np.asarray(3.0, dtype=d.as_dtype(dtype))
    assert stored + np.asarray(h, dtype=stored.dtype) == stored
    assert stored + np.asarray(2 * h, dtype=stored.dtype) != stored


def test_largest_vanishing_h_when_the_last_bit_is_odd():
    # 1 + 2^-52 has an odd last bit: adding exactly half an ulp rounds up (to even),
    # so the largest vanishing h is the float just below half an ulp.
    x = 1.0 + 2.0**-52
    h = d.largest_vanishing_h(x)
    assert h < 2.0**-53 and x + h == x and x + 2.0**-53 != x


# --- the shape of the lesson: orders of accuracy and the V -------------------------------


@pytest.mark.parametrize(("method", "order"), [("forward", 1), ("backward", 1), ("central", 2), ("complex-step", 2)])
def test_order_of_accuracy_from_the_log_log_slope(method, order):
    # As in findiff's tests/test_accuracy.py: fit log(error) against log(h) where
    # truncation dominates; sin has f''' != 0 so the central difference is really order 2.
    f = parse_expression("sin(x)")
    h = np.logspace(-4, -1, 10)
    error = np.abs(d.finite_difference(f, 1.0, h, method=method) - np.cos(1.0))
    slope = np.polyfit(np.log(h), np.log(error), 1)[0]
    assert abs(slope - order) < 0.1, f"{method}: slope {slope:.2f}, expected {order}"


def test_round_off_grows_like_one_over_h():
    # Below the best h the forward difference's error grows like eps*|f|/h: slope -1 on average.
    f = parse_expression("exp(x)")
    h = np.logspace(-15, -10, 60)
    error = np.abs(d.finite_difference(f, 1.0, h) - np.e)
    slope = np.polyfit(np.log(h), np.log(error), 1)[0]
    assert -1.4 < slope < -0.6


def test_the_error_model_predicts_the_best_h():
    # Forward difference of exp at 1: h* = sqrt(2 eps |f| / |f''|) = sqrt(2 eps) ~ 2.1e-8.
    model = d.error_model(parse_expression("exp(x)"), 1.0)
    assert model.best_h == pytest.approx(np.sqrt(2 * 2.0**-52))
    sweep = d.error_sweep(parse_expression("exp(x)"), 1.0, dtypes=["float64"], methods=["forward"])
    measured_best = sweep.loc[sweep["error"].idxmin(), "h"]
    assert 1e-10 < measured_best < 1e-6  # the V's bottom sits near the model's h*


def test_error_sweep_is_tidy_and_reports_cancellation():
    sweep = d.error_sweep(
        W2, 3.0, dtypes=["float64", "float32", "float16", "bfloat16"], methods=["forward", "central"], variable="w"
    )
    assert set(sweep.columns) == {"dtype", "method", "h", "estimate", "error", "outcome"}
    assert len(sweep) == 8 * 201 and sweep["h"].min() == 1e-20 and sweep["h"].max() == 1.0
    tiny = sweep[(sweep["dtype"] == "float64") & (sweep["method"] == "forward") & (sweep["h"] < 1e-17)]
    assert (tiny["outcome"] == "zero").all()
    assert (sweep[(sweep["dtype"] == "float16") & (sweep["h"] < 1e-8)]["outcome"] == "nan").all()


def test_complex_step_has_no_cancellation():
    # Im f(x + ih) / h subtracts nothing: even h = 1e-200 gives the exact slope of x^2.
    assert float(d.finite_difference(W2, 3.0, 1e-200, method="complex-step", variable="w")) == 6.0
    with pytest.raises(ValueError, match="no complex type|has none"):
        d.finite_difference(W2, 3.0, 1e-3, method="complex-step", dtype="float16", variable="w")


# --- the GPU reference: numpy here equals an H100 bit for bit for x^2 ---------------------


def _reference():
    path = REFERENCE if REFERENCE.exists() else REFERENCE_COPY
    return json.loads(path.read_text())


@pytest.mark.parametrize("dtype", ["float64", "float32", "float16", "bfloat16"])
@pytest.mark.parametrize("method", ["forward", "backward", "central"])
def test_matches_the_h100_bit_for_bit_on_x_squared(dtype, method):
    # ../shared/reference/README.md: for x**2 every estimate is bit-for-bit the same on the
    # GPU and the CPU, in all four precisions, for all three methods and all 201 steps.
    ref = _reference()
    h = np.array(ref["h"])
    expected = np.array(ref["estimates"][f"x**2|3.0|{dtype}"][method], dtype=np.float64)
    ours = d.finite_difference(parse_expression("x**2"), 3.0, h, method=method, dtype=dtype).astype(np.float64)
    assert np.array_equal(ours, expected, equal_nan=True)


@pytest.mark.parametrize("func", ["sin(x)", "exp(x)"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_matches_the_h100_in_half_precisions(func, dtype):
    # The README: for sin and exp, float16 and bfloat16 agree with the GPU again.
    ref = _reference()
    h = np.array(ref["h"])
    for method, values in ref["estimates"][f"{func}|1.0|{dtype}"].items():
        ours = d.finite_difference(parse_expression(func), 1.0, h, method=method, dtype=dtype).astype(np.float64)
        assert np.array_equal(ours, np.array(values, dtype=np.float64), equal_nan=True), method
