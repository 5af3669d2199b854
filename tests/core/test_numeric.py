"""Dtype-exact evaluation: "in float32" means every operation rounds to float32."""

import math

import ml_dtypes
import numpy as np
import pytest
import sympy

from core.expressions import parse_expression
from core.numeric import DTYPES, exact_decimal, finfo, lambdify, to_bits, ulp

EXPRESSIONS = [
    "x^2",
    "sqrt(2)*x",
    "6",
    "pi + exp(-x^2)",
    "relu(x) + abs(x)",
    "sigmoid(x)",
    "log(1 + exp(x))",
    "tanh(x)/3",
    "x^(1/3)",
    "sin(x)cos(x)",
    "1/x",
    "sign(x)",
    "2^0.5 * x^-2",
    "E^x",
    "atan(x) - asinh_free(x)",
]
EXPRESSIONS[-1] = "atan(x) - sinh(x)/7"


@pytest.mark.parametrize("dtype", list(DTYPES))
@pytest.mark.parametrize("text", EXPRESSIONS)
def test_output_dtype_and_shape_equal_the_inputs(text, dtype):
    f = lambdify(parse_expression(text), ["x"], dtype)
    values = np.array([[0.5, 1.5, 2.0], [3.0, 4.0, 5.0]], dtype=DTYPES[dtype])
    result = f(values)
    assert result.dtype == DTYPES[dtype], f"{text} in {dtype} came back as {result.dtype}"
    assert result.shape == values.shape


def test_a_constant_derivative_is_still_an_array():
    # diff(6*x) is 6, and it must still return an array of the input's shape.
    f = lambdify(sympy.diff(parse_expression("6*x")), ["x"], "float32")
    result = f(np.zeros(4, dtype=np.float32))
    assert result.dtype == np.float32 and result.tolist() == [6.0] * 4


def test_constants_are_rounded_to_the_precision_not_promoted():
    # The NEP 50 trap (ARCHITECTURE.md): sqrt(2)*x must multiply by float32(sqrt 2)
    # in float32, not by a float64 constant and round once at the end.
    xs = np.linspace(1, 2, 10_001, dtype=np.float32)
    f = lambdify(parse_expression("sqrt(2)*x"), ["x"], "float32")
    assert np.array_equal(f(xs), np.float32(math.sqrt(2)) * xs)
    double_rounded = (math.sqrt(2) * xs.astype(np.float64)).astype(np.float32)
    assert not np.array_equal(f(xs), double_rounded), "some products must differ if the work is really float32"


def test_bfloat16_stays_bfloat16_with_float_constants():
    # With ml_dtypes, bfloat16 * Python float silently gives float32.
    f = lambdify(parse_expression("0.1*x + 0.3"), ["x"], "bfloat16")
    values = np.array([1.0, 2.0], dtype=ml_dtypes.bfloat16)
    assert f(values).dtype == ml_dtypes.bfloat16


def test_overflow_is_inf_not_an_error():
    f = lambdify(parse_expression("exp(exp(exp(100)))*x"), ["x"], "float64")
    assert np.isinf(f(np.array([1.0]))).all()
    assert np.isinf(lambdify(parse_expression("exp(x)"), ["x"], "float16")(np.float16(12.0)))  # e^12 > 65504


def test_variables_outside_the_list_are_refused():
    with pytest.raises(ValueError, match="not among the variables"):
        lambdify(parse_expression("x*y", ("x", "y")), ["x"])


# IEEE 754 facts (binary64/32/16 layouts; bfloat16 keeps binary32's 8 exponent bits).
def test_bits_of_three():
    # 3 = 1.1b x 2^1: sign 0, biased exponent 1 + bias, mantissa 1000...
    assert to_bits(3.0, "float64") == ("0", "10000000000", "1" + "0" * 51)
    assert to_bits(3.0, "float32") == ("0", "10000000", "1" + "0" * 22)
    assert to_bits(3.0, "float16") == ("0", "10000", "1" + "0" * 9)
    assert to_bits(3.0, "bfloat16") == ("0", "10000000", "1" + "0" * 6)


