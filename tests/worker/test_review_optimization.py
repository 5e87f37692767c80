"""Per-learner FSRS optimisation in a real worker: new parameters are adopted only when
they predict the learner's most recent reviews better; otherwise the old ones stay. The
evaluation is stored either way, and running it again changes nothing."""

import random
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.models import Flashcard, ReviewCard, ReviewSettings
from learning.services.bundles import path_import
from learning.services.reviews import reviews_submit
from learning.tasks import optimize_review_parameters
from tests.helpers import sized_bundle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]
CARDS = 300
GAPS_DAYS = (2, 10, 30, 90, 180)


def history(user, *, rating_of) -> int:
    """Every card learnt on one of 60 days, then reviewed after each gap in GAPS_DAYS;
    ``rating_of(share of the timeline elapsed, rng)`` gives each rating."""
    path = path_import(data=sized_bundle(CARDS * 5, slug=f"deck-{user.pk}"), owner=user)
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight - timedelta(days=400)  # whole days: the same intervals whenever it runs
    Flashcard.objects.filter(path=path).update(created_at=start - timedelta(days=1))
    cards = list(Flashcard.objects.filter(path=path).values_list("pk", flat=True))
    events = []
    for n, card in enumerate(cards):
        day = n % 60
        events.append((start + timedelta(days=day), card))
        for gap in GAPS_DAYS:
            day += gap
            events.append((start + timedelta(days=day, hours=1), card))
    events.sort()
    rng = random.Random(7)
    reviews = [
        {
            "flashcard": card,
            "rating": rating_of(i / len(events), rng),
            "client_id": uuid.uuid4(),
            "reviewed_at": at,
        }
        for i, (at, card) in enumerate(events)
    ]
    for chunk in range(0, len(reviews), 1000):
        reviews_submit(user=user, reviews=reviews[chunk : chunk + 1000])
    return len(reviews)


def optimize(user) -> dict:
    return optimize_review_parameters.delay(user.pk).get(timeout=120)


def test_parameters_that_predict_recent_reviews_better_are_adopted(
    celery_worker_process, learner, api
):
    """A learner who remembers nearly everything at long intervals: FSRS's defaults expect
    more forgetting, parameters fitted to them predict the held-out reviews better."""
    total = history(learner, rating_of=lambda share, rng: 3 if rng.random() < 0.97 else 1)
    before = {c.flashcard_id: c.due for c in ReviewCard.objects.filter(user=learner, reps__gt=0)}
    outcome = optimize(learner)
    settings = ReviewSettings.objects.get(user=learner)
    assert outcome == settings.last_optimization
    assert outcome["adopted"] is True, outcome
    assert outcome["reviews"] == total
    assert outcome["log_loss_after"] < outcome["log_loss_before"]
    assert len(settings.parameters) == 21
    # every card was replayed with the new parameters: the intervals grew
    after = {c.flashcard_id: c.due for c in ReviewCard.objects.filter(user=learner, reps__gt=0)}
    assert sum(after[pk] > before[pk] for pk in before) > len(before) / 2
    # nothing new since: running again answers the same evaluation and changes nothing
    assert optimize(learner) == outcome
    assert ReviewSettings.objects.get(user=learner).parameters == settings.parameters


def test_parameters_that_do_not_predict_better_are_refused_and_the_old_ones_kept(
    celery_worker_process, learner
):
    """The learner forgot everything for months, then remembered everything (the held-out
    part): parameters fitted to the months before predict that worse than the defaults."""
    history(learner, rating_of=lambda share, rng: 1 if share < 0.75 else 3)
    outcome = optimize(learner)
    settings = ReviewSettings.objects.get(user=learner)
    assert outcome["adopted"] is False, outcome
    assert outcome["log_loss_after"] >= outcome["log_loss_before"]
    assert settings.parameters == []  # still FSRS-6's defaults
    assert settings.last_optimization == outcome


def test_too_little_history_is_refused_with_the_reason(celery_worker_process, learner):
    path = path_import(data=sized_bundle(50, slug="little"), owner=learner)
    card = Flashcard.objects.filter(path=path).first()
    reviews_submit(
        user=learner, reviews=[{"flashcard": card.pk, "rating": 3, "client_id": uuid.uuid4()}]
    )
    outcome = optimize(learner)
    assert (outcome["adopted"], outcome["reason"], outcome["reviews"]) == (
        False,
        "not enough history",
        1,
    )
    assert ReviewSettings.objects.get(user=learner).parameters == []


def test_the_weekly_beat_queues_learners_with_enough_reviews(celery_worker_process, make_user):
    import time

    from django.conf import settings as django_settings

    from config.celery_app import app
    from learning.tasks import WEEKLY_MIN_REVIEWS, optimize_all_review_parameters

    weekly = django_settings.CELERY_BEAT_SCHEDULE["optimize-review-parameters-weekly"]
    assert weekly["task"] == optimize_all_review_parameters.name
    assert weekly["task"] in app.tasks
    keen, idle = make_user("keen"), make_user("idle")
    path = path_import(data=sized_bundle(WEEKLY_MIN_REVIEWS * 5, slug="weekly"), owner=keen)
    cards = list(Flashcard.objects.filter(path=path).values_list("pk", flat=True))
    reviews_submit(
        user=keen,
        reviews=[{"flashcard": pk, "rating": 3, "client_id": uuid.uuid4()} for pk in cards],
    )
    assert optimize_all_review_parameters.delay().get(timeout=60) == 1
    deadline = time.monotonic() + 60
    while not ReviewSettings.objects.filter(user=keen, last_optimization__isnull=False).exists():
        assert time.monotonic() < deadline, "the queued optimisation never ran"
        time.sleep(0.1)
    outcome = ReviewSettings.objects.get(user=keen).last_optimization
    assert (outcome["reviews"], outcome["adopted"]) == (len(cards), False)
    assert not ReviewSettings.objects.filter(user=idle).exists()
