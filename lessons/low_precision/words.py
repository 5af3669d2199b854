"""What the low-precision lesson says to the student. Numbers come in as arguments, never typed here."""

from __future__ import annotations

TITLE = "Training in low precision: what rounding takes, and how to win it back"
INTRO = (
    "GPUs train in **float16** and **bfloat16**: half the memory, several times the speed. A small network "
    "(2 → 16 → 16 → 1, sigmoid output, binary cross-entropy) learns to separate two classes of points by full-batch "
    "gradient descent, three ways side by side. Two things go wrong in few bits: **gradients flush to zero** "
    "(float16 has a narrow range) and **updates round away** (bfloat16 has few digits)."
)

RECIPES = {
    "low": "low: everything in {dtype}",
    "mixed": "mixed: float32 master weights",
    "scaled": "scaled: mixed + loss scaling",
}
RECIPE_HELP = (
    "low: weights, forward and backward all in the low precision. mixed: float32 master weights, cast down for each "
    "step's forward and backward (torch.autocast); the update is made in float32. scaled: mixed plus dynamic loss "
    "scaling (torch.amp.GradScaler): start S = 2¹⁶, halve it and skip the step on an inf or NaN, double it after 2000 "
    "clean steps."
)
REFERENCE = "float32 (reference)"


def recipe_label(recipe: str, dtype: str) -> str:
    return REFERENCE if recipe == "float32" else RECIPES[recipe].format(dtype=dtype)


OPTIMIZER_NOTE = (
    "Only plain gradient descent (torch.optim.SGD) here: the lesson's training loop, core.low_precision.train, "
    "implements SGD's update w ← w − lr · g and no other. Momentum, RMSprop and Adam are in Lesson 5."
)
SCHEDULE_HELP = (
    "The learning rate at each step, as torch.optim.lr_scheduler computes it: constant; step (StepLR: × 0.1 every "
    "third of the run); cosine (CosineAnnealingLR down to 0 at the last step); warmup (LinearLR: from a third of "
    "the rate up to all of it over 5 steps)."
)
DATA_NOTE = "200 points; network weights from torch.nn.Linear's rule with seed 0."

LESSON_ONE = (
    "**The vanished update is Lesson 1 again.** There, 3.0 + 1e-17 == 3.0 in float64: the step was smaller than half "
    "the gap to the next float, so the sum rounded back to 3.0. Here w + (−lr · g) rounds back to w when the update "
    "is below half the gap between w and its neighbour. float32 has 24 significant bits, bfloat16 only 8: near w = 1 "
    "its gap is 2⁻⁷ ≈ 0.0078 above and 2⁻⁸ ≈ 0.0039 below, so any update smaller than about 0.002 is lost."
)
ACCUMULATION_TITLE = "What rounds where: which operations accumulate in float32"
ACCUMULATION = (
    "**What rounds where.** Every kernel torch would launch rounds its result once to the low precision; inside a "
    "kernel the arithmetic is float32, as GPU matrix units do. So each layer's h·W + b multiplies and **accumulates "
    "in float32** and rounds once; tanh, ReLU, sigmoid, tanh's backward g·(1 − h²), the sums behind the mean loss "
    "and the bias gradients are computed in float32 and rounded once; the update w − lr·g is one kernel, in float32, "
    "rounded once to the weights' type (float32 for the master weights of mixed and scaled)."
)

WATCH_TAB, LOST_TAB = "Watch it learn", "What rounding took"
TABS = (WATCH_TAB, LOST_TAB)

PRESET_LABELS = {
    "lp_p1": "1. float32 learns",
    "lp_p2": "2. float16 gradients flush to zero / loss scaling keeps them",
    "lp_p3": "3. bfloat16 loses small updates",
    "lp_p4": "4. float32 master weights fix that",
}
PRESETS_INTRO = "The story in four steps (moons, noise 0.1, seed 0, tanh, 500 steps):"


