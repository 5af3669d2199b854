"""A backprop graph as SVG, one backward step at a time, and its narration.

`graph_svg` is a pure function of the graph, the step and the theme, so the
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
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from core.chain_rule import Graph, Network, Node
from ui.numbers import number
from ui.theme import NORMAL, OKABE_ITO, Theme

__all__ = ["View", "subscript", "walk", "core_step", "network_view", "expression_view", "graph_svg", "narrate", "short"]

NOT_YET = "not yet computed"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# Fills; each state also differs by outline width or text, never colour alone.
_FILL = {"variable": "#DCEBF7", "operation": "#FFFFFF", "output": "#FFFFFF"}
_CURRENT_FILL = "#FCE3CC"  # light vermillion
_DONE_TEXT = OKABE_ITO["blue"]
_PENDING_TEXT = "#6B6B6B"
_HIGHLIGHT = OKABE_ITO["vermillion"]
_EDGE = "#777777"
_OUTLINE = "#444444"
_SECONDARY_TEXT = "#555555"  # node names beside their operation, row labels


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
    return head + name[len(head) :].translate(_SUBSCRIPTS)


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


# --- the layout --------------------------------------------------------------------------
#
# Laid out here, in Python, and drawn as SVG: the browser only inserts the
# picture. (Graphviz in the browser re-laid the graph out on every backward
# step, freezing the page for over half a second each time.) The same graph
# gets the same positions at every step; only colours and texts change.

_LINE = 1.3  # line height, in font sizes
_PAD = 0.5  # padding inside a box, in font sizes
_CHAR = 0.56  # average character width, in font sizes (the app's sans-serif)
_MAX_GROWTH = 1.6  # a small graph is drawn at most this much larger than its natural size


@dataclass(frozen=True)
class _Box:
    x: float  # left
    y: float  # top
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _lines(graph: Graph, node: Node, view: View, grad) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
    """The three lines of a box as (bold part, plain part): head, value, gradient."""
    name = view.names[node.id]
    head = (name, "") if node.kind == "variable" else (_op_label(graph, node), name)
    gradient = (f"grad {short(grad)}", "") if grad is not None else ("", NOT_YET)
    return head, ("", f"= {short(node.value)}"), gradient


def _text_width(parts: tuple[str, str], font: float) -> float:
    bold, plain = parts
    return (len(bold) * 1.08 + len(plain) + (1.5 if bold and plain else 0)) * _CHAR * font


def _layout(graph: Graph, view: View, font: float) -> dict[int, _Box]:
    """Boxes of the shown nodes: one row per layer for a network, columns by depth for an expression."""
    shown = [n for n in graph.nodes if n.kind != "constant"]
    width = {
        n.id: max(_text_width(p, font) for p in _lines(graph, n, view, n.grad) + ((NOT_YET, ""),)) + 2 * _PAD * font
        for n in shown
    }
    height = 3 * _LINE * font + 2 * _PAD * font
    gap = 3.2 * font  # room for an edge label between neighbours
    boxes: dict[int, _Box] = {}
    if view.rows:
        row_gap = 4.5 * font  # arcs over a row and edges down to the next one
        for r in sorted({view.rows[n.id] for n in shown}):
            x, y = 0.0, 2.5 * font + r * (height + row_gap)
            for i in _row_order(graph, {n.id for n in shown if view.rows[n.id] == r}):
                boxes[i] = _Box(x, y, width[i], height)
                x += width[i] + gap
        return boxes
    depth: dict[int, int] = {}
    for n in shown:  # ids are topological
        depth[n.id] = 1 + max((depth[i] for i in n.inputs if i in depth), default=-1)
    columns: dict[int, list[int]] = {}
    for n in shown:
        columns.setdefault(depth[n.id], []).append(n.id)
    order: dict[int, float] = {}
    for d in sorted(columns):  # each column sorted by where its inputs sit (barycentre)

        def centre(i: int) -> float:
            ins = [order[j] for j in graph.nodes[i].inputs if j in order]
            return sum(ins) / len(ins) if ins else float(i)

        columns[d].sort(key=centre)
        for k, i in enumerate(columns[d]):
            order[i] = k - (len(columns[d]) - 1) / 2
    tallest = max(len(c) for c in columns.values())
    step_y = height + 2.2 * font
    x = 0.0
    for d in sorted(columns):
        w = max(width[i] for i in columns[d])
        for i in columns[d]:
            y = (order[i] + (tallest - 1) / 2) * step_y + font
            boxes[i] = _Box(x + (w - width[i]) / 2, y, width[i], height)
        x += w + 2.4 * gap
    return boxes


def _row_order(graph: Graph, members: set[int]) -> list[int]:
    """A row read like a formula: each operation right after its inputs (w₁, x, ×, b₁, +, σ).

    Most edges then join neighbours, and the rest skip a single box.
    """
    order: list[int] = []

    def visit(i: int) -> None:
        if i in members and i not in order:
            for j in sorted(graph.nodes[i].inputs, key=lambda j: (graph.nodes[j].kind == "variable", j)):
                visit(j)  # operations first: "w₁ × x + b₁", not "b₁ + w₁ × x"
            order.append(i)

    for i in sorted(members, reverse=True):  # from the row's last operation (ids are topological)
        visit(i)
    return order


def _edge_path(source: _Box, target: _Box, rows: bool, adjacent: bool) -> tuple[str, float, float]:
    """SVG path of one edge and where its label goes."""
    if rows and abs(source.cy - target.cy) < 1:
        if adjacent:
            x1, x2, y = source.x + source.w, target.x, source.cy
            return f"M{x1:.1f},{y:.1f} L{x2:.1f},{y:.1f}", (x1 + x2) / 2, y - 5
        # A skip along the row arcs over the box between.
        x1, x2, y = source.x + 0.7 * source.w, target.x + 0.3 * target.w, source.y
        lift = min(0.4 * source.h + 0.03 * abs(x2 - x1), 0.7 * source.h)
        return (
            f"M{x1:.1f},{y:.1f} Q{(x1 + x2) / 2:.1f},{y - 2 * lift:.1f} {x2:.1f},{y:.1f}",
            (x1 + x2) / 2,
            y - lift - 4,
        )
    if rows:  # down to a later row
        x1, y1, x2, y2 = source.cx, source.y + source.h, target.cx, target.y
        mid = (y1 + y2) / 2
        return (f"M{x1:.1f},{y1:.1f} C{x1:.1f},{mid:.1f} {x2:.1f},{mid:.1f} {x2:.1f},{y2:.1f}", (x1 + x2) / 2, mid - 4)
    x1, y1, x2, y2 = source.x + source.w, source.cy, target.x, target.cy
    mid = (x1 + x2) / 2
    return (f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}", mid, (y1 + y2) / 2 - 5)


def _text(x: float, y: float, parts: tuple[str, str], font: float, colour: str, italic: bool = False) -> str:
    bold, plain = (html.escape(p) for p in parts)
    spans = []
    if bold:
        spans.append(f'<tspan font-weight="bold">{bold}</tspan>')
    if plain:
        style = ' font-style="italic"' if italic else ""
        fill = f' fill="{_SECONDARY_TEXT}"' if bold else ""
        spans.append(f"<tspan{style}{fill}>{'  ' if bold else ''}{plain}</tspan>")
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{font}" text-anchor="middle" fill="{colour}" '
        f'xml:space="preserve">{"".join(spans)}</text>'
    )


def graph_svg(
    graph: Graph, step: int = 0, theme: Theme = NORMAL, view: View | None = None, alt: str = "The computational graph"
) -> str:
    """SVG of `graph` after `step` backward steps (0: forward pass only).

    Boxes show their operation, forward value and gradient ("not yet
    computed" until the backward pass reaches them); edges show the local
    derivative ∂node/∂input. The node being finalised at `step` and the
    edges its gradient arrives along are drawn thick, in vermillion. The
    positions depend on the graph and the theme only, never on `step`.
    """
    view = view or expression_view(graph)
    adjoints, current = _state(graph, step)
    font = round(14 * theme.body_scale, 1)
    boxes = _layout(graph, view, font)
    rows = bool(view.rows)
    neighbours = set()
    if rows:
        for r in set(view.rows.values()):
            members = [i for i in boxes if view.rows[i] == r]
            neighbours |= set(itertools.pairwise(members))
    parts, labels = [], []
    for edge in graph.edges:
        if edge.source not in boxes:
            continue
        hot = current is not None and edge.source == current
        path, lx, ly = _edge_path(
            boxes[edge.source], boxes[edge.target], rows, (edge.source, edge.target) in neighbours
        )
        colour, width, marker = (_HIGHLIGHT, 3.5, "hot") if hot else (_EDGE, 1.3, "cold")
        parts.append(
            f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{width}" marker-end="url(#bp-{marker})"/>'
        )
        weight = ' font-weight="bold"' if hot else ""
        labels.append(
            f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="{font}" text-anchor="middle" fill="{colour}"{weight} '
            f'paint-order="stroke" stroke="#ffffff" stroke-width="4">{html.escape(short(edge.local))}</text>'
        )
    for i, box in boxes.items():
        node = graph.nodes[i]
        fill = _CURRENT_FILL if i == current else _FILL[node.kind]
        stroke, width = (_HIGHLIGHT, 4) if i == current else (_OUTLINE, 1.2)
        if i == graph.output.id:  # the output: a double outline
            parts.append(
                f'<rect x="{box.x - 4:.1f}" y="{box.y - 4:.1f}" width="{box.w + 8:.1f}" '
                f'height="{box.h + 8:.1f}" rx="12" fill="none" stroke="{_OUTLINE}" stroke-width="1.2"/>'
            )
        parts.append(
            f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{box.w:.1f}" height="{box.h:.1f}" rx="9" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>'
        )
        head, value, gradient = _lines(graph, node, view, adjoints[i])
        top = box.y + _PAD * font + font
        parts.append(_text(box.cx, top, head, font, "#111111"))
        parts.append(_text(box.cx, top + _LINE * font, value, font, "#111111"))
        done = adjoints[i] is not None
        parts.append(
            _text(
                box.cx, top + 2 * _LINE * font, gradient, font, _DONE_TEXT if done else _PENDING_TEXT, italic=not done
            )
        )
    if rows:  # the row labels, above each row
        for r in sorted({view.rows[i] for i in boxes}):
            top = min(box.y for i, box in boxes.items() if view.rows[i] == r)
            parts.append(
                f'<text x="0" y="{top - 0.9 * font:.1f}" font-size="{font * 0.9:.1f}" fill="{_SECONDARY_TEXT}" '
                f'font-weight="bold">{html.escape(view.row_labels[r])}</text>'
            )
    margin = 6
    left = min(b.x for b in boxes.values()) - margin
    top = min(b.y for b in boxes.values()) - (3.4 * font if rows else 2 * font) - margin
    right = max(b.x + b.w for b in boxes.values()) + margin + 4
    bottom = max(b.y + b.h for b in boxes.values()) + margin + 4
    w, h = right - left, bottom - top
    arrows = "".join(
        f'<marker id="bp-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="{size}" markerHeight="{size}" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
        for name, colour, size in (("cold", _EDGE, 7), ("hot", _HIGHLIGHT, 4.5))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {top:.1f} {w:.1f} {h:.1f}" role="img" '
        f'aria-label="{html.escape(alt)}" style="width: 100%; max-width: {w * _MAX_GROWTH:.0f}px; height: auto; '
        f'font-family: inherit;"><title>{html.escape(alt)}</title><defs>{arrows}</defs>'
        + "".join(parts)
        + "".join(labels)
        + "</svg>"
    )


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
