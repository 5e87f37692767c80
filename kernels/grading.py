"""Grading one answer to one question: pure functions, one per kind of question, no Django.

The grading service (``learning/grading.py``) and the practice check call these in a Celery
worker; the web process only calls :func:`validate_answer`, which *parses* an answer and never
evaluates it. A key is the question's key as plain data: for choice questions
``{"choices": [{"id", "is_correct"}, ...]}``, else the question's ``answer``
(``{value, tolerance, compute?}`` or ``{expression, variables, tolerance?}``). An answer is
``{"choices": [ids]}``, ``{"value": number}`` or ``{"expression": text}``.

Decision table (first matching row wins):

==================  ==============================================  =====  =============================
kind                answer                                          score  feedback
==================  ==============================================  =====  =============================
any                 unreadable: wrong shape, unknown choice id,     --     :class:`AnswerInvalid`, costs
                    not a number, syntax error, unknown name,              nothing (a 400, or the
                    too long / complex, name that is not the               practice check's message)
                    question's variable
single, true_false  exactly the correct choice                      1      correct
single, true_false  another choice                                  0      wrong (says which is right
                                                                           only through ``expected``)
multiple            exactly the set of correct choices              1      correct
multiple            any other set                                   max(0, (right picks - wrong
                                                                    picks) / correct choices);
                                                                    ``correct`` is False
numeric             within tolerance of the key (``compute``        1      correct
                    when given: the catalog's value)
numeric             ``-key`` within tolerance                       0      the sign is wrong
numeric             ``key * 10**k``, k in +-1..6, within tol.       0      off by a power of ten
numeric             anything else                                   0      too high / too low
expression          equal to the reference at every sample point    1      correct, whatever its form
                    (SPEC §6: 20 random points + edges, same
                    non-finite points)
expression          fails to evaluate (e.g. a catalog parameter     0      what went wrong
                    that is not a number)
expression          ``reference + c``, c constant                   0      right up to a constant
expression          ``k * reference``, k constant (k = -1: sign)    0      off by a constant factor
expression          its derivative equals the reference             0      the function, not its
                                                                           derivative
expression          equals the reference's derivative               0      differentiated once too often
expression          anything else                                   0      the first point where it
                                                                           differs
==================  ==============================================  =====  =============================

The mistake rows compare the answer against transformed references (shifted, scaled,
differentiated by central differences) on the same sample points; they only choose the
feedback, never the score.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from kernels.answers import (
    RANDOM_POINTS,
    compare_expressions,
    evaluate_number,
    parse_tolerance,
    sample_points,
)
from kernels.expressions import Expression, ExpressionError, compile_expression

CHOICE_KINDS = ("single", "multiple", "true_false")
KINDS = (*CHOICE_KINDS, "numeric", "expression")
#: Central-difference step (relative to max(1, |z|)) and the agreement asked of it.
DIFF_STEP = 1e-5
DIFF_TOLERANCE = 1e-4
MAX_NUMBER_TEXT = 100


class AnswerInvalid(ValueError):
    """An answer that cannot be read; ``field`` is the answer field it is about."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Grade:
    correct: bool
    score: float
    feedback: str
    expected: Any

    def as_dict(self) -> dict:
        return asdict(self)


# --- validation: parse, never evaluate ------------------------------------------------------


def validate_answer(*, kind: str, key: Mapping, answer: Mapping) -> dict:
    """The answer in its stored form (``{"choices": [...]}``, ``{"value": float}`` or
    ``{"expression": str}``), or :class:`AnswerInvalid` saying what is wrong. Never
    evaluates a formula, so the web process may call it."""
    if not isinstance(answer, Mapping):
        raise AnswerInvalid("Give the answer as an object.", field="answer")
    if kind in CHOICE_KINDS:
        return {"choices": _valid_choices(kind, key, answer.get("choices"))}
    if kind == "numeric":
        return {"value": _valid_number(answer.get("value"))}
    if kind == "expression":
        text = answer.get("expression")
        parse_formula(text, _variables(key))
        return {"expression": text.strip()}
    raise ValueError(f"unknown question kind {kind!r}")


