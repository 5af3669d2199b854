"""The chain rule, and backpropagation: the chain rule run backward over a graph.

For a composition f(g(x)) the chain rule says d/dx f(g(x)) = f'(g(x)) · g'(x).
A network is a long composition, Layer 1 → Layer 2 → ... → Loss, so the
gradient for an early weight is a product of local derivatives along the chain
back from the loss.

Reverse-mode differentiation (backpropagation) computes all of them at once:

1. forward pass: evaluate every node of the computational graph, inputs first,
   and the local derivative ∂node/∂input of every edge;
2. backward pass: seed the output's adjoint with 1, then visit the nodes in
   reverse topological order; each node's adjoint (d output / d node) is now
   final, and it sends adjoint × local derivative to each of its inputs.

The graph is the sympy expression tree with equal subexpressions merged into
one node (sympy trees are hashable by structure), so a variable used twice
receives the sum of the gradients of both paths. Every operation has its own
local rule below; sympy's ``diff`` is never consulted, which is what lets the
tests hold backprop against sympy's exact derivative as an independent oracle.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import sympy

from core.expressions import symbol
from core.numeric import DTYPES, as_dtype, fold_constant

if TYPE_CHECKING:
    # Imported where a table is built: the symbolic worker (core.limits) imports
    # this module but never builds one, and pandas with pyarrow would add ~100 MB to it.
    import pandas as pd

__all__ = [
    "ChainRule",
    "chain_rule",
    "Node",
    "Edge",
    "Graph",
    "backprop",
    "ACTIVATIONS",
    "MAX_DEPTH",
    "Network",
    "network",
    "gradient_flow",
    "MAX_LAYERS",
]


# --- the chain rule for one composition -----------------------------------------


@dataclass(frozen=True)
class ChainRule:
    """d/dx f(g(x)) = f'(g(x)) · g'(x), every piece as a sympy expression.

    `outer_at_inner` and `product` are kept unevaluated, as a student writes
    them (2(2x + 3) · 2, not 8x + 12); `direct` is sympy's own derivative of
    the composition and `agrees` says whether the two are equal.
    """

    outer: sympy.Expr  # f(u)
    inner: sympy.Expr  # g(x)
    outer_derivative: sympy.Expr  # f'(u)
    outer_at_inner: sympy.Expr  # f'(g(x))
    inner_derivative: sympy.Expr  # g'(x)
    product: sympy.Expr  # f'(g(x)) · g'(x)
    composition: sympy.Expr  # f(g(x))
    direct: sympy.Expr  # sympy.diff(f(g(x)), x)
    agrees: bool

    def __reduce__(self):
        # Unpickling rebuilds a sympy expression from its arguments, which
        # evaluates it: 2(2x + 3) would come back from the worker process
        # (core.limits.run_bounded) as 4x + 6. Send the two unevaluated
        # pieces as trees and rebuild them unevaluated.
        values = [getattr(self, name) for name in self.__dataclass_fields__]
        for i, name in enumerate(self.__dataclass_fields__):
            if name in ("outer_at_inner", "product"):
                values[i] = _Tree.of(values[i])
        return (_chain_rule_from_pickle, tuple(values))

    def latex_steps(self) -> list[tuple[str, str]]:
        """(name, LaTeX) lines of the derivation, for the page to typeset."""
        latex = sympy.latex
        return [
            ("g(x)", latex(self.inner)),
            ("f'(u)", latex(self.outer_derivative)),
            ("f'(g(x))", latex(self.outer_at_inner)),
            ("g'(x)", latex(self.inner_derivative)),
            (
                "f'(g(x)) · g'(x)",
                rf"{_wrapped(self.outer_at_inner)} \cdot {_wrapped(self.inner_derivative)}"
                rf" = {latex(sympy.factor(self.direct))}",
            ),
        ]


@dataclass(frozen=True)
class _Tree:
    """A sympy expression as nested (function, arguments), to rebuild it unevaluated."""

    func: type
    args: tuple

    @classmethod
    def of(cls, expr: sympy.Basic):
        return expr if expr.is_Atom else cls(expr.func, tuple(cls.of(a) for a in expr.args))

    def build(self) -> sympy.Basic:
        args = [a.build() if isinstance(a, _Tree) else a for a in self.args]
        with sympy.evaluate(False):
            return self.func(*args)


def _chain_rule_from_pickle(*values) -> ChainRule:
    return ChainRule(*(v.build() if isinstance(v, _Tree) else v for v in values))


def _wrapped(expr: sympy.Expr) -> str:
    text = sympy.latex(expr)
    return rf"\left({text}\right)" if expr.is_Add else text


def chain_rule(outer: sympy.Expr, inner: sympy.Expr, outer_variable: str = "u", variable: str = "x") -> ChainRule:
    """The chain-rule steps for f(u) = `outer` composed with u = g(x) = `inner`.

    >>> chain_rule(symbol("u") ** 2, 2 * symbol("x") + 3).product
    (2*(2*x + 3))*2
    """
    u, x = _symbol_in(outer, outer_variable), _symbol_in(inner, variable)
    outer_derivative = sympy.diff(outer, u)
    inner_derivative = sympy.diff(inner, x)
    with sympy.evaluate(False):  # keep f'(g(x)) in the shape the course writes it
        outer_at_inner = outer_derivative.xreplace({u: inner})
    product = sympy.Mul(outer_at_inner, inner_derivative, evaluate=False)
    composition = outer.xreplace({u: inner})
    direct = sympy.diff(composition, x)
    return ChainRule(
        outer=outer,
        inner=inner,
        outer_derivative=outer_derivative,
        outer_at_inner=outer_at_inner,
        inner_derivative=inner_derivative,
        product=product,
        composition=composition,
        direct=direct,
        agrees=sympy.simplify(product - direct) == 0,
    )


def _symbol_in(expr: sympy.Expr, name: str) -> sympy.Symbol:
    """The symbol called `name` in `expr` (any assumptions), else the real one."""
    others = {s.name for s in expr.free_symbols} - {name}
    if others:
        raise ValueError(f"{expr} may only use the variable {name}, but it also uses {', '.join(sorted(others))}")
    return next(iter(expr.free_symbols), symbol(name))


# --- the computational graph ------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One operation (or input) of the graph, with its forward value and adjoint."""

    id: int  # its position in Graph.nodes, which is topological
    op: str  # "+", "×", "^2", "sin", ...; for a leaf its name or number
    kind: str  # "variable", "constant" or "operation"
    inputs: tuple[int, ...]  # ids of the nodes it reads
    value: np.generic
    grad: np.generic  # d output / d this node
    expr: sympy.Expr  # the subexpression this node computes

    @cached_property
    def latex(self) -> str:
        # Typesetting is the slow part of a node; only pay for it when shown.
        return sympy.latex(self.expr)


