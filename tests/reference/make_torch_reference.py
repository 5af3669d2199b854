"""PyTorch's own numbers for tests/core/test_low_precision.py and tests/core/test_schedules.py.

Run from the repository root with a Python that has torch (CPU is enough):

    python -m tests.reference.make_torch_reference      # writes tests/reference/torch_low_precision.json

The committed JSON was made with torch 2.13.0+cpu, numpy 2.4.6, Python 3.11. The tests read
the JSON, so they need no torch; where torch is importable they also call the functions
below directly and compare live.

- training: float32 full-batch gradient descent of an MLP, h = act(h W + b) as torch.addmm,
  p = sigmoid, loss = torch.nn.functional.binary_cross_entropy (BCELoss), torch.optim.SGD;
  the loss before each step and after the last, and the final weights.
- low_precision_training: the first training again with every tensor in bfloat16 or float16.
- scales: torch.amp.GradScaler("cpu", ...).get_scale() before each scale(loss), with the
  gradient set to inf or NaN on chosen steps; whether scaler.step skipped the update.
- rates: scheduler.get_last_lr()[0] before each optimizer step, for StepLR,
  CosineAnnealingLR and LinearLR.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core.low_precision import make_data, mlp_init  # noqa: E402 (after the path is set, when run as a script)

OUT = Path(__file__).with_name("torch_low_precision.json")

# (name, data kind, n, noise, data seed, layer sizes, init seed, activation, lr, steps)
TRAININGS = [
    ("moons-tanh", "moons", 200, 0.1, 0, [2, 16, 16, 1], 0, "tanh", 0.5, 200),
    ("circles-relu", "circles", 120, 0.1, 1, [2, 16, 16, 1], 3, "relu", 0.2, 200),
    ("xor-tanh-wide", "xor", 150, 0.05, 2, [2, 32, 1], 5, "tanh", 1.0, 200),
]

# The same, with every tensor in float16 or bfloat16 (torch's CPU kernels): not bit for bit
# core's "low" recipe (torch's BCELoss backward divides by p(1 - p); core uses the fused
# (p - y) / n of BCEWithLogits), only close. (name, training above, dtype)
LOW_TRAININGS = [
    ("moons-tanh bfloat16", "moons-tanh", "bfloat16", 0.05),
    ("moons-tanh float16", "moons-tanh", "float16", 0.05),
]

INF, NAN = "inf", "nan"
# (name, GradScaler keyword arguments, the bad gradient on each step: None, "inf" or "nan")
SCALER_CASES = [
    ("defaults", {}, [None, INF, None, None, NAN, INF, None, None, None, None]),
    (
        "growth every 3",
        {"init_scale": 8.0, "growth_interval": 3},
        [None] * 7 + [INF] + [None] * 4 + [NAN, None, INF, INF] + [None] * 8,
    ),
    (
        "factors 3 and 0.3",
        {"init_scale": 1000.0, "growth_factor": 3.0, "backoff_factor": 0.3, "growth_interval": 2},
        [None, None, INF, None, None, None, INF, INF, None, None, None, None, None],
    ),
    (
        "growth stops at float32's limit",
        {"init_scale": 2.0**126, "growth_interval": 1},
        [None] * 5 + [INF] + [None] * 3,
    ),
    ("grow every step", {"init_scale": 1.0, "growth_interval": 1}, [None] * 6 + [NAN] + [None] * 3),
]

# (name, scheduler, lr, steps, keyword arguments)
RATE_CASES = [
    ("StepLR 3 0.1", "step", 0.1, 12, {"step_size": 3, "gamma": 0.1}),
    ("StepLR 1 0.5", "step", 1.0, 10, {"step_size": 1, "gamma": 0.5}),
    ("StepLR 7 0.9", "step", 0.05, 30, {"step_size": 7, "gamma": 0.9}),
    ("StepLR default step_size", "step", 0.3, 20, {"step_size": 20 // 3}),
    ("Cosine 10", "cosine", 0.1, 35, {"T_max": 10}),
    ("Cosine 7 eta_min", "cosine", 1.0, 30, {"T_max": 7, "eta_min": 0.01}),
    ("Cosine 1", "cosine", 0.5, 6, {"T_max": 1}),
    ("Cosine T_max = steps", "cosine", 0.2, 50, {"T_max": 50}),
    ("LinearLR defaults", "warmup", 0.1, 10, {}),
    ("LinearLR 0.1 to 1 over 10", "warmup", 0.5, 15, {"start_factor": 0.1, "end_factor": 1.0, "total_iters": 10}),
    ("LinearLR decay", "warmup", 1.0, 8, {"start_factor": 1.0, "end_factor": 0.5, "total_iters": 4}),
    ("LinearLR 0 iters", "warmup", 1.0, 4, {"start_factor": 0.5, "total_iters": 0}),
]
SCHEDULERS = {
    "step": torch.optim.lr_scheduler.StepLR,
    "cosine": torch.optim.lr_scheduler.CosineAnnealingLR,
    "warmup": torch.optim.lr_scheduler.LinearLR,
}


def torch_training(X, y, params, *, lr, steps, activation="tanh", dtype=torch.float32):
    """torch's losses (steps + 1,) and final weights for full-batch SGD on BCELoss."""
    weights = [torch.tensor(np.asarray(w), dtype=dtype, requires_grad=True) for w in params]
    X, y = torch.tensor(np.asarray(X), dtype=dtype), torch.tensor(np.asarray(y), dtype=dtype)
    act = torch.tanh if activation == "tanh" else torch.relu
    optimizer = torch.optim.SGD(weights, lr=lr)

    def loss_fn():
        h = X
        for i in range(0, len(weights) - 2, 2):
            h = act(torch.addmm(weights[i + 1], h, weights[i]))
        p = torch.sigmoid(torch.addmm(weights[-1], h, weights[-2]))[:, 0]
        return torch.nn.functional.binary_cross_entropy(p, y)

    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = loss_fn()
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        losses.append(loss_fn().item())
    return losses, [w.detach().to(torch.float32).numpy() for w in weights]


