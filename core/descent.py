"""Gradient descent: compute the gradient, step against it, check that the loss went down.

    w ← w − lr · ∇f(w)        (or the rule of another optimizer, core.optimizers)

``descend`` runs an optimizer from a start point with the gradient from
calculus ("exact": sympy's partials, lambdified once per call) or from a
finite difference in a chosen precision, and says how the run ended:

- "converged": the true gradient's norm fell below `tol` (the run stops there), or the weights
  stopped on a point where it is exactly 0; ``critical`` then says whether that flat point is a
  minimum, a maximum or a saddle (second-order test);
- "stalled": the weights stopped changing while the true gradient is not
  small — the loop that dies when a finite difference cancels to exactly 0;
- "diverged": a weight or the loss became inf or NaN, or the loss grew past
  `blowup` times its start; the trajectory keeps the steps up to that point;
- "running": none of these within the steps given.

On L = w² the update is w ← (1 − 2·lr)·w: it converges for 0 < lr < 1,
oscillating about 0 when lr > 0.5, and diverges for lr > 1.

Speed: in float64 with the exact gradient the loop runs on Python floats
(the partials printed for the ``math`` module), a few microseconds a step;
any float exception in a step (overflow, a log of a negative number) redoes
that step in numpy, which follows IEEE 754 (inf, NaN) instead of raising.
Every other case runs on numpy arrays of the chosen dtype, every operation
rounded to it. Losses and true gradients are evaluated once, vectorised,
over the whole trajectory.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import sympy
from sympy.printing.precedence import precedence
from sympy.printing.pycode import PythonCodePrinter

from core.expressions import symbol
from core.numeric import COMPLEX_DTYPES, DTYPES, as_dtype, finfo, lambdify
from core.optimizers import get_optimizer

__all__ = ["Descent", "descend", "fit_line", "STATUSES", "GRADIENTS", "CRITICAL", "factor_on_square", "critical_point"]

STATUSES = ("converged", "running", "stalled", "diverged")
GRADIENTS = ("exact", "forward", "backward", "central", "complex-step")
#: What a point with zero gradient is, by the second-order test on the Hessian's eigenvalues.
CRITICAL = ("minimum", "maximum", "saddle", "flat", "plateau")
PATIENCE = 5  # unchanged steps in a row that make a stall (fewer if the run is shorter)


@dataclass(frozen=True)
class Descent:
    """One run of an optimizer: where it went, what it saw, how it ended."""

    variables: tuple[str, ...]
    points: np.ndarray  # (k + 1, n): the start, then the weights after each step (the dtype's values, as float64)
    losses: np.ndarray  # (k + 1,): the loss at each point, computed in the run's dtype
    gradients: np.ndarray  # (k, n): the gradient each step used (exact or estimated)
    true_gradients: np.ndarray  # (k + 1, n): the exact gradient at each point, in float64
    status: str
    step: int | None  # the step at which it converged, stalled or diverged
    reason: str  # how it ended, in words
    optimizer: str = "gd"
    lr: float = 0.1
    hyper: dict = field(default_factory=dict)
    gradient: str = "exact"
    h: float | None = None
    dtype: str = "float64"
    critical: str | None = None  # when converged: "minimum", "maximum", "saddle" or "flat" (second-order test)
    cut_short: bool = False  # the time budget ran out before the steps did

    @property
    def steps(self) -> int:
        return len(self.points) - 1

    def frame(self) -> pd.DataFrame:
        """One row per point: ``step``, each variable, ``loss``, and the gradient used there (``g_<var>``)."""
        table = pd.DataFrame(self.points, columns=list(self.variables))
        table.insert(0, "step", np.arange(len(self.points)))
        table["loss"] = self.losses
        used = np.vstack([self.gradients, np.full((1, len(self.variables)), np.nan)])
        for i, v in enumerate(self.variables):
            table[f"g_{v}"] = used[: len(table), i]
        return table


def factor_on_square(lr: float) -> float:
    """On L = w², one step of gradient descent multiplies w by 1 − 2·lr (w − lr·2w)."""
    return 1.0 - 2.0 * lr


# --- compiling the function and its gradient (once, memoised) -------------------------


@functools.lru_cache(maxsize=256)
def _compiled(expr: sympy.Expr, variables: tuple[str, ...], dtype: str):
    return lambdify(expr, variables, dtype)


@functools.lru_cache(maxsize=128)
def _partials(expr: sympy.Expr, variables: tuple[str, ...]) -> tuple[sympy.Expr, ...]:
    return tuple(sympy.diff(expr, symbol(v)) for v in variables)


class _FloatPrinter(PythonCodePrinter):
    """Python code on floats that rounds like numpy's float64: x**2 as x*x, exact constants."""

    def _print_Float(self, expr):
        return repr(float(expr))

    def _print_Rational(self, expr):
        return repr(int(expr.p) / int(expr.q))

    def _print_Pow(self, expr, rational=False):
        base, exponent = expr.args
        b = self.parenthesize(base, precedence(expr))
        if exponent == 2:
            return f"({b}*{b})"  # numpy squares by multiplying
        if exponent == sympy.S.Half:
            return f"math.sqrt({self._print(base)})"
        return super()._print_Pow(expr, rational=rational)


