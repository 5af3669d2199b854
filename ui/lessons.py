"""The lessons, in course order: one place for the navigation and the home page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    path: str
    icon: str
    summary: str


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "Derivatives",
        "pages/derivatives.py",
        ":material/show_chart:",
        "The slope as rise over run, and why a tiny h gives exactly 0: catastrophic cancellation "
        "in float64, float32, float16 and bfloat16 — and the exact derivative that fixes it.",
    ),
    Lesson(
        3,
        "Chain rule",
        "pages/chain_rule.py",
        ":material/account_tree:",
        "A network is a chain of functions: the chain rule multiplies local derivatives back from the loss. "
        "Walk backpropagation node by node on a computational graph, check it against finite differences, "
        "and watch gradients vanish or explode in deep chains.",
    ),
)
