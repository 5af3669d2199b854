"""Tests of core.chain_rule against independent oracles.

The oracle for every gradient is sympy's exact derivative (sympy.diff),
evaluated at the exact binary value of the point with 40 significant digits;
backprop itself never calls sympy.diff (test_backprop_never_asks_sympy).
"""

import pickle
import warnings

import numpy as np
import pytest
import sympy

from core.chain_rule import backprop, chain_rule, gradient_flow, network
from core.numeric import DTYPES, finfo

x, y, u = (sympy.Symbol(name, real=True) for name in ("x", "y", "u"))

# Tolerances, relative, in units of each precision's machine epsilon. float64
# is held against the exact derivative; the others against float64 backprop.
ULPS = 8
RTOL = {name: ULPS * float(finfo(name).eps) for name in DTYPES}

# Expressions with shared subexpressions, and every function backprop knows.
CASES = [
    ((x * y + sympy.sin(x)) ** 2, (0.7, -1.3)),  # x read twice
    (sympy.exp(x * y) + sympy.log(x * y) * sympy.cos(x * y), (0.9, 1.7)),  # x*y read 3 times
    (sympy.tan(x) / (1 + sympy.tan(x) ** 2) + sympy.tan(x) * y, (0.4, 2.5)),
    (sympy.asin(x / 2) + sympy.acos(x * y / 3) + sympy.atan(x - y), (0.6, -1.1)),
    (sympy.sinh(x) * sympy.cosh(y) + sympy.tanh(x * y), (0.8, 0.3)),
    (sympy.sqrt(x**2 + y**2) + x / y, (1.5, -2.25)),  # sqrt is Pow(., 1/2)
    (sympy.Abs(x + y) * sympy.sign(y) + sympy.Heaviside(x) * x**3, (0.35, -0.8)),
    (sympy.Max(0, x * y + 1) + sympy.Min(x, y) ** 2, (1.2, 0.6)),  # ReLU and min
    (x**y + 2**x, (1.3, 0.7)),  # variable exponents
    (1 / (1 + sympy.exp(-x * y)) * x * y, (0.5, -1.5)),  # sigmoid(xy)·xy
    (sympy.log(x) / sympy.log(10) + sympy.pi * x * y, (3.5, 0.25)),  # constant subtrees
    (sympy.exp(sympy.sin(x)) * sympy.sin(x) + sympy.cos(sympy.sin(x)) * y, (2.1, 0.4)),
]
IDS = [sympy.sstr(expr) for expr, _ in CASES]


def exact(expr, point):
    """sympy's value and gradient of `expr` at the exact binary `point`."""
    at = {s: sympy.Rational(v) for s, v in zip((x, y), point)}
    value = float(expr.xreplace(at).evalf(40))
    return value, np.array([float(sympy.diff(expr, s).xreplace(at).evalf(40)) for s in (x, y)])


# --- the chain rule -------------------------------------------------------------------


def test_course_example():
    # course text 003_60e70961f102b1f1.txt: "$\frac{d}{dx}(2x + 3)^2 = 2(2x + 3) \cdot 2 = 4(2x + 3)$",
    # from f(x) = (2x + 3)², g(x) = 2x + 3, f'(g(x)) = 2g(x), g'(x) = 2.
    steps = chain_rule(u**2, 2 * x + 3)
    assert steps.inner == 2 * x + 3
    assert steps.outer_derivative == 2 * u
    assert sympy.latex(steps.outer_at_inner) == r"2 \left(2 x + 3\right)"
    assert steps.inner_derivative == 2
    assert sympy.expand(steps.product) == 8 * x + 12
    assert steps.composition == (2 * x + 3) ** 2
    assert str(sympy.factor(steps.direct)) == "4*(2*x + 3)"
    assert steps.agrees is True
    assert steps.latex_steps()[-1][1] == r"2 \left(2 x + 3\right) \cdot 2 = 4 \left(2 x + 3\right)"


@pytest.mark.parametrize(
    "outer, inner",
    [
        (sympy.sin(u), x**2),
        (sympy.exp(u) * u, sympy.log(x)),
        (1 / (1 + sympy.exp(-u)), 3 * x - 1),
        (sympy.sqrt(u), x**2 + 1),
    ],
)
def test_chain_rule_product_is_the_derivative(outer, inner):
    steps = chain_rule(outer, inner)
    assert steps.agrees
    assert sympy.simplify(steps.product - sympy.diff(outer.subs(u, inner), x)) == 0