@functools.lru_cache(maxsize=128)
def _fast_gradient(partials: tuple[sympy.Expr, ...], variables: tuple[str, ...]) -> Callable | None:
    """The partials as one function of Python floats, or None if they cannot be printed for `math`."""
    symbols = [symbol(v) for v in variables]
    try:
        function = sympy.lambdify(symbols, list(partials), modules="math", printer=_FloatPrinter(), dummify=False)
    except Exception:  # a function the math printer does not know (Heaviside, ...): use numpy
        return None
    return function


def _numpy_gradient(partials, variables, dtype) -> Callable[[np.ndarray], np.ndarray]:
    functions = [_compiled(p, variables, dtype) for p in partials]
    target = as_dtype(dtype)

    def gradient(w: np.ndarray) -> np.ndarray:
        return np.array([f(*w) for f in functions], dtype=target)

    return gradient


def _difference_gradient(expr, variables, method: str, h: float, dtype: str) -> Callable[[np.ndarray], np.ndarray]:
    """A finite-difference gradient, one coordinate moved at a time, every operation in `dtype`.

    The same formulas as ``core.derivatives.finite_difference``: f is evaluated at
    all the moved points in one vectorised call.
    """
    target = as_dtype(dtype)
    n = len(variables)
    h_ = np.asarray(h, dtype=target)
    diagonal = np.arange(n)
    if method == "complex-step":
        complex_type = COMPLEX_DTYPES[dtype]
        f = _compiled(expr, variables, complex_type.name)
        step = h_.astype(complex_type) * complex_type.type(1j)

        def gradient(w):
            moved = np.tile(w.astype(complex_type), (n, 1))
            moved[diagonal, diagonal] += step
            return (f(*moved.T).imag / h_).astype(target)

        return gradient
    f = _compiled(expr, variables, dtype)
    sign = {"forward": (1,), "backward": (-1,), "central": (1, -1)}[method]

    def gradient(w):
        moved = np.tile(w, (len(sign) * n + 1, 1))
        for block, s in enumerate(sign):
            rows = 1 + block * n + diagonal
            moved[rows, diagonal] = w + h_ if s > 0 else w - h_
        values = f(*moved.T)
        here, plus = values[0], values[1 : n + 1]
        if method == "forward":
            return (plus - here) / h_
        if method == "backward":
            return (here - plus) / h_
        return (plus - values[n + 1 :]) / (h_ + h_)

    return gradient


# --- the loop ---------------------------------------------------------------------


def _cast_state(state, cast):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s if isinstance(s, int) else cast(s) for s in state)
    return cast(state)


def _out_of_time(k: int, deadline: float | None) -> bool:
    """Checked every 16 steps: a clock read costs about as much as a fast step."""
    return deadline is not None and k % 16 == 15 and time.perf_counter() > deadline


