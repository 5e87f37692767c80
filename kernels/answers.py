"""Checking answers: tolerances, numeric keys and formula answers compared by sampling.

Pure numpy, shared by the grading worker and by claim verification. A tolerance is absolute
(``"0.01"``) or relative with a trailing ``%`` (``"1%"``), as in Open edX; the default is
0.1% relative. Two formulas are equal when they agree within the tolerance at 20 random
points per variable plus edge points (0, +-tiny, the range ends) wherever both are finite,
and are non-finite at the same points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kernels.expressions import ExpressionError, compile_expression

DEFAULT_TOLERANCE = "0.1%"
RANDOM_POINTS = 20
EDGE_TINY = 1e-7  # "tiny" edge points: close to 0 on both sides, far from float underflow
ABSOLUTE_FLOOR = 1e-12  # a relative tolerance still accepts differences this small near 0

__all__ = [
    "Comparison",
    "ExpressionError",
    "Tolerance",
    "compare_expressions",
    "evaluate_number",
    "parse_tolerance",
]


@dataclass(frozen=True)
class Tolerance:
    """``value`` is absolute, or a fraction of the expected value when ``relative``."""

    value: float
    relative: bool

    def accepts(self, expected: float, given: float) -> bool:
        expected, given = float(expected), float(given)
        if not (math.isfinite(expected) and math.isfinite(given)):
            return expected == given  # the same infinity; NaN is never accepted
        allowed = self.value * abs(expected) + ABSOLUTE_FLOOR if self.relative else self.value
        return abs(given - expected) <= allowed

    def __str__(self) -> str:
        return f"{self.value * 100:g}%" if self.relative else f"{self.value:g}"


def parse_tolerance(text: str | None) -> Tolerance:
    """``"0.01"`` (absolute), ``"1%"`` (relative); None or blank means 0.1% relative."""
    if text is None or not str(text).strip():
        text = DEFAULT_TOLERANCE
    raw = str(text).strip()
    relative = raw.endswith("%")
    number_text = raw[:-1].strip() if relative else raw
    try:
        number = float(number_text)
    except ValueError:
        raise ValueError(
            f"tolerance must be a number like '0.01' or a percentage like '1%', got {text!r}"
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"tolerance must be finite, got {text!r}")
    if number < 0:
        raise ValueError(f"tolerance must not be negative, got {text!r}")
    return Tolerance(number / 100.0 if relative else number, relative)


@dataclass(frozen=True)
class Comparison:
    equal: bool
    feedback: str


def sample_points(
    variables: dict[str, tuple[float, float]], seed: int = 0
) -> dict[str, np.ndarray]:
    """Random points per variable range plus rows where one variable sits on an edge point."""
    rng = np.random.default_rng(seed)
    random_rows = {
        name: rng.uniform(float(lo), float(hi), RANDOM_POINTS)
        for name, (lo, hi) in variables.items()
    }
    columns = {name: [values] for name, values in random_rows.items()}
    for name, (lo, hi) in variables.items():
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
            raise ValueError(f"range of {name!r} must be finite with lo <= hi, got {(lo, hi)}")
        edges = np.array([p for p in (0.0, -EDGE_TINY, EDGE_TINY) if lo <= p <= hi] + [lo, hi])
        for other in variables:
            filler = random_rows[other][: edges.size] if other != name else edges
            columns[other].append(np.resize(filler, edges.size))
    return {name: np.concatenate(parts) for name, parts in columns.items()}


def _format_point(points: dict[str, np.ndarray], index: int) -> str:
    return ", ".join(f"{name} = {values[index]:.6g}" for name, values in points.items())


def compare_expressions(
    reference: str,
    answer: str,
    variables: dict[str, tuple[float, float]],
    tolerance: str | None = None,
    seed: int = 0,
) -> Comparison:
    """Whether ``answer`` equals ``reference`` as a function of ``variables`` (by sampling)."""
    tol = parse_tolerance(tolerance)
    names = tuple(variables)
    expected_expr = compile_expression(reference, names)
    given_expr = compile_expression(answer, names)
    points = sample_points(variables, seed)
    size = next(iter(points.values())).size if points else 1
    expected = np.broadcast_to(expected_expr.evaluate(points), (size,))
    given = np.broadcast_to(given_expr.evaluate(points), (size,))
    for i in range(size):
        e, g = float(expected[i]), float(given[i])
        finite_e, finite_g = math.isfinite(e), math.isfinite(g)
        if finite_e != finite_g or (finite_e and not tol.accepts(e, g)):
            where = f" at {_format_point(points, i)}" if points else ""
            return Comparison(False, f"differs{where}: expected {e:.6g}, got {g:.6g}")
    return Comparison(True, f"agrees within {tol} at {size} points")


def evaluate_number(expression: str) -> float:
    """The value of a constant expression (a numeric key's ``compute``)."""
    return float(compile_expression(expression).evaluate())