def test_chain_rule_steps_survive_the_worker_process():
    # The app differentiates student input in core.limits' worker, which pickles
    # the result; sympy evaluates on unpickling, and 2(2x + 3) must not come back
    # as 4x + 6 (course text 003_60e70961f102b1f1.txt: "$f’(g(x)) = 2g(x)$, $g’(x) = 2$").
    from core.limits import run_bounded

    steps = run_bounded(chain_rule, u**2, 2 * x + 3, timeout=30)
    assert sympy.latex(steps.outer_at_inner) == r"2 \left(2 x + 3\right)"
    assert steps.latex_steps() == chain_rule(u**2, 2 * x + 3).latex_steps()
    assert pickle.loads(pickle.dumps(steps)) == steps


def test_chain_rule_rejects_a_second_variable():
    with pytest.raises(ValueError, match="also uses x"):
        chain_rule(u * x, 2 * x)


# --- backprop against sympy ---------------------------------------------------------------


@pytest.mark.parametrize("expr, point", CASES, ids=IDS)
def test_backprop_matches_sympy_exactly_in_float64(expr, point):
    graph = backprop(expr, ["x", "y"], point)
    value, gradient = exact(expr, point)
    np.testing.assert_allclose(
        float(graph.value), value, rtol=RTOL["float64"], atol=0, err_msg=f"forward value of {expr} at {point}"
    )
    np.testing.assert_allclose(
        graph.gradient, gradient, rtol=RTOL["float64"], atol=0, err_msg=f"gradient of {expr} at {point}"
    )


@pytest.mark.parametrize("dtype", ["float32", "float16", "bfloat16"])
@pytest.mark.parametrize("expr, point", CASES, ids=IDS)
def test_backprop_in_lower_precision(expr, point, dtype):
    reference = backprop(expr, ["x", "y"], point).gradient
    graph = backprop(expr, ["x", "y"], point, dtype)
    target = DTYPES[dtype]
    assert graph.gradient.dtype == target
    for node in graph.nodes:
        assert node.value.dtype == target and node.grad.dtype == target, (node.op, dtype)
    for edge in graph.edges:
        assert edge.local.dtype == target and edge.contribution.dtype == target, (edge, dtype)
    np.testing.assert_allclose(
        graph.gradient.astype(float),
        reference,
        rtol=RTOL[dtype],
        atol=0,
        err_msg=f"gradient of {expr} at {point} in {dtype}",
    )


def test_float32_is_not_float64_in_disguise():
    # 0.1 is not a float32: a float32 graph must carry float32(0.1), not 0.1.
    graph = backprop(x * x, ["x"], [0.1], "float32")
    assert graph.nodes[0].value == np.float32(0.1)
    assert float(graph.nodes[0].value) != 0.1
    assert graph.gradient[0] == np.float32(0.1) + np.float32(0.1)


@pytest.mark.parametrize("expr, point", CASES, ids=IDS)
def test_nodes_are_topological_and_distinct(expr, point):
    graph = backprop(expr, ["x", "y"], point)
    assert [n.id for n in graph.nodes] == list(range(len(graph.nodes)))
    assert all(i < n.id for n in graph.nodes for i in n.inputs)
    assert len({n.expr for n in graph.nodes}) == len(graph.nodes)
    assert graph.output.expr == expr and graph.output.grad == 1


def test_graph_of_a_small_example_by_hand():
    # (x*y + sin(x))², x shared. Inputs first, sympy's argument order:
    #   0 x   1 y   2 × (x, y)   3 sin (x)   4 + (×, sin)   5 ^2 (+)
    # 6 nodes, not 7: x is one node with two edges out. At x = 0.7, y = -1.3,
    # with s = xy + sin x: d/ds = 2s, and x gets 2s·y (through ×) plus
    # 2s·cos x (through sin).
    graph = backprop((x * y + sympy.sin(x)) ** 2, ["x", "y"], {"x": 0.7, "y": -1.3})
    assert [n.op for n in graph.nodes] == ["x", "y", "×", "sin", "+", "^2"]
    assert [n.inputs for n in graph.nodes] == [(), (), (0, 1), (0,), (2, 3), (4,)]
    assert [n.kind for n in graph.nodes] == ["variable"] * 2 + ["operation"] * 4
    assert [(e.source, e.target) for e in graph.edges] == [(0, 2), (1, 2), (0, 3), (2, 4), (3, 4), (4, 5)]
    s = 0.7 * -1.3 + np.sin(0.7)
    assert graph.nodes[4].grad == pytest.approx(2 * s, rel=RTOL["float64"])
    into_x = [e.contribution for e in graph.edges if e.source == 0]
    assert into_x == pytest.approx([2 * s * -1.3, 2 * s * np.cos(0.7)], rel=RTOL["float64"])
    assert graph.nodes[0].grad == sum(into_x)


