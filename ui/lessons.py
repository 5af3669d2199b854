"""The lessons, in course order: one place for the navigation and the home page."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lesson:
    number: int
    title: str
    short: str  # in the navigation bar, where all of them must fit on one row of a 1280 px projector
    path: str
    icon: str
    summary: str

    @property
    def url_path(self) -> str:
        """The page's address, kept from when each lesson was one file, so shared links still open it."""
        return self.path.split("/")[1]


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        1,
        "Derivatives",
        "Derivatives",
        "lessons/derivatives/page.py",
        ":material/show_chart:",
        "The slope as rise over run, and why a tiny h gives exactly 0: catastrophic cancellation "
        "in float64, float32, float16 and bfloat16 — and the exact derivative that fixes it.",
    ),
    Lesson(
        2,
        "Partials and gradients",
        "Gradients",
        "lessons/gradients/page.py",
        ":material/explore:",
        "Many weights, one at a time: partial derivatives as slopes of slices, the gradient as the arrow "
        "of steepest ascent across the contour lines, and the bowl-shaped error surface of a linear model.",
    ),
    Lesson(
        3,
        "Chain rule",
        "Chain rule",
        "lessons/chain_rule/page.py",
        ":material/account_tree:",
        "A network is a chain of functions: the chain rule multiplies local derivatives back from the loss. "
        "Walk backpropagation node by node on a computational graph, check it against finite differences, "
        "and watch gradients vanish or explode in deep chains.",
    ),
    Lesson(
        4,
        "Loss functions",
        "Losses",
        "lessons/losses/page.py",
        ":material/target:",
        "How wrong, and which way to fix it: MSE, MAE, Huber, cross-entropy and hinge with their exact "
        "derivatives, your own table of predictions, an outlier's pull, why classifiers use cross-entropy, "
        "and naive against stable forms in float32 and float16.",
    ),
    Lesson(
        5,
        "Gradient descent",
        "Descent",
        "lessons/descent/page.py",
        ":material/trending_down:",
        "Step against the gradient, again and again: the course's loop, learning rates that crawl, oscillate "
        "or blow up to inf and NaN, the loop that dies when a finite difference cancels to 0, and momentum, "
        "RMSprop and Adam racing across a landscape — then a line learning its data, full-batch and mini-batch.",
    ),
    Lesson(
        6,
        "Training in low precision",
        "Low precision",
        "lessons/low_precision/page.py",
        ":material/memory:",
        "A small network learns in float16 and bfloat16: gradients that flush to zero, weight updates that round "
        "away (3.0 + 1e-17 == 3.0 again), and the two fixes GPUs train with — float32 master weights and "
        "dynamic loss scaling.",
    ),
)
