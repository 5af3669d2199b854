"""Each optimizer against an independent implementation of torch.optim's documented algorithm.

The references below are written from the pseudo-code in PyTorch's documentation,
in the documentation's own order of operations (not the order core.optimizers uses):

- SGD (momentum, dampening, nesterov): https://docs.pytorch.org/docs/stable/generated/torch.optim.SGD.html
- RMSprop: https://docs.pytorch.org/docs/stable/generated/torch.optim.RMSprop.html
- Adam: https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html

and, as a second oracle, the weights torch 2.13.0 (CPU, float64) itself reaches after
100 steps, pasted as literals from this snippet (the tests do not import torch):

    w = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr)                               # gd
    opt = torch.optim.SGD([w], lr=lr, momentum=0.9)                  # momentum
    opt = torch.optim.SGD([w], lr=lr, momentum=0.9, nesterov=True)   # nesterov
    opt = torch.optim.RMSprop([w], lr=lr)                            # rmsprop
    opt = torch.optim.Adam([w], lr=lr)                               # adam
    for _ in range(100):
        opt.zero_grad(); loss = f(w); loss.backward(); opt.step()
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import optimizers
from core.optimizers import OPTIMIZERS

# The quadratic x² + 10y² from (2.5, 0.6) and Rosenbrock (1 − x)² + 100(y − x²)² from (−1.5, 2).
PROBLEMS = {
    "quadratic": (lambda w: np.array([2 * w[0], 20 * w[1]]), (2.5, 0.6)),
    "rosenbrock": (
        lambda w: np.array([-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)]),
        (-1.5, 2.0),
    ),
}
LR = {  # (quadratic, rosenbrock)
    "gd": (0.02, 0.001),
    "momentum": (0.01, 0.0005),
    "nesterov": (0.01, 0.0005),
    "rmsprop": (0.01, 0.001),
    "adam": (0.05, 0.01),
}
TORCH_AFTER_100 = {  # torch 2.13.0 CPU, float64 (snippet in the module docstring)
    ("gd", "quadratic"): [0.04217579839712413, 3.919911741000416e-23],
    ("gd", "rosenbrock"): [-1.3637667861119513, 1.8674987482466738],
    ("momentum", "quadratic"): [0.010570284295321296, -0.0017108466727095881],
    ("momentum", "rosenbrock"): [-1.111275574180569, 1.2431583368038794],
    ("nesterov", "quadratic"): [0.004509998975137239, -3.653712739979744e-08],
    ("nesterov", "rosenbrock"): [-1.1361969076149268, 1.2987856632974855],
    ("rmsprop", "quadratic"): [0.834692972295854, 1.2885408893797942e-05],
    ("rmsprop", "rosenbrock"): [-1.4308611273769065, 2.0534565391699897],
    ("adam", "quadratic"): [-0.019502015329416103, -0.0029458988652829605],
    ("adam", "rosenbrock"): [-1.4049812152144097, 1.9803512280320792],
}
# Same algorithm, different rounding order: agreement to a few ulps per step, compounded over 100 steps.
RTOL = 1e-9


def reference(name: str, grad, start, lr: float, steps: int = 100) -> np.ndarray:
    """torch.optim's documented pseudo-code, with its default hyper-parameters (weight decay 0)."""
    theta = np.array(start, dtype=np.float64)
    b = m = v = None
    mu, dampening = 0.9, 0.0
    alpha, eps, beta1, beta2 = 0.99, 1e-8, 0.9, 0.999
    for t in range(1, steps + 1):
        g = grad(theta)
        if name == "gd":
            theta = theta - lr * g
        elif name in ("momentum", "nesterov"):
            # if t > 1: b_t ← μ b_{t−1} + (1 − τ) g_t  else  b_t ← g_t;  nesterov: g_t ← g_t + μ b_t else g_t ← b_t
            b = g.copy() if t == 1 else mu * b + (1 - dampening) * g
            g = g + mu * b if name == "nesterov" else b
            theta = theta - lr * g
        elif name == "rmsprop":
            # v_t ← α v_{t−1} + (1 − α) g_t²;  θ_t ← θ_{t−1} − γ g_t / (√v_t + ε)
            v = np.zeros_like(g) if v is None else v
            v = alpha * v + (1 - alpha) * g**2
            theta = theta - lr * g / (np.sqrt(v) + eps)
        elif name == "adam":
            # m_t ← β₁ m + (1 − β₁) g;  v_t ← β₂ v + (1 − β₂) g²;  m̂ = m/(1 − β₁ᵗ);  v̂ = v/(1 − β₂ᵗ)
            # θ_t ← θ_{t−1} − γ m̂ / (√v̂ + ε)
            m = np.zeros_like(g) if m is None else m
            v = np.zeros_like(g) if v is None else v
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            theta = theta - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return theta


