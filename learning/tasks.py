"""Celery tasks of ``learning``: grading attempts, practice checks and the stale
re-enqueue; each learner's FSRS optimisation, weekly and on request.

They take ids, call one function of ``learning.grading`` or a service, and are safe to
run twice (``grade_attempt`` records a grading exactly once; an optimisation with no new
reviews changes nothing). Grading runs on the ``grading`` queue (``CELERY_TASK_ROUTES``),
so a long content job never delays a grade; ``acks_late`` with ``reject_on_worker_lost``
means a task a dying worker held is delivered again on Redis, and the periodic re-enqueue
covers the filesystem broker, which does not.
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model

from learning import grading
from learning.selectors.reviews import learners_with_reviews
from learning.services.attempts import attempts_requeue_stale
from learning.services.review_optimization import OPTIMIZE_TASK, review_parameters_optimize

#: Below this many reviews a learner is not even queued for the weekly optimisation
#: (the optimiser's own minimum decides for those above it).
WEEKLY_MIN_REVIEWS = 64

# --- grading ---------------------------------------------------------------------------


@shared_task(name=grading.GRADE_TASK, acks_late=True, reject_on_worker_lost=True)
def grade_attempt(attempt_id: int) -> str:
    return grading.grade_attempt(attempt_id=attempt_id)


@shared_task(name=grading.CHECK_TASK, acks_late=True, reject_on_worker_lost=True)
def check_answer(question_id: int, answer: dict, user_id: int) -> dict:
    return grading.check_answer(question_id=question_id, answer=answer) | {"user": user_id}


@shared_task(name=grading.REQUEUE_TASK)
def requeue_stale_attempts(older_than: float | None = None) -> list[int]:
    seconds = settings.GRADING_STALE_SECONDS if older_than is None else older_than
    return attempts_requeue_stale(older_than=seconds)


# --- review optimisation ---------------------------------------------------------------


@shared_task(name=OPTIMIZE_TASK)
def optimize_review_parameters(user_id: int) -> dict | None:
    """Fit and judge one learner's FSRS parameters; adopt them only if they predict the
    learner's most recent reviews better (``learning.optimization``)."""
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return None
    return review_parameters_optimize(user=user)


@shared_task(name="learning.optimize_all_review_parameters")
def optimize_all_review_parameters() -> int:
    """Weekly (beat): queue one optimisation per learner with enough reviews."""
    queued = 0
    for user_id in learners_with_reviews(at_least=WEEKLY_MIN_REVIEWS):
        optimize_review_parameters.delay(user_id)
        queued += 1
    return queued
