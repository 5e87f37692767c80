"""Per-learner FSRS parameter optimisation: evaluate, adopt only when better, keep the record.

Run by the Celery task ``learning.tasks.optimize_review_parameters`` (weekly by beat, and
on request). Idempotent: when no review was added or undone since the last evaluation,
it answers that evaluation and changes nothing. Whatever the outcome the evaluation is
stored in ``ReviewSettings.last_optimization``; adopted parameters replace the old ones and
every card of the learner is replayed with them.
"""

from collections import defaultdict

from celery import current_app
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from learning import optimization
from learning.models import ReviewLog, ReviewSettings
from learning.selectors.reviews import iso
from learning.services.reviews import review_cards_reschedule

#: The task that runs :func:`review_parameters_optimize` (``learning.tasks``), sent by name
#: so that services never import tasks.
OPTIMIZE_TASK = "learning.optimize_review_parameters"


def review_optimization_request(*, user) -> None:
    """Queue an optimisation of ``user``'s parameters once the transaction commits. A broker
    that is down is logged, not an error (``robust``): the weekly run catches up."""
    user_id = user.pk
    transaction.on_commit(lambda: current_app.send_task(OPTIMIZE_TASK, args=[user_id]), robust=True)


def review_parameters_optimize(*, user) -> dict:
    """Evaluate new parameters on the learner's log; answers ``last_optimization``."""
    logs = ReviewLog.objects.filter(user=user, undone_at__isnull=True)
    seen = logs.aggregate(count=Count("id"), through=Max("id"))
    settings, _ = ReviewSettings.objects.get_or_create(user=user)
    last = settings.last_optimization or {}
    if (last.get("reviews"), last.get("through_review")) == (seen["count"], seen["through"]):
        return last
    histories = defaultdict(list)
    for flashcard, at, rating in logs.values_list("flashcard_id", "reviewed_at", "rating"):
        histories[flashcard].append((at, rating))
    evaluation = optimization.evaluate(histories, current=settings.parameters)
    with transaction.atomic():
        settings = ReviewSettings.objects.select_for_update().get(user=user)
        if evaluation.adopted:
            settings.parameters = evaluation.parameters
        settings.last_optimization = {
            "at": iso(timezone.now()),
            "reviews": seen["count"],
            "through_review": seen["through"],
            "log_loss_before": evaluation.log_loss_before,
            "log_loss_after": evaluation.log_loss_after,
            "adopted": evaluation.adopted,
            "reason": evaluation.reason,
        }
        settings.save(update_fields=["parameters", "last_optimization"])
        if evaluation.adopted:
            review_cards_reschedule(user=user)
    return settings.last_optimization
