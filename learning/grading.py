"""Grading attempts and practice answers with the kernels' graders; runs in the worker.

The graders themselves are pure (``kernels.grading``); this module reads keys and answers
from the database, calls them, and records the verdicts exactly once. Tasks
(``learning.tasks``) and the admin call it; services enqueue the tasks by name
(:data:`GRADE_TASK`…), so nothing here or in services imports the tasks module.

Grading states (first matching row wins):

=================  ====================================  ========================================
attempt status      event                                 outcome
=================  ====================================  ========================================
``in_progress``     grade_attempt                         nothing (not submitted yet)
``grading``         grade_attempt                         verdicts computed outside any lock, then
                                                          one transaction: ``grading`` → ``graded``
                                                          *only if still* ``grading`` (conditional
                                                          UPDATE), answers written, ``gradings``
                                                          = 1. A second delivery (Redis
                                                          redelivery, the stale re-enqueue, a
                                                          retry) finds ``graded`` and changes
                                                          nothing
``graded``          grade_attempt                         nothing: same result, counted once
``grading``         older than ``GRADING_STALE_SECONDS``  re-enqueued by requeue_stale_attempts
                    since last enqueued                   (the filesystem broker never redelivers
                                                          a message a killed worker had taken)
``graded``          regrade (dry run)                     the attempts whose score would change
``graded``          regrade                               those attempts rewritten in one
                                                          transaction each, ``gradings`` + 1
=================  ====================================  ========================================

An answer that the graders find unreadable at grading time (it passed the parse-only
validation at submission, e.g. a catalog parameter that is not a number) scores 0 with the
reason as its feedback: the attempt is submitted and must end graded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from kernels.grading import AnswerInvalid, Grade, expected_of, grade_answer
from learning.models import (
    CHOICE_KINDS,
    Answer,
    Attempt,
    AttemptStatus,
    Choice,
    Question,
    Quiz,
)

GRADE_TASK = "learning.grade_attempt"
CHECK_TASK = "learning.check_answer"
REQUEUE_TASK = "learning.requeue_stale_attempts"


def question_key(question: Question) -> dict:
    """The question's key as the graders take it (choices from the prefetch cache)."""
    if question.kind in CHOICE_KINDS:
        return {
            "choices": [{"id": c.pk, "is_correct": c.is_correct} for c in question.choices.all()]
        }
    return question.answer or {}


def questions_with_choices():
    return Question.objects.prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
    )


def grade_one(question: Question, given: dict | None) -> Grade:
    """The verdict on one stored answer (None: the question was left out)."""
    key = question_key(question)
    if given is None:
        expected = expected_of(kind=question.kind, key=key)
        return Grade(False, 0.0, "Not answered.", expected)
    try:
        return grade_answer(kind=question.kind, key=key, answer=given)
    except AnswerInvalid as error:
        return Grade(False, 0.0, f"Your answer could not be read: {error.message}", None)
    except (ValueError, ArithmeticError, KeyError, TypeError) as error:
        # A key the graders cannot use (the verification step reports such keys): the
        # attempt must still end graded, so this answer scores 0 and says why.
        return Grade(False, 0.0, f"This question's key could not be used: {error}.", None)


def _verdicts(attempt_id: int) -> list[tuple[Answer, Grade]]:
    answers = Answer.objects.filter(attempt_id=attempt_id).prefetch_related(
        Prefetch("question", queryset=questions_with_choices())
    )
    return [(answer, grade_one(answer.question, answer.given())) for answer in answers]


VERDICT_FIELDS = ("correct", "score", "feedback", "expected", "graded_at")


def _record(verdicts: list[tuple[Answer, Grade]], now) -> float:
    """Write the verdicts: one ``UPDATE … WHERE id = %s`` run for every answer with
    ``executemany`` (built from ``_meta``). ``bulk_update``'s CASE expressions cost about
    90 ms for a quiz of 13 questions; this costs a few."""
    fields = [Answer._meta.get_field(name) for name in VERDICT_FIELDS]
    rows = []
    for answer, grade in verdicts:
        answer.correct, answer.score = grade.correct, grade.score
        answer.feedback, answer.expected, answer.graded_at = grade.feedback, grade.expected, now
        rows.append(
            [f.get_db_prep_save(getattr(answer, f.attname), connection) for f in fields]
            + [answer.pk]
        )
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(Answer._meta.db_table)} SET {sets} WHERE {quote('id')} = %s", rows
        )
    return sum(grade.score for _, grade in verdicts)


def grade_attempt(*, attempt_id: int) -> str:
    """Grade a submitted attempt exactly once; returns its status afterwards."""
    attempt = Attempt.objects.filter(pk=attempt_id).only("status").first()
    if attempt is None or attempt.status != AttemptStatus.GRADING:
        return attempt.status if attempt else "missing"
    delay = getattr(settings, "GRADING_FAULT_DELAY", 0)
    if delay:  # fault injection for the kill tests: widen the window a worker can die in
        time.sleep(delay)
    verdicts = _verdicts(attempt_id)
    now = timezone.now()
    with transaction.atomic():
        claimed = Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.GRADING).update(
            status=AttemptStatus.GRADED, graded_at=now, gradings=1
        )
        if not claimed:  # graded meanwhile by another delivery of the same task
            return AttemptStatus.GRADED
        score = _record(verdicts, now)
        Attempt.objects.filter(pk=attempt_id).update(score=score, max_score=len(verdicts))
    return AttemptStatus.GRADED


def check_answer(*, question_id: int, answer: dict) -> dict:
    """Practice: ``{correct, feedback}`` for one answer, nothing stored."""
    question = questions_with_choices().filter(pk=question_id).first()
    if question is None:
        return {"correct": False, "feedback": "This question no longer exists."}
    grade = grade_one(question, answer)
    return {"correct": grade.correct, "feedback": grade.feedback}


# --- regrading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RegradeChange:
    attempt: int
    user: str
    score_before: float | None
    score_after: float
    questions: list[int]

    def as_dict(self) -> dict:
        return self.__dict__.copy()


class RegradeQuiz:
    """Regrade a quiz's graded attempts against its current keys. ``check()`` lists what
    would change (the dry run); ``execute()`` writes it. The admin and the API call this."""

    def __init__(self, *, quiz: Quiz):
        self.quiz = quiz
        self._plan: list[tuple[RegradeChange, list[tuple[Answer, Grade]]]] | None = None

    def check(self) -> list[RegradeChange]:
        if self._plan is None:
            self._plan = []
            attempts = Attempt.objects.filter(
                quiz=self.quiz, status=AttemptStatus.GRADED
            ).select_related("user")
            for attempt in attempts.order_by("id"):
                verdicts = _verdicts(attempt.pk)
                moved = [
                    answer.question_id
                    for answer, grade in verdicts
                    if (answer.correct, answer.score, answer.expected)
                    != (grade.correct, grade.score, grade.expected)
                ]
                if moved:
                    change = RegradeChange(
                        attempt=attempt.pk,
                        user=attempt.user.username,
                        score_before=attempt.score,
                        score_after=sum(grade.score for _, grade in verdicts),
                        questions=moved,
                    )
                    self._plan.append((change, verdicts))
        return [change for change, _ in self._plan]

    def execute(self) -> list[RegradeChange]:
        changes = self.check()
        now = timezone.now()
        for change, verdicts in self._plan:
            with transaction.atomic():
                score = _record(verdicts, now)
                Attempt.objects.filter(pk=change.attempt).update(
                    score=score, graded_at=now, gradings=F("gradings") + 1
                )
        return changes
