"""Celery tasks of the learning app. Each takes ids, calls one service and is safe to run
twice."""

from celery import shared_task
from django.contrib.auth import get_user_model

from learning.selectors.reviews import learners_with_reviews
from learning.services.review_optimization import review_parameters_optimize

#: Below this many reviews a learner is not even queued for the weekly optimisation
#: (the optimiser's own minimum decides for those above it).
WEEKLY_MIN_REVIEWS = 64


@shared_task(name="learning.optimize_review_parameters")
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