@dataclass(frozen=True)
class Edge:
    """Input `source` feeds node `target`; `local` is ∂target/∂source at the point."""

    source: int
    target: int
    local: np.generic
    contribution: np.generic  # target's adjoint × local: what flows back along it


@dataclass(frozen=True, eq=False)  # holds an ndarray: compare fields, not graphs
class Graph:
    """The result of `backprop`: nodes inputs-first, edges, and the gradient."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    variables: tuple[str, ...]
    gradient: np.ndarray  # d output / d variable, in `variables` order
    backward: tuple[int, ...]  # node ids in the order the backward pass finalises them
    dtype: np.dtype

    def __repr__(self) -> str:
        return (
            f"Graph({len(self.nodes)} nodes, output {sympy.sstr(self.output.expr)} = "
            f"{self.value}, gradient {self.gradient} in {self.dtype})"
        )

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    @property
    def value(self) -> np.generic:
        return self.output.value

    @property
    def steps(self) -> int:
        """Number of backward steps: one per node."""
        return len(self.backward)

    def adjoints_after(self, k: int) -> tuple[np.generic | None, ...]:
        """Adjoints by node id known after `k` backward steps (None: not yet computed).

        Step 1 seeds the output with 1; step k finalises node backward[k - 1],
        whose adjoint is complete because every node reading it came earlier.
        """
        if not 0 <= k <= self.steps:
            raise ValueError(f"the backward pass has steps 0 to {self.steps}, not {k}")
        known = set(self.backward[:k])
        return tuple(n.grad if n.id in known else None for n in self.nodes)


def backprop(
    expr: sympy.Expr,
    variables: Sequence[str],
    point: Mapping[str, float] | Sequence[float],
    dtype: str = "float64",
) -> Graph:
    """Reverse-mode differentiation of `expr` at `point`, every operation in `dtype`.

    `point` maps each variable name to its value (it may also hold values of
    other free symbols of `expr`, which are then inputs that are not
    differentiated for), or lists values in `variables` order. NaN and inf are
    results, not errors: log of a negative number gives NaN on the graph.
    """
    if dtype not in DTYPES:
        raise ValueError(f"unknown precision {dtype!r}; choose one of {', '.join(DTYPES)}")
    if not isinstance(expr, sympy.Expr):
        raise TypeError(f"backprop needs a sympy expression, not {type(expr).__name__}")
    variables = tuple(variables)
    values = _point_values(variables, point)
    builder = _GraphBuilder(as_dtype(dtype).type, values)
    with np.errstate(all="ignore"):
        builder.visit(expr)
        grads = builder.backward()
    return builder.graph(variables, grads)


def _point_values(variables, point) -> dict[str, float]:
    if not isinstance(point, Mapping):
        point = list(point)
        if len(point) != len(variables):
            raise ValueError(f"{len(point)} values for {len(variables)} variables")
        point = dict(zip(variables, point))
    return {name: float(value) for name, value in point.items()}


class _GraphBuilder:
    """Turns a sympy tree into nodes, evaluating each with its local derivatives."""

    def __init__(self, scalar: Callable[[float], np.generic], values: Mapping[str, float]):
        self.t = scalar
        self.values = values
        self.ids: dict[sympy.Expr, int] = {}
        self.constant: dict[sympy.Expr, bool] = {}
        self.exprs: list[sympy.Expr] = []
        self.ops: list[str] = []
        self.kinds: list[str] = []
        self.inputs: list[tuple[int, ...]] = []
        self.forward: list[np.generic] = []
        self.locals: list[tuple[np.generic, ...]] = []

    def visit(self, expr: sympy.Expr) -> int:
        """The id of `expr`'s node, adding it (after its inputs) if it is new."""
        if expr in self.ids:
            return self.ids[expr]
        if expr.is_Symbol:
            if expr.name not in self.values:
                raise ValueError(f"the point gives no value for {expr.name}")
            node = (expr.name, "variable", (), self.t(self.values[expr.name]), ())
        elif self._is_constant(expr):
            node = (_constant_label(expr), "constant", (), self.t(fold_constant(expr)), ())
        elif (z := _sigmoid_input(expr)) is not None:
            # 1/(1 + exp(-z)) is one layer's activation: one node σ(z), with σ′(z) = σ(z)·(1 − σ(z)),
            # instead of the four operations (−, exp, +1, ^(−1)) sympy writes it with.
            a = self.visit(z)
            value = self.t(1) / (self.t(1) + np.exp(-self.forward[a]))
            node = ("σ", "operation", (a,), value, (value * (self.t(1) - value),))
        elif expr.is_Pow and self._is_constant(expr.exp):
            base = self.visit(expr.base)
            value, local = _power(self.forward[base], expr.exp, self.t)
            node = (_power_label(expr.exp), "operation", (base,), value, (local,))
        elif isinstance(expr, sympy.Heaviside):
            # Heaviside(a, H0): H0 is its value at a = 0, a constant, not an input.
            a = self.visit(expr.args[0])
            at_zero = self.t(fold_constant(expr.args[1]) if len(expr.args) > 1 else 0.5)
            # Flat wherever it is differentiable, as sign is.
            node = ("H", "operation", (a,), np.heaviside(self.forward[a], at_zero), (self.t(0),))
        else:
            rule = _rule_for(expr)
            inputs = tuple(self.visit(arg) for arg in expr.args)
            value, locals_ = rule.apply([self.forward[i] for i in inputs], self.t)
            node = (rule.label, "operation", inputs, value, locals_)
        op, kind, inputs, value, locals_ = node
        self.ids[expr] = len(self.exprs)
        self.exprs.append(expr)
        self.ops.append(op)
        self.kinds.append(kind)
        self.inputs.append(inputs)
        self.forward.append(value)
        self.locals.append(locals_)
        return self.ids[expr]

    def _is_constant(self, expr: sympy.Expr) -> bool:
        """No symbol anywhere below: the subtree is one number, one leaf."""
        if expr not in self.constant:
            if expr.is_Atom:
                self.constant[expr] = not expr.is_Symbol
            else:
                self.constant[expr] = all(self._is_constant(a) for a in expr.args)
        return self.constant[expr]

    def backward(self) -> list[np.generic]:
        grads = [self.t(0)] * len(self.exprs)
        grads[-1] = self.t(1)
        for node in reversed(range(len(self.exprs))):
            for source, local in zip(self.inputs[node], self.locals[node]):
                grads[source] = grads[source] + grads[node] * local
        return grads

    def graph(self, variables: tuple[str, ...], grads: list[np.generic]) -> Graph:
        nodes = tuple(
            Node(i, self.ops[i], self.kinds[i], self.inputs[i], self.forward[i], grads[i], self.exprs[i])
            for i in range(len(self.exprs))
        )
        with np.errstate(all="ignore"):
            edges = tuple(
                Edge(source, target, local, grads[target] * local)
                for target in range(len(nodes))
                for source, local in zip(self.inputs[target], self.locals[target])
            )
        by_name = {n.op: n.grad for n in nodes if n.kind == "variable"}
        dtype = np.dtype(type(self.t(0)))
        gradient = np.array([by_name.get(name, self.t(0)) for name in variables], dtype=dtype)
        backward = tuple(reversed(range(len(nodes))))
        return Graph(nodes, edges, variables, gradient, backward, dtype)


