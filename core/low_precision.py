"""Training a small network in float16 and bfloat16: what is lost, and the recipes that win it back.

A multilayer perceptron classifies 2-D points: hidden layers h = act(h W + b) (tanh or
ReLU), output p = sigmoid(h W + b), loss = mean binary cross-entropy (``torch.nn.BCELoss``,
each log clamped at -100), trained by full-batch gradient descent w ← w − lr · ∂L/∂w
(``torch.optim.SGD``). Three recipes, as in PyTorch's automatic mixed precision
(https://docs.pytorch.org/docs/stable/amp.html):

``low``     weights, forward and backward all in the low precision `dtype`.
``mixed``   float32 *master* weights, rounded down to `dtype` for each step's forward and
            backward; the weight gradients, computed in `dtype`, are widened to float32
            (what autocast's cast does on the way back) and the update is made in float32.
            A gradient that underflowed to 0 in `dtype` is lost here too.
``scaled``  ``mixed`` plus dynamic loss scaling by ``torch.amp.GradScaler``'s rules: the
            backward pass starts from the loss multiplied by the scale S, so small
            gradients are S times larger while in `dtype`; they are divided by S in
            float32, and a step whose gradients hold an inf or NaN is skipped and S halved.
            https://docs.pytorch.org/docs/stable/amp.html#torch.amp.GradScaler

What rounds where. Every kernel torch would launch rounds its result once to `dtype`;
inside a kernel the arithmetic is float32, torch's "opmath" type for half types (and
what numpy's own float16 loops and ml_dtypes' bfloat16 loops do):

- a layer ``h W + b`` (torch's addmm) multiplies and accumulates in float32 and rounds
  once, as GPU matrix units do: numpy's ``@`` on two bfloat16 arrays even returns float32,
  so the product is cast back explicitly. A long dot product therefore keeps terms that
  adding up one rounding at a time would drop (tests/core/test_low_precision.py shows one);
- tanh, ReLU, sigmoid, tanh's backward g · (1 − h²), the sums behind the mean and the bias
  gradients: computed in float32, rounded once;
- the gradient of the mean loss with respect to the logits is the fused (p − y) · S / n,
  S the loss scale (1 without scaling), which is BCELoss's chain
  (p − y) / max(p(1 − p), 1e-12) · p(1 − p) without the division: the two agree in
  float32, but in float16 torch's unfused form gives 0/0 = NaN as soon as a confident
  prediction rounds p to 1 (1e-12 rounds to 0 there), which is why autocast refuses
  BCELoss and asks for BCEWithLogitsLoss, whose backward is this one;
- the update w − lr · g is one kernel (SGD's ``param.add_(grad, alpha=-lr)``): lr is a
  float32 scalar (never float64: NEP 50 would promote the arrays), the product and the
  difference are float32, and the new weight rounds once to the weights' type. A weight
  that does not change although g ≠ 0 lost its update to rounding: ``vanished``.

GradScaler's schedule: the scale starts at ``init_scale``; a step whose gradients hold an
inf or NaN is taken at the current scale and skipped, the scale is multiplied by
``backoff_factor`` for the next step and the count of clean steps restarts; after
``growth_interval`` clean steps in a row it is multiplied by ``growth_factor`` (unless
that overflows float32). The scale is a float32 number.

``make_data`` draws the lesson's 2-D data sets (moons, circles, xor, spiral) and
``mlp_init`` torch.nn.Linear's initial weights, both from numpy's default_rng(seed).

IEEE 754-2008 binary16 (float16): 11 significant bits, smallest normal 2⁻¹⁴ ≈ 6.1e-5,
smallest subnormal 2⁻²⁴ ≈ 6.0e-8, largest 65504. bfloat16: float32's 8-bit exponent with
8 significant bits, so 1 + 2⁻⁹ rounds back to 1.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.numeric import DTYPES, as_dtype

__all__ = [
    "ACTIVATIONS",
    "DATASETS",
    "RECIPES",
    "Training",
    "forward",
    "loss_scales",
    "make_data",
    "matmul",
    "mlp_init",
    "next_scale",
    "predict",
    "round_to",
    "train",
    "vanished",
]

RECIPES = ("low", "mixed", "scaled")
ACTIVATIONS = ("tanh", "relu")
DATASETS = ("moons", "circles", "xor", "spiral")
GRAD_SCALER_DEFAULTS = {"init_scale": 2.0**16, "growth_factor": 2.0, "backoff_factor": 0.5, "growth_interval": 2000}
LOG_CLAMP = -100.0  # torch.nn.BCELoss clamps each log here
MAX_SNAPSHOTS = 50  # Training keeps at most this many (+1) copies of the weights

_F32 = np.float32


# --- data and weights ---------------------------------------------------------------------


def make_data(kind: str = "moons", n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two classes of 2-D points: X (n, 2) float32 and labels y (n,) float32 in {0, 1}.

    moons: two interleaved half circles (scikit-learn's make_moons layout); circles: a
    ring of radius 1 around one of radius 0.5; xor: uniform in the square [-1, 1]², class
    1 where x₁x₂ > 0; spiral: two interleaved arms of one and a half turns. Gaussian noise
    of standard deviation `noise` is added to every coordinate; numpy's
    default_rng(seed) makes it deterministic. Classes alternate, (n + 1) // 2 of class 0
    (xor: the quadrant decides).
    """
    if kind not in DATASETS:
        raise ValueError(f"unknown data set {kind!r}; choose one of {', '.join(DATASETS)}")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = np.linspace(0.0, 1.0, n)
    if kind == "moons":
        angle = np.pi * t
        X = np.where(
            y[:, None] == 0,
            np.column_stack([np.cos(angle), np.sin(angle)]),
            np.column_stack([1 - np.cos(angle), 0.5 - np.sin(angle)]),
        )
    elif kind == "circles":
        angle = 2 * np.pi * t
        radius = np.where(y == 0, 1.0, 0.5)
        X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    elif kind == "xor":
        X = rng.uniform(-1.0, 1.0, size=(n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
    else:
        angle = 3 * np.pi * t + np.pi * y
        radius = 0.1 + 0.9 * t
        X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = X + noise * rng.standard_normal((n, 2))
    return X.astype(_F32), y.astype(_F32)


def mlp_init(sizes: Sequence[int], seed: int = 0) -> list[np.ndarray]:
    """Weights [W1, b1, W2, b2, ...] in float32, W of shape (fan_in, fan_out), b (fan_out,).

    torch.nn.Linear's default: every entry uniform in [-1/√fan_in, 1/√fan_in] (its
    kaiming_uniform_ with a = √5 gives this bound for W, and the bias uses the same one),
    drawn from numpy's default_rng(seed) in the order W1, b1, W2, b2, ... and rounded to
    float32.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must be at least two positive layer widths, got {sizes}")
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in itertools.pairwise(sizes):
        bound = 1.0 / math.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, size=(fan_in, fan_out)).astype(_F32))
        params.append(rng.uniform(-bound, bound, size=fan_out).astype(_F32))
    return params


# --- one rounding per kernel ----------------------------------------------------------
#
# A value "in dtype" is carried in a float32 array that holds only numbers of dtype
# (float32 holds every float16 and bfloat16 exactly; float64 is carried in float64).
# The kernels' float32 arithmetic is then plain numpy float32, matrix products go to
# BLAS, and one rounding (round_to, or its fast forms below) ends each kernel. (numpy's own float16
# arithmetic computes in float32 and rounds after every ufunc too, only slower.)


def _carrier(dtype: np.dtype) -> type:
    return np.float64 if dtype == np.float64 else _F32


def round_to(x, dtype: str | np.dtype) -> np.ndarray:
    """x rounded to the nearest number of `dtype` (ties to even), carried in float32."""
    dt = as_dtype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # past the largest number is inf, as IEEE 754 says
        return _rounder(dt)(np.array(x, dtype=_carrier(dt)))


_U32 = np.uint32


def _round_half(x: np.ndarray) -> np.ndarray:
    """float32 → the nearest float16 (ties to even), carried in float32; bit for bit what
    ``x.astype(float16).astype(float32)`` gives, without numpy's slow path for subnormals.

    Adding c = 1.5 · 2^(E+13), E the exponent of x clamped to [−14, 15], rounds x to
    float32's spacing near c, which is float16's spacing near x (2^(E−10); below 2^−14 the
    subnormals' fixed 2^−24); subtracting c again is exact.
    """
    if x.ndim == 0:
        return np.asarray(x.astype(np.float16), dtype=_F32)
    exponent = np.bitwise_and(x.view(_U32), _U32(0x7F800000))
    top = np.maximum.reduce(exponent, axis=None)
    np.maximum(exponent, _U32(113 << 23), out=exponent)
    if top > _U32(142 << 23):
        np.minimum(exponent, _U32(142 << 23), out=exponent)
    exponent += _U32((13 << 23) | 0x400000)
    c = exponent.view(_F32)
    out = np.add(x, c)
    np.subtract(out, c, out=out)
    np.copysign(out, x, out=out)  # −0 stays −0
    if top >= _U32(142 << 23):  # some |x| ≥ 2^15: what rounds past 65504 is inf
        big = np.abs(out) > _F32(65504)
        out[big] = np.copysign(_F32(np.inf), x[big])
    return out


def _rounder(dt: np.dtype, *, seldom_subnormal: bool = False):
    """The rounding to dt on float32 carriers. For float16 there are two that agree bit for
    bit: numpy's cast, fastest unless results are subnormal (then ~70 ns each), and
    _round_half, steady; the cast serves values that are seldom that small (logits, weights)."""
    if dt in (np.float32, np.float64):
        return lambda x: x
    if dt == np.float16 and not seldom_subnormal:
        return _round_half
    return lambda x: x.astype(dt).astype(_F32)


def matmul(a, b, dtype: str | np.dtype = "float32", bias=None) -> np.ndarray:
    """a @ b (+ bias) in `dtype`: products and sums in float32, rounded once to `dtype`.

    That is what GPU matrix units (and torch's CPU kernels for half types) do; numpy's
    own ``@`` on bfloat16 arrays returns float32, so the rounding is explicit here.
    """
    dt = as_dtype(dtype)
    wide = _carrier(dt)
    product = np.asarray(a).astype(wide) @ np.asarray(b).astype(wide)
    if bias is not None:
        product = product + np.asarray(bias).astype(wide)
    return product.astype(dt)


def _check_activation(activation: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")


def _blocks(flat: np.ndarray, shapes) -> list[np.ndarray]:
    """Views into one flat vector of all weights [W1, b1, W2, b2, ...] (or into each row of a
    stack of them): layer k's (fan_in + 1, fan_out) block, W on top of the row b."""
    blocks, start, lead = [], 0, flat.shape[:-1]
    for fan_in, fan_out in shapes:
        size = (fan_in + 1) * fan_out
        blocks.append(flat[..., start : start + size].reshape(*lead, fan_in + 1, fan_out))
        start += size
    return blocks


def _activations(X: np.ndarray, shapes) -> list[np.ndarray]:
    """Buffers [X | 1], [h1 | 1], ...: a column of ones after each layer's input, so that
    [h | 1] @ [W; b] = h W + b, the bias added inside the float32 accumulation as addmm does."""
    n, wide = len(X), X.dtype
    buffers = [np.ones((n, fan_in + 1), dtype=wide) for fan_in, _ in shapes]
    buffers[0][:, :-1] = X
    return buffers


def _forward(H, blocks, activation, r) -> np.ndarray:
    """Fill the hidden activations H[1:], each layer's h W + b rounded, then its activation
    rounded; return p (n, 1), the sigmoid of the last layer."""
    for k, A in enumerate(blocks):
        a = H[k] @ A
        if k == len(blocks) - 1:
            z = a.astype(np.float16).astype(_F32) if r is _round_half else r(a)  # logits are seldom subnormal
            with np.errstate(over="ignore"):
                return r(1 / (1 + np.exp(-z)))  # sigmoid
        if activation == "tanh":
            H[k + 1][:, :-1] = _tanh_of_rounded(a, r)
        else:
            H[k + 1][:, :-1] = np.maximum(r(a), 0)  # ReLU is exact in any type


def _tanh_of_rounded(a: np.ndarray, r) -> np.ndarray:
    """tanh(z) rounded, z = a rounded. For float16 numpy's own float16 tanh is that, and fast
    (it computes in float32 and rounds once; for every float16 input it equals tanh rounded
    from float64, which a test checks); the cast of a to float16 is fast when a is not subnormal."""
    if r is _round_half:
        return np.tanh(a.astype(np.float16))
    return r(np.tanh(r(a)))


def _bce(p, positive, r) -> float:
    """torch's BCELoss, mean reduction: −mean(y log p + (1 − y) log1p(−p)), logs clamped at −100."""
    p = p[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(positive, np.log(p), np.log1p(-p))
    per_sample = r(-np.maximum(logs, LOG_CLAMP))
    return float(r(per_sample.sum(dtype=p.dtype) / len(p)))


def _backward(H, p, blocks, y, seed, activation, r, grads) -> float:
    """Fill grads[k][0] with layer k's gradient [∂W; ∂b] as float32 math on the rounded chain
    (the caller rounds it: one rounding per gradient kernel), and grads[k][1] with the same
    chain kept in float32 from the same activations, which tells what underflowed. Return
    the share of the per-sample backward values (∂L/∂z of every layer) that flushed to 0.

    seed = S / n: the gradient of the (scaled) mean loss with respect to each logit is
    (p − y) · S / n (BCEWithLogits's backward), rounded to dtype. The two chains go
    through each product together, stacked as delta[0] (rounded) and delta[1] (float32).
    """
    delta = (p - y) * seed
    delta = np.stack([r(delta), delta])
    flushed = total = 0
    for k in range(len(blocks) - 1, -1, -1):
        flushed += np.count_nonzero(delta[1][delta[0] == 0])
        total += delta[0].size
        np.matmul(H[k].T, delta, out=grads[k])  # [h | 1]ᵀ δ = [∂W; ∂b]
        if k:
            back = delta @ blocks[k][:-1].T
            back[0] = r(back[0])
            h = H[k][:, :-1]
            if activation == "tanh":  # torch's tanh_backward: g · (1 − h²), one kernel
                back *= 1 - h * h
                back[0] = r(back[0])
            else:  # ReLU's backward passes g where h > 0: exact
                back *= h > 0
            delta = back
    return flushed / total


def _shapes(params) -> list[tuple[int, int]]:
    return [np.shape(params[i]) for i in range(0, len(params), 2)]


def _flatten(params, dtype=_F32) -> np.ndarray:
    return np.concatenate([np.asarray(w, dtype=dtype).ravel() for w in params])


def _unflatten(flat: np.ndarray, shapes, dtype) -> list[np.ndarray]:
    params = []
    for A in _blocks(flat, shapes):
        params += [A[:-1].astype(dtype), A[-1].astype(dtype)]
    return params


def forward(X, params: Sequence[np.ndarray], dtype: str = "float32", activation: str = "tanh") -> list[np.ndarray]:
    """The activations [X, h1, ..., p] of the network, each computed and stored in `dtype`."""
    _check_activation(activation)
    dt = as_dtype(dtype)
    wide, r = _carrier(dt), _rounder(dt)
    shapes = _shapes(params)
    H = _activations(r(np.asarray(X, dtype=wide)), shapes)
    p = _forward(H, _blocks(r(_flatten(params, wide)), shapes), activation, r)
    return [h[:, :-1].astype(dt) for h in H] + [p.astype(dt)]


def predict(X, params: Sequence[np.ndarray], dtype: str = "float32", activation: str = "tanh") -> np.ndarray:
    """p(class 1) for each point, (n,), computed in `dtype` (the decision boundary is p = 0.5)."""
    return forward(X, params, dtype, activation)[-1][:, 0]


# --- GradScaler's schedule -----------------------------------------------------------


def next_scale(
    scale: float,
    tracker: int,
    found_inf: bool,
    *,
    growth_factor: float = 2.0,
    backoff_factor: float = 0.5,
    growth_interval: int = 2000,
) -> tuple[float, int]:
    """One ``torch._amp_update_scale_``: the scale and clean-step count for the next step.

        inf/NaN found:  S ← S · backoff_factor, count ← 0
        clean step:     count ← count + 1; if count = growth_interval: S ← S · growth_factor
                        (kept only if finite in float32), count ← 0

    S is stored in float32: each product is taken in double precision and rounded.
    """
    if found_inf:
        return float(_F32(scale * backoff_factor)), 0
    tracker += 1
    if tracker == growth_interval:
        with np.errstate(over="ignore"):
            grown = float(_F32(scale * growth_factor))
        return (grown if math.isfinite(grown) else scale), 0
    return scale, tracker


def loss_scales(
    found_inf: Sequence[bool],
    *,
    init_scale: float = 2.0**16,
    growth_factor: float = 2.0,
    backoff_factor: float = 0.5,
    growth_interval: int = 2000,
) -> np.ndarray:
    """The loss scale in effect at each step, given which steps' gradients held an inf or NaN.

    GradScaler's timing: entry i is ``get_scale()`` before ``scale(loss)`` at step i
    (init_scale at step 0, rounded to float32); a step with inf/NaN runs at its scale and
    is skipped, and the backed-off scale applies from the next one.
    """
    _check_scaler(init_scale, growth_factor, backoff_factor, growth_interval)
    scales = np.empty(len(found_inf))
    scale, tracker = float(_F32(init_scale)), 0
    for i, bad in enumerate(found_inf):
        scales[i] = scale
        scale, tracker = next_scale(
            scale,
            tracker,
            bool(bad),
            growth_factor=growth_factor,
            backoff_factor=backoff_factor,
            growth_interval=growth_interval,
        )
    return scales


def _check_scaler(init_scale, growth_factor, backoff_factor, growth_interval) -> None:
    # GradScaler.__init__'s own checks.
    if not growth_factor > 1.0:
        raise ValueError(f"growth_factor must be greater than 1, got {growth_factor}")
    if not 0.0 < backoff_factor < 1.0:
        raise ValueError(f"backoff_factor must be between 0 and 1, got {backoff_factor}")
    if isinstance(growth_interval, bool) or not isinstance(growth_interval, (int, np.integer)) or growth_interval < 1:
        raise ValueError(f"growth_interval must be a whole number ≥ 1, got {growth_interval!r}")
    if not init_scale > 0:
        raise ValueError(f"init_scale must be positive, got {init_scale}")


# --- updates lost to rounding ------------------------------------------------------------


def vanished(weights, updates, dtype: str) -> np.ndarray:
    """True where a nonzero update is lost: weights + updates, rounded to `dtype`, is weights.

    Exact for updates given in any precision (float64 included): an update vanishes when
    it is smaller than half the gap to the neighbouring float in its direction, or exactly
    half of it with the weight's last significand bit even (round half to even). A zero
    update is never counted: nothing was there to lose.
    """
    dt = as_dtype(dtype)
    w = np.asarray(weights).astype(dt)
    u = np.asarray(updates, dtype=np.float64)
    w, u = np.broadcast_arrays(w, u)
    w64 = w.astype(np.float64)
    up = np.nextafter(w, np.asarray(np.inf, dtype=dt)).astype(np.float64)
    down = np.nextafter(w, np.asarray(-np.inf, dtype=dt)).astype(np.float64)
    with np.errstate(invalid="ignore"):
        half_up = np.where(np.isinf(up), w64 - down, up - w64) / 2  # past the largest float the gap repeats
        half_down = np.where(np.isinf(down), up - w64, w64 - down) / 2
    bits = w.view(np.dtype(f"u{dt.itemsize}"))
    even = (bits & 1) == 0
    kept = np.where(u > 0, (u < half_up) | ((u == half_up) & even), (-u < half_down) | ((-u == half_down) & even))
    finite = np.isfinite(w64)
    with np.errstate(invalid="ignore"):
        kept = np.where(finite, kept, w64 + u == w64)
    return np.asarray(kept & (u != 0))


# --- training ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """One run of train(). Arrays of length `steps` are indexed by step (0 = the first update).

    losses (steps + 1,): the loss before each step and after the last (as computed in dtype).
    params: the final weights, in dtype for "low" and float32 (the master weights) otherwise.
    scales (steps,): the loss scale used at each step (1.0 without scaling).
    rates (steps,): the learning rate used at each step, as the float32 number SGD multiplied by.
    skipped (steps,) bool: steps GradScaler skipped for an inf or NaN gradient.
    vanished (steps,): share of all weight entries whose gradient was nonzero but whose
        weight did not change (0 on a skipped step: nothing was attempted).
    underflow (steps,): share of all weight-gradient entries that are 0 in dtype but
        nonzero when the same backward pass runs in float32 from the same activations.
    underflow_backward (steps,): the same for the per-sample values the backward pass
        carries (∂L/∂z of every layer, n per unit): these flush first, long before a
        weight gradient, a sum over all n points, does.
    snapshot_steps (k,): the steps at which snapshots and gradients were kept: 0, every
        `snapshot_every` steps, and `steps` (the weights after the last update).
    snapshots: the weights in effect at each of those steps (float32 copies).
    gradients (k, P): the float32-math weight gradients there, all P entries flattened in
        the order of params (of the scaled loss where scaling is on; divide by the scale).
    gradients_in_dtype (k, P): the same gradients as computed in dtype (0 where flushed).
    snapshot_scales (k,): the loss scale those gradients carry (1.0 without scaling).
    """

    dtype: str
    recipe: str
    lr: float  # the rate of the first step (the only one unless a schedule was given)
    losses: np.ndarray
    params: list[np.ndarray]
    scales: np.ndarray
    skipped: np.ndarray
    vanished: np.ndarray
    underflow: np.ndarray
    underflow_backward: np.ndarray
    snapshot_steps: np.ndarray
    snapshots: tuple[list[np.ndarray], ...]
    gradients: np.ndarray
    gradients_in_dtype: np.ndarray
    snapshot_scales: np.ndarray
    rates: np.ndarray | None = None  # (steps,): the learning rate of each step (float32 values)

    @property
    def steps(self) -> int:
        return len(self.scales)

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    def gradient_magnitudes(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """|gradient| of every weight at the kept step nearest `step`, divided by the loss scale
        (float64): (in float32 math, as dtype held it). For a histogram on a log axis, with
        lines at the dtype's smallest subnormal and normal numbers divided by the same scale."""
        k = int(np.abs(self.snapshot_steps - step).argmin())
        scale = float(self.snapshot_scales[k])
        return (
            np.abs(self.gradients[k].astype(np.float64)) / scale,
            np.abs(self.gradients_in_dtype[k].astype(np.float64)) / scale,
        )


def _check_training(X, y, params, dtype, recipe, lr, steps, activation):
    if dtype not in DTYPES:
        raise ValueError(f"unknown precision {dtype!r}; choose one of {', '.join(DTYPES)}")
    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
    _check_activation(activation)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps!r}")
    if np.ndim(lr) == 0:
        if not (math.isfinite(lr) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr}")
    else:
        rates = np.asarray(lr, dtype=np.float64)
        if rates.shape != (steps,):
            raise ValueError(f"lr must be one number or one rate per step ({steps}), got {rates.size} rates")
        if not (np.isfinite(rates).all() and (rates >= 0).all()):
            raise ValueError("lr must hold finite rates ≥ 0 (torch.optim.SGD refuses a negative one)")
    if len(params) < 2 or len(params) % 2:
        raise ValueError("params must be [W1, b1, W2, b2, ...]")
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or y.shape != (len(X),) or len(X) == 0:
        raise ValueError(f"X must be (n, d) and y (n,), got {X.shape} and {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels y must be 0 or 1")
    width = X.shape[1]
    for i in range(0, len(params), 2):
        W, b = np.asarray(params[i]), np.asarray(params[i + 1])
        if W.ndim != 2 or W.shape[0] != width or b.shape != (W.shape[1],):
            raise ValueError(f"layer {i // 2 + 1}: W must be ({width}, k) and b (k,), got {W.shape} and {b.shape}")
        width = W.shape[1]
    if width != 1:
        raise ValueError(f"the last layer must have one output (a probability), got {width}")


def train(
    X,
    y,
    params,
    *,
    dtype: str = "float32",
    recipe: str = "low",
    lr: float | Sequence[float] = 0.5,
    steps: int = 200,
    activation: str = "tanh",
    snapshot_every: int | None = None,
    **scaler,
) -> Training:
    """Full-batch gradient descent on mean binary cross-entropy, in `dtype` by `recipe`.

    X (n, d), y (n,) of 0/1, params as from mlp_init (not modified). lr: one rate, or one
    per step (a schedule, e.g. core.optimizers.learning_rates; each rounded to float32 as
    torch's SGD takes it). scaler: GradScaler's
    keyword arguments init_scale, growth_factor, backoff_factor, growth_interval (its
    defaults 2¹⁶, 2, 0.5, 2000), used by recipe "scaled". In float32 all three recipes
    are the same computation. Snapshots are kept every `snapshot_every` steps (default:
    at most MAX_SNAPSHOTS of them).
    """
    _check_training(X, y, params, dtype, recipe, lr, steps, activation)
    unknown = sorted(set(scaler) - set(GRAD_SCALER_DEFAULTS))
    if unknown:
        raise ValueError(
            f"unknown GradScaler argument {', '.join(unknown)}; choose from {', '.join(GRAD_SCALER_DEFAULTS)}"
        )
    config = {**GRAD_SCALER_DEFAULTS, **scaler}
    _check_scaler(**config)
    steps, dt, scaling = int(steps), as_dtype(dtype), recipe == "scaled"
    every = int(snapshot_every) if snapshot_every else max(1, math.ceil(steps / MAX_SNAPSHOTS))
    wide, r = _carrier(dt), _rounder(dt)
    # the optimizer's rounding: to dt for "low"; "mixed" and "scaled" keep float32 master weights
    r_master = _rounder(dt, seldom_subnormal=True) if recipe == "low" else (lambda x: x)
    shapes = _shapes(params)

    theta = r_master(_flatten(params, wide))  # the weights the optimizer updates
    low = theta if recipe == "low" else np.empty_like(theta)  # the weights the forward pass uses
    blocks = _blocks(low, shapes)
    both = np.empty((2, theta.size), dtype=wide)  # [gradients on the rounded chain, in float32]
    grads, exact = both
    grad_blocks = _blocks(both, shapes)
    H = _activations(r(np.asarray(X, dtype=wide)), shapes)
    y = np.asarray(y, dtype=wide)[:, None]
    rates = np.broadcast_to(np.asarray(lr, dtype=wide), (steps,))  # the rate of each step
    positive, n = y[:, 0] == 1, len(y)

    losses, scales = np.empty(steps + 1), np.ones(steps)
    skipped, lost, flushed = np.zeros(steps, bool), np.zeros(steps), np.zeros(steps)
    flushed_backward = np.zeros(steps)
    kept_steps, snapshots, gradients, in_dtype, kept_scales = [], [], [], [], []
    scale, tracker = (float(_F32(config["init_scale"])), 0) if scaling else (1.0, 0)

    with np.errstate(over="ignore", invalid="ignore"):  # an inf or NaN is a lesson to show, not a warning
        for step in range(steps + 1):
            if recipe != "low":
                np.copyto(low, r(theta))  # the master weights, cast down for this step
            p = _forward(H, blocks, activation, r)
            losses[step] = _bce(p, positive, r)
            backward_flushed = _backward(H, p, blocks, y, wide(_F32(scale) / _F32(n)), activation, r, grad_blocks)
            g = r(grads)  # the weight gradients as dtype holds them (widened: the master's float32)
            if step % every == 0 or step == steps:
                kept_steps.append(step)
                snapshots.append(theta.astype(_F32))
                gradients.append(exact.astype(_F32))
                in_dtype.append(g.astype(_F32))
                kept_scales.append(scale)
            if step == steps:
                break
            scales[step] = scale
            flushed[step] = np.count_nonzero(exact[g == 0]) / g.size
            flushed_backward[step] = backward_flushed
            if scaling:
                g = g * _F32(1.0 / scale)  # GradScaler.unscale_: inv_scale = 1/S, rounded to float32
                found_inf = not np.isfinite(g).all()
                skipped[step] = found_inf
                scale, tracker = next_scale(
                    scale,
                    tracker,
                    found_inf,
                    growth_factor=config["growth_factor"],
                    backoff_factor=config["backoff_factor"],
                    growth_interval=config["growth_interval"],
                )
                if found_inf:
                    continue
            updated = r_master(theta - rates[step] * g)  # SGD: w ← w − lr · g, one rounding
            if rates[step]:  # a rate of 0 attempts nothing, so nothing is lost
                lost[step] = np.count_nonzero((updated == theta) & (g != 0)) / g.size
            theta[...] = updated

    master = dt if recipe == "low" else np.dtype(wide)
    return Training(
        dtype=dtype,
        recipe=recipe,
        lr=float(np.ravel(lr)[0]) if np.size(lr) else 0.0,
        rates=np.asarray(rates, dtype=np.float64),
        losses=losses,
        params=_unflatten(theta, shapes, master),
        scales=scales,
        skipped=skipped,
        vanished=lost,
        underflow=flushed,
        underflow_backward=flushed_backward,
        snapshot_steps=np.asarray(kept_steps),
        snapshots=tuple(_unflatten(s, shapes, _F32) for s in snapshots),
        gradients=np.asarray(gradients, dtype=_F32),
        gradients_in_dtype=np.asarray(in_dtype, dtype=_F32),
        snapshot_scales=np.asarray(kept_scales),
    )
