"""A backprop graph as Graphviz DOT, one backward step at a time, and its narration.

`graph_dot` is a pure function of the graph, the step and the theme, so the
same picture comes back for the same step and a test can read it as text.

Numbers (constants) are written inside the operation that uses them instead
of as nodes of their own: nothing is learned for a constant, and a "1" read by
six layers would otherwise draw six long edges across the picture. The step
control therefore walks the other nodes only (`walk`).

A network is drawn one row per layer, left to right like a line of text, the
next layer on the next row: a 6-layer network is 30 operations long, far too
wide for a projector as a single row.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.chain_rule import Graph, Network, Node
from ui.explain import number
from ui.theme import NORMAL, OKABE_ITO, Theme

__all__ = ["View", "subscript", "walk", "core_step", "network_view", "expression_view", "graph_dot", "narrate", "short"]

NOT_YET = "not yet computed"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# Fills; each state also differs by outline width or text, never colour alone.
_FILL = {"variable": "#DCEBF7", "operation": "#FFFFFF", "output": "#FFFFFF"}
_CURRENT_FILL = "#FCE3CC"  # light vermillion
_DONE_TEXT = OKABE_ITO["blue"]
_PENDING_TEXT = "#6B6B6B"
_HIGHLIGHT = OKABE_ITO["vermillion"]


@dataclass(frozen=True)
class View:
    """How to name and arrange the nodes: short names, and optionally rows."""

    names: Mapping[int, str]  # node id -> "L", "a₂", "w₁", "v₇"
    rows: Mapping[int, int] = field(default_factory=dict)  # node id -> row; empty: one left-to-right flow
    row_labels: tuple[str, ...] = ()
    output: str = "L"  # the name of the output in ∂L/∂·


def short(value) -> str:
    """A number in four significant digits for a label (NaN and inf in words)."""
    value = float(value)
    if not math.isfinite(value):
        return number(value)
    rounded = float(f"{value:.4g}")
    text = number(rounded)
    text = text.removesuffix(".0") if "e" not in text else text
    return text.replace("-", "−")


def subscript(name: str) -> str:
    head = name.rstrip("0123456789")
    return head + name[len(head):].translate(_SUBSCRIPTS)


# --- which nodes, in which order ------------------------------------------------------


def walk(graph: Graph) -> tuple[int, ...]:
    """Node ids the step control visits, in backward order: every node but constants."""
    return tuple(i for i in graph.backward if graph.nodes[i].kind != "constant")


def core_step(graph: Graph, step: int) -> int:
    """The core's backward step (for ``Graph.adjoints_after``) at the page's `step`."""
    visited = walk(graph)
    if not 0 <= step <= len(visited):
        raise ValueError(f"the backward pass has steps 0 to {len(visited)}, not {step}")
    return 0 if step == 0 else graph.backward.index(visited[step - 1]) + 1


def _names(graph: Graph, output: str, layers: Mapping[int, int], rows: Mapping[int, int]) -> dict[int, str]:
    """Short names; v₁, v₂, ... number the operations in reading order (row by row)."""
    names, count = {}, 0
    for node in sorted(graph.nodes, key=lambda n: (rows.get(n.id, 0), n.id)):
        if node.kind == "constant":
            continue
        if node.id == graph.output.id:
            names[node.id] = output
        elif node.id in layers:
            names[node.id] = f"a{layers[node.id]}".translate(_SUBSCRIPTS)
        elif node.kind == "variable":
            names[node.id] = subscript(node.op)
        else:
            count += 1
            names[node.id] = f"v{count}".translate(_SUBSCRIPTS)
    return names


def expression_view(graph: Graph, output: str = "f") -> View:
    """Names for a typed expression: its inputs, v₁, v₂, ... and the output."""
    return View(_names(graph, output, {}, {}), output=output)


def network_view(graph: Graph, net: Network) -> View:
    """Names a₁ … a_L and L, and one row per layer (the loss on the last row)."""
    by_expr = {node.expr: node.id for node in graph.nodes}
    layer_of = {by_expr[a]: i for i, a in enumerate(net.layers, start=1) if a in by_expr}
    rows: dict[int, int] = {}
    for layer_node, i in sorted(layer_of.items(), key=lambda item: item[1]):
        stack = [layer_node]
        while stack:  # every node this layer reads, not already in an earlier row
            n = stack.pop()
            if n in rows:
                continue
            rows[n] = i - 1
            stack.extend(graph.nodes[n].inputs)
    loss_row = len(net.layers)
    for node in graph.nodes:
        rows.setdefault(node.id, loss_row)
    labels = tuple(f"Layer {i}" for i in range(1, loss_row + 1)) + ("Loss",)
    return View(_names(graph, "L", layer_of, rows), rows, labels, output="L")


# --- the picture ------------------------------------------------------------------------


def _op_label(graph: Graph, node: Node) -> str:
    """The operation with its constant inputs written in: "+ 1", "× (−1)", "max(0, ·)"."""
    constants = [graph.nodes[i].op.replace("-", "−") for i in node.inputs if graph.nodes[i].kind == "constant"]
    if not constants or node.kind != "operation":
        return node.op
    if node.op == "+":
        return " ".join(f"− {c[1:]}" if c.startswith("−") else f"+ {c}" for c in constants)
    if node.op == "×":
        return " ".join(f"× ({c})" if c.startswith("−") else f"× {c}" for c in constants)
    return f"{node.op}({', '.join(constants)}, ·)"


def _state(graph: Graph, step: int) -> tuple[tuple, int | None]:
    adjoints = graph.adjoints_after(core_step(graph, step))
    current = walk(graph)[step - 1] if step else None
    return adjoints, current


# The box the drawing is scaled to fit, in inches of 96 px: a 1280 × 720
# projector's column, below the step control. Small graphs grow at most 1.6×.
SCREEN = (1120 / 96, 600 / 96)
MAX_GROWTH = 1.6


def _fit(graph: Graph, view: View) -> tuple[float, float]:
    """Width and height (inches) to scale the drawing to: as large as fits SCREEN.

    Graphviz scales the finished layout to touch this box (``size="w,h!"``),
    so the drawing never overflows the screen; the box itself comes from a
    rough estimate of the layout's own size, which only limits how much a
    small graph grows.
    """
    shown = [n for n in graph.nodes if n.kind != "constant"]
    if view.rows:
        per_row: dict[int, int] = {}
        for n in shown:
            per_row[view.rows[n.id]] = per_row.get(view.rows[n.id], 0) + 1
        width, height = max(per_row.values()) * 1.25, len(per_row) * 0.9
    else:
        depth: dict[int, int] = {}
        for n in shown:
            depth[n.id] = 1 + max((depth[i] for i in n.inputs if i in depth), default=0)
        across = max(list(depth.values()).count(d) for d in set(depth.values()))
        width, height = max(depth.values()) * 1.35, across * 0.75
    scale = min(SCREEN[0] / width, SCREEN[1] / height, MAX_GROWTH)
    return width * scale, height * scale


def text_size(theme: Theme) -> float:
    """The font size to lay the graph out with: the size it is drawn at.

    st.graphviz_chart draws every text of the chart at 0.8 × its small font
    size (9.6 px at the default 16 px base) in the app's own font, whatever
    the DOT says, and then scales the picture to the column. Laying out with
    that size, less a little because Helvetica is wider than the app's font,
    makes the boxes fit their text, so the picture, and its text, scale up.
    """
    return round(9.0 * theme.body_scale, 1)


def graph_dot(graph: Graph, step: int = 0, theme: Theme = NORMAL, view: View | None = None) -> str:
    """Graphviz DOT of `graph` after `step` backward steps (0: forward pass only).

    Nodes show their operation, forward value and gradient ("not yet
    computed" until the backward pass reaches them); edges show the local
    derivative ∂node/∂input. The node being finalised at `step` and the
    edges its gradient arrives along are drawn thick, in vermillion.
    """
    view = view or expression_view(graph)
    adjoints, current = _state(graph, step)
    font = text_size(theme)
    width, height = _fit(graph, view)
    lines = [
        "digraph backprop {",
        f'  graph [size="{width:.2f},{height:.2f}!", '
        f'rankdir={"TB" if view.rows else "LR"}, nodesep=0.05, ranksep=0.14, margin=0.02, bgcolor="transparent", '
        f'fontname="Helvetica", fontsize={font}, newrank=true];',
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize={font}, '
        f'margin="0.04,0.02", penwidth=1.2, color="#444444"];',
        f'  edge [fontname="Helvetica", fontsize={font}, color="#777777", arrowsize=0.6, penwidth=1.1];',
    ]
    shown = [n for n in graph.nodes if n.kind != "constant"]
    if view.rows:
        # A network: one row per layer, all on one rank, reading left to right;
        # rows stack top to bottom in layer order, kept there by a chain of
        # invisible edges between the row labels. One row per layer (inputs and
        # weights included) keeps a 6-layer network within one projector screen.
        labels = []
        for r in sorted({view.rows[n.id] for n in shown}):
            members = [n for n in shown if view.rows[n.id] == r]
            lines.append(f"  {{rank=same; row{r} [shape=point, style=invis, width=0, height=0, label=\"\", "
                         f"tooltip=\"{view.row_labels[r]}\"];")
            lines += ["    " + _node_line(graph, n, adjoints, current, view, font) for n in members]
            lines.append("  }")
            lines.append(f"  row{r} -> n{members[0].id} [style=invis];")
            labels.append(f"row{r}")
        lines += [f"  {a} -> {b} [style=invis, weight=100];" for a, b in zip(labels, labels[1:])]
    else:
        lines += ["  " + _node_line(graph, n, adjoints, current, view, font) for n in shown]
    # Edges row by row: dot's first ordering of the rows follows the order it meets them.
    for edge in sorted(graph.edges, key=lambda e: (view.rows.get(e.target, 0), e.target)):
        if graph.nodes[edge.source].kind == "constant":
            continue
        attrs = [f'label="{short(edge.local)}"']
        if view.rows and view.rows[edge.source] != view.rows[edge.target]:
            attrs.append("weight=0")  # wrap to the next row's start, like a line of text
        if current is not None and edge.source == current:
            attrs += [f'color="{_HIGHLIGHT}"', "penwidth=3.5", f'fontcolor="{_HIGHLIGHT}"',
                      f'label=<<B>{short(edge.local)}</B>>']
            attrs.remove(f'label="{short(edge.local)}"')
        lines.append(f"  n{edge.source} -> n{edge.target} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines)


def _node_line(graph: Graph, node: Node, adjoints, current, view: View, font: float) -> str:
    name = view.names[node.id]
    op = _op_label(graph, node)
    head = f"<B>{html.escape(name)}</B>" if node.kind == "variable" else (
        f'<B>{html.escape(op)}</B>  <FONT COLOR="#555555">{html.escape(name)}</FONT>'
    )
    grad = adjoints[node.id]
    if grad is None:
        grad_text = f'<FONT COLOR="{_PENDING_TEXT}"><I>{NOT_YET}</I></FONT>'
    else:
        grad_text = f'<FONT COLOR="{_DONE_TEXT}"><B>grad {short(grad)}</B></FONT>'
    label = f"<{head}<BR/>= {short(node.value)}<BR/>{grad_text}>"
    attrs = [f"label={label}", f'fillcolor="{_FILL[node.kind]}"']
    if node.id == graph.output.id:
        attrs.append("peripheries=2")
    if node.id == current:
        attrs += [f'fillcolor="{_CURRENT_FILL}"', f'color="{_HIGHLIGHT}"', "penwidth=4"]
    return f"n{node.id} [{', '.join(attrs)}];"


# --- the narration ------------------------------------------------------------------------


def narrate(graph: Graph, step: int, view: View | None = None) -> str:
    """What happens at `step`, in words and the chain rule with its numbers (Markdown)."""
    view = view or expression_view(graph)
    out = view.output
    total = len(walk(graph))
    if step == 0:
        return (
            f"**Forward pass done.** Every node holds its value; no gradient is known yet. "
            f"The backward pass takes {total} steps, one per node, from {out} back to the inputs."
        )
    adjoints, current = _state(graph, step)
    node = graph.nodes[current]
    name = view.names[current]
    heading = f"**Step {step} of {total}: {name}**"
    if current == graph.output.id:
        return f"{heading}\n\nThe seed: ∂{out}/∂{out} = 1. Everything else is this 1 times local derivatives."
    readers = [e for e in graph.edges if e.source == current]
    terms = [f"∂{out}/∂{view.names[e.target]} · ∂{view.names[e.target]}/∂{name}" for e in readers]
    numbers = [f"{short(adjoints[e.target])} × {short(e.local)}" for e in readers]
    formula = f"∂{out}/∂{name} = {' + '.join(terms)}"
    if len(readers) > 1:
        formula += f" = {' + '.join(f'({n})' for n in numbers)}"
    else:
        formula += f" = {numbers[0]}"
    formula += f" = **{short(node.grad)}**"
    sentences = [heading, formula]
    if len(readers) > 1:
        sentences.append(f"{name} feeds {len(readers)} nodes, so the gradients along every path add up.")
    if node.kind == "variable":
        sentences.append(
            f"This is the gradient for **{name}**: gradient descent changes it by −learning rate × {short(node.grad)}."
        )
    return "\n\n".join(sentences)

