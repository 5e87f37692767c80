"""The safe evaluator: what it accepts, what it refuses and why, and hostile input."""

from __future__ import annotations

import math
import string

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kernels
from kernels.expressions import MAX_LENGTH, ExpressionError, compile_expression

Z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sigmoid(z) * (1 - sigmoid(z))", lambda z: kernels.get("sigmoid").derivative(z)),
        ("sigmoid.derivative(z)", lambda z: kernels.get("sigmoid").derivative(z)),
        ("leaky_relu(z, 0.2)", lambda z: np.where(z > 0, z, 0.2 * z)),
        ("silu(z) - z * sigmoid(z)", lambda z: np.zeros_like(z)),
        ("maximum(z, 0) + minimum(z, 0)", lambda z: z),
        ("exp(log(2)) + sqrt(4) + abs(-1) + pi - e", lambda z: 5 + math.pi - math.e),
        ("erf(z) + erfc(z)", lambda z: np.ones_like(z)),
        ("-z ** 2", lambda z: -(z**2)),
        ("+z / 2", lambda z: z / 2),
        ("tanh.derivative(z)", lambda z: 1 - np.tanh(z) ** 2),
    ],
)
def test_evaluates_like_numpy(text, expected):
    expr = compile_expression(text, variables=("z",))
    np.testing.assert_allclose(expr.evaluate(z=Z), np.broadcast_to(expected(Z), Z.shape))
    np.testing.assert_allclose(expr.evaluate({"z": Z}), expr.evaluate(z=Z))


def test_scalars_names_and_float64():
    expr = compile_expression("x * y + 1", variables=("x", "y", "unused"))
    assert expr.names == ("x", "y")
    value = expr.evaluate(x=2, y=3)
    assert isinstance(value, np.float64) and value == 7.0
    assert compile_expression("2 ** 0.5").evaluate() == np.sqrt(2.0)


@pytest.mark.parametrize(
    "text, value",
    [
        ("9**9**9", math.inf),
        ("1/0", math.inf),
        ("-1/0", -math.inf),
        ("10**400", math.inf),
        ("1" + "0" * 400, math.inf),
        ("exp(1000)", math.inf),
        ("(-8)**(1/3)", math.nan),
    ],
)
def test_overflow_is_a_value_not_a_hang_or_error(text, value):
    result = compile_expression(text).evaluate()
    assert (math.isnan(result) and math.isnan(value)) or result == value


@pytest.mark.parametrize(
    "text, fragment, position",
    [
        ("foo + z", "unknown name 'foo'", 0),
        ("z + foo", "allowed: z, pi, e, exp", 4),
        ("leaky_relu(z, negative_slope=0.2)", "keyword arguments", 29),
        ("__import__('os')", "unknown function '__import__'", 0),
        ("().__class__", "derivative may be used", 0),
        ("z.__class__", "derivative may be used", 0),
        ("sigmoid.__call__(z)", "attribute '__call__'", 0),
        ("sigmoid.derivative", "derivative may be used", 0),
        ("z[0]", "subscript", 0),
        ("z < 1", "compare", 0),
        ("[z for z in (1, 2)]", "listcomp", 0),
        ("'text'", "only numbers", 0),
        ("True", "only numbers", 0),
        ("1j", "only numbers", 0),
        ("lambda: 1", "lambda", 0),
        ("z if z else 1", "ifexp", 0),
        ("z @ z", "operator not allowed", 0),
        ("z % 2", "operator not allowed", 0),
        ("1 +", "syntax error", 3),
        ("exp(1, 2)", "takes 1 argument", 0),
        ("sigmoid", "is a function", 0),
        ("softmax(z)", "not elementwise", 0),
        ("leaky_relu(z, 1, 2)", "parameters negative_slope", 0),
        ("z\n+ 1", "one line", 1),
        ("", "empty", None),
        ("x" * (MAX_LENGTH + 1), "longer than 500", None),
        ("-" * 300 + "z", "too complex", None),
    ],
)
def test_refusals_say_what_and_where(text, fragment, position):
    with pytest.raises(ExpressionError) as info:
        compile_expression(text, variables=("z",))
    assert fragment in str(info.value)
    assert info.value.position == position
    assert info.value.message


def test_runtime_problems_are_expression_errors():
    expr = compile_expression("softplus(z, -1)", variables=("z",))
    with pytest.raises(ExpressionError, match="beta must be positive"):
        expr.evaluate(z=1.0)
    with pytest.raises(ExpressionError, match="must be a number"):
        compile_expression("leaky_relu(z, z)", ("z",)).evaluate(z=Z)
    with pytest.raises(ExpressionError, match="no value given"):
        compile_expression("z", ("z",)).evaluate()
    with pytest.raises(ExpressionError, match="numeric"):
        compile_expression("z", ("z",)).evaluate(z="abc")


def test_the_evaluator_never_calls_eval_or_compile(monkeypatch):
    import builtins

    def forbidden(*args, **kwargs):
        raise AssertionError("eval/compile called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert compile_expression("sigmoid(1) + 2").evaluate() == pytest.approx(2.7310585786)


def _check_safe(text: str) -> None:
    """Anything at all: either a value or an ExpressionError, nothing else."""
    try:
        expr = compile_expression(text, variables=("z",))
        result = expr.evaluate(z=Z)
    except ExpressionError as error:
        assert str(error)
        return
    assert np.asarray(result).dtype == np.float64


TOKENS = st.sampled_from(
    [
        "z",
        "1",
        "2.5",
        "1e308",
        "9",
        "pi",
        "e",
        "+",
        "-",
        "*",
        "/",
        "**",
        "(",
        ")",
        ",",
        ".",
        "sigmoid",
        "derivative",
        "exp",
        "log",
        "gelu",
        "leaky_relu",
        "maximum",
        "__class__",
        "__import__",
        "'s'",
        "[",
        "]",
        "<",
        "lambda",
        ":",
        "=",
        "x",
        "softmax",
        " ",
        "0",
    ]
)
FUZZ = settings(max_examples=200, deadline=500, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=120))
def test_fuzz_random_text(text):
    _check_safe(text)


@FUZZ
@given(st.lists(TOKENS, max_size=60).map("".join))
def test_fuzz_token_soup(text):
    _check_safe(text)


@FUZZ
@given(st.integers(0, 400), st.sampled_from(["(", "-", "exp(", "sigmoid(", "+"]))
def test_fuzz_deep_nesting(depth, opener):
    closer = ")" * depth if opener.endswith("(") else ""
    _check_safe(opener * depth + "z" + closer)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "__class__",
                "__base__",
                "__subclasses__()",
                "__globals__",
                "derivative",
                "real",
                "__dict__",
            ]
        ),
        min_size=1,
        max_size=8,
    )
)
def test_fuzz_attribute_chains(chain):
    for root in ("()", "z", "sigmoid", "(1)", "''"):
        _check_safe(root + "." + ".".join(chain))


@FUZZ
@given(st.floats(allow_nan=False), st.floats(allow_nan=False), st.sampled_from("+-*/"))
def test_fuzz_huge_numbers_and_exponents(a, b, op):
    _check_safe(f"({a!r}) {op} ({b!r}) ** ({b!r})")
    _check_safe(f"{abs(a)!r} ** {abs(b)!r} ** {abs(a)!r}")


@FUZZ
@given(st.text(alphabet=string.printable, min_size=400, max_size=600))
def test_fuzz_long_strings(text):
    _check_safe(text)