def _valid_choices(kind: str, key: Mapping, given) -> list[int]:
    if not isinstance(given, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in given
    ):
        raise AnswerInvalid("Give choices as a list of choice ids.", field="choices")
    known = [c["id"] for c in key["choices"]]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise AnswerInvalid(
            f"Choice {unknown[0]} is not one of this question's choices "
            f"({', '.join(map(str, known))}).",
            field="choices",
        )
    if len(set(given)) != len(given):
        raise AnswerInvalid("Each choice may be given once.", field="choices")
    if kind != "multiple" and len(given) != 1:
        raise AnswerInvalid("Pick exactly one choice.", field="choices")
    return sorted(given)


def _valid_number(given) -> float:
    if isinstance(given, bool) or given is None:
        raise AnswerInvalid("Give a number, e.g. 0.693 or 1.2e-5.", field="value")
    if isinstance(given, str):
        text = given.strip()
        if len(text) > MAX_NUMBER_TEXT or not re.fullmatch(
            r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text
        ):
            raise AnswerInvalid(
                f"{given[:40]!r} is not a number: write digits with an optional decimal "
                "point and exponent, e.g. 0.693 or 1.2e-5.",
                field="value",
            )
        given = float(text)
    if not isinstance(given, (int, float)):
        raise AnswerInvalid("Give a number, e.g. 0.693 or 1.2e-5.", field="value")
    try:
        number = float(given)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise AnswerInvalid("Give a finite number.", field="value")
    return number


def _variables(key: Mapping) -> dict[str, tuple[float, float]]:
    return {name: (float(lo), float(hi)) for name, (lo, hi) in key["variables"].items()}


def parse_formula(text, variables: Mapping[str, Any]) -> Expression:
    """Parse and check a learner's formula (nothing evaluated); :class:`AnswerInvalid`
    pointing at the problem otherwise."""
    names = tuple(variables)
    try:
        return compile_expression(text, names)
    except ExpressionError as error:
        message = str(error)
        if error.message.startswith("unknown name") and names:
            message = (
                f"{error.message} at column {error.position}: this formula is in "
                f"{', '.join(names)}; {error.hint}"
            )
        raise AnswerInvalid(message[:1000], field="expression") from None


# --- grading: in the worker -----------------------------------------------------------------


def expected_of(*, kind: str, key: Mapping) -> dict:
    """What a graded result shows as the right answer."""
    if kind in CHOICE_KINDS:
        return {"choices": sorted(c["id"] for c in key["choices"] if c["is_correct"])}
    if kind == "numeric":
        return {"value": _key_value(key), "tolerance": str(parse_tolerance(key.get("tolerance")))}
    return {"expression": key["expression"]}


def grade_answer(*, kind: str, key: Mapping, answer: Mapping) -> Grade:
    """Grade ``answer`` against ``key`` (validated first: :class:`AnswerInvalid`)."""
    given = validate_answer(kind=kind, key=key, answer=answer)
    expected = expected_of(kind=kind, key=key)
    if kind in CHOICE_KINDS:
        return _grade_choices(kind, set(given["choices"]), set(expected["choices"]), expected)
    if kind == "numeric":
        return _grade_number(key, given["value"], expected)
    return _grade_expression(key, given["expression"], expected)


def _grade_choices(kind: str, given: set, right: set, expected: dict) -> Grade:
    if given == right:
        return Grade(True, 1.0, "Correct.", expected)
    if kind != "multiple":
        return Grade(False, 0.0, "Not this one.", expected)
    hits, misses = len(given & right), len(given - right)
    score = max(0.0, (hits - misses) / len(right)) if right else 0.0
    parts = [f"{hits} of the {len(right)} right choices"]
    if misses:
        parts.append(f"{misses} wrong one{'s' * (misses > 1)} (each cancels a right one)")
    return Grade(False, round(score, 6), "Partly right: " + ", ".join(parts) + ".", expected)


def _key_value(key: Mapping) -> float:
    """The catalog's value when the key says how to compute it, else the stored value."""
    if key.get("compute"):
        return evaluate_number(key["compute"])
    return float(key["value"])


def _grade_number(key: Mapping, given: float, expected: dict) -> Grade:
    tolerance = parse_tolerance(key.get("tolerance"))
    target = expected["value"]
    if tolerance.accepts(target, given):
        return Grade(True, 1.0, f"Correct (within {tolerance}).", expected)
    if target != 0 and tolerance.accepts(target, -given):
        feedback = "The size is right but the sign is wrong."
    elif target != 0 and given != 0 and _power_of_ten(tolerance, target, given):
        feedback = "Off by a power of ten: check the decimal point or the exponent."
    else:
        side = "high" if given > target else "low"
        feedback = f"Not within {tolerance} of the answer: yours is too {side}."
    return Grade(False, 0.0, feedback, expected)


