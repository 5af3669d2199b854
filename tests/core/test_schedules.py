"""core.optimizers.learning_rates against torch.optim.lr_scheduler, step by step.

The oracle is PyTorch 2.13.0 itself: scheduler.get_last_lr()[0] before each optimizer step,
from tests/reference/torch_low_precision.json (written by tests/reference/make_torch_reference.py),
and live where torch is importable. torch updates each rate from the previous one (its
recursive form), so the numbers are reproduced by doing the same float64 arithmetic in the
same order: they agree bit for bit on one machine. Against the committed JSON the tolerance
is 1e-13 relative, room only for another libm's last bit of cos.

- StepLR: https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
- CosineAnnealingLR: https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html
- LinearLR: https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from core.optimizers import SCHEDULES, learning_rates

REFERENCE = json.loads((Path(__file__).parents[1] / "reference" / "torch_low_precision.json").read_text())
RTOL = 1e-13


@pytest.mark.parametrize("case", REFERENCE["rates"], ids=lambda c: c["name"])
def test_rates_equal_torchs(case):
    rates = learning_rates(case["schedule"], case["lr"], case["steps"], **case["params"])
    assert rates.shape == (case["steps"],) and rates.dtype == np.float64
    np.testing.assert_allclose(rates, case["rates"], rtol=RTOL, atol=0, err_msg=case["name"])


LIVE = [
    ("step", 0.1, 25, {"step_size": 4, "gamma": 0.3}),
    ("step", 2.0, 9, {"step_size": 2}),
    ("cosine", 0.1, 60, {"T_max": 13, "eta_min": 0.001}),
    ("cosine", 0.05, 100, {"T_max": 100}),
    ("cosine", 1.0, 45, {"T_max": 3}),
    ("warmup", 0.2, 30, {"start_factor": 0.25, "end_factor": 0.75, "total_iters": 12}),
    ("warmup", 0.01, 12, {}),
]


@pytest.mark.parametrize("schedule, lr, steps, params", LIVE)
def test_rates_equal_torchs_live(schedule, lr, steps, params):
    pytest.importorskip("torch")
    from tests.reference.make_torch_reference import torch_rates

    np.testing.assert_array_equal(
        learning_rates(schedule, lr, steps, **params), torch_rates(schedule, lr, steps, **params)
    )


def test_the_recursive_form_is_what_torch_computes():
    """The closed form η_min + (η₀ − η_min)(1 + cos(πt/T))/2 is the same curve, not the same numbers."""
    case = next(c for c in REFERENCE["rates"] if c["name"] == "Cosine 10")
    t = np.arange(case["steps"])
    closed = 0.5 * case["lr"] * (1 + np.cos(np.pi * t / case["params"]["T_max"]))
    np.testing.assert_allclose(closed, case["rates"], atol=1e-15)  # the same curve …
    assert np.any(closed != np.array(case["rates"]))  # … but not bit for bit


def test_cosine_goes_past_T_max_and_comes_back():
    rates = learning_rates("cosine", 0.1, 41, T_max=10, eta_min=0.01)
    assert rates[0] == 0.1 and rates[10] == 0.01  # down to eta_min at T_max, exactly
    assert rates[11] > rates[10] and math.isclose(rates[20], 0.1, rel_tol=1e-12)  # a period of 2 T_max
    assert math.isclose(rates[30], 0.01, rel_tol=1e-9)
    assert np.all(rates >= 0.01 - 1e-15)


def test_defaults_follow_torch_and_the_contract():
    np.testing.assert_array_equal(learning_rates("constant", 0.3, 4), [0.3] * 4)
    # StepLR requires step_size: the default here is max(1, steps // 3)
    np.testing.assert_array_equal(
        learning_rates("step", 1.0, 9), learning_rates("step", 1.0, 9, step_size=3, gamma=0.1)
    )
    np.testing.assert_array_equal(learning_rates("step", 1.0, 2), learning_rates("step", 1.0, 2, step_size=1))
    # CosineAnnealingLR requires T_max: the default here is steps
    np.testing.assert_array_equal(learning_rates("cosine", 0.1, 50), learning_rates("cosine", 0.1, 50, T_max=50))
    # LinearLR's own defaults: start_factor 1/3, end_factor 1, total_iters 5
    warm = learning_rates("warmup", 0.3, 8)
    assert math.isclose(warm[0], 0.1) and np.all(np.diff(warm[:6]) > 0) and np.all(warm[5:] == warm[5])
    assert math.isclose(warm[5], 0.3)


def test_schedules_are_named():
    assert SCHEDULES == ("constant", "step", "cosine", "warmup")
    for schedule in SCHEDULES:
        assert learning_rates(schedule, 0.1, 0).shape == (0,)
        assert learning_rates(schedule, 0.1, 7).shape == (7,)


@pytest.mark.parametrize(
    "schedule, params, message",
    [
        ("exponential", {}, "unknown schedule"),
        ("cosine", {"step_size": 3}, "takes no parameter step_size"),
        ("cosine", {"T_max": 0}, "T_max must be"),
        ("step", {"step_size": 0}, "step_size must be"),
        ("warmup", {"start_factor": 0.0}, "start_factor"),
        ("warmup", {"end_factor": 1.5}, "end_factor"),
    ],
)
def test_bad_parameters_say_what_is_wrong(schedule, params, message):
    with pytest.raises(ValueError, match=message):
        learning_rates(schedule, 0.1, 10, **params)
