"""Optimizers as small pure step functions, with torch.optim's update rules and defaults.

Each step function takes the weights w, the gradient g and the optimizer's
state, and returns the new weights and the new state; nothing is changed in
place. The rules and default hyper-parameters are those documented for
``torch.optim.SGD`` (plain, with ``momentum``, with ``nesterov=True``),
``torch.optim.RMSprop`` and ``torch.optim.Adam`` (weight decay 0, not
maximising, not centred, no AMSGrad), so a student's numbers match PyTorch's:

    https://docs.pytorch.org/docs/stable/generated/torch.optim.SGD.html
    https://docs.pytorch.org/docs/stable/generated/torch.optim.RMSprop.html
    https://docs.pytorch.org/docs/stable/generated/torch.optim.Adam.html

Every rule is elementwise, so w and g may be Python floats (one coordinate;
the fast path of ``core.descent``) or numpy arrays of one dtype. For arrays
in float32, float16 or bfloat16, pass the hyper-parameters as scalars of that
dtype (``dtype.type(0.9)``) and every operation rounds to that dtype.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

__all__ = [
    "HyperParameter",
    "Optimizer",
    "OPTIMIZERS",
    "get_optimizer",
    "gd",
    "momentum",
    "nesterov",
    "rmsprop",
    "adam",
]


def _sqrt(v):
    # math.sqrt for a Python float (fast, correctly rounded like np.sqrt); np.sqrt keeps an array's dtype.
    return math.sqrt(v) if type(v) is float else np.sqrt(v)


def gd(w, g, state, *, lr):
    """Plain gradient descent (torch.optim.SGD with momentum=0).

        w ← w − lr · g

    The state is unused (None).
    """
    return w - lr * g, state


def _sgd(w, g, buffer, lr, mu, dampening, nesterov):
    buffer = g if buffer is None else mu * buffer + (1 - dampening) * g
    direction = g + mu * buffer if nesterov else buffer
    return w - lr * direction, buffer


def momentum(w, g, state, *, lr, momentum=0.9, dampening=0.0):
    """SGD with momentum (torch.optim.SGD(momentum=μ, dampening=τ)).

        b ← g                         on the first step
        b ← μ · b + (1 − τ) · g       afterwards
        w ← w − lr · b

    The state is the momentum buffer b (None before the first step).
    torch's default momentum is 0, which is plain descent; 0.9 is the value its
    documentation's example uses, and the default here.
    """
    return _sgd(w, g, state, lr, momentum, dampening, False)


def nesterov(w, g, state, *, lr, momentum=0.9):
    """Nesterov momentum (torch.optim.SGD(momentum=μ, nesterov=True); dampening is 0).

    b ← g  on the first step, then  b ← μ · b + g
    w ← w − lr · (g + μ · b)
    """
    return _sgd(w, g, state, lr, momentum, 0.0, True)


def rmsprop(w, g, state, *, lr, alpha=0.99, eps=1e-8):
    """RMSprop (torch.optim.RMSprop, not centred, momentum 0).

        v ← α · v + (1 − α) · g²       (v starts at 0)
        w ← w − lr · g / (√v + ε)

    Defaults α = 0.99, ε = 1e-8. The state is v (None before the first step).
    """
    v = (1 - alpha) * (g * g) if state is None else alpha * state + (1 - alpha) * (g * g)
    return w - lr * (g / (_sqrt(v) + eps)), v


def adam(w, g, state, *, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam (torch.optim.Adam, betas=(β₁, β₂), no weight decay, no AMSGrad).

        t ← t + 1
        m ← β₁ · m + (1 − β₁) · g              (m, v start at 0)
        v ← β₂ · v + (1 − β₂) · g²
        m̂ ← m / (1 − β₁ᵗ),   v̂ ← v / (1 − β₂ᵗ)
        w ← w − lr · m̂ / (√v̂ + ε)

    Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8. Computed in the order torch's
    implementation uses, lr / (1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε), the
    same formula. The state is (t, m, v) (None before the first step).
    """
    t, m, v = (0, 0 * g, 0 * g) if state is None else state
    t += 1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * (g * g)
    step_size = lr / (1 - beta1**t)
    denominator = _sqrt(v) / _sqrt(1 - beta2**t) + eps
    return w - step_size * (m / denominator), (t, m, v)


# --- the registry the page and descend() read -----------------------------------------


@dataclass(frozen=True)
class HyperParameter:
    name: str  # the keyword of the step function
    label: str
    default: float  # torch.optim's default (momentum: see its docstring)
    options: tuple[float, ...]  # the values a slider offers
    help: str