def story(preset: str, numbers: dict[str, float]) -> str:
    """The sentence of a preset, with the numbers on the screen."""
    n = numbers
    if preset == "lp_p1":
        return (
            f"**float32 learns.** After 500 steps at learning rate 0.5 the loss is **{n['low']:.2g}** (from "
            f"{n['start']:.3g}), and the boundary wraps around both moons."
        )
    if preset == "lp_p2":
        return (
            f"**float16 gradients flush to zero.** By the last step **{n['mixed_flushed']:.0%}** of the per-point "
            "backward values (∂L/∂z of every unit for every point) are below float16's smallest subnormal, "
            f"2⁻²⁴ ≈ 6e-8, and become 0 in mixed precision. **Loss scaling keeps them**: multiplied by "
            f"S = {n['scale']:g} on the way back, **{n['scaled_flushed']:.0%}** flush. The loss still falls here "
            f"(mixed {n['mixed']:.2g}, scaled {n['scaled']:.2g}): the lost values are the smallest ones, but "
            "they are lost for good, and they grow in number as the loss shrinks."
        )
    if preset == "lp_p3":
        return (
            f"**bfloat16 loses small updates.** At learning rate 0.2, training all in bfloat16 ends at loss "
            f"**{n['low']:.3g}**, against **{n['reference']:.2g}** in float32: on average **{n['low_vanished']:.0%}** "
            "of the weight updates rounded back to the old weight at every step."
        )
    return (
        f"**float32 master weights fix that.** The same bfloat16 forward and backward, but the update is added "
        f"to float32 copies of the weights: the loss reaches **{n['mixed']:.2g}**, as float32 does "
        f"({n['reference']:.2g}), and {n['mixed_vanished']:.1%} of the updates vanish."
    )


QUESTION_PROMPT = "In bfloat16, a weight w = 1.0 gets the update −lr · g = −0.001. What is w after the step?"
QUESTION_CHOICES = ("0.999", "0.99609375 (the nearest bfloat16 below 1)", "1.0: the update vanishes", "NaN")
QUESTION_ANSWER = 2


def question_reveal(rounded: float, gap_below: float) -> str:
    return (
        f"core.low_precision.round_to(1.0 − 0.001, 'bfloat16') = **{rounded:g}**. Just below 1, bfloat16's numbers "
        f"are {gap_below:g} apart; 0.999 is closer to 1.0 than to 1 − {gap_below:g}, so it rounds back to 1.0 — the "
        "same rounding as 3.0 + 1e-17 == 3.0 in Lesson 1. Preset 3 below shows it happening to most weights at once."
    )


PLAY_HELP = "Step through the kept snapshots of the weights, as on a projector (nothing is retrained)."


def step_caption(step: int, steps: int, lr: float) -> str:
    return f"Step {step} of {steps} (learning rate there {lr:.3g}). Drag or Play to watch it learn."


def boundary_title(label: str, loss: float) -> str:
    return f"{label} · loss {loss:.3g}"


def gradients_title(recipe: str, flushed: float) -> str:
    return f"{recipe}: {flushed:.2%} of weight gradients flushed"


def gradients_zero(zero: int) -> str:
    return (
        f" {zero} gradients are exactly 0 in float32 too (nothing to lose; a log axis cannot show them)."
        if zero
        else ""
    )


def gradients_caption(dtype: str) -> str:
    if dtype == "float16":
        return (
            "Each weight's |∂L/∂w| at this step (divided by the loss scale S for scaled). Red: what float16 held "
            "as 0. The dashed lines are float16's smallest subnormal 2⁻²⁴ ≈ 5.96e-8 and smallest normal "
            "2⁻¹⁴ ≈ 6.10e-5, divided by S where the gradients were scaled: S = 2¹⁶ moves them almost five "
            "decades left, below every gradient."
        )
    if dtype == "bfloat16":
        return (
            "Each weight's |∂L/∂w| at this step. The dashed lines are float16's limits, for comparison: bfloat16 "
            "has float32's exponent range (smallest normal 2⁻¹²⁶ ≈ 1.2e-38), so nothing here flushes. What "
            f"bfloat16 loses is digits, not range: see the tab {LOST_TAB!r}."
        )
    return (
        "Each weight's |∂L/∂w| at this step. In float32 nothing flushes; the dashed lines show where float16 "
        "would start to lose them."
    )


