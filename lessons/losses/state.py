"""Cached wrappers and display tables for the Loss functions lesson.

Everything symbolic (``core.losses.symbolic_loss``, the exact curves) is
cached on the loss name and plain numbers, so editing a table cell or moving
a slider never redoes sympy work. The tables returned here are ready to show:
numbers a student reads, with inf and NaN said in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd
import streamlit as st
import sympy

from core import losses
from core.losses import LOSSES, RowEvaluation

REGRESSION = ("mse", "mae", "huber")
TABLE_LOSSES = ("mse", "mae", "huber", "binary_cross_entropy", "hinge")  # one prediction cell per row
SHORT = MappingProxyType(
    {
        "mse": "MSE",
        "mae": "MAE",
        "huber": "Huber",
        "binary_cross_entropy": "BCE",
        "cross_entropy": "Cross-entropy",
        "hinge": "Hinge",
    }
)
CLASSES = ("cat", "dog", "bird")
VARIABLE_LATEX = MappingProxyType({"yhat": r"\hat y", "p": "p", "z": "z"})


# --- numbers in words ------------------------------------------------------------------


def fmt(value: float | None) -> str:
    """A loss or gradient as a student reads it: 0.10, 2.30, 0.06667; inf and NaN in words."""
    if value is None:
        return "—"
    value = float(value)
    if math.isnan(value):
        return "NaN (not a number)"
    if math.isinf(value):
        return "inf (infinity)" if value > 0 else "−inf (minus infinity)"
    if value == 0:
        return "0"
    if 0.1 <= abs(value) < 100:
        return f"{value:.2f}"
    return f"{value:.4g}"


def params_for(name: str, delta: float) -> dict[str, float]:
    return {"delta": float(delta)} if name == "huber" else {}


# --- the gallery -------------------------------------------------------------------------


def gallery_target(name: str, side: str, regression_target: float) -> float:
    """The target a curve is drawn for: the chosen number, or the loss's positive/negative label."""
    targets = LOSSES[name].curve_targets
    if not targets:
        return float(regression_target)
    return targets[0] if side == "positive" else targets[1]


def target_words(name: str, target: float) -> str:
    if name == "cross_entropy":
        return "z is the logit of the true class" if target == 1 else "z is the logit of a wrong class"
    if name == "binary_cross_entropy":
        return f"label y = {target:g}"
    return f"target y = {target:g}" if name in REGRESSION else f"label y = {target:+g}"


def x_title(names) -> str:
    names = set(names)
    if names <= set(REGRESSION):
        return "prediction ŷ"
    if names == {"binary_cross_entropy"}:
        return "predicted probability p"
    if names == {"cross_entropy"}:
        return "logit z (the other logit is 0)"
    if names == {"hinge"}:
        return "score ŷ"
    return "score ŷ / logit z"