def torch_scales(bad, **config):
    """GradScaler.get_scale() before scale(loss) at each step, and whether the step was skipped."""
    w = torch.nn.Parameter(torch.ones(3))
    optimizer = torch.optim.SGD([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", **config)
    scales, skipped = [], []
    for fault in bad:
        scales.append(scaler.get_scale())
        optimizer.zero_grad()
        scaler.scale((w * w).sum()).backward()
        if fault is not None:
            w.grad[1] = float(fault)
        before = w.detach().clone()
        scaler.step(optimizer)
        scaler.update()
        skipped.append(bool(torch.equal(before, w.detach())))
    return scales, skipped


def torch_rates(schedule, lr, steps, **params):
    """scheduler.get_last_lr()[0] before each of `steps` optimizer steps."""
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)
    scheduler = SCHEDULERS[schedule](optimizer, **params)
    rates = []
    for _ in range(steps):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()
        scheduler.step()
    return rates


def _floats(values):
    return [v if math.isfinite(v) else repr(v) for v in map(float, values)]


def main() -> None:
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    trainings = []
    for name, kind, n, noise, data_seed, sizes, init_seed, activation, lr, steps in TRAININGS:
        X, y = make_data(kind, n, noise, data_seed)
        params = mlp_init(sizes, init_seed)
        losses, final = torch_training(X, y, params, lr=lr, steps=steps, activation=activation)
        trainings.append(
            {
                "name": name,
                "data": [kind, n, noise, data_seed],
                "sizes": sizes,
                "init_seed": init_seed,
                "activation": activation,
                "lr": lr,
                "steps": steps,
                # the inputs themselves, so the reference stands alone (float32 values, exact in JSON)
                "X": X.tolist(),
                "y": y.tolist(),
                "params": [p.tolist() for p in params],
                "losses": losses,
                "final_params": [p.tolist() for p in final],
            }
        )
    by_name = {t["name"]: t for t in trainings}
    low = []
    for name, base, dtype, lr in LOW_TRAININGS:
        t = by_name[base]
        losses, _ = torch_training(
            np.array(t["X"], np.float32),
            np.array(t["y"], np.float32),
            [np.array(p, np.float32) for p in t["params"]],
            lr=lr,
            steps=t["steps"],
            activation=t["activation"],
            dtype=getattr(torch, dtype),
        )
        low.append({"name": name, "training": base, "dtype": dtype, "lr": lr, "steps": t["steps"], "losses": losses})
    scales = []
    for name, config, bad in SCALER_CASES:
        got, skipped = torch_scales(bad, **config)
        scales.append({"name": name, "config": config, "bad": bad, "scales": _floats(got), "skipped": skipped})
    rates = []
    for name, schedule, lr, steps, params in RATE_CASES:
        rates.append(
            {
                "name": name,
                "schedule": schedule,
                "lr": lr,
                "steps": steps,
                "params": params,
                "rates": torch_rates(schedule, lr, steps, **params),
            }
        )
    reference = {
        "made_by": "python -m tests.reference.make_torch_reference",
        "versions": {"torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0]},
        "training": trainings,
        "low_precision_training": low,
        "scales": scales,
        "rates": rates,
    }
    OUT.write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
