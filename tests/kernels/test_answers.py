"""Tolerances, numeric keys and formula comparison."""

from __future__ import annotations

import pytest

from kernels.answers import (
    Tolerance,
    compare_expressions,
    evaluate_number,
    parse_tolerance,
    sample_points,
)
from kernels.expressions import ExpressionError


@pytest.mark.parametrize(
    "text, tolerance",
    [
        ("0.01", Tolerance(0.01, False)),
        ("1%", Tolerance(0.01, True)),
        (" 2.5 % ", Tolerance(0.025, True)),
        (None, Tolerance(0.001, True)),
        ("", Tolerance(0.001, True)),
        ("0", Tolerance(0.0, False)),
    ],
)
def test_parse_tolerance(text, tolerance):
    assert parse_tolerance(text) == tolerance


@pytest.mark.parametrize("text", ["abc", "1%%", "%", "-0.1", "-1%", "nan", "inf", "1e999"])
def test_bad_tolerances_are_refused_clearly(text):
    with pytest.raises(ValueError) as info:
        parse_tolerance(text)
    assert repr(text) in str(info.value)


def test_accepts():
    absolute, relative = parse_tolerance("0.01"), parse_tolerance("1%")
    assert absolute.accepts(0.25, 0.259) and not absolute.accepts(0.25, 0.261)
    assert relative.accepts(200.0, 201.9) and not relative.accepts(200.0, 202.1)
    assert parse_tolerance(None).accepts(0.25, 0.25024) and not parse_tolerance(None).accepts(
        0.25, 0.2503
    )
    assert relative.accepts(float("inf"), float("inf"))
    assert not relative.accepts(float("nan"), float("nan"))
    assert not absolute.accepts(1.0, float("inf"))


def test_equal_formulas_agree():
    result = compare_expressions(
        "sigmoid(z) * (1 - sigmoid(z))", "exp(-z) / (1 + exp(-z))**2", {"z": (-6, 6)}
    )
    assert result.equal, result.feedback


def test_different_formulas_get_a_located_feedback():
    result = compare_expressions("sigmoid(z)", "tanh(z)", {"z": (-3, 3)})
    assert not result.equal
    assert result.feedback.startswith("differs at z = ") and "expected" in result.feedback


def test_tolerance_is_applied():
    assert compare_expressions("z", "z * 1.005", {"z": (1, 2)}, tolerance="1%").equal
    assert not compare_expressions("z", "z * 1.005", {"z": (1, 2)}).equal


def test_non_finite_points_must_coincide():
    assert compare_expressions("1/z", "1/z", {"z": (-1, 1)}).equal
    result = compare_expressions("1/z", "1/(z + 1e-300)", {"z": (-1, 1)})
    assert not result.equal and "z = 0" in result.feedback


def test_edge_points_are_sampled():
    points = sample_points({"z": (-2.0, 3.0)})["z"]
    for edge in (0.0, -1e-7, 1e-7, -2.0, 3.0):
        assert edge in points
    assert len(points) >= 20
    assert not compare_expressions("abs(z)", "z", {"z": (-2, 3)}).equal


def test_several_variables():
    assert compare_expressions("x * y", "y * x", {"x": (-1, 1), "y": (0, 5)}).equal
    result = compare_expressions("x * y", "x + y", {"x": (-1, 1), "y": (0, 5)})
    assert not result.equal and "x = " in result.feedback and "y = " in result.feedback


def test_unusable_learner_input_raises_expression_error():
    with pytest.raises(ExpressionError, match="unknown name 'w'"):
        compare_expressions("z", "w", {"z": (0, 1)})
    with pytest.raises(ExpressionError):
        compare_expressions("z", "z +", {"z": (0, 1)})


def test_evaluate_number():
    assert evaluate_number("sigmoid.derivative(0)") == 0.25
    assert evaluate_number("gelu(1)") == pytest.approx(0.8413447460685429)
    with pytest.raises(ExpressionError):
        evaluate_number("z + 1")