@pytest.mark.parametrize(
    ("dtype", "eps"),
    [("float64", 2.0**-52), ("float32", 2.0**-23), ("float16", 2.0**-10), ("bfloat16", 2.0**-7)],
)
def test_machine_epsilon(dtype, eps):
    assert float(finfo(dtype).eps) == eps
    # The spacing of floats at 3 (exponent 1) is 2 * eps.
    assert ulp(3.0, dtype) == 2 * eps


def test_exact_decimal_shows_every_digit():
    # 0.01 is not representable; its float64 value has 59 significant digits.
    assert exact_decimal(0.01) == "0.01000000000000000020816681711721685132943093776702880859375"
    assert exact_decimal(np.float32(3.01)) == "3.0099999904632568359375"


@pytest.mark.parametrize("dtype", list(DTYPES))
def test_piecewise_compiles_in_every_precision(dtype):
    # Huber's loss is piecewise: (1/2)r^2 where |r| < 1, |r| - 1/2 elsewhere (torch.nn.HuberLoss, delta = 1).
    r = sympy.Symbol("r", real=True)
    huber = sympy.Piecewise((r**2 / 2, sympy.Abs(r) < 1), (sympy.Abs(r) - sympy.Rational(1, 2), True))
    values = np.array([-3.0, 0.5, 2.0], dtype=DTYPES[dtype])
    result = lambdify(huber, ["r"], dtype)(values)
    assert result.dtype == DTYPES[dtype]
    assert result.astype(np.float64).tolist() == [2.5, 0.125, 1.5]


def test_unevaluated_products_compile():
    # The chain rule shows 2(2x + 3)·2 unevaluated; its numbers must all be typed constants.
    x = sympy.Symbol("x", real=True)
    shown = sympy.Mul(2, sympy.Pow(2 * x + 3, 1, evaluate=False), 2, evaluate=False)
    for dtype in DTYPES:
        result = lambdify(shown, ["x"], dtype)(np.array([1.0], dtype=DTYPES[dtype]))
        assert result.dtype == DTYPES[dtype] and float(result[0]) == 20.0


@pytest.mark.parametrize("name", ["import", "__class__", "x y", "1x"])
def test_variable_names_must_be_plain_identifiers(name):
    with pytest.raises(ValueError, match="cannot be a variable name"):
        lambdify(sympy.Integer(1), [name])


def test_kinks_compile():
    # d/dx |x| = sign(x) and d/dx sign(x) = 2 DiracDelta(x): zero away from the kink, infinite on it.
    x = sympy.Symbol("x", real=True)
    second = sympy.diff(sympy.Abs(x), x, 2)
    for dtype in DTYPES:
        result = lambdify(second, ["x"], dtype)(np.array([-1.0, 0.0, 2.0], dtype=DTYPES[dtype]))
        assert result.dtype == DTYPES[dtype] and result.astype(float).tolist() == [0.0, math.inf, 0.0]


def test_text_is_never_compiled():
    # User text must go through core.expressions.parse_expression; lambdify refuses strings outright.
    with pytest.raises(TypeError, match="expected a sympy expression"):
        lambdify("__import__('os').system('id')", ["x"])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("x*log(-1)", math.nan),
        ("x + sqrt(-2)*x", math.nan),
        ("x*exp(1000)", math.inf),
        ("-x*exp(1000)", -math.inf),
        ("10^400*x", math.inf),
        ("x/10^400", 0.0),
    ],
)
def test_constants_beyond_the_reals_or_float64_fold_the_ieee_way(text, expected):
    # IEEE 754: an operation with no real result is NaN; a result beyond the largest finite number is ±inf.
    expr = parse_expression(text, ("x",))
    for dtype in DTYPES:
        value = lambdify(expr, ["x"], dtype)(np.asarray([2.0]))
        assert value.dtype == DTYPES[dtype]
        if math.isnan(expected):
            assert np.isnan(value).all(), (text, dtype)
        else:
            assert (value == expected).all(), (text, dtype, value)
