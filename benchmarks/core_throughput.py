"""Core throughput budgets: 5,000 Adam steps on Rosenbrock with the exact gradient in < 100 ms, and the
low-precision lesson's training, 500 steps of its three recipes on 200 points in ≤ 300 ms per precision.

    python -m benchmarks.core_throughput      # or: python -m benchmarks.run core

"first call" compiles the gradient (sympy diff + lambdify, once per descend call,
then memoised) and runs the 5,000 steps; "warm" is the median of repeated runs of
the same function, as in the app where a function's compiled gradient is reused.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_MS = 100.0
STEPS = 5000


def core() -> bool:
    from core import descent
    from core.landscapes import get_landscape

    beale, land = get_landscape("beale"), get_landscape("rosenbrock")
    descent.descend(beale.expr, beale.variables, beale.start, optimizer="adam", steps=10)  # sympy's own first use

    def once() -> float:
        start = time.perf_counter()
        run = descent.descend(land.expr, land.variables, land.start, optimizer="adam", lr=0.001, steps=STEPS)
        elapsed = (time.perf_counter() - start) * 1000
        assert run.steps == STEPS, run.reason
        return elapsed

    first = once()
    warm = statistics.median(once() for _ in range(9))
    ok = warm < BUDGET_MS
    print(
        f"descend: {STEPS} Adam steps on Rosenbrock, exact gradient: first call {first:.1f} ms, "
        f"warm median {warm:.1f} ms (budget {BUDGET_MS:.0f} ms) {'ok' if ok else 'OVER'}"
    )
    return ok


LOW_PRECISION_BUDGET_MS = 300.0  # 500 steps of all three recipes on 200 points


def low_precision() -> bool:
    """core.low_precision.train: 500 steps of low, mixed and scaled on the lesson's 200 moons, per precision
    (the median of 5 runs of the three; the first call of each is not timed)."""
    from core.low_precision import RECIPES, make_data, mlp_init, train

    X, y = make_data("moons", 200, 0.1, 0)
    params = mlp_init([2, 16, 16, 1], 0)
    ok = True
    for dtype in ("float32", "float16", "bfloat16"):
        per_recipe = {}
        for recipe in RECIPES:
            train(X, y, params, dtype=dtype, recipe=recipe, lr=0.5, steps=20)
            times = []
            for _ in range(5):
                start = time.perf_counter()
                train(X, y, params, dtype=dtype, recipe=recipe, lr=0.5, steps=500)
                times.append((time.perf_counter() - start) * 1000)
            per_recipe[recipe] = statistics.median(times)
        total = sum(per_recipe.values())
        passed = total <= LOW_PRECISION_BUDGET_MS
        ok &= passed
        each = ", ".join(f"{r} {ms:.0f}" for r, ms in per_recipe.items())
        print(
            f"low_precision.train, {dtype:8}: 500 steps × 3 recipes = {total:.0f} ms ({each}) "
            f"(budget {LOW_PRECISION_BUDGET_MS:.0f} ms) {'ok' if passed else 'OVER'}"
        )
    return ok


if __name__ == "__main__":
    raise SystemExit(0 if core() & low_precision() else 1)