def _loop_floats(start, fast, fallback, step, steps, tol2, stop_on_inf, deadline=None):
    """float64 on Python floats, one coordinate at a time; a step that raises is redone in numpy."""
    w = [float(v) for v in start]
    n = len(w)
    states = [None] * n
    points, used = [tuple(w)], []
    isfinite, isnan = math.isfinite, math.isnan
    coordinates = range(n)
    for k in range(steps):
        if _out_of_time(k, deadline):
            break
        try:
            g = fast(*w)
        except (ArithmeticError, ValueError):
            g = [float(v) for v in fallback(np.array(w))]
        if sum([gi * gi for gi in g]) < tol2:
            break  # converged: the exact gradient is the true gradient
        try:
            new = [step(w[i], g[i], states[i]) for i in coordinates]
        except (ArithmeticError, ValueError):
            new = [step(np.float64(w[i]), np.float64(g[i]), _cast_state(states[i], np.float64)) for i in coordinates]
            new = [(float(v), _cast_state(state, float)) for v, state in new]
        w = [pair[0] for pair in new]
        states = [pair[1] for pair in new]
        points.append(w)
        used.append(g)
        if not all(map(isfinite, w)) and (stop_on_inf or any(map(isnan, w))):
            break
    return np.array(points, dtype=np.float64), np.array(used, dtype=np.float64).reshape(-1, n)


def _loop_arrays(start, gradient, step, steps, dtype, stop_on_inf, per_step=None, deadline=None):
    """Any dtype, on numpy arrays of it. `per_step(k, w)` may supply the gradient instead (mini-batches)."""
    target = as_dtype(dtype)
    w = np.array(start, dtype=target)
    state = None
    points, used = [w], []
    for k in range(steps):
        if _out_of_time(k, deadline):
            break
        g = gradient(w) if per_step is None else per_step(k, w)
        w, state = step(w, g, state)
        points.append(w)
        used.append(g)
        if not np.all(np.isfinite(w)) and (stop_on_inf or np.any(np.isnan(w))):
            break
    as64 = lambda arrays: np.array(arrays, dtype=target).astype(np.float64).reshape(len(arrays), len(start))
    return as64(points), as64(used)


# --- how the run ended, in words ----------------------------------------------------------


