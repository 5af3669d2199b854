"""Loss functions: how wrong a prediction is, and which way to fix it.

A loss scores predictions against targets; its gradient with respect to the
predictions tells a model which way to move. Every loss here follows the
definition and default (``reduction="mean"``) convention of PyTorch, so a
student's numbers match theirs:

=====================  ===========================================================
``mse``                ``torch.nn.MSELoss``: mean of (ŷ - y)²
``mae``                ``torch.nn.L1Loss``: mean of |ŷ - y|; the gradient at a zero
                       residual is sign(0) = 0, as in torch
``huber``              ``torch.nn.HuberLoss(delta=1.0)``: ½(ŷ - y)² inside |ŷ - y| < δ,
                       δ(|ŷ - y| - ½δ) outside
``binary_cross_entropy``  ``torch.nn.BCELoss`` on probabilities p in [0, 1] with labels
                       in [0, 1] (usually 0 or 1)
``cross_entropy``      ``torch.nn.CrossEntropyLoss`` on logits (n, C) with class
                       indices (n,): log-sum-exp of the row minus the label's logit
``hinge``              mean of max(0, 1 - y ŷ) with labels -1/+1; the gradient at
                       the kink y ŷ = 1 is 0, as ``torch.relu``'s is
=====================  ===========================================================

"Mean" divides by every element for the elementwise losses and by the number
of rows n for cross-entropy. Three layers, each on top of the last:

1. ``per_sample_loss`` / ``per_sample_gradient``: ℓᵢ and ∂ℓᵢ/∂ŷᵢ, one per sample
   (how hard each sample pulls); ``loss_value`` / ``loss_gradient`` are their
   mean and the gradient of that mean (the public seams).
2. ``symbolic_loss`` and ``curve``: the exact per-sample loss and derivative
   (sympy) for one chosen target, for formulas and curves.
3. ``evaluate_rows``: the same on raw table cells, with a problem in words for
   each bad row and a total over the good ones.

Numerical stability. Cross-entropy is computed with the log-sum-exp shift,
log Σ exp zₖ = m + log Σ exp(zₖ - m) with m = max zₖ, so no exp overflows.
Binary cross-entropy on probabilities cannot be made exact once p has rounded
to 0 or 1, so it does what torch does: each log is clamped at ``LOG_CLAMP`` =
-100 (the loss of a certain, wrong prediction is 100, not inf, and
0 · log 0 is 0, not NaN), log(1 - p) is ``log1p(-p)``, and the gradient
(p - y) / max(p(1 - p), ε) uses torch's ε, the float literal 1e-12f (which
rounds to 0 in float16, so there, as in torch, p = 0 or 1 gives NaN). The
naive forms sit beside the stable ones so a page can show them fail.

Precision. Every function takes ``dtype``, a name in ``core.numeric.DTYPES``;
inputs are rounded to it first and every operation stays in it (constants are
cast with ``dtype.type``: a Python float would promote bfloat16 to float32).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

import numpy as np
import pandas as pd
import sympy

from core.expressions import symbol
from core.numeric import DTYPES

__all__ = [
    "Loss",
    "LOSSES",
    "LOG_CLAMP",
    "loss_value",
    "loss_gradient",
    "per_sample_loss",
    "per_sample_gradient",
    "SymbolicLoss",
    "symbolic_loss",
    "curve",
    "sigmoid",
    "softmax",
    "log_softmax",
    "naive_cross_entropy",
    "stable_cross_entropy",
    "naive_binary_cross_entropy",
    "clamped_binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "precision_cases",
    "SigmoidComparison",
    "cross_entropy_vs_squared_error",
    "RowEvaluation",
    "evaluate_rows",
]

#: torch.nn.BCELoss clamps each log at -100, so one certain mistake costs 100.
LOG_CLAMP = -100.0
# torch's BCE backward divides by max(p(1 - p), EPSILON) with EPSILON the C++
# float literal 1e-12f, which is this float64 number (not 1e-12).
_BCE_EPSILON = float(np.float32(1e-12))


# --- the catalogue -----------------------------------------------------------------


@dataclass(frozen=True)
class Loss:
    """One loss function, described for a gallery.

    ``variable`` is the name of the prediction symbol in ``symbolic_loss``;
    ``curve_targets`` are the targets a curve may be drawn for (empty: any
    real number).
    """

    name: str
    title: str
    kind: str  # "regression" or "classification"
    torch: str  # the PyTorch class with the same definition
    formula: str  # LaTeX: the mean over N samples
    sample_formula: str  # LaTeX: the loss of one sample
    gradient_formula: str  # LaTeX: its derivative with respect to the prediction
    params: Mapping[str, float]  # parameter defaults
    prediction: str  # what a prediction is, in words
    target: str  # what a target is, in words
    variable: str
    curve_targets: tuple[float, ...]
    summary: str


def _loss(**fields) -> Loss:
    fields["params"] = MappingProxyType(dict(fields.get("params", {})))
    return Loss(**fields)


LOSSES: Mapping[str, Loss] = MappingProxyType(
    {
        "mse": _loss(
            name="mse",
            title="Mean squared error",
            kind="regression",
            torch="torch.nn.MSELoss",
            formula=r"\mathrm{MSE} = \frac{1}{N}\sum_{i=1}^{N} (\hat y_i - y_i)^2",
            sample_formula=r"\ell = (\hat y - y)^2",
            gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = 2(\hat y - y)",
            prediction="a number",
            target="a number",
            variable="yhat",
            curve_targets=(),
            summary="Squares the error: big misses cost far more than small ones.",
        ),
        "mae": _loss(
            name="mae",
            title="Mean absolute error",
            kind="regression",
            torch="torch.nn.L1Loss",
            formula=r"\mathrm{MAE} = \frac{1}{N}\sum_{i=1}^{N} \lvert \hat y_i - y_i \rvert",
            sample_formula=r"\ell = \lvert \hat y - y \rvert",
            gradient_formula=r"\frac{\partial \ell}{\partial \hat y} = \operatorname{sign}(\hat y - y)",
            prediction="a number",
            target="a number",
            variable="yhat",
            curve_targets=(),
            summary="Every sample pulls equally hard, however far off it is.",
        ),
        "huber": _loss(
            name="huber",
            title="Huber loss",
            kind="regression",
            torch="torch.nn.HuberLoss",
            formula=r"\frac{1}{N}\sum_{i=1}^{N} \ell_\delta(\hat y_i - y_i)",
            sample_formula=(
                r"\ell = \begin{cases} \tfrac12 (\hat y - y)^2 & \lvert \hat y - y \rvert < \delta"
                r" \\ \delta \left(\lvert \hat y - y \rvert - \tfrac12 \delta\right)"
                r" & \text{otherwise} \end{cases}"
            ),
            gradient_formula=(
                r"\frac{\partial \ell}{\partial \hat y} = \begin{cases} \hat y - y"
                r" & \lvert \hat y - y \rvert < \delta \\ \delta \operatorname{sign}(\hat y - y)"
                r" & \text{otherwise} \end{cases}"
            ),
            params={"delta": 1.0},
            prediction="a number",
            target="a number",
            variable="yhat",
            curve_targets=(),
            summary="Squared error near the target, absolute error far away: robust to outliers.",
        ),
        "binary_cross_entropy": _loss(
            name="binary_cross_entropy",
            title="Binary cross-entropy",
            kind="classification",
            torch="torch.nn.BCELoss",
            formula=(
                r"\mathrm{BCE} = -\frac{1}{N}\sum_{i=1}^{N}"
                r" \left[y_i \log p_i + (1 - y_i) \log(1 - p_i)\right]"
            ),
            sample_formula=r"\ell = -\left[y \log p + (1 - y) \log(1 - p)\right]",
            gradient_formula=r"\frac{\partial \ell}{\partial p} = \frac{p - y}{p (1 - p)}",
            prediction="a probability between 0 and 1",
            target="a label, 0 or 1",
            variable="p",
            curve_targets=(1.0, 0.0),
            summary="The surprise of the true label: a confident mistake costs without limit.",
        ),
        "cross_entropy": _loss(
            name="cross_entropy",
            title="Cross-entropy (softmax)",
            kind="classification",
            torch="torch.nn.CrossEntropyLoss",
            formula=(r"\mathrm{CE} = \frac{1}{N}\sum_{i=1}^{N} \left(\log \sum_{k} e^{z_{ik}} - z_{i y_i}\right)"),
            sample_formula=r"\ell = -\log \frac{e^{z_y}}{\sum_k e^{z_k}} = \log \sum_k e^{z_k} - z_y",
            gradient_formula=r"\frac{\partial \ell}{\partial z_k} = p_k - [k = y]",
            prediction="one logit (score) per class",
            target="a class number 0, 1, …, C - 1",
            variable="z",
            curve_targets=(1.0, 0.0),
            summary="Softmax turns logits into probabilities; the loss is -log of the true class's.",
        ),
        "hinge": _loss(
            name="hinge",
            title="Hinge loss",
            kind="classification",
            torch="torch.relu(1 - y * prediction).mean()",
            formula=r"\frac{1}{N}\sum_{i=1}^{N} \max(0,\ 1 - y_i \hat y_i)",
            sample_formula=r"\ell = \max(0,\ 1 - y \hat y)",
            gradient_formula=(
                r"\frac{\partial \ell}{\partial \hat y} = \begin{cases} -y & y \hat y < 1"
                r" \\ 0 & \text{otherwise} \end{cases}"
            ),
            prediction="a score (its sign is the predicted class)",
            target="a label, -1 or +1",
            variable="yhat",
            curve_targets=(1.0, -1.0),
            summary="Zero once a sample is on the right side by a margin of 1; no reward beyond.",
        ),
    }
)


# --- checking inputs -----------------------------------------------------------------


def _entry(name: str) -> Loss:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return LOSSES[name]


def _params(loss: Loss, params: Mapping[str, object]) -> dict[str, float]:
    unknown = sorted(set(params) - set(loss.params))
    if unknown:
        takes = f"takes {', '.join(loss.params)}" if loss.params else "takes no parameters"
        raise ValueError(f"{loss.name} {takes}; got {', '.join(unknown)}")
    merged = {**loss.params, **params}
    for key, value in merged.items():
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not ok or not math.isfinite(value) or value <= 0:
            raise ValueError(f"{key} must be a positive number (as in {loss.torch}); got {value!r}")
    return {key: float(value) for key, value in merged.items()}


def _dtype(dtype: str) -> np.dtype:
    if dtype not in DTYPES:
        raise ValueError(f"unknown precision {dtype!r}; choose one of {', '.join(DTYPES)}")
    return DTYPES[dtype]


def _floats(values, dt: np.dtype, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=dt)
    except (TypeError, ValueError):
        raise ValueError(f"the {what} must all be numbers (for raw table cells use evaluate_rows)") from None


def _classes(target, shape: tuple[int, ...], classes: int) -> np.ndarray:
    """Class indices as integers, checked against the number of classes."""
    k = np.asarray(target)
    if k.shape != shape:
        raise ValueError(
            f"cross_entropy needs one class number per row of logits: {shape[0] if shape else 1}"
            f" expected, target has shape {k.shape}"
        )
    if k.dtype == bool or k.dtype.kind not in "iuf":
        raise ValueError("class numbers must be whole numbers 0, 1, …, C - 1")
    if k.dtype.kind == "f" and not np.all(np.isfinite(k) & (k == np.round(k))):
        raise ValueError("class numbers must be whole numbers 0, 1, …, C - 1")
    if np.any((k < 0) | (k >= classes)):
        raise ValueError(f"class numbers must be between 0 and {classes - 1} (there are {classes} logits)")
    return k.astype(np.intp)


def _prepare(name, prediction, target, dtype, params):
    """Check everything, then return (loss, x, y, params, dtype)."""
    loss = _entry(name)
    params = _params(loss, params)
    dt = _dtype(dtype)
    x = _floats(prediction, dt, "predictions")
    if x.size == 0:
        raise ValueError("there are no predictions to score")
    if name == "cross_entropy":
        if x.ndim not in (1, 2):
            raise ValueError(
                "cross_entropy takes logits of shape (n, C), one row of C class scores per"
                f" sample (or one row of shape (C,)); got shape {x.shape}"
            )
        return loss, x, _classes(target, x.shape[:-1], x.shape[-1]), params, dt
    y = _floats(target, dt, "targets")
    if y.shape != x.shape:
        raise ValueError(
            f"{x.size} predictions but {y.size} targets (shapes {x.shape} and {y.shape});"
            " give one target per prediction"
        )
    if name == "binary_cross_entropy":
        if np.any((x < 0) | (x > 1)):
            raise ValueError("binary_cross_entropy takes probabilities: every prediction must be between 0 and 1")
        if np.any((y < 0) | (y > 1)):
            raise ValueError("binary_cross_entropy takes labels between 0 and 1 (usually 0 or 1)")
    if name == "hinge" and not np.all((y == 1) | (y == -1)):
        raise ValueError("hinge takes labels -1 or +1")
    return loss, x, y, params, dt


# --- the rules: per-sample loss and its derivative ------------------------------------
# Each takes predictions x and targets y of one dtype and returns (ℓ, ∂ℓ/∂x).


def _mse(x, y, c):
    r = x - y
    return r * r, c(2) * r


def _mae(x, y, c):
    r = x - y
    return np.abs(r), np.sign(r)


def _huber(x, y, c, delta):
    r = x - y
    a = np.abs(r)
    d = c(delta)
    inside = a < d
    value = np.where(inside, c(0.5) * r * r, d * (a - c(0.5) * d))
    return value, np.where(inside, r, d * np.sign(r))


def _binary_cross_entropy(p, y, c):
    value = _clamped_bce(p, y, c)
    gradient = (p - y) / np.maximum((c(1) - p) * p, c(_BCE_EPSILON))
    return value, gradient


def _clamped_bce(p, y, c):
    with np.errstate(divide="ignore"):
        log_p = np.maximum(np.log(p), c(LOG_CLAMP))
        log_q = np.maximum(np.log1p(-p), c(LOG_CLAMP))
    return (y - c(1)) * log_q - y * log_p


def _cross_entropy(z, k, c):
    log_p = _log_softmax(z)
    one_hot = (np.arange(z.shape[-1]) == k[..., None]).astype(z.dtype)
    # 0 - log p rather than -log p: a certain right answer scores 0.0, not -0.0.
    return c(0) - np.take_along_axis(log_p, k[..., None], axis=-1)[..., 0], np.exp(log_p) - one_hot


def _hinge(x, y, c):
    margin = c(1) - y * x
    gradient = np.where(margin > c(0), -y, c(0))
    return np.maximum(margin, c(0)), np.where(np.isnan(margin), margin, gradient)


_RULES: Mapping[str, Callable] = {
    "mse": _mse,
    "mae": _mae,
    "huber": _huber,
    "binary_cross_entropy": _binary_cross_entropy,
    "cross_entropy": _cross_entropy,
    "hinge": _hinge,
}


def _rule(name, prediction, target, dtype, params):
    _, x, y, params, dt = _prepare(name, prediction, target, dtype, params)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        value, gradient = _RULES[name](x, y, dt.type, **params)
    samples = value.size
    return value, gradient.reshape(x.shape), samples, dt


# --- public: per sample and mean-reduced ------------------------------------------------


def per_sample_loss(name: str, prediction, target, *, dtype: str = "float64", **params) -> np.ndarray:
    """ℓᵢ for each sample, in `dtype`: the shape of `prediction` (one per row for cross_entropy)."""
    return _rule(name, prediction, target, dtype, params)[0]


def per_sample_gradient(name: str, prediction, target, *, dtype: str = "float64", **params) -> np.ndarray:
    """∂ℓᵢ/∂ŷᵢ, how hard each sample pulls its prediction: the shape of `prediction`."""
    return _rule(name, prediction, target, dtype, params)[1]


def loss_value(name: str, prediction, target, *, dtype: str = "float64", **params) -> float:
    """The loss with PyTorch's default mean reduction, computed in `dtype`.

    ``loss_value("mse", [2.5, 3.1, 4.8], [3.0, 3.0, 5.0])`` is 0.10. Raises
    ValueError for an unknown name, bad parameters or targets outside the
    loss's domain, with a message a student can act on.
    """
    value, _, samples, dt = _rule(name, prediction, target, dtype, params)
    with np.errstate(invalid="ignore", over="ignore"):
        return float(value.sum(dtype=dt) / dt.type(samples))


def loss_gradient(name: str, prediction, target, *, dtype: str = "float64", **params) -> np.ndarray:
    """∂(loss_value)/∂prediction: same shape and dtype as `prediction` (in `dtype`)."""
    _, gradient, samples, dt = _rule(name, prediction, target, dtype, params)
    with np.errstate(invalid="ignore", over="ignore"):
        return gradient * dt.type(1.0 / samples)


# --- exact forms (sympy) ----------------------------------------------------------------------


@dataclass(frozen=True)
class SymbolicLoss:
    """The per-sample loss of one prediction for a fixed target, and its exact derivative."""

    variable: sympy.Symbol
    loss: sympy.Expr
    derivative: sympy.Expr


def _number(value: float) -> sympy.Expr:
    value = float(value)
    return sympy.Integer(int(value)) if value.is_integer() else sympy.Float(value)


def symbolic_loss(name: str, target: float, *, classes: int = 2, **params) -> SymbolicLoss:
    """ℓ(prediction) for one chosen target, exact, with its derivative from sympy.diff.

    For binary_cross_entropy the variable is the probability p (the clamp is a
    numerical device and not part of the formula). For cross_entropy it is the
    logit z of one class, the other ``classes - 1`` logits held at 0, and
    `target` is 1 if that class is the label and 0 if not:
    ℓ(z) = log(eᶻ + C - 1) - y z, whose derivative is p - y.
    """
    loss = _entry(name)
    params = _params(loss, params)
    target = float(target)
    if not math.isfinite(target):
        raise ValueError(f"the target must be a finite number; got {target!r}")
    if name == "binary_cross_entropy":
        if not 0 <= target <= 1:
            raise ValueError("binary_cross_entropy takes a label between 0 and 1 (usually 0 or 1)")
    elif loss.curve_targets and target not in loss.curve_targets:
        raise ValueError(
            f"{name} takes a target of {' or '.join(f'{t:g}' for t in loss.curve_targets)}; got {target:g}"
        )
    if name == "cross_entropy" and (
        isinstance(classes, bool) or not isinstance(classes, numbers.Integral) or classes < 2
    ):
        raise ValueError(f"classes must be a whole number, at least 2; got {classes!r}")
    v, y = symbol(loss.variable), _number(target)
    half = sympy.Rational(1, 2)
    if name == "mse":
        expr = (v - y) ** 2
    elif name == "mae":
        expr = sympy.Abs(v - y)
    elif name == "huber":
        d = _number(params["delta"])
        r = v - y
        expr = sympy.Piecewise((half * r**2, sympy.Abs(r) < d), (d * (sympy.Abs(r) - half * d), True))
    elif name == "binary_cross_entropy":
        expr = -(y * sympy.log(v) + (1 - y) * sympy.log(1 - v))
    elif name == "cross_entropy":
        expr = sympy.log(sympy.exp(v) + (int(classes) - 1)) - y * v
    else:  # hinge
        expr = sympy.Piecewise((1 - y * v, y * v < 1), (0, True))
    return SymbolicLoss(v, expr, sympy.diff(expr, v))


def _curve_range(name: str, target: float) -> tuple[float, float]:
    if name == "binary_cross_entropy":
        return 0.005, 0.995  # the loss is infinite at p = 0 or 1 against the other label
    if name in ("cross_entropy", "hinge"):
        return -4.0, 4.0
    return target - 3.0, target + 3.0


def curve(
    name: str,
    target: float,
    *,
    points: int = 201,
    low: float | None = None,
    high: float | None = None,
    classes: int = 2,
    **params,
) -> pd.DataFrame:
    """The exact loss and derivative over a grid of predictions (float64).

    Columns ``prediction, loss, derivative``; the range is chosen for the loss
    (target ± 3 for regression) unless `low` and `high` are given.
    """
    form = symbolic_loss(name, target, classes=classes, **params)
    default_low, default_high = _curve_range(name, float(target))
    grid = np.linspace(default_low if low is None else low, default_high if high is None else high, points)
    # core.numeric.lambdify cannot yet compile Piecewise (Huber, hinge); the
    # curve is float64, which sympy's own numpy printer gives exactly.
    with np.errstate(all="ignore"):
        loss = sympy.lambdify(form.variable, form.loss, "numpy")(grid)
        slope = sympy.lambdify(form.variable, form.derivative, "numpy")(grid)
    return pd.DataFrame(
        {
            "prediction": grid,
            "loss": np.broadcast_to(np.asarray(loss, dtype=np.float64), grid.shape),
            "derivative": np.broadcast_to(np.asarray(slope, dtype=np.float64), grid.shape),
        }
    )


# --- stable and naive forms, in any precision --------------------------------------------------


def _log_softmax(z: np.ndarray) -> np.ndarray:
    # log-sum-exp: shift by the row's largest logit so that no exp overflows.
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def sigmoid(z, dtype: str = "float64") -> np.ndarray:
    """1 / (1 + e^(-z)) in `dtype`; saturates to exactly 0 or 1 without a warning."""
    dt = _dtype(dtype)
    z = _floats(z, dt, "logits")
    with np.errstate(over="ignore"):
        return dt.type(1) / (dt.type(1) + np.exp(-z))


def softmax(logits, dtype: str = "float64") -> np.ndarray:
    """exp(z) / Σ exp(z) along the last axis, shifted by max z first so no exp overflows."""
    z = _floats(logits, _dtype(dtype), "logits")
    with np.errstate(invalid="ignore"):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


def log_softmax(logits, dtype: str = "float64") -> np.ndarray:
    """log softmax along the last axis: z - logsumexp(z), stable."""
    z = _floats(logits, _dtype(dtype), "logits")
    with np.errstate(invalid="ignore"):
        return _log_softmax(z)


def _logits_and_classes(logits, target, dtype):
    z = _floats(logits, _dtype(dtype), "logits")
    if z.ndim not in (1, 2) or z.size == 0:
        raise ValueError(f"logits must have shape (n, C) or (C,); got {z.shape}")
    return z, _classes(target, z.shape[:-1], z.shape[-1])


def naive_cross_entropy(logits, target, dtype: str = "float64") -> np.ndarray:
    """Per-row -log(exp(z_y) / Σ exp zₖ), exactly as written: exp(100) overflows float32.

    With logits (100, -100) in float32 this is NaN for label 0 (inf / inf) and
    inf for label 1 (the probability rounds to 0); the stable form gives 0 and 200.
    """
    z, k = _logits_and_classes(logits, target, dtype)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        e = np.exp(z)
        p = e / e.sum(axis=-1, keepdims=True)
        return -np.log(np.take_along_axis(p, k[..., None], axis=-1)[..., 0])


def stable_cross_entropy(logits, target, dtype: str = "float64") -> np.ndarray:
    """Per-row log Σ exp zₖ - z_y with the max shift: finite for any finite logits."""
    z, k = _logits_and_classes(logits, target, dtype)
    with np.errstate(invalid="ignore"):
        return _cross_entropy(z, k, z.dtype.type)[0]


def _pair(values, target, dtype, what):
    dt = _dtype(dtype)
    values, target = np.broadcast_arrays(_floats(values, dt, what), _floats(target, dt, "labels"))
    return values, target, dt


def naive_binary_cross_entropy(probability, target, dtype: str = "float64") -> np.ndarray:
    """-[y log p + (1 - y) log(1 - p)] as written: inf when p rounds to 0 or 1, NaN at 0 · log 0."""
    p, y, dt = _pair(probability, target, dtype, "probabilities")
    one = dt.type(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -(y * np.log(p) + (one - y) * np.log(one - p))


def clamped_binary_cross_entropy(probability, target, dtype: str = "float64") -> np.ndarray:
    """torch.nn.BCELoss per sample: each log clamped at -100, so at most 100 per sample."""
    p, y, dt = _pair(probability, target, dtype, "probabilities")
    return _clamped_bce(p, y, dt.type)


def binary_cross_entropy_with_logits(logit, target, dtype: str = "float64") -> np.ndarray:
    """BCE of sigmoid(z), from the logit z: max(z, 0) - z y + log(1 + e^(-|z|)).

    The stable form of torch.nn.BCEWithLogitsLoss: never rounds a probability
    to 0 or 1, so it stays exact where the clamp would give 100.
    """
    z, y, dt = _pair(logit, target, dtype, "logits")
    return np.maximum(z, dt.type(0)) - z * y + np.log1p(np.exp(-np.abs(z)))


def precision_cases(dtype: str = "float32") -> pd.DataFrame:
    """Naive against stable cross-entropy on extreme inputs, in `dtype`.

    Columns ``case, dtype, naive, stable, exact, naive_ok, explanation``: one
    row per case, ``naive_ok`` False when the naive value is inf, NaN or more
    than 1% off; ``explanation`` says in words what happened.
    """
    _dtype(dtype)
    minus_log_tiny = -math.log(1e-8)  # the loss when the true label gets probability 1e-8
    cases = [
        (
            "softmax cross-entropy, logits (100, -100), label 0",
            naive_cross_entropy([100.0, -100.0], 0, dtype),
            stable_cross_entropy([100.0, -100.0], 0, dtype),
            math.log1p(math.exp(-200.0)),
            f"exp(100) overflows {dtype} to inf, and inf / inf is NaN",
        ),
        (
            "softmax cross-entropy, logits (100, -100), label 1",
            naive_cross_entropy([100.0, -100.0], 1, dtype),
            stable_cross_entropy([100.0, -100.0], 1, dtype),
            200.0 + math.log1p(math.exp(-200.0)),
            f"exp(100) overflows {dtype} to inf, so the label's probability is 0 and -log 0 is inf",
        ),
        (
            "binary cross-entropy, p = 1e-8, label 1",
            naive_binary_cross_entropy(1e-8, 1.0, dtype),
            binary_cross_entropy_with_logits(math.log(1e-8 / (1 - 1e-8)), 1.0, dtype),
            minus_log_tiny,
            f"1e-8 rounds to 0 in {dtype}, and -log 0 is inf",
        ),
        (
            "binary cross-entropy, p = 1 - 1e-8, label 0",
            naive_binary_cross_entropy(1 - 1e-8, 0.0, dtype),
            binary_cross_entropy_with_logits(math.log((1 - 1e-8) / 1e-8), 0.0, dtype),
            minus_log_tiny,
            f"1 - 1e-8 rounds to exactly 1 in {dtype}, so log(1 - p) is log 0 and the loss is inf",
        ),
    ]
    rows = []
    for case, naive, stable, exact, why in cases:
        naive, stable = float(naive), float(stable)
        ok = math.isfinite(naive) and abs(naive - exact) <= 0.01 * max(abs(exact), 1.0)
        if ok:
            explanation = f"both are fine in {dtype}: {naive:.4g} and {stable:.4g}"
        elif math.isfinite(naive):
            explanation = f"the naive form is off: {naive:.4g} instead of {exact:.4g}"
        else:
            explanation = f"naive gives {naive} because {why}; the stable form gives {stable:.4g}"
        rows.append(
            {
                "case": case,
                "dtype": dtype,
                "naive": naive,
                "stable": stable,
                "exact": exact,
                "naive_ok": ok,
                "explanation": explanation,
            }
        )
    return pd.DataFrame(rows)


# --- why classifiers use cross-entropy ------------------------------------------------------


@dataclass(frozen=True)
class SigmoidComparison:
    """Two losses on a sigmoid output p = sigmoid(z), and their gradients in z.

    The cross-entropy gradient p - y stays near ±1 when the model is confidently
    wrong; the squared error's 2 (p - y) p (1 - p) vanishes there, because the
    sigmoid is flat: the model learns slowest exactly when it is most wrong.
    """

    z: np.ndarray
    probability: np.ndarray
    cross_entropy: np.ndarray
    cross_entropy_gradient: np.ndarray
    squared_error: np.ndarray
    squared_error_gradient: np.ndarray


def cross_entropy_vs_squared_error(z, target: float = 1.0, dtype: str = "float64") -> SigmoidComparison:
    """BCE(sigmoid(z), y) and (sigmoid(z) - y)² with their derivatives in z, over an array z."""
    target = float(target)
    if not 0 <= target <= 1:
        raise ValueError("the label must be between 0 and 1 (usually 0 or 1)")
    dt = _dtype(dtype)
    z = _floats(z, dt, "logits")
    y, one, two = dt.type(target), dt.type(1), dt.type(2)
    p = sigmoid(z, dtype)
    error = p - y
    return SigmoidComparison(
        z=z,
        probability=p,
        cross_entropy=binary_cross_entropy_with_logits(z, y, dtype),
        cross_entropy_gradient=error,
        squared_error=error * error,
        squared_error_gradient=two * error * p * (one - p),
    )


# --- a table of raw cells -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowEvaluation:
    """Per-row results of a table of predictions and targets (float64).

    ``loss[i]`` is ℓᵢ and ``gradient[i]`` is ∂ℓᵢ/∂ŷᵢ (a row of C for
    cross_entropy), NaN where row i has a problem; ``problems[i]`` says what
    is wrong with row i, in words, or is None. ``total`` is the mean loss
    over the good rows only (None if there are none); the gradient of the
    total with respect to row i is ``gradient[i] / count``.
    """

    loss: np.ndarray
    gradient: np.ndarray
    problems: tuple[str | None, ...]
    total: float | None
    count: int  # the number of good rows
    valid: np.ndarray = field(repr=False)

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(p for p in self.problems if p is not None)


def _shown(cell) -> str:
    text = str(cell)
    text = text if len(text) <= 20 else text[:19] + "…"
    return repr(text) if isinstance(cell, str) else text


_CELL_SPELLING = str.maketrans({"−": "-", "–": "-"})
_THOUSANDS_SPACE = re.compile(r"(?<=\d)[ \u2009\u202f\xa0](?=\d{3}(?!\d))")


def _read(cell) -> tuple[float | None, str | None]:
    """A cell's number, or what is wrong with it (completing 'prediction ...')."""
    if cell is None or (np.ndim(cell) == 0 and not isinstance(cell, str) and pd.isna(cell)):
        return None, "is empty"
    if isinstance(cell, str):
        # Typed or pasted from a printed table: a Unicode minus (−0.5), a thin or no-break space (1 000).
        text = _THOUSANDS_SPACE.sub("", cell.strip().translate(_CELL_SPELLING))
        if not text:
            return None, "is empty"
        try:
            value = float(text)
        except ValueError:
            if re.fullmatch(r"[+-]?\d*,\d+", text):
                return None, f"{_shown(cell)} uses a decimal comma: write {text.replace(',', '.')} with a dot"
            return None, f"{_shown(cell)} is not a number"
    elif isinstance(cell, (numbers.Real, Decimal)) and not isinstance(cell, (bool, np.bool_)):
        value = float(cell)
    else:
        return None, f"{_shown(cell)} is not a number"
    if not math.isfinite(value):
        return None, f"{_shown(cell)} is not a finite number"
    return value, None


