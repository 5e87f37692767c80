"""Celery tasks of ``learning``: grading attempts, practice checks, the stale re-enqueue.

They take ids, call one function of ``learning.grading`` or the attempts service, and are
safe to run twice (``grade_attempt`` records a grading exactly once). They run on the
``grading`` queue (``CELERY_TASK_ROUTES``), so a long content job never delays a grade;
``acks_late`` with ``reject_on_worker_lost`` means a task a dying worker held is delivered
again on Redis, and the periodic re-enqueue covers the filesystem broker, which does not.
"""

from celery import shared_task
from django.conf import settings

from learning import grading
from learning.services.attempts import attempts_requeue_stale


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
