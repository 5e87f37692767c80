"""Verification of everything a path asserts, recomputed with the ``kernels`` catalog.

Pure: no models, no database. :func:`verify_bundle` takes a path bundle with its keys and
claims (``learning.selectors.bundles.path_export``) and returns one :class:`Check` per
thing the path states; the pipeline stores them. Nothing here trusts the author: a key
is recomputed, a property is confirmed by the catalog's numeric probe, a prose claim's
text must be in the body it speaks for, and a number nobody vouches for is reported.

Decision table (one row per kind of statement; the first matching row decides):

========  =============================================  ==========================================
kind      what the path states                           status
========  =============================================  ==========================================
section   claim ``{text, compute, value, tolerance?}``   failed if ``text`` is not in the body or
                                                         ``compute`` cannot be evaluated; failed if
                                                         its value is outside the tolerance of
                                                         ``value``; else verified
section   claim ``{text, expression, variables,          failed if ``text`` is not in the body;
          compute, tolerance?}`` (a formula the text     failed if the formula differs from the
          writes, transcribed, against the catalog)      catalog's ``compute`` on the ranges
                                                         (sampled as expression keys are); else
                                                         verified
section   claim ``{text, kernel, property,          failed if ``text`` is not in the body;
          value}``                                       verified if the catalog declares it and
                                                         the probe confirms it, else failed
section   a stated number (rule below) that lies in no   uncheckable: the number and its context
          occurrence of any claim's ``text``
question  numeric key with ``compute``                   verified if ``value`` is within the
                                                         tolerance of the computed value, else
                                                         failed
question  numeric key without ``compute``                uncheckable
question  expression key with ``compute``                verified if ``expression`` equals
                                                         ``compute`` on the key's variables (the
                                                         grader's sampling), else failed
question  expression key without ``compute``             uncheckable
choice    a choice with ``check {kernel, property,       the statement holds when the catalog
          value}``                                       declares ``property = value`` and the
                                                         probe confirms that declaration; verified
                                                         if ``is_correct`` equals whether it
                                                         holds, else failed (expected: is_correct,
                                                         computed: whether it holds)
question  a choice question none of whose choices        uncheckable if its prompt or a choice
          carries a check                                states a number (rule below); else no
                                                         row: its key is a judgement (history,
                                                         practice), not a catalog fact
flashcard claim ``{compute, value, tolerance?}``         verified if within tolerance, else failed
flashcard claim ``{kernel, property, value}``            verified if declared equal and confirmed
                                                         by the probe, else failed
flashcard no claim                                       uncheckable if its front or back states a
                                                         number (rule below); else no row
========  =============================================  ==========================================

A check that cannot run (an unknown kernel or property, an expression that does not
compile) is ``failed`` with the reason in ``message``: an assertion the catalog cannot
test is an error in the path, not a pass.

**Stated numbers.** A stated number is a run of digits, with an optional decimal part
(``0.25``, ``65504``, ``1.7159``), in Markdown outside code (fenced blocks and inline
code spans are skipped, as are link targets and bare URLs). In prose (outside ``$…$``
and ``$$…$$``) the digits must stand alone: digits glued to a letter, digit or
underscore are part of a name (``ReLU6``, ``int8``, ``float16``, ``MobileNetV3``,
``1990s``). In math, LaTeX commands are not letters (``\\times10`` and ``\\tfrac12`` hold
numbers) and a number may be followed by a variable (``2z`` states 2). Exactly three
kinds of digits are not stated numbers:

1. an ordered-list marker at the start of a line (``1. ``, ``2) ``);
2. a year: four digits from 1900 to 2099 in prose that are the ``year`` of one of the
   bundle's resources (the citation is checked against the reference list; any other
   year is a stated number);
3. in math, an exponent or index: digits right after ``^`` or ``_``, or inside the
   braces that follow them (``\\tanh^2``, ``W_2``, ``10^{-7}``).

Everything else, formula constants included, must be covered by a claim: a number is
covered when it lies inside an occurrence of some claim's ``text`` in the same body.
Numbers in words ("ten layers", "half") are not digits and are not looked for.

Where the rule is applied: section bodies, the front and back of a card without a claim,
and the prompt and choices of a choice question without checks. Not scanned (yet): the
path's summary and key points, question explanations and the podcast transcript, which
restate what the sections, cards and keys declare.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import kernels
from kernels.answers import compare_expressions, evaluate_number, parse_tolerance
from kernels.expressions import ExpressionError
from kernels.verify import probe

VERIFIED, FAILED, UNCHECKABLE = "verified", "failed", "uncheckable"
CONTEXT = 30  # characters either side of a stray number in its message


@dataclass(frozen=True)
class Check:
    """The result of checking one statement of a path."""

    kind: str  # "section" | "flashcard" | "question" | "choice"
    origin_uid: str  # the item's origin_uid (a choice: its question's)
    claim: str  # what is checked, human readable
    status: str  # "verified" | "failed" | "uncheckable"
    expected: object = None  # what the path states (JSON-able)
    computed: object = None  # what the catalog computes (JSON-able)
    message: str = ""


def verify_bundle(bundle: dict) -> list[Check]:
    """Every statement of ``bundle`` checked, in the bundle's order: sections (and their
    numbers), flashcards, then questions and their choices."""
    years = {r.get("year") for r in bundle.get("resources") or [] if r.get("year")}
    checks: list[Check] = []
    for section in bundle.get("sections") or []:
        for item in [section, *(section.get("children") or [])]:
            checks += _section_checks(item, years)
    for card in bundle.get("flashcards") or []:
        checks += _flashcard_checks(card, years)
    for quiz in bundle.get("quizzes") or []:
        for question in quiz.get("questions") or []:
            checks += _question_checks(question, years)
    return checks


# --- stated numbers -----------------------------------------------------------------------

_CODE = re.compile(r"```.*?```|~~~.*?~~~|`[^`\n]*`|\]\([^)]*\)|https?://\S+", re.S)
_MATH = re.compile(r"\$\$.*?\$\$|(?<![\\$])\$[^$\n]+?\$", re.S)
_COMMAND = re.compile(r"\\[A-Za-z]+")
_SCRIPT = re.compile(r"[\^_]\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\d+)")  # braces nest once
_PROSE_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w]|\.\d)")
_MATH_NUMBER = re.compile(r"(?<![A-Za-z\d.])\d+(?:\.\d+)?")
_LIST_MARKER = re.compile(r"^[ \t]*(\d+)[.)][ \t]", re.M)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def stated_numbers(body: str, years: set[int] = frozenset()) -> list[tuple[int, int]]:
    """The spans ``(start, end)`` of the numbers ``body`` states (the rule above)."""
    text = _CODE.sub(lambda m: " " * len(m.group()), body)
    for marker in _LIST_MARKER.finditer(text):
        text = _blank(text, *marker.span(1))
    spans: list[tuple[int, int]] = []
    prose = text
    for math_span in _MATH.finditer(text):
        start, end = math_span.span()
        prose = _blank(prose, start, end)
        inner = _COMMAND.sub(lambda m: " " * len(m.group()), math_span.group())
        inner = _SCRIPT.sub(lambda m: " " * len(m.group()), inner)
        spans += [(start + m.start(), start + m.end()) for m in _MATH_NUMBER.finditer(inner)]
    for number in _PROSE_NUMBER.finditer(prose):
        digits = number.group()
        if digits.isdigit() and 1900 <= int(digits) <= 2099 and int(digits) in years:
            continue
        spans.append(number.span())
    return sorted(spans)


def _occurrences(body: str, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(text)) for m in re.finditer(re.escape(text), body)]


def _context(body: str, start: int, end: int) -> str:
    around = body[max(0, start - CONTEXT) : end + CONTEXT].replace("\n", " ")
    return f"…{around}…"


def _stray_numbers(kind: str, uid: str, body: str, covered, years) -> list[Check]:
    """``uncheckable`` for each stated number outside every ``covered`` span."""
    return [
        Check(
            kind,
            uid,
            f"number {body[start:end]!r} in the text",
            UNCHECKABLE,
            expected=body[start:end],
            message=f"no claim covers it: {_context(body, start, end)}",
        )
        for start, end in stated_numbers(body, years)
        if not any(lo <= start and end <= hi for lo, hi in covered)
    ]


# --- values and properties ----------------------------------------------------------------


def _jsonable(value: float) -> object:
    return value if math.isfinite(value) else str(value)


def _number_check(kind, uid, claim, compute, value, tolerance) -> Check:
    try:
        computed = evaluate_number(compute)
        accepted = parse_tolerance(tolerance).accepts(value, computed)
    except (ExpressionError, ValueError, TypeError) as exc:
        return Check(kind, uid, claim, FAILED, value, message=f"cannot evaluate: {exc}")
    status = VERIFIED if accepted else FAILED
    message = "" if accepted else f"{compute} is {computed!r}, not {value!r}"
    return Check(kind, uid, claim, status, value, _jsonable(computed), message)


def _formula_check(kind, uid, claim, reference, expression, variables, tolerance) -> Check:
    try:
        verdict = compare_expressions(reference, expression, variables, tolerance)
    except (ExpressionError, ValueError, TypeError) as exc:
        return Check(kind, uid, claim, FAILED, expression, message=f"cannot evaluate: {exc}")
    status = VERIFIED if verdict.equal else FAILED
    return Check(kind, uid, claim, status, expression, reference, verdict.feedback)


@cache
def _probed(kernel: str) -> dict[str, list]:
    """The probe's checks of one catalog function, by property (``range.lo`` under
    ``range``)."""
    found: dict[str, list] = {}
    for check in probe(kernels.get(kernel)):
        found.setdefault(check.check.split(".")[0], []).append(check)
    return found


def property_holds(check: dict) -> tuple[bool | None, str]:
    """Whether ``{kernel, property, value}`` holds: the catalog declares ``property`` =
    ``value`` and the probe confirms the declaration. ``None`` when it cannot be told: an
    unknown kernel or property, or a declaration the probe refutes."""
    kernel, prop, value = check.get("kernel"), check.get("property"), check.get("value")
    try:
        act = kernels.get(str(kernel))
    except KeyError as exc:
        return None, str(exc.args[0])
    if prop not in act.properties:
        return None, f"{act.name} declares no {prop!r}"
    refuted = [c.detail for c in _probed(act.name).get(prop, []) if not c.ok]
    if refuted:
        return None, f"the probe refutes {act.name}.{prop}: {refuted[0]}"
    declared = act.properties[prop]
    declared = list(declared) if isinstance(declared, tuple) else declared
    if declared != value:
        return False, f"{act.name}.{prop} is {declared!r}"
    return True, f"{act.name}.{prop} is {declared!r}, confirmed by the probe"


def _property_check(kind: str, uid: str, label: str, claim: dict) -> Check:
    holds, detail = property_holds(claim)
    status = VERIFIED if holds else FAILED
    return Check(kind, uid, label, status, claim.get("value"), None, detail)


def _claim_label(check: dict) -> str:
    return f"{check.get('kernel')}.{check.get('property')} = {check.get('value')!r}"


# --- items --------------------------------------------------------------------------------


def _section_checks(section: dict, years) -> list[Check]:
    uid, body = str(section.get("origin_uid")), section.get("body") or ""
    checks, covered = [], []
    for claim in section.get("claims") or []:
        text = claim.get("text", "")
        found = _occurrences(body, text) if text else []
        covered += found
        if "property" in claim:
            label = f"{text!r}: {_claim_label(claim)}"
            check = _property_check("section", uid, label, claim)
        elif "expression" in claim:
            label = f"{text!r}: {claim['expression']} = {claim.get('compute')}"
            check = _formula_check(
                "section",
                uid,
                label,
                claim.get("compute", ""),
                claim["expression"],
                claim.get("variables") or {},
                claim.get("tolerance"),
            )
        else:
            label = f"{text!r}: {claim.get('compute')} = {claim.get('value')!r}"
            check = _number_check(
                "section",
                uid,
                label,
                claim.get("compute", ""),
                claim.get("value"),
                claim.get("tolerance"),
            )
        if not found:
            check = Check(
                "section",
                uid,
                label,
                FAILED,
                check.expected,
                check.computed,
                f"the text {text!r} is not in the section body",
            )
        checks.append(check)
    return checks + _stray_numbers("section", uid, body, covered, years)


def _flashcard_checks(card: dict, years) -> list[Check]:
    uid, claim = str(card.get("origin_uid")), card.get("claim")
    if not claim:
        text = f"{card.get('front', '')}\n\n{card.get('back', '')}"
        return _stray_numbers("flashcard", uid, text, [], years)
    if "compute" in claim:
        label = f"{claim['compute']} = {claim.get('value')!r}"
        return [
            _number_check(
                "flashcard",
                uid,
                label,
                claim["compute"],
                claim.get("value"),
                claim.get("tolerance"),
            )
        ]
    return [_property_check("flashcard", uid, _claim_label(claim), claim)]


def _question_checks(question: dict, years) -> list[Check]:
    uid, kind, answer = (
        str(question.get("origin_uid")),
        question.get("kind"),
        question.get("answer"),
    )
    if kind == "numeric":
        answer = answer or {}
        if not answer.get("compute"):
            return [_unchecked(uid, f"numeric key {answer.get('value')!r}", answer.get("value"))]
        label = f"{answer['compute']} = {answer.get('value')!r}"
        return [
            _number_check(
                "question",
                uid,
                label,
                answer["compute"],
                answer.get("value"),
                answer.get("tolerance"),
            )
        ]
    if kind == "expression":
        answer = answer or {}
        if not answer.get("compute"):
            return [_unchecked(uid, f"expression key {answer.get('expression')!r}", None)]
        label = f"{answer.get('expression')} = {answer['compute']}"
        return [
            _formula_check(
                "question",
                uid,
                label,
                answer["compute"],
                answer.get("expression", ""),
                answer.get("variables") or {},
                answer.get("tolerance"),
            )
        ]
    return _choice_checks(question, uid, years)


def _unchecked(uid: str, claim: str, expected) -> Check:
    return Check("question", uid, claim, UNCHECKABLE, expected, message="the key has no compute")


def _choice_checks(question: dict, uid: str, years) -> list[Check]:
    choices = question.get("choices") or []
    checks = [_choice_verdict(uid, c) for c in choices if c.get("check")]
    if checks:
        return checks
    text = "\n\n".join([question.get("prompt", ""), *(c.get("text", "") for c in choices)])
    return [
        Check("question", uid, c.claim, UNCHECKABLE, c.expected, message="no choice carries "
              f"a check, and {c.message}")
        for c in _stray_numbers("question", uid, text, [], years)
    ]  # fmt: skip


def _choice_verdict(uid: str, choice: dict) -> Check:
    """A choice is right when ``is_correct`` says whether its check holds."""
    claim = f"{choice.get('text', '')!r}: {_claim_label(choice['check'])}"
    marked = bool(choice.get("is_correct"))
    holds, detail = property_holds(choice["check"])
    if holds is None:
        return Check("choice", uid, claim, FAILED, marked, None, detail)
    if marked == holds:
        return Check("choice", uid, claim, VERIFIED, marked, holds, detail)
    verdict = "correct" if marked else "wrong"
    return Check("choice", uid, claim, FAILED, marked, holds, f"marked {verdict}, but {detail}")