def overlay_groups(names: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Losses that share an x axis are drawn together; others side by side."""

    def family(name: str) -> str:
        return "regression" if name in REGRESSION else ("probability" if name == "binary_cross_entropy" else "score")

    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(family(name), []).append(name)
    return [tuple(g) for g in groups.values()]


@st.cache_data(max_entries=256, show_spinner=False)
def exact_forms(name: str, target: float, delta: float = 1.0) -> tuple[str, str]:
    """LaTeX of ℓ and dℓ/d(prediction) for one target, from sympy (cached: no sympy on a rerun)."""
    form = losses.symbolic_loss(name, target, **params_for(name, delta))
    names = {form.variable: VARIABLE_LATEX.get(form.variable.name, form.variable.name)}
    return sympy.latex(form.loss, symbol_names=names), sympy.latex(form.derivative, symbol_names=names)


@st.cache_data(max_entries=256, show_spinner=False)
def curves(names: tuple[str, ...], targets: tuple[float, ...], delta: float = 1.0, points: int = 201) -> pd.DataFrame:
    """Tidy exact curves for the chart: columns series, x, loss, derivative (float64, from sympy)."""
    frames = []
    for name, target in zip(names, targets):
        frame = losses.curve(name, target, points=points, **params_for(name, delta))
        frames.append(
            pd.DataFrame(
                {
                    "series": SHORT[name],
                    "x": frame["prediction"],
                    "loss": frame["loss"],
                    "derivative": frame["derivative"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# --- your data ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    title: str
    predictions: tuple[str, ...]
    targets: tuple[str, ...]
    fits: tuple[str, ...]  # the losses this table is meant for


EXAMPLES: Mapping[str, Example] = MappingProxyType(
    {
        # The course's MSE example: ((−0.5)² + 0.1² + (−0.2)²) / 3 = 0.10.
        "regression": Example("Course example (numbers)", ("2.5", "3.1", "4.8"), ("3.0", "3.0", "5.0"), REGRESSION),
        # The course's cat example: P(cat) = 0.8 and 0.1 for a cat, and one non-cat.
        "cats": Example(
            "Cat example (probabilities)", ("0.8", "0.1", "0.3"), ("1", "1", "0"), ("binary_cross_entropy",)
        ),
        "scores": Example("Scores with ±1 labels", ("2.0", "0.5", "-1.5"), ("1", "-1", "-1"), ("hinge",)),
    }
)


def example_for(name: str) -> str:
    return next(key for key, example in EXAMPLES.items() if name in example.fits)


def example_frame(key: str) -> pd.DataFrame:
    """The editor's starting table: text cells, so a student can type anything and be told why it is wrong."""
    example = EXAMPLES[key]
    rows = pd.RangeIndex(1, len(example.predictions) + 1)  # numbered from 1, as the messages number them
    return pd.DataFrame({"prediction": list(example.predictions), "target": list(example.targets)}, index=rows)


def evaluate(name: str, table: pd.DataFrame, delta: float = 1.0) -> RowEvaluation:
    return losses.evaluate_rows(
        name, table["prediction"], table["target"], row_labels=list(table.index), **params_for(name, delta)
    )


def results_table(evaluation: RowEvaluation, rows) -> pd.DataFrame:
    """One row per table row: ℓᵢ, ∂ℓᵢ/∂ŷᵢ, the pull on the mean (PyTorch's pred.grad), and a status in words."""
    count = max(evaluation.count, 1)
    return pd.DataFrame(
        {
            "row": list(rows),
            "ℓᵢ": [fmt(v) if ok else "—" for v, ok in zip(evaluation.loss, evaluation.valid)],
            "∂ℓᵢ/∂ŷᵢ": [fmt(v) if ok else "—" for v, ok in zip(evaluation.gradient, evaluation.valid)],
            "pull ∂L/∂ŷᵢ": [fmt(v / count) if ok else "—" for v, ok in zip(evaluation.gradient, evaluation.valid)],
            "status": ["counted" if p is None else p.split(": ", 1)[1] for p in evaluation.problems],
        }
    )


def sum_sentence(name: str, evaluation: RowEvaluation) -> str:
    """'MSE = (0.25 + 0.01 + 0.04) / 3 = 0.10', over the good rows."""
    if evaluation.total is None:
        return ""
    good = [fmt(v) for v, ok in zip(evaluation.loss, evaluation.valid) if ok]
    terms = " + ".join(good) if len(good) <= 8 else f"the sum of {len(good)} losses"
    return f"{SHORT[name]} = ({terms}) / {evaluation.count} = **{fmt(evaluation.total)}**"


def good_rows(table: pd.DataFrame, evaluation: RowEvaluation) -> tuple[list[float], list[float]]:
    rows = table[np.asarray(evaluation.valid)]
    return [float(v) for v in rows["prediction"]], [float(v) for v in rows["target"]]


def torch_snippet(name: str, predictions: list[float], targets: list[float], delta: float = 1.0) -> str:
    """The same loss in PyTorch, on the table's good rows."""
    call = {
        "mse": "torch.nn.MSELoss()(pred, target)",
        "mae": "torch.nn.L1Loss()(pred, target)",
        "huber": f"torch.nn.HuberLoss(delta={float(delta)!r})(pred, target)",
        "binary_cross_entropy": "torch.nn.BCELoss()(pred, target)",
        "hinge": "torch.relu(1 - target * pred).mean()",
    }[name]
    predictions = predictions or [2.5, 3.1, 4.8]
    targets = targets or [3.0, 3.0, 5.0]
    return (
        "import torch\n\n"
        f"pred = torch.tensor({predictions!r}, dtype=torch.float64, requires_grad=True)\n"
        f"target = torch.tensor({targets!r}, dtype=torch.float64)\n"
        f"loss = {call}\n"
        "loss.backward()\n"
        "print(loss.item())   # the total on the page\n"
        "print(pred.grad)     # the 'pull on the mean' column"
    )


# --- outliers ----------------------------------------------------------------------------

COURSE_PREDICTIONS, COURSE_TARGETS = (2.5, 3.1, 4.8), (3.0, 3.0, 5.0)
OUTLIER_TARGET = 4.0


@st.cache_data(max_entries=64, show_spinner=False)
def outlier_comparison(miss: float, with_outlier: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals (loss, without_outlier, with_outlier) and pulls (loss, sample, pull, outlier) for MSE, MAE and Huber (δ = 1).

    The outlier is one more sample whose prediction misses its target by `miss`;
    a sample's pull is |∂L/∂ŷᵢ| of the mean loss, the size of its gradient.
    """
    predictions = list(COURSE_PREDICTIONS) + ([OUTLIER_TARGET + miss] if with_outlier else [])
    targets = list(COURSE_TARGETS) + ([OUTLIER_TARGET] if with_outlier else [])
    labels = [f"row {i}" for i in range(1, 4)] + (["outlier"] if with_outlier else [])
    totals, pulls = [], []
    for name in REGRESSION:
        without = losses.loss_value(name, COURSE_PREDICTIONS, COURSE_TARGETS)
        totals.append(
            {
                "loss": SHORT[name],
                "without_outlier": without,
                "with_outlier": losses.loss_value(name, predictions, targets),
            }
        )
        for label, pull in zip(labels, np.abs(losses.loss_gradient(name, predictions, targets))):
            pulls.append({"loss": SHORT[name], "sample": label, "pull": float(pull), "outlier": label == "outlier"})
    return pd.DataFrame(totals), pd.DataFrame(pulls)


# --- classification ----------------------------------------------------------------------


def cat_loss(probability: float) -> float:
    """−log P(cat) for a picture of a cat: torch's BCELoss with label 1 (capped at 100 when P = 0)."""
    return losses.loss_value("binary_cross_entropy", [probability], [1.0])


def softmax_table(logits: tuple[float, ...], label: int) -> tuple[pd.DataFrame, float]:
    """Per class: logit, softmax probability, one-hot label and the gradient p − y; and the loss."""
    z = np.asarray([logits], dtype=float)
    gradient = losses.per_sample_gradient("cross_entropy", z, [label])[0]
    loss = float(losses.per_sample_loss("cross_entropy", z, [label])[0])
    p = losses.softmax(z)[0]
    table = pd.DataFrame(
        {
            "class": list(CLASSES[: len(logits)]),
            "logit z": [f"{v:g}" for v in logits],
            "softmax p": [f"{v:.3f}" for v in p],
            "label y": [1 if k == label else 0 for k in range(len(logits))],
            "gradient p − y": [f"{v:+.3f}" for v in gradient],
        }
    )
    return table, loss


@st.cache_data(max_entries=4, show_spinner=False)
def sigmoid_curves(target: float = 1.0) -> pd.DataFrame:
    """Cross-entropy and squared error on p = sigmoid(z) against z, with their gradients in z."""
    z = np.linspace(-8.0, 8.0, 321)
    c = losses.cross_entropy_vs_squared_error(z, target)
    return pd.concat(
        [
            pd.DataFrame(
                {"series": "cross-entropy", "x": z, "loss": c.cross_entropy, "derivative": c.cross_entropy_gradient}
            ),
            pd.DataFrame(
                {"series": "squared error", "x": z, "loss": c.squared_error, "derivative": c.squared_error_gradient}
            ),
        ],
        ignore_index=True,
    )


def sigmoid_point(z: float, target: float = 1.0) -> dict[str, float]:
    c = losses.cross_entropy_vs_squared_error([z], target)
    return {
        "p": float(c.probability[0]),
        "ce": float(c.cross_entropy_gradient[0]),
        "se": float(c.squared_error_gradient[0]),
    }


# --- precision ---------------------------------------------------------------------------


@st.cache_data(max_entries=8, show_spinner=False)
def precision_table(dtype: str) -> pd.DataFrame:
    """precision_cases with the values in words, ready to show."""
    cases = losses.precision_cases(dtype)
    return pd.DataFrame(
        {
            "case": cases["case"],
            "naive": [fmt(v) for v in cases["naive"]],
            "stable": [fmt(v) for v in cases["stable"]],
            "exact": [fmt(v) for v in cases["exact"]],
            "naive_ok": cases["naive_ok"],
            "explanation": cases["explanation"],
        }
    )