def _fmt(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "−inf"
    return f"{value:.6g}"


def _vector(values, variables) -> str:
    values = [float(v) for v in values]
    return _fmt(values[0]) if len(variables) == 1 else "(" + ", ".join(_fmt(v) for v in values) + ")"


def _divergence_story(points, losses, used, variables, dtype, gradient, h, limit) -> str:
    """What went wrong, step by step: the loss past its bound or to inf, a weight to inf, then NaN."""
    largest = float(finfo(dtype).max)
    events = []
    finite_points = np.isfinite(points).all(axis=1)
    with np.errstate(invalid="ignore"):
        too_big = np.isfinite(losses) & (losses > limit)
    loss_inf = np.isinf(losses) & finite_points
    loss_nan = np.isnan(losses) & finite_points
    weight_inf = np.isinf(points).any(axis=1) & ~np.isnan(points).any(axis=1)
    weight_nan = np.isnan(points).any(axis=1)
    if too_big.any():
        j = int(np.argmax(too_big))
        events.append(
            (
                j,
                f"at step {j} the loss reached {_fmt(losses[j])}, past {limit:.3g}: each step overshoots "
                "the minimum and lands higher up the other side — the learning rate is too large",
            )
        )
    if loss_inf.any():
        j = int(np.argmax(loss_inf))
        # Huge weights, or a huge loss the step before: the loss grew past the largest number. Otherwise f
        # itself is infinite at this ordinary point (log 0, 1/0).
        grew = np.abs(points[j]).max() > 1e100 or (j > 0 and abs(losses[j - 1]) > 1e100)
        events.append(
            (
                j,
                f"at step {j} the loss overflowed to {_fmt(losses[j])}: f at {_vector(points[j], variables)} "
                f"is beyond {dtype}'s largest number, {largest:.3g}"
                if grew
                else f"at step {j} the loss is {_fmt(losses[j])}: f is infinite at {_vector(points[j], variables)} "
                "(a pole, such as log 0 or 1/0)",
            )
        )
    if loss_nan.any():
        j = int(np.argmax(loss_nan))
        events.append(
            (
                j,
                f"at step {j} the loss is NaN: f has no real value at {_vector(points[j], variables)} "
                "(for example a log or square root of a negative number)",
            )
        )
    if weight_inf.any():
        j = int(np.argmax(weight_inf))
        g = used[j - 1] if j > 0 else np.array([0.0])
        cause = (
            "the gradient there is infinite (f has a kink or pole at that point), so the step is infinite"
            if np.isinf(g).any() and np.isfinite(points[j - 1]).all()
            else f"the update passed {dtype}'s largest number, {largest:.3g}"
        )
        events.append((j, f"at step {j} the weights became {_vector(points[j], variables)}: {cause}"))
    if weight_nan.any():
        j = int(np.argmax(weight_nan))
        g = used[j - 1] if j > 0 else np.array([np.nan])
        if j > 0 and not np.isfinite(points[j - 1]).all():
            why = "inf − inf is not a number, and NaN (not a number) stays NaN for ever"
        elif gradient != "exact" and h is not None and float(np.asarray(h, dtype=as_dtype(dtype))) == 0.0:
            why = (
                f"h = {h:g} rounds to 0 in {dtype}, so the estimate is 0/0 = NaN, and w − lr·NaN is NaN "
                "(not a number) for ever"
            )
        elif np.isnan(g).any():
            why = "the gradient there is NaN (not a number): f or its slope has no value there"
        else:
            why = "an operation had no numeric answer (such as inf − inf or 0·inf)"
        events.append((j, f"at step {j} the weights became {_vector(points[j], variables)}: {why}"))
    events.sort(key=lambda e: e[0])
    text = "; then ".join(sentence for _, sentence in events)
    return text[0].upper() + text[1:] + "."


def _finish(points, used, losses, true, *, variables, tol, limit, keep_after_divergence, meta) -> Descent:
    with np.errstate(all="ignore"):
        norms = np.sqrt(np.sum(true * true, axis=1))
        converged = norms < tol
        bad = ~np.isfinite(points).all(axis=1) | ~np.isfinite(losses) | (np.isfinite(losses) & (losses > limit))
    first_conv = int(np.argmax(converged)) if converged.any() else None
    first_bad = int(np.argmax(bad)) if bad.any() else None
    status, step, reason = "running", None, ""
    end = len(points)
    if first_conv is not None and (first_bad is None or first_conv < first_bad):
        status, step, end = "converged", first_conv, first_conv + 1
        reason = (
            f"Converged at step {first_conv}: |∇f| = {norms[first_conv]:.2g}, below {tol:g}, at "
            f"{_vector(points[first_conv], variables)}."
        )
    elif first_bad is not None:
        status, step = "diverged", first_bad
        if not keep_after_divergence:
            end = first_bad + 1
        reason = _divergence_story(
            points[:end], losses[:end], used[:end], variables, meta["dtype"], meta["gradient"], meta["h"], limit
        )
    points, used, losses, true = points[:end], used[: end - 1], losses[:end], true[:end]
    k = len(points) - 1
    if status == "running" and k >= 1:
        unchanged = (points[1:] == points[:-1]).all(axis=1)
        trailing = k - (int(np.flatnonzero(~unchanged)[-1]) + 1) if (~unchanged).any() else k
        if trailing >= min(PATIENCE, k) and norms[k - trailing] == 0:
            status, step = "converged", k - trailing  # resting where the ground is exactly flat: not a stall
            reason = (
                f"Converged: the weights rest at {_vector(points[step], variables)}, where the gradient is exactly 0."
            )
        elif trailing >= min(PATIENCE, k):
            s = k - trailing  # the last point that moved; step s + 1 did not
            status, step = "stalled", s + 1
            one = len(variables) == 1
            word = "slope" if one else "gradient"
            if meta["gradient"] == "exact":
                why = ""
                if np.any(np.abs(used[s]) > math.sqrt(float(finfo(meta["dtype"]).max))):
                    why = (
                        f" The gradient is so large that its square overflows {meta['dtype']}: an optimizer that "
                        "divides by the running root mean square of g (RMSprop, Adam) then takes steps of 0."
                    )
                elif np.any(used[s] != 0):
                    why = (
                        f" Each step lr·g is below half the gap between neighbouring {meta['dtype']} numbers at these "
                        "weights, so w − lr·g rounds back to w."
                    )
                reason = (
                    f"Stalled at step {s + 1}: the exact {word} is {_vector(used[s], variables)}, but the weights "
                    f"stopped changing at {_vector(points[s], variables)}.{why}"
                )
            else:
                reason = (
                    f"Stalled at step {s + 1}: estimated {word} {_vector(used[s], variables)}, "
                    f"true {word} {_vector(true[s], variables)}. The weights stopped "
                    f"changing at {_vector(points[s], variables)} although the ground is not flat."
                )
    if status == "running":
        reason = (
            f"Still running after {k} steps: the loss is {_fmt(losses[-1])} and |∇f| = {_fmt(norms[end - 1])} "
            f"at {_vector(points[-1], variables)}."
        )
    return Descent(tuple(variables), points, losses, used, true, status, step, reason, **meta)


def descend(
    expr: sympy.Expr,
    variables: Sequence[str],
    start: Sequence[float],
    *,
    optimizer: str = "gd",
    lr: float = 0.1,
    steps: int = 100,
    gradient: str = "exact",
    h: float | None = None,
    dtype: str = "float64",
    tol: float = 1e-6,
    blowup: float | None = 1e12,
    time_budget: float | None = None,
    partials: Sequence[sympy.Expr] | None = None,
    **hyper,
) -> Descent:
    """Run `optimizer` on `expr` from `start` for up to `steps` steps.

    gradient: "exact" (sympy's partials) or a finite-difference method
    ("forward", "backward", "central", "complex-step") with step `h`; every
    operation of the run — the weights, the estimate, the update, the loss —
    rounds to `dtype`. `hyper` are the optimizer's hyper-parameters
    (core.optimizers; torch.optim's defaults where not given).

    Diverged means a weight or the loss became non-finite, or the loss passed
    `blowup` times max(1, |loss at the start|). With ``blowup=None`` there is
    no bound and the run goes on until a weight is NaN, so the whole story —
    the loss to inf, a weight to inf, then NaN — is in the trajectory.

    `time_budget` (seconds) bounds the loop: a run that has not finished by then stops where it
    is, with status "running" and a reason that says it was cut short (`cut_short` is True).
    `partials`, if given, are expr's exact partials, already worked out (the app differentiates a
    student's function in its bounded worker), so that descend does no symbolic work of its own.
    """
    variables = tuple(variables)
    if len(start) != len(variables):
        raise ValueError(f"the start has {len(start)} coordinates but there are {len(variables)} variables")
    if dtype not in DTYPES:
        raise ValueError(f"unknown precision {dtype!r}; choose one of {', '.join(DTYPES)}")
    if gradient not in GRADIENTS:
        raise ValueError(f"unknown gradient {gradient!r}; choose one of {', '.join(GRADIENTS)}")
    if gradient != "exact" and (h is None or not h > 0):
        raise ValueError("a finite-difference gradient needs a step h > 0")
    if gradient == "complex-step" and dtype not in COMPLEX_DTYPES:
        raise ValueError(f"the complex-step method needs a complex type, and {dtype} has none; use float64 or float32")
    if not (isinstance(steps, (int, np.integer)) and steps >= 0):
        raise ValueError("steps must be a whole number ≥ 0")
    chosen = get_optimizer(optimizer)
    settings = {**chosen.defaults, **hyper}
    unknown = set(settings) - set(chosen.defaults)
    if unknown:
        raise ValueError(f"{chosen.title} has no hyper-parameter {', '.join(sorted(unknown))}")

    target = as_dtype(dtype)
    stop_on_inf = blowup is not None
    partials = _partials(expr, variables) if partials is None else tuple(partials)
    fast = _fast_gradient(partials, variables) if (gradient == "exact" and dtype == "float64") else None
    if fast is not None:
        fallback = _numpy_gradient(partials, variables, "float64")
        try:
            with np.errstate(all="ignore"):
                agrees = np.array_equal(
                    np.array(fast(*map(float, start)), dtype=float), fallback(np.array(start, float))
                )
        except (ArithmeticError, ValueError, TypeError, NameError):
            agrees = False
        fast = fast if agrees else None
    deadline = None if time_budget is None else time.perf_counter() + time_budget
    with np.errstate(all="ignore"):
        if fast is not None:
            step = functools.partial(chosen.step, lr=float(lr), **{k: float(v) for k, v in settings.items()})
            points, used = _loop_floats(start, fast, fallback, step, steps, tol * tol, stop_on_inf, deadline)
        else:
            step = functools.partial(
                chosen.step, lr=target.type(lr), **{k: target.type(v) for k, v in settings.items()}
            )
            estimate = (
                _numpy_gradient(partials, variables, dtype)
                if gradient == "exact"
                else _difference_gradient(expr, variables, gradient, h, dtype)
            )
            points, used = _loop_arrays(start, estimate, step, steps, dtype, stop_on_inf, deadline=deadline)
        columns = points.astype(target).T
        losses = np.asarray(_compiled(expr, variables, dtype)(*columns), dtype=np.float64).reshape(len(points))
        true_points = np.column_stack(
            [
                np.asarray(_compiled(p, variables, "float64")(*points.T), dtype=np.float64).reshape(len(points))
                for p in partials
            ]
        )
    start_loss = losses[0] if np.isfinite(losses[0]) else 0.0
    limit = math.inf if blowup is None else blowup * max(1.0, abs(float(start_loss)))
    meta = dict(optimizer=optimizer, lr=float(lr), hyper=settings, gradient=gradient, h=h, dtype=dtype)
    run = _finish(
        points,
        used,
        losses,
        true_points,
        variables=variables,
        tol=tol,
        limit=limit,
        keep_after_divergence=blowup is None,
        meta=meta,
    )
    if run.status == "running" and run.steps < steps:
        return dataclasses.replace(
            run,
            cut_short=True,
            reason=(
                f"Cut short after {run.steps} of {steps} steps (this function is slow to evaluate, and a run has "
                f"{time_budget:g} s so that the page keeps answering): {run.reason.split(': ', 1)[1]}"
            ),
        )
    if run.status != "converged":
        return run
    kind = critical_point(expr, variables, run.points[-1], partials)
    return dataclasses.replace(run, critical=kind, reason=_critical_reason(kind, run.reason))


def critical_point(
    expr: sympy.Expr, variables: Sequence[str], point: Sequence[float], partials: Sequence[sympy.Expr] | None = None
) -> str | None:
    """The second-order test at a point where the gradient is (about) zero.

    "minimum" if every eigenvalue of the Hessian is positive, "maximum" if every one is negative,
    "saddle" if there are both, "flat" if one is zero (the test cannot decide, as for w⁴ at 0);
    "plateau" when the gradient is small only because the loss is very flat here, and the
    flat point, by Newton's step −H⁻¹∇f, is still far away;
    None where the Hessian has no value (a kink). The Hessian is the central difference of the
    exact gradient (already compiled for the run), with h = 1e-5·max(1, |p|): an error near 1e-10,
    far below any curvature that decides the test, and no further symbolic work.
    """
    variables = tuple(variables)
    partials = _partials(expr, variables) if partials is None else partials
    partials = [_compiled(d, variables, "float64") for d in partials]
    p = np.array(point, dtype=np.float64)
    n = len(variables)
    hessian = np.empty((n, n))
    with np.errstate(all="ignore"):
        for i in range(n):
            h = 1e-5 * max(1.0, abs(p[i]))
            up, down = p.copy(), p.copy()
            up[i] += h
            down[i] -= h
            for j, g in enumerate(partials):
                hessian[i, j] = (float(g(*up)) - float(g(*down))) / (2 * h)
    if not np.isfinite(hessian).all():
        return None
    hessian = (hessian + hessian.T) / 2
    with np.errstate(all="ignore"):
        g = np.array([float(d(*p)) for d in partials])
        eigenvalues = np.linalg.eigvalsh(hessian)
        # The Newton step −H⁻¹g: how far the flat point is, by the curvature here. A gradient under
        # `tol` on a loss that is merely very flat (x²/1e7, or a plateau of −exp(−r²)) is no minimum.
        if np.abs(eigenvalues).min() > 1e-12 * np.abs(eigenvalues).max() and np.isfinite(g).all():
            newton = np.linalg.solve(hessian, g)
            if np.linalg.norm(newton) > 1e-3 * max(1.0, float(np.linalg.norm(p))):
                return "plateau"
    # Zero within the Hessian estimate's own error (about h² = 1e-10 times the fourth derivative).
    tiny = max(1e-9 * float(np.abs(eigenvalues).max()), 1e-8)
    if (eigenvalues > tiny).all():
        return "minimum"
    if (eigenvalues < -tiny).all():
        return "maximum"
    if (eigenvalues > tiny).any() and (eigenvalues < -tiny).any():
        return "saddle"
    return "flat"


def _critical_reason(kind: str | None, reason: str) -> str:
    """The convergence sentence, saying what kind of flat ground the run stopped on."""
    verdicts = {
        "minimum": "The loss curves up in every direction there (the second-order test): a minimum.",
        "maximum": (
            "But this is a maximum, not a minimum: the loss curves down in every direction, so the gradient "
            "is 0 only because the run sits exactly on the top; any nudge would roll away."
        ),
        "saddle": (
            "But this is a saddle point, not a minimum: the loss curves up in one direction and down in "
            "another. The gradient is 0, so plain descent stops; a nudge along the downhill direction escapes."
        ),
        "plateau": (
            "But this is not a minimum: the gradient is below the tolerance only because the loss is very "
            "flat here (a plateau, or a loss on a tiny scale); by the curvature, the flat point is still far "
            "away. Rescale the loss or raise the learning rate."
        ),
        "flat": (
            "The second-order test cannot tell what this is: the curvature is 0 in some direction, so it may be "
            "a minimum, a maximum or a saddle."
        ),
        None: "The second derivatives have no value here (a kink), so the second-order test cannot be applied.",
    }
    return f"{reason} {verdicts[kind]}"


# --- a line fitted by descent on its sum of squared errors ----------------------------------


def fit_line(
    xs,
    ys,
    start: Sequence[float],
    *,
    optimizer: str = "gd",
    lr: float = 0.01,
    steps: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    tol: float = 1e-6,
    **hyper,
) -> Descent:
    """Fit y = m·x + c by descent on SSE(m, c) = Σ (m·xᵢ + c − yᵢ)², full-batch or mini-batch.

    Full batch: the exact gradient ∂SSE/∂m = Σ 2(m·xᵢ + c − yᵢ)·xᵢ, ∂SSE/∂c = Σ 2(m·xᵢ + c − yᵢ).
    Mini-batch (`batch_size` < n): each epoch shuffles the data with `seed`
    (like a DataLoader with shuffle=True) and each step uses the next batch,
    its sum scaled by n / batch so that on average it equals the full
    gradient and the same learning rate fits both. The losses and statuses
    are always about the full SSE. float64 throughout.
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    n = len(xs)
    chosen = get_optimizer(optimizer)
    settings = {**chosen.defaults, **hyper}
    step = functools.partial(chosen.step, lr=float(lr), **{k: float(v) for k, v in settings.items()})

    def full(w, idx=slice(None)):
        r = w[0] * xs[idx] + w[1] - ys[idx]
        return np.array([2.0 * np.sum(r * xs[idx]), 2.0 * np.sum(r)])

    size = n if batch_size is None else max(1, min(int(batch_size), n))
    rng = np.random.default_rng(seed)
    per_epoch = math.ceil(n / size)
    order = None

    def batch(k, w):
        nonlocal order
        if size == n:
            return full(w)
        if k % per_epoch == 0:
            order = rng.permutation(n)
        idx = order[(k % per_epoch) * size : (k % per_epoch + 1) * size]
        return full(w, idx) * (n / len(idx))

    with np.errstate(all="ignore"):
        points, used = _loop_arrays(start, full, step, steps, "float64", True, per_step=batch)
        residuals = points[:, :1] * xs[None, :] + points[:, 1:] - ys[None, :]
        losses = np.sum(residuals * residuals, axis=1)
        true = np.column_stack([2.0 * np.sum(residuals * xs[None, :], axis=1), 2.0 * np.sum(residuals, axis=1)])
    limit = 1e12 * max(1.0, abs(float(losses[0])) if np.isfinite(losses[0]) else 1.0)
    meta = dict(
        optimizer=optimizer,
        lr=float(lr),
        hyper={**settings, "batch_size": size, "seed": seed},
        gradient="exact" if size == n else "mini-batch",
        h=None,
        dtype="float64",
    )
    return _finish(
        points, used, losses, true, variables=("m", "c"), tol=tol, limit=limit, keep_after_divergence=False, meta=meta
    )