def ours(name: str, grad, start, lr: float, steps: int = 100, *, per_coordinate: bool = False) -> np.ndarray:
    """core.optimizers on a whole array, or one Python float per coordinate (descend's fast path)."""
    step = OPTIMIZERS[name].step
    if per_coordinate:
        w, states = [float(v) for v in start], [None] * len(start)
        for _ in range(steps):
            g = [float(v) for v in grad(np.array(w))]
            pairs = [step(w[i], g[i], states[i], lr=lr) for i in range(len(w))]
            w, states = [p[0] for p in pairs], [p[1] for p in pairs]
        return np.array(w)
    w, state = np.array(start, dtype=np.float64), None
    for _ in range(steps):
        w, state = step(w, grad(w), state, lr=lr)
    return w


CASES = [(name, problem) for name in OPTIMIZERS for problem in PROBLEMS]


@pytest.mark.parametrize("name, problem", CASES)
@pytest.mark.parametrize("per_coordinate", [False, True], ids=["array", "floats"])
def test_matches_the_documented_pseudo_code(name, problem, per_coordinate):
    grad, start = PROBLEMS[problem]
    lr = LR[name][problem == "rosenbrock"]
    expected = reference(name, grad, start, lr)
    got = ours(name, grad, start, lr, per_coordinate=per_coordinate)
    np.testing.assert_allclose(got, expected, rtol=RTOL, atol=1e-15, err_msg=f"{name} on {problem}, lr={lr}")


@pytest.mark.parametrize("name, problem", CASES)
def test_matches_torch(name, problem):
    grad, start = PROBLEMS[problem]
    lr = LR[name][problem == "rosenbrock"]
    np.testing.assert_allclose(
        ours(name, grad, start, lr),
        TORCH_AFTER_100[name, problem],
        rtol=RTOL,
        atol=1e-15,
        err_msg=f"{name} on {problem} against torch 2.13.0",
    )


def test_the_reference_is_not_trivially_equal_across_optimizers():
    """A test that cannot fail is a defect: the five rules really do land in five different places."""
    finals = {name: tuple(TORCH_AFTER_100[name, "rosenbrock"]) for name in OPTIMIZERS}
    assert len(set(finals.values())) == len(OPTIMIZERS)


def test_defaults_are_torchs():
    assert OPTIMIZERS["rmsprop"].defaults == {"alpha": 0.99, "eps": 1e-8}
    assert OPTIMIZERS["adam"].defaults == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    assert (OPTIMIZERS["gd"].lr, OPTIMIZERS["rmsprop"].lr, OPTIMIZERS["adam"].lr) == (1e-3, 1e-2, 1e-3)
    for optimizer in OPTIMIZERS.values():
        for p in optimizer.hyper:
            assert p.default in p.options, f"{optimizer.key}.{p.name}: the default must be offered"


def test_first_momentum_step_is_plain_descent():
    # torch.optim.SGD: the buffer starts as the first gradient, not as 0.
    w, buffer = optimizers.momentum(3.0, 6.0, None, lr=0.1)
    assert (w, buffer) == (3.0 - 0.1 * 6.0, 6.0)


def test_adam_first_step_moves_by_lr():
    # With bias correction, m̂ = g and v̂ = g², so the first step is lr·g/(|g| + ε) ≈ lr·sign(g).
    w, (t, m, v) = optimizers.adam(3.0, 6.0, None, lr=0.1)
    assert t == 1 and math.isclose(w, 3.0 - 0.1 * 6.0 / (6.0 + 1e-8), rel_tol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float16"])
@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_operation_stays_in_the_dtype(name, dtype):
    t = np.dtype(dtype)
    optimizer = OPTIMIZERS[name]
    hyper = {k: t.type(v) for k, v in optimizer.defaults.items()}
    w, state = np.array([3.0, -1.0], dtype=t), None
    for _ in range(3):
        w, state = optimizer.step(w, np.array([6.0, -2.0], dtype=t), state, lr=t.type(0.1), **hyper)
        assert w.dtype == t, f"{name} promoted {dtype} to {w.dtype}"


def test_torch_constructor_text():
    assert OPTIMIZERS["adam"].constructor(0.01) == "torch.optim.Adam(params, lr=0.01, betas=(0.9, 0.999), eps=1e-08)"
    with pytest.raises(ValueError, match="unknown optimizer"):
        optimizers.get_optimizer("lion")