def _sigmoid_input(expr: sympy.Expr) -> sympy.Expr | None:
    """z if `expr` is the logistic sigmoid 1/(1 + exp(-z)) (as the parser builds sigmoid(z)), else None."""
    if not (expr.is_Pow and expr.exp == -1 and expr.base.is_Add and len(expr.base.args) == 2):
        return None
    one, e = sorted(expr.base.args, key=lambda a: not a.is_Number)
    if one != 1 or not isinstance(e, sympy.exp):
        return None
    return -e.args[0]


def _constant_label(expr: sympy.Expr) -> str:
    if expr.is_Float:
        return f"{float(expr):g}"
    return sympy.sstr(expr)


def _power_label(exponent: sympy.Expr) -> str:
    if exponent is sympy.S.Half:
        return "√"
    text = sympy.sstr(exponent)
    return f"^{text}" if exponent.is_Integer and exponent >= 0 else f"^({text})"


# --- local derivative rules, one per operation -----------------------------------
# Each rule gets the input values (numpy scalars of one dtype) and that dtype's
# scalar constructor `t`, and returns (value, (∂value/∂input for each input)).
# Constants go through `t` because a Python float would promote bfloat16.


def _power(a: np.generic, exponent: sympy.Expr, t) -> tuple[np.generic, np.generic]:
    """a**c for a constant c: d/da = c·a**(c-1)."""
    if exponent is sympy.S.Half:
        value = np.sqrt(a)
        return value, t(0.5) / value
    c = t(fold_constant(exponent))
    return np.power(a, c), c * np.power(a, c - t(1))