def _check_target(name: str, value: float, classes: int) -> str | None:
    if name == "binary_cross_entropy" and not 0 <= value <= 1:
        return f"target {value:g} is not a label between 0 and 1 (use 0 or 1)"
    if name == "hinge" and value not in (-1.0, 1.0):
        return f"target {value:g} is not -1 or +1"
    if name == "cross_entropy":
        if not value.is_integer():
            return f"class {value:g} is not a whole number"
        if not 0 <= value < classes:
            return f"class {value:g} is not one of the classes 0 to {classes - 1}"
    return None


def _check_row(name, prediction, target, classes) -> tuple[object, float | None, list[str]]:
    problems = []
    if name == "cross_entropy":
        logits = []
        for k, cell in enumerate(prediction):
            value, problem = _read(cell)
            logits.append(value)
            if problem:
                problems.append(f"the logit of class {k} {problem}")
        x = None if problems else logits
    else:
        x, problem = _read(prediction)
        if problem:
            problems.append(f"prediction {problem}")
        elif name == "binary_cross_entropy" and not 0 <= x <= 1:
            problems.append(f"prediction {x:g} is not a probability (it must be between 0 and 1)")
    y, problem = _read(target)
    if problem:
        problems.append(f"{'class' if name == 'cross_entropy' else 'target'} {problem}")
    else:
        problem = _check_target(name, y, classes)
        if problem:
            problems.append(problem)
    return x, y, problems


