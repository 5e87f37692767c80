"""STAND-IN, replaced at merge by the path engineer's module with this same interface.

Checks only numeric keys that carry ``compute``: each is recomputed with the catalog and
compared within the key's tolerance. Pure: takes a bundle (``path_export``), returns checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernels.answers import evaluate_number, parse_tolerance
from kernels.expressions import ExpressionError


@dataclass(frozen=True)
class Check:
    kind: str
    origin_uid: str
    claim: str
    status: str  # "verified" | "failed" | "uncheckable"
    expected: object = None
    computed: object = None
    message: str = ""


def _numeric_key(question: dict) -> Check:
    answer = question["answer"]
    claim = f"{answer['compute']} = {answer['value']}"
    try:
        computed = evaluate_number(answer["compute"])
    except (ExpressionError, ValueError, ArithmeticError) as error:
        return Check("question", question["origin_uid"], claim, "uncheckable", message=str(error))
    right = parse_tolerance(answer.get("tolerance")).accepts(computed, answer["value"])
    return Check(
        "question",
        question["origin_uid"],
        claim,
        "verified" if right else "failed",
        expected=answer["value"],
        computed=computed,
        message="" if right else f"the key says {answer['value']}, the catalog computes {computed}",
    )


def verify_bundle(bundle: dict) -> list[Check]:
    """Every numeric key with ``compute`` in ``bundle``, checked."""
    return [
        _numeric_key(question)
        for quiz in bundle["quizzes"]
        for question in quiz["questions"]
        if question["kind"] == "numeric" and (question.get("answer") or {}).get("compute")
    ]