def _power_of_ten(tolerance, target: float, given: float) -> bool:
    return any(tolerance.accepts(target, given * 10.0**k) for k in range(-6, 7) if k != 0)


def _grade_expression(key: Mapping, text: str, expected: dict) -> Grade:
    variables = _variables(key)
    try:
        comparison = compare_expressions(key["expression"], text, variables, key.get("tolerance"))
    except ExpressionError as error:
        return Grade(False, 0.0, f"Your formula cannot be evaluated: {error}.", expected)
    if comparison.equal:
        return Grade(True, 1.0, "Correct: it equals the expected formula.", expected)
    mistake = diagnose_formula(key["expression"], text, variables)
    feedback = mistake or f"Not equal to the expected formula: yours {_reworded(comparison)}."
    return Grade(False, 0.0, feedback, expected)


def _reworded(comparison) -> str:
    return comparison.feedback.replace("expected", "the expected formula gives").replace(
        "got", "yours gives"
    )


# --- common mistakes: compare against transformed references ---------------------------------


def diagnose_formula(reference: str, answer: str, variables: Mapping) -> str | None:
    """Feedback naming a common mistake, or None: the answer is the reference plus a
    constant, a constant times it, the function whose derivative it is, or its derivative."""
    with np.errstate(all="ignore"):
        return _diagnosis(reference, answer, variables)


def _diagnosis(reference: str, answer: str, variables: Mapping) -> str | None:
    names = tuple(variables)
    ref, given = compile_expression(reference, names), compile_expression(answer, names)
    points = sample_points(dict(variables))
    e, g = _values(ref, points), _values(given, points)
    both = np.isfinite(e) & np.isfinite(g)
    if both.sum() < 3:
        return None
    e, g = e[both], g[both]
    shift = g - e
    if _constant(shift) and abs(np.median(shift)) > 1e-9:
        return (
            f"Right up to an additive constant: yours is the expected formula "
            f"{'+' if np.median(shift) > 0 else '-'} {abs(float(np.median(shift))):.4g}."
        )
    usable = np.abs(e) > 1e-9
    if usable.sum() >= 3:
        ratio = g[usable] / e[usable]
        factor = float(np.median(ratio))
        if _constant(ratio) and abs(factor - 1) > 1e-9 and factor != 0:
            if abs(factor + 1) < 1e-6:
                return "The sign is wrong: yours is minus the expected formula."
            return f"Off by a constant factor: yours is {factor:.4g} times the expected formula."
    if len(names) == 1:
        name = names[0]
        random_rows = {n: v[:RANDOM_POINTS] for n, v in points.items()}
        if _agree(_slope(given, random_rows, name), _values(ref, random_rows)):
            return (
                "That is a function whose derivative is the expected answer: "
                "differentiate it once more."
            )
        if _agree(_values(given, random_rows), _slope(ref, random_rows, name)):
            return (
                "That is the derivative of the expected answer: you differentiated once too often."
            )
    return None


def _values(expression: Expression, points: Mapping[str, np.ndarray]) -> np.ndarray:
    size = next(iter(points.values())).size
    return np.broadcast_to(np.asarray(expression.evaluate(points), dtype=np.float64), (size,))


def _constant(values: np.ndarray) -> bool:
    middle = float(np.median(values))
    return bool(np.all(np.abs(values - middle) <= 1e-6 * max(1.0, abs(middle))))


def _slope(expression: Expression, points: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    """d/d``name`` by central differences."""
    at = points[name]
    step = DIFF_STEP * np.maximum(1.0, np.abs(at))
    up = _values(expression, {**points, name: at + step})
    down = _values(expression, {**points, name: at - step})
    return (up - down) / (2 * step)


def _agree(a: np.ndarray, b: np.ndarray) -> bool:
    both = np.isfinite(a) & np.isfinite(b)
    if both.sum() < RANDOM_POINTS // 2:
        return False
    a, b = a[both], b[both]
    return bool(np.all(np.abs(a - b) <= DIFF_TOLERANCE * np.maximum(1.0, np.abs(b))))