def evaluate_rows(name: str, predictions, targets, *, row_labels: Sequence | None = None, **params) -> RowEvaluation:
    """Score a table of raw cells row by row, flagging bad cells in words.

    `predictions` and `targets` are sequences of cells (a list, a pandas
    Series), one per row; for cross_entropy each prediction is a row of C
    logit cells. A cell may be anything a student can type: a number, numeric
    text, '', None, NaN or other text. A row with a bad cell gets a message
    such as "row 3: prediction 'abc' is not a number" (rows are numbered from
    1 unless `row_labels` is given) and NaN loss; the good rows are scored
    exactly as ``per_sample_loss`` would score them on their own.
    """
    loss_entry = _entry(name)
    _params(loss_entry, params)
    predictions = list(predictions.to_numpy(dtype=object) if hasattr(predictions, "to_numpy") else predictions)
    targets = list(targets.to_numpy(dtype=object) if hasattr(targets, "to_numpy") else targets)
    if len(predictions) != len(targets):
        raise ValueError(f"{len(predictions)} predictions but {len(targets)} targets; give one target per row")
    labels = list(range(1, len(predictions) + 1)) if row_labels is None else list(row_labels)
    if len(labels) != len(predictions):
        raise ValueError("give one row label per row")
    classes = 0
    if name == "cross_entropy":
        widths = {len(row) if np.ndim(row) == 1 else -1 for row in predictions}
        if len(widths) > 1 or -1 in widths or 0 in widths:
            raise ValueError("for cross_entropy every row needs the same number of logit cells, at least one")
        classes = widths.pop() if widths else 0

    n = len(predictions)
    loss = np.full(n, np.nan)
    gradient = np.full((n, classes) if name == "cross_entropy" else n, np.nan)
    problems: list[str | None] = []
    good, xs, ys = [], [], []
    for i, (prediction, target) in enumerate(zip(predictions, targets)):
        x, y, wrong = _check_row(name, prediction, target, classes)
        problems.append(f"row {labels[i]}: {'; '.join(wrong)}" if wrong else None)
        if not wrong:
            good.append(i)
            xs.append(x)
            ys.append(y)
    if good:
        values, grads, _, _ = _rule(name, np.array(xs), np.array(ys), "float64", params)
        loss[good] = values
        gradient[good] = grads
        for i, value in zip(good, values):
            if not np.isfinite(value):  # a finite cell whose loss is beyond float64 (an error of 1e308, squared)
                problems[i] = (
                    f"row {labels[i]}: its loss is {value} in float64: the numbers are too large to square or "
                    "add (float64 ends near 1.8e308); it still counts, so the mean is infinite too"
                )
    total = float(loss[good].sum() / len(good)) if good else None
    valid = np.zeros(n, dtype=bool)
    valid[good] = True
    for array in (loss, gradient, valid):
        array.setflags(write=False)
    return RowEvaluation(loss, gradient, tuple(problems), total, len(good), valid)