@dataclass(frozen=True)
class Optimizer:
    key: str
    title: str
    step: Callable
    lr: float  # torch.optim's default learning rate
    lr_options: tuple[float, ...]
    hyper: tuple[HyperParameter, ...]
    formula: str  # LaTeX
    torch: str  # the torch.optim constructor, with {lr} and the hyper-parameters as format fields

    @property
    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.hyper}

    def constructor(self, lr: float, **hyper) -> str:
        values = {**self.defaults, **hyper}
        return self.torch.format(lr=lr, **values)


LEARNING_RATES = (
    1e-4,
    2e-4,
    5e-4,
    1e-3,
    2e-3,
    5e-3,
    0.01,
    0.015,
    0.02,
    0.05,
    0.1,
    0.2,
    0.3,
    0.5,
    0.6,
    0.9,
    1.0,
    1.1,
    1.5,
    2.0,
)
_MU = HyperParameter(
    "momentum",
    "momentum μ",
    0.9,
    (0.0, 0.5, 0.8, 0.9, 0.95, 0.99),
    "How much of the last step carries over (torch's default 0 is plain descent; 0.9 is usual).",
)
_EPS = HyperParameter("eps", "ε", 1e-8, (1e-10, 1e-8, 1e-6, 1e-4, 1e-2), "Keeps the division finite where v is 0.")

_REGISTRY = (
    Optimizer(
        "gd",
        "Gradient descent",
        gd,
        1e-3,
        LEARNING_RATES,
        (),
        r"w \leftarrow w - \eta\, g",
        "torch.optim.SGD(params, lr={lr!r})",
    ),
    Optimizer(
        "momentum",
        "Momentum",
        momentum,
        1e-3,
        LEARNING_RATES,
        (_MU,),
        r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\, b",
        "torch.optim.SGD(params, lr={lr!r}, momentum={momentum!r})",
    ),
    Optimizer(
        "nesterov",
        "Nesterov momentum",
        nesterov,
        1e-3,
        LEARNING_RATES,
        (_MU,),
        r"b \leftarrow \mu b + g,\quad w \leftarrow w - \eta\,(g + \mu b)",
        "torch.optim.SGD(params, lr={lr!r}, momentum={momentum!r}, nesterov=True)",
    ),
    Optimizer(
        "rmsprop",
        "RMSprop",
        rmsprop,
        1e-2,
        LEARNING_RATES,
        (
            HyperParameter(
                "alpha",
                "α (decay of g²)",
                0.99,
                (0.9, 0.95, 0.99, 0.999),
                "How slowly the running average of g² forgets.",
            ),
            _EPS,
        ),
        r"v \leftarrow \alpha v + (1-\alpha) g^2,\quad w \leftarrow w - \eta\, \frac{g}{\sqrt{v} + \varepsilon}",
        "torch.optim.RMSprop(params, lr={lr!r}, alpha={alpha!r}, eps={eps!r})",
    ),
    Optimizer(
        "adam",
        "Adam",
        adam,
        1e-3,
        LEARNING_RATES,
        (
            HyperParameter(
                "beta1", "β₁ (momentum)", 0.9, (0.0, 0.5, 0.8, 0.9, 0.95, 0.99), "Decay of the running average of g."
            ),
            HyperParameter(
                "beta2", "β₂ (decay of g²)", 0.999, (0.9, 0.99, 0.999, 0.9999), "Decay of the running average of g²."
            ),
            _EPS,
        ),
        r"m \leftarrow \beta_1 m + (1-\beta_1) g,\ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ "
        r"w \leftarrow w - \eta\, \frac{m/(1-\beta_1^t)}{\sqrt{v/(1-\beta_2^t)} + \varepsilon}",
        "torch.optim.Adam(params, lr={lr!r}, betas=({beta1!r}, {beta2!r}), eps={eps!r})",
    ),
)

OPTIMIZERS: Mapping[str, Optimizer] = MappingProxyType({o.key: o for o in _REGISTRY})


def get_optimizer(key: str) -> Optimizer:
    try:
        return OPTIMIZERS[key]
    except KeyError:
        raise ValueError(f"unknown optimizer {key!r}; choose one of {', '.join(OPTIMIZERS)}") from None


# --- learning-rate schedules (torch.optim.lr_scheduler) ------------------------------
#
# The rate used at step t is what ``scheduler.get_last_lr()`` reports after t calls of
# ``scheduler.step()``, with torch's own recursive update of the previous rate (not the
# closed form): floating-point rounding then matches torch step by step, and the
# cosine schedule keeps torch's behaviour past T_max, where it climbs back up.
#
#     https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.StepLR.html
#     https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html
#     https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.LinearLR.html

SCHEDULES = ("constant", "step", "cosine", "warmup")

__all__ += ["SCHEDULES", "cosine_annealing", "learning_rates", "linear_warmup", "step_decay"]