def backward_flushed(label: str, share: float) -> str:
    return f"{label}: {share:.1%} of the per-point backward values flushed to 0 at this step."


LOST_INTRO = (
    "Per step: the share of weights whose update vanished (rounded back to the old weight although the gradient "
    "was not 0), the share of per-point backward values that flushed to 0, and GradScaler's loss scale."
)
VANISHED_TITLE = "updates that vanished"
FLUSHED_TITLE = "backward values flushed to 0"
SCALE_NOTE = (
    "S starts at 2¹⁶ = 65536 and doubles after 2000 clean steps: over a run this short it only halves, "
    "on a step whose gradients overflowed, and that step is skipped."
)
NO_SCALED = "Choose the scaled recipe to see its loss scale."
NO_RECIPE = "Choose at least one recipe above."
SKIPPED = "{label}: {count} step(s) skipped for an inf or NaN gradient."

TORCH_NOTE = (
    "The same training with PyTorch's automatic mixed precision (on a GPU). torch.autocast computes the loss itself "
    "in float32, and with a sigmoid output asks for BCEWithLogitsLoss, whose backward is the one the lesson uses:"
)


def torch_code(dtype: str, lr: float, schedule_line: str, steps: int) -> str:
    torch_dtype = {"float16": "torch.float16", "bfloat16": "torch.bfloat16"}.get(dtype, "torch.float16")
    lines = [
        "import torch",
        "",
        "model = torch.nn.Sequential(  # its parameters stay float32: the master weights",
        "    torch.nn.Linear(2, 16), torch.nn.Tanh(),",
        "    torch.nn.Linear(16, 16), torch.nn.Tanh(),",
        "    torch.nn.Linear(16, 1)).cuda()",
        f"optimizer = torch.optim.SGD(model.parameters(), lr={lr!r})",
    ]
    if schedule_line:
        lines.append(f"scheduler = {schedule_line}")
    lines += [
        'scaler = torch.amp.GradScaler("cuda", init_scale=2.0**16, growth_factor=2.0,',
        "                              backoff_factor=0.5, growth_interval=2000)",
        "loss_fn = torch.nn.BCEWithLogitsLoss()",
        f"for step in range({steps}):",
        "    optimizer.zero_grad()",
        f'    with torch.autocast("cuda", dtype={torch_dtype}):  # mixed: forward and backward in low precision',
        "        loss = loss_fn(model(X)[:, 0], y)",
        "    scaler.scale(loss).backward()  # scaled: backward from S · loss",
        "    scaler.step(optimizer)         # divides by S; skips the step on inf/NaN",
        "    scaler.update()                # S × 0.5 after a skip, × 2 after 2000 clean steps",
    ]
    if schedule_line:
        lines.append("    scheduler.step()")
    lines += [
        "",
        "# mixed without scaling: loss.backward(); optimizer.step()  (no scaler)",
        f"# low: model.to({torch_dtype}), X.to({torch_dtype}), and no autocast, no scaler",
    ]
    return "\n".join(lines)


def schedule_line(schedule: str, steps: int) -> str:
    """The torch.optim.lr_scheduler the schedule names (core.optimizers.learning_rates' defaults)."""
    return {
        "constant": "",
        "step": f"torch.optim.lr_scheduler.StepLR(optimizer, step_size={max(1, steps // 3)}, gamma=0.1)",
        "cosine": f"torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max={steps})",
        "warmup": "torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=1/3, total_iters=5)",
    }[schedule]


def alt_losses(labels: list[str], finals: list[float]) -> str:
    ends = ", ".join(f"{label} ends at {loss:.3g}" for label, loss in zip(labels, finals))
    return f"The training loss against step on a log scale: {ends}."
