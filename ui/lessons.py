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
)