def step_decay(lr: float, steps: int, *, step_size: int, gamma: float = 0.1) -> list[float]:
    """torch's StepLR: the rate is multiplied by γ at every multiple of step_size.

        η_t = η_{t−1} · γ   if t > 0 and t mod step_size = 0,   else η_{t−1}

    (γ is multiplied in again each time, as torch does, not raised to a power.)
    """
    rates = [lr]
    for t in range(1, steps):
        rates.append(rates[-1] * gamma if t % step_size == 0 else rates[-1])
    return rates


def cosine_annealing(lr: float, steps: int, *, T_max: int, eta_min: float = 0.0) -> list[float]:
    """torch's CosineAnnealingLR, in its recursive form:

        η_t = η_min + (η_{t−1} − η_min) · (1 + cos(π t / T)) / (1 + cos(π (t − 1) / T))
        η_t = η_{t−1} + (η_0 − η_min) · (1 − cos(π / T)) / 2     when (t − 1 − T) mod 2T = 0

    which approximates η_min + (η_0 − η_min)(1 + cos(π t / T)) / 2: the rate falls to
    η_min at t = T and, past it, rises again over the next T steps (a period of 2T).
    """
    rates = [lr]
    for t in range(1, steps):
        previous = rates[-1]
        if (t - 1 - T_max) % (2 * T_max) == 0:
            rates.append(previous + (lr - eta_min) * (1 - math.cos(math.pi / T_max)) / 2)
        else:
            ratio = (1 + math.cos(math.pi * t / T_max)) / (1 + math.cos(math.pi * (t - 1) / T_max))
            rates.append(ratio * (previous - eta_min) + eta_min)
    return rates


def linear_warmup(
    lr: float, steps: int, *, start_factor: float = 1.0 / 3, end_factor: float = 1.0, total_iters: int = 5
) -> list[float]:
    """torch's LinearLR: from lr · start_factor up to lr · end_factor over total_iters steps.

        η_0 = η · s
        η_t = η_{t−1} · (1 + (e − s) / (T s + (t − 1)(e − s)))   for 1 ≤ t ≤ T, then constant

    which is η · (s + (e − s) · min(t, T) / T) up to rounding.
    """
    rates = [lr * start_factor]
    for t in range(1, steps):
        if t > total_iters:
            rates.append(rates[-1])
        else:
            step = (end_factor - start_factor) / (total_iters * start_factor + (t - 1) * (end_factor - start_factor))
            rates.append(rates[-1] * (1.0 + step))
    return rates


def learning_rates(schedule: str, lr: float, steps: int, **params) -> np.ndarray:
    """The learning rate used at each of `steps` steps (float64, length `steps`).

    schedule: "constant"; "step" = StepLR(step_size, gamma=0.1); "cosine" =
    CosineAnnealingLR(T_max, eta_min=0); "warmup" = LinearLR(start_factor=1/3,
    end_factor=1, total_iters=5). Parameters take torch's names and defaults; the two
    torch requires default here to step_size = max(1, steps // 3) and T_max = steps.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    steps, lr = int(steps), float(lr)
    allowed = {
        "constant": (),
        "step": ("step_size", "gamma"),
        "cosine": ("T_max", "eta_min"),
        "warmup": ("start_factor", "end_factor", "total_iters"),
    }[schedule]
    unknown = sorted(set(params) - set(allowed))
    if unknown:
        expected = ", ".join(allowed) or "none"
        raise ValueError(f"{schedule!r} takes no parameter {', '.join(unknown)} (its parameters: {expected})")
    if steps == 0:
        return np.zeros(0)
    if schedule == "constant":
        rates = [lr] * steps
    elif schedule == "step":
        step_size = int(params.get("step_size", max(1, steps // 3)))
        if step_size < 1:
            raise ValueError(f"step_size must be at least 1, got {step_size}")
        rates = step_decay(lr, steps, step_size=step_size, gamma=float(params.get("gamma", 0.1)))
    elif schedule == "cosine":
        T_max = int(params.get("T_max", steps))
        if T_max < 1:
            raise ValueError(f"T_max must be at least 1, got {T_max}")
        rates = cosine_annealing(lr, steps, T_max=T_max, eta_min=float(params.get("eta_min", 0.0)))
    else:
        start, end = float(params.get("start_factor", 1.0 / 3)), float(params.get("end_factor", 1.0))
        total_iters = int(params.get("total_iters", 5))
        # torch's checks (LinearLR.__init__); total_iters = 0 keeps lr · start_factor throughout, as there.
        if not 0 < start <= 1:
            raise ValueError(f"start_factor must be in (0, 1], got {start}")
        if not 0 <= end <= 1:
            raise ValueError(f"end_factor must be in [0, 1], got {end}")
        if total_iters < 0:
            raise ValueError(f"total_iters must be at least 0, got {total_iters}")
        rates = linear_warmup(lr, steps, start_factor=start, end_factor=end, total_iters=total_iters)
    return np.asarray(rates, dtype=np.float64)
