"""Reads of quiz attempts: whose they are, their results, a learner's list and statistics.

Who may attempt a quiz: its path's owner and staff, the readers of the whole path. Anyone
else gets a 404 that says to clone the path: a preview shows one question per quiz, so a
score on it would mean nothing, and the clone is the learner's own copy to practise on.
An attempt is seen by the learner who made it and nobody else (404).

For the web quiz page (``/paths/<slug>/quizzes/<id>/``): ``quiz_get_for_attempt`` (who may
take it), the path's tree (``path_tree``: questions and choices, never keys),
``attempt_start`` / ``attempt_submit`` (``learning.services.attempts``; an
``InvalidInput`` carries ``fields`` such as ``answers.2.expression`` to show beside the
field), ``attempt_result`` once ``status`` is ``graded`` (poll ``GET attempts/{id}/`` or
reload), ``attempt_stats``; the formula field's live preview is
``POST questions/{id}/preview/`` (``kernels.typeset.formula_latex`` +
``learning.rendering.render_formula``, parse only).
"""

from functools import lru_cache
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Avg, Count, Exists, Max, Prefetch, QuerySet

from config.errors import NotFound
from config.prepared import Prepared, columns_of
from learning.grading import question_key, questions_with_choices
from learning.models import Answer, Attempt, AttemptStatus, KeyView, Path, Question, Quiz
from learning.selectors.paths import path_can_edit


class SheetQuestion(NamedTuple):
    """What checking a submitted answer needs of its question."""

    pk: int
    kind: str
    key: dict


def answer_sheet(quiz: Quiz) -> list[SheetQuestion]:
    """The quiz's questions with their kinds and keys, in order, as submitting checks the
    answers against them. Each process keeps the sheets of recent path versions: a version
    never changes its questions (``quiz.path`` is loaded with the quiz)."""
    path = quiz.path
    born = int(path.created_at.timestamp() * 1_000_000) if path.created_at else 0
    return _sheet(quiz.pk, path.pk, born, path.version)


@lru_cache(maxsize=512)
def _sheet(quiz_id: int, path_id: int, born: int, version: int) -> list[SheetQuestion]:
    questions = questions_with_choices().filter(quiz_id=quiz_id).order_by("position", "id")
    return [SheetQuestion(q.pk, q.kind, question_key(q)) for q in questions]


def quiz_get_for_attempt(*, quiz_id: int, user) -> Quiz:
    quiz = Quiz.objects.select_related("path").filter(pk=quiz_id).first()
    if quiz is None or not path_can_edit(quiz.path, user):
        raise NotFound(
            f"No quiz {quiz_id} of yours: quizzes are taken on your own copy of a path "
            "(POST paths/{slug}/clone/)."
        )
    return quiz


_ATTEMPT_COLUMNS = columns_of(Attempt)
_QUIZ_COLUMNS = columns_of(Quiz, {"id", "path_id"})
_PATH_COLUMNS = columns_of(Path, {"id", "slug", "version", "created_at"})
_ATTEMPT = Prepared(
    lambda pk, user_id: (
        Attempt.objects.filter(pk=pk, user_id=user_id)
        .order_by()
        .values_list(*_ATTEMPT_COLUMNS, *(f"quiz__path__{name}" for name in _PATH_COLUMNS))
    ),
    pk=int,
    user_id=int,
)


def attempt_get_for_user(*, attempt_id: int, user) -> Attempt:
    """The user's attempt with its quiz (id and path) and the path's slug, version and
    birth (what submitting and the pages read); one prepared query. Another's is a 404."""
    row = _ATTEMPT.first(pk=attempt_id, user_id=user.pk) if user.is_authenticated else None
    if row is None:
        raise NotFound(f"No attempt {attempt_id} of yours.")
    width = len(_ATTEMPT_COLUMNS)
    attempt = Attempt.from_db(DEFAULT_DB_ALIAS, _ATTEMPT_COLUMNS, row[:width])
    path = Path.from_db(DEFAULT_DB_ALIAS, _PATH_COLUMNS, row[width:])
    of_quiz = {"id": attempt.quiz_id, "path_id": path.pk}
    attempt.quiz = Quiz.from_db(
        DEFAULT_DB_ALIAS, _QUIZ_COLUMNS, [of_quiz[n] for n in _QUIZ_COLUMNS]
    )
    attempt.quiz.path = path
    return attempt


def attempts_of(*, user, quiz: Quiz) -> QuerySet[Attempt]:
    return Attempt.objects.filter(user_id=user.pk, quiz=quiz).order_by("-created_at", "-id")


def attempt_row(attempt: Attempt) -> dict:
    return {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "status": attempt.status,
        "score": attempt.score,
        "max_score": attempt.max_score,
        "created_at": attempt.created_at,
        "submitted_at": attempt.submitted_at,
        "graded_at": attempt.graded_at,
        "keys_seen": attempt.keys_seen,
    }


def attempt_result(attempt: Attempt) -> dict:
    """The attempt with, once graded, each question's verdict, explanation and key."""
    row = attempt_row(attempt) | {"results": []}
    if attempt.status != AttemptStatus.GRADED:
        return row
    answers = Answer.objects.filter(attempt=attempt).prefetch_related(
        Prefetch("question", queryset=Question.objects.only("id", "explanation"))
    )
    row["results"] = [
        {
            "question": answer.question_id,
            "answer": answer.given(),
            "correct": answer.correct,
            "score": answer.score,
            "feedback": answer.feedback,
            "explanation": answer.question.explanation,
            "expected": answer.expected,
        }
        for answer in answers
    ]
    return row


def keys_seen_by(*, user_id: int, quiz_id: int) -> Exists:
    """Whether the user opened the quiz's keys, as an expression: the statement that
    stores it asks in the same round trip, inside its transaction."""
    return Exists(KeyView.objects.filter(user_id=user_id, quiz_id=quiz_id))


def attempt_stats(*, user, quiz: Quiz) -> dict:
    """Graded attempts counted apart by whether the keys had been opened before."""
    rows = (
        attempts_of(user=user, quiz=quiz)
        .filter(status=AttemptStatus.GRADED)
        .order_by()
        .values("keys_seen")
        .annotate(n=Count("id"), best=Max("score"), mean=Avg("score"), out_of=Max("max_score"))
    )
    empty = {"attempts": 0, "best": None, "mean": None, "max_score": None}
    stats = {"unseen_keys": dict(empty), "keys_seen": dict(empty)}
    for row in rows:
        stats["keys_seen" if row["keys_seen"] else "unseen_keys"] = {
            "attempts": row["n"],
            "best": row["best"],
            "mean": row["mean"],
            "max_score": row["out_of"],
        }
    return stats


def quiz_best_scores(*, user, path) -> dict[int, dict]:
    """``{quiz_id: {attempts, best, max_score}}`` of ``user``'s graded attempts on the
    quizzes of ``path``, in one query (the path's outline)."""
    if not user.is_authenticated:
        return {}
    rows = (
        Attempt.objects.filter(user_id=user.pk, quiz__path=path, status=AttemptStatus.GRADED)
        .values("quiz_id")
        .annotate(n=Count("id"), best=Max("score"), out_of=Max("max_score"))
        .order_by()
    )
    return {
        row["quiz_id"]: {"attempts": row["n"], "best": row["best"], "max_score": row["out_of"]}
        for row in rows
    }
