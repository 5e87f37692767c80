"""Writes of quiz attempts: start, submit (answers stored, grading enqueued), practice
checks, the stale re-enqueue, and the record of who opened a quiz's keys.

Submission validates every answer by *parsing* it (``kernels.grading.validate_answer``),
never evaluating it: a formula is only ever evaluated in a worker. An unreadable answer is
a 400 that names it and changes nothing. The answers and the move to ``grading`` are one
transaction, and the grading task is sent on commit with the attempt's id only, by name
(``learning.grading.GRADE_TASK``), so services do not import tasks.
"""

from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Conflict, InvalidInput
from kernels.grading import AnswerInvalid, validate_answer
from learning.grading import CHECK_TASK, GRADE_TASK, question_key
from learning.models import Answer, Attempt, AttemptStatus, KeyView, Question, Quiz
from learning.selectors.attempts import SheetQuestion, answer_sheet, keys_seen_by


def attempt_start(*, user, quiz: Quiz) -> Attempt:
    return Attempt.objects.create(user=user, quiz=quiz)


def _stored(question: SheetQuestion, given: dict, prefix: str = "") -> dict:
    try:
        return validate_answer(kind=question.kind, key=question.key, answer=given)
    except AnswerInvalid as error:
        field = f"{prefix}{error.field}"
        raise InvalidInput(
            f"{field}: question {question.pk}: {error.message}", fields={field: [error.message]}
        ) from None


def _answers_of(quiz: Quiz, given: list[dict]) -> list[Answer]:
    """One Answer per question of the quiz (empty where left out), validated."""
    questions = {q.pk: q for q in answer_sheet(quiz)}
    by_question: dict[int, dict] = {}
    for index, item in enumerate(given):
        question = questions.get(item["question"])
        if question is None:
            field = f"answers.{index}.question"
            raise InvalidInput(
                f"{field}: question {item['question']} is not in this quiz.",
                fields={field: ["Not a question of this quiz."]},
            )
        if question.pk in by_question:
            field = f"answers.{index}.question"
            raise InvalidInput(
                f"{field}: question {question.pk} is answered twice.",
                fields={field: ["Answer each question once."]},
            )
        answer = {k: v for k, v in item.items() if k != "question"}
        by_question[question.pk] = _stored(question, answer, f"answers.{index}.")
    return [Answer(question_id=pk, **by_question.get(pk, {})) for pk in questions]


def attempt_submit(*, attempt: Attempt, answers: list[dict]) -> Attempt:
    """Store the answers and move to ``grading`` in one transaction; grade on commit.
    A second submission is a :class:`Conflict`, whatever the attempt's state."""
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(f"Attempt {attempt.pk} was already submitted ({attempt.status}).")
    rows = _answers_of(attempt.quiz, answers)
    now = timezone.now()
    with transaction.atomic():
        moved = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.GRADING,
            submitted_at=now,
            enqueued_at=now,
            keys_seen=keys_seen_by(user_id=attempt.user_id, quiz_id=attempt.quiz_id),
        )
        if not moved:
            raise Conflict(f"Attempt {attempt.pk} was already submitted.")
        for row in rows:
            row.attempt_id = attempt.pk
        try:
            Answer.objects.bulk_create(rows)
        except IntegrityError:  # a concurrent submission won
            raise Conflict(f"Attempt {attempt.pk} was already submitted.") from None
        transaction.on_commit(lambda: _send(GRADE_TASK, attempt.pk))
    attempt.status, attempt.submitted_at, attempt.enqueued_at = AttemptStatus.GRADING, now, now
    return attempt


def _send(task: str, *args):
    """Send a grading task by name, with ids only, to the grading queue."""
    return current_app.send_task(task, args=list(args), queue=settings.GRADING_QUEUE)


def attempts_requeue_stale(*, older_than: float) -> list[int]:
    """Re-enqueue attempts left ``grading`` for ``older_than`` seconds since they were last
    enqueued (a lost message, a killed worker on a broker that does not redeliver)."""
    now = timezone.now()
    stale = list(
        Attempt.objects.filter(
            status=AttemptStatus.GRADING, enqueued_at__lte=now - timedelta(seconds=older_than)
        ).values_list("pk", flat=True)[:1000]
    )
    if stale:
        Attempt.objects.filter(pk__in=stale, status=AttemptStatus.GRADING).update(enqueued_at=now)
        for pk in stale:
            _send(GRADE_TASK, pk)
    return stale


def answer_check_send(*, question: Question, answer: dict, user):
    """Validate a practice answer by parsing it (400 if unreadable) and send it to a
    worker; returns the task's AsyncResult."""
    sheet = SheetQuestion(question.pk, question.kind, question_key(question))
    return _send(CHECK_TASK, question.pk, _stored(sheet, answer), user.pk)


def key_views_record(*, user, quiz_ids) -> None:
    """Remember that ``user`` opened the keys of these quizzes (the first time counts)."""
    if not user.is_authenticated:
        return
    KeyView.objects.bulk_create(
        [KeyView(user=user, quiz_id=pk) for pk in set(quiz_ids)], ignore_conflicts=True
    )


def attempt_take(*, user, quiz: Quiz, answers: list[dict]) -> Attempt:
    """Start and submit an attempt in one go (the web quiz page's one form). Both happen in
    one transaction: an unreadable answer raises :class:`InvalidInput` and leaves no
    attempt behind, so a typo costs nothing."""
    with transaction.atomic():
        return attempt_submit(attempt=attempt_start(user=user, quiz=quiz), answers=answers)