def test_shared_subexpression_is_one_node():
    expr = sympy.exp(x * y) + sympy.log(x * y) * sympy.cos(x * y)
    graph = backprop(expr, ["x", "y"], (0.9, 1.7))
    (product,) = [n for n in graph.nodes if n.op == "×" and n.expr == x * y]
    readers = [n.op for n in graph.nodes if product.id in n.inputs]
    assert sorted(readers) == ["cos", "exp", "log"]


def test_backprop_never_asks_sympy(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("backprop must differentiate by its own rules")

    monkeypatch.setattr(sympy, "diff", forbidden)
    monkeypatch.setattr(sympy.Expr, "diff", forbidden)
    monkeypatch.setattr(sympy.Derivative, "__new__", staticmethod(forbidden))
    for expr, point in CASES:
        backprop(expr, ["x", "y"], point)


def test_relu_at_its_kink_follows_sympy():
    # sympy: d/dx Max(0, x) = Heaviside(x), and Heaviside(0) = 1/2.
    assert sympy.diff(sympy.Max(0, x), x).subs(x, 0) == sympy.S.Half
    assert backprop(sympy.Max(0, x), ["x"], [0.0]).gradient[0] == 0.5
    assert backprop(sympy.Max(0, x), ["x"], [-2.0]).gradient[0] == 0.0


def test_heaviside_at_zero_is_its_second_argument():
    # sympy: Heaviside(0) = 1/2 unless given, as in Heaviside(x, 1).
    for expr in (sympy.Heaviside(x), sympy.Heaviside(x, 1)):
        assert float(backprop(expr, ["x"], [0.0]).value) == float(expr.subs(x, 0))
    assert float(backprop(sympy.Heaviside(x), ["x"], [0.0]).value) == 0.5


def test_nan_is_a_result_not_an_error():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        graph = backprop(sympy.log(x) * x + sympy.sqrt(y), ["x", "y"], {"x": -1.0, "y": 4.0})
    assert np.isnan(float(graph.value))
    assert np.isnan(graph.gradient[0])
    assert graph.gradient[1] == 0.25  # sqrt(y) is still fine: 1 / (2·2)


def test_gradient_follows_the_order_of_variables_and_zero_for_unused():
    graph = backprop(x**2 * y, ["y", "z", "x"], {"x": 3.0, "y": 2.0})
    np.testing.assert_array_equal(graph.gradient, [9.0, 0.0, 12.0])


def test_bad_input_is_refused_plainly():
    with pytest.raises(ValueError, match="no value for y"):
        backprop(x * y, ["x"], {"x": 1.0})
    with pytest.raises(ValueError, match="unknown precision"):
        backprop(x, ["x"], [1.0], "float8")
    with pytest.raises(ValueError, match="no derivative rule for floor"):
        backprop(sympy.floor(x), ["x"], [1.5])


# --- the backward pass, one step at a time ---------------------------------------------------


def test_adjoints_after_each_step():
    graph = backprop((x * y + sympy.sin(x)) ** 2, ["x", "y"], (0.7, -1.3))
    n = len(graph.nodes)
    assert graph.steps == n
    assert graph.adjoints_after(0) == (None,) * n
    assert graph.adjoints_after(1) == (None,) * (n - 1) + (1.0,)  # the seed
    assert graph.adjoints_after(n) == tuple(node.grad for node in graph.nodes)
    for k in range(n + 1):
        known = {i for i, a in enumerate(graph.adjoints_after(k)) if a is not None}
        assert known == set(graph.backward[:k])
        # A node is final only once every node reading it is.
        assert all({r.id for r in graph.nodes if i in r.inputs} <= known for i in known)
    with pytest.raises(ValueError):
        graph.adjoints_after(n + 1)


# --- networks ---------------------------------------------------------------------------------

ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: max(z, 0.0),
}


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("depth", [1, 3, 6])
def test_network_gradient_for_every_weight(depth, activation):
    net = network(depth, activation)
    assert net.parameters == tuple(f"{p}{i}" for i in range(1, depth + 1) for p in "wb")
    assert {s.name for s in net.expr.free_symbols} == set(net.parameters) == set(net.point)
    graph = backprop(net.expr, net.parameters, net.point)
    # Forward: the network run by hand in numpy.
    a = 0.5
    for i in range(1, depth + 1):
        a = ACTIVATIONS[activation](net.point[f"w{i}"] * a + net.point[f"b{i}"])
    assert float(graph.value) == pytest.approx((a - 1.0) ** 2, rel=RTOL["float64"])
    # Backward: sympy's exact gradient.
    at = {sympy.Symbol(k, real=True): sympy.Rational(v) for k, v in net.point.items()}
    expected = [float(sympy.diff(net.expr, sympy.Symbol(p, real=True)).xreplace(at).evalf(40)) for p in net.parameters]
    np.testing.assert_allclose(
        graph.gradient, expected, rtol=RTOL["float64"], atol=0, err_msg=f"{activation} network of depth {depth}"
    )