def _add(args, t):
    return _reduce(operator.add, args), (t(1),) * len(args)


def _mul(args, t):
    # The product of the others, not value / a_i: an input may be 0.
    others = tuple(_reduce(operator.mul, args[:i] + args[i + 1 :]) for i in range(len(args)))
    return _reduce(operator.mul, args), others


def _pow(args, t):
    """a**b with b not constant: d/da = b·a**(b-1), d/db = a**b·log(a)."""
    a, b = args
    value = np.power(a, b)
    return value, (b * np.power(a, b - t(1)), value * np.log(a))


def _max(args, t):
    """d/da_i = H(a_i - max of the others), with H(0) = 1/2 as sympy's Heaviside.

    For ReLU = max(0, z) that is 1 for z > 0, 0 for z < 0 and 1/2 at z = 0,
    as sympy's derivative and PyTorch's torch.maximum; torch.relu uses 0 there.
    """
    others = [_reduce(np.maximum, args[:i] + args[i + 1 :]) for i in range(len(args))]
    return _reduce(np.maximum, args), tuple(np.heaviside(a - o, t(0.5)) for a, o in zip(args, others))


def _min(args, t):
    others = [_reduce(np.minimum, args[:i] + args[i + 1 :]) for i in range(len(args))]
    return _reduce(np.minimum, args), tuple(np.heaviside(o - a, t(0.5)) for a, o in zip(args, others))


def _reduce(ufunc, values):
    result = values[0]
    for v in values[1:]:
        result = ufunc(result, v)
    return result


# Functions of one argument: (label, forward, derivative(a, value, t)).
_UNARY: dict[type, tuple[str, Callable, Callable]] = {
    sympy.exp: ("exp", np.exp, lambda a, v, t: v),
    sympy.log: ("log", np.log, lambda a, v, t: t(1) / a),
    sympy.sin: ("sin", np.sin, lambda a, v, t: np.cos(a)),
    sympy.cos: ("cos", np.cos, lambda a, v, t: -np.sin(a)),
    sympy.tan: ("tan", np.tan, lambda a, v, t: t(1) + v * v),
    sympy.asin: ("asin", np.arcsin, lambda a, v, t: t(1) / np.sqrt(t(1) - a * a)),
    sympy.acos: ("acos", np.arccos, lambda a, v, t: -t(1) / np.sqrt(t(1) - a * a)),
    sympy.atan: ("atan", np.arctan, lambda a, v, t: t(1) / (t(1) + a * a)),
    sympy.sinh: ("sinh", np.sinh, lambda a, v, t: np.cosh(a)),
    sympy.cosh: ("cosh", np.cosh, lambda a, v, t: np.sinh(a)),
    sympy.tanh: ("tanh", np.tanh, lambda a, v, t: t(1) - v * v),
    sympy.Abs: ("abs", np.abs, lambda a, v, t: np.sign(a)),
    # Flat wherever it is differentiable (PyTorch's rule too).
    sympy.sign: ("sign", np.sign, lambda a, v, t: t(0)),
}


@dataclass(frozen=True)
class _Rule:
    label: str
    apply: Callable  # (input values, t) -> (value, local derivatives)


def _unary(label: str, forward: Callable, derivative: Callable) -> _Rule:
    def apply(args, t):
        (a,) = args
        value = forward(a)
        return value, (derivative(a, value, t),)

    return _Rule(label, apply)


_RULES: dict[type, _Rule] = {
    sympy.Add: _Rule("+", _add),
    sympy.Mul: _Rule("×", _mul),
    sympy.Pow: _Rule("^", _pow),
    sympy.Max: _Rule("max", _max),
    sympy.Min: _Rule("min", _min),
    **{func: _unary(*rule) for func, rule in _UNARY.items()},
}


def _rule_for(expr: sympy.Expr) -> _Rule:
    rule = _RULES.get(type(expr))
    if rule is None:
        raise ValueError(f"backprop has no derivative rule for {type(expr).__name__}")
    return rule


# --- small networks as expressions ---------------------------------------------------

#: Activation functions, as sympy builds them (sigmoid and ReLU as the parser does).
ACTIVATIONS: dict[str, Callable[[sympy.Expr], sympy.Expr]] = {
    "sigmoid": lambda z: 1 / (1 + sympy.exp(-z)),
    "tanh": sympy.tanh,
    "relu": lambda z: sympy.Max(0, z),
}

# Default parameters: every ReLU pre-activation stays positive from x = 0.5,
# so no layer of the default network is dead.
_WEIGHTS = (0.8, 1.3, -0.6, 1.1, 0.9, -1.4)
_BIASES = (0.2, -0.4, 0.9, -0.3, 0.1, 1.2)
MAX_DEPTH = len(_WEIGHTS)


@dataclass(frozen=True)
class Network:
    """A chain of layers a_i = act(w_i·a_(i-1) + b_i) and its loss (a_L - target)²."""

    expr: sympy.Expr  # the loss, a function of the parameters
    layers: tuple[sympy.Expr, ...]  # a_1 ... a_L
    parameters: tuple[str, ...]  # "w1", "b1", "w2", "b2", ...
    point: dict[str, float]  # value of every parameter (and of x if it is a symbol)
    activation: str
    target: float