def test_network_with_a_symbolic_input():
    net = network(2, "tanh", x=0.25, symbolic_input=True)
    assert net.point["x"] == 0.25
    graph = backprop(net.expr, net.parameters, net.point)
    assert len(graph.gradient) == 4
    assert any(n.op == "x" and n.kind == "variable" and n.grad != 0 for n in graph.nodes)


def test_network_refuses_what_it_cannot_build():
    with pytest.raises(ValueError, match="depth"):
        network(7)
    with pytest.raises(ValueError, match="activation"):
        network(2, "gelu")
    with pytest.raises(ValueError, match="2 weights"):
        network(2, weights=[1.0])


# --- vanishing and exploding gradients -----------------------------------------------------------


def test_sigmoid_derivative_is_at_most_a_quarter():
    z = sympy.Symbol("z", real=True)
    sigmoid = 1 / (1 + sympy.exp(-z))
    slopes = [backprop(sigmoid, ["z"], [v]).gradient[0] for v in np.linspace(-6, 6, 241)]
    assert max(slopes) == 0.25  # at z = 0: σ(0)(1 - σ(0)) = 1/2 · 1/2


def test_sigmoid_bound_through_n_layers():
    # Each factor w·σ'(z) is at most 0.25·|w| ≤ 0.25, so after n factors ≤ 0.25ⁿ.
    frame = gradient_flow(50, ["sigmoid"], [0.1, 0.5, 1.0, -1.0])
    assert len(frame) == 50 * 4
    bound = 0.25 ** frame["factors"].to_numpy()
    assert (frame["gradient"].to_numpy() <= bound * (1 + RTOL["float64"])).all()
    assert (frame["gradient"] > 0).all()  # small, but it has not underflowed


def test_relu_gradient_is_the_weight_to_the_power_of_layers():
    # ReLU passes positive inputs with slope 1, so n layers multiply w n times.
    frame = gradient_flow(40, ["relu"], [0.5, 2.0])
    expected = frame["weight_scale"] ** frame["factors"]
    np.testing.assert_array_equal(frame["gradient"], expected)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_gradient_flow_agrees_with_backprop(activation):
    # The chain as a sympy expression; the node for a_(k-1) holds d a_L / d a_(k-1).
    # w stays a symbol: with a number sympy would see that 1.5·Max(0, z) ≥ 0 and
    # drop the next Max(0, ·), and the ReLU layers with it.
    weight, depth = 1.5, 5
    w = sympy.Symbol("w", real=True)
    act = {"sigmoid": lambda z: 1 / (1 + sympy.exp(-z)), "tanh": sympy.tanh, "relu": lambda z: sympy.Max(0, z)}[
        activation
    ]
    chain = [x]
    for _ in range(depth):
        chain.append(act(w * chain[-1]))
    graph = backprop(chain[-1], ["x"], {"x": 1.0, "w": weight})
    adjoint = {n.expr: float(n.grad) for n in graph.nodes}
    expected = [abs(adjoint[chain[k - 1]]) for k in range(1, depth + 1)]
    frame = gradient_flow(depth, [activation], [weight])
    assert list(frame["layer"]) == list(range(1, depth + 1))
    np.testing.assert_allclose(frame["gradient"], expected, rtol=RTOL["float64"])


def test_gradient_flow_is_tidy():
    frame = gradient_flow(10)
    assert list(frame.columns) == ["layer", "factors", "activation", "weight_scale", "gradient"]
    assert len(frame) == 10 * 3 * 3
    assert (frame["layer"] + frame["factors"] == 11).all()
    with pytest.raises(ValueError, match="1 to 50"):
        gradient_flow(51)