def network(
    depth: int = 2,
    activation: str = "sigmoid",
    *,
    x: float = 0.5,
    target: float = 1.0,
    weights: Sequence[float] | None = None,
    biases: Sequence[float] | None = None,
    symbolic_input: bool = False,
) -> Network:
    """A network of `depth` one-neuron layers as a sympy expression of its weights.

    With `symbolic_input` the input is the symbol x (its value in `point`),
    otherwise the number `x` is written into the expression.
    ``backprop(net.expr, net.parameters, net.point)`` is then the gradient
    for every weight and bias.
    """
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be 1 to {MAX_DEPTH} layers, not {depth}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    weights = tuple(_WEIGHTS[:depth] if weights is None else weights)
    biases = tuple(_BIASES[:depth] if biases is None else biases)
    if len(weights) != depth or len(biases) != depth:
        raise ValueError(f"{depth} layers need {depth} weights and {depth} biases")
    act = ACTIVATIONS[activation]
    a = symbol("x") if symbolic_input else sympy.Float(x)
    point = {"x": float(x)} if symbolic_input else {}
    layers, parameters = [], []
    for i, (w_value, b_value) in enumerate(zip(weights, biases), start=1):
        w, b = symbol(f"w{i}"), symbol(f"b{i}")
        a = act(w * a + b)
        layers.append(a)
        parameters += [w.name, b.name]
        point[w.name], point[b.name] = float(w_value), float(b_value)
    loss = (a - sympy.Float(target)) ** 2
    return Network(loss, tuple(layers), tuple(parameters), point, activation, float(target))


# --- vanishing and exploding gradients ------------------------------------------------

# Each activation as (f, f') on numpy arrays.
_ACTIVATION_NUMPY: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z, a: a * (1 - a)),
    "tanh": (np.tanh, lambda z, a: 1 - a * a),
    # 0 at z = 0 as torch.relu, so a dead layer stays dead (backprop's Max uses 1/2).
    "relu": (lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float)),
}
MAX_LAYERS = 50


def gradient_flow(
    layers: int = 30,
    activations: Sequence[str] = ("sigmoid", "tanh", "relu"),
    weight_scales: Sequence[float] = (0.5, 1.0, 2.0),
    *,
    x: float = 1.0,
) -> pd.DataFrame:
    """How much gradient reaches each layer of a chain a_k = act(w·a_(k-1)).

    Every layer has the weight w = weight_scale and a_0 = x. The gradient
    reaching layer k is |d a_L / d a_(k-1)|, the product of the local
    derivatives w·act'(z_j) of layers j = k ... L (`factors` of them), so
    layer 1, farthest from the output, gets the longest product. A sigmoid
    factor is at most 0.25·|w|: with |w| ≤ 1 the gradient shrinks at least
    4-fold per layer.

    Returns a tidy frame: layer, factors, activation, weight_scale, gradient.
    """
    import pandas as pd

    if not 1 <= layers <= MAX_LAYERS:
        raise ValueError(f"layers must be 1 to {MAX_LAYERS}, not {layers}")
    unknown = set(activations) - set(_ACTIVATION_NUMPY)
    if unknown:
        raise ValueError(f"unknown activation {sorted(unknown)[0]!r}; choose from {', '.join(_ACTIVATION_NUMPY)}")
    w = np.asarray(weight_scales, dtype=float)
    frames = []
    with np.errstate(all="ignore"):
        for name in activations:
            f, df = _ACTIVATION_NUMPY[name]
            a = np.full_like(w, x)
            local = np.empty((layers, w.size))
            for k in range(layers):  # the forward pass is sequential; scales are not
                z = w * a
                a = f(z)
                local[k] = w * df(z, a)
            reaching = np.abs(np.cumprod(local[::-1], axis=0)[::-1])
            frames.append(
                pd.DataFrame(
                    {
                        "layer": np.repeat(np.arange(1, layers + 1), w.size),
                        "factors": np.repeat(np.arange(layers, 0, -1), w.size),
                        "activation": name,
                        "weight_scale": np.tile(w, layers),
                        "gradient": reaching.ravel(),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)
