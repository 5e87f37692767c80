"""A review steps its card on from the stored state when it comes after the card's last
one, and replays the card's live reviews when it comes late (services.reviews, the table
in its docstring): both must give the state a whole replay gives, and the common case
must not read the card's history."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from learning import scheduling
from learning.models import Flashcard, ReviewCard, ReviewLog
from learning.selectors.reviews import card_state
from learning.services.reviews import reviews_submit
from tests.helpers import queries_made

pytestmark = pytest.mark.django_db

RATINGS = [3, 1, 3, 4, 2, 3, 1, 3, 3, 4]


@pytest.fixture
def card(clone):
    return Flashcard.objects.filter(path=clone).order_by("id").first()


def review(user, card, rating, at, *, now):
    return reviews_submit(
        user=user,
        reviews=[
            {"flashcard": card.pk, "rating": rating, "client_id": uuid.uuid4(), "reviewed_at": at}
        ],
        now=now,
    )


def replayed(user, card) -> scheduling.CardState:
    logs = ReviewLog.objects.filter(user=user, flashcard=card, undone_at__isnull=True)
    return scheduling.replay(
        scheduling.Review(log.rating, log.reviewed_at, str(log.client_id)) for log in logs
    )


def stored(user, card) -> scheduling.CardState:
    return card_state(ReviewCard.objects.get(user=user, flashcard=card))


def test_reviews_in_order_give_the_state_of_a_whole_replay(learner, card):
    start, now = card.created_at, card.created_at + timedelta(days=90)
    for day, rating in enumerate(RATINGS):
        review(learner, card, rating, start + timedelta(days=day * 3, hours=day), now=now)
        assert stored(learner, card) == replayed(learner, card)
    assert stored(learner, card).reps == len(RATINGS)


def test_a_late_review_is_replayed_into_place(learner, card):
    start, now = card.created_at, card.created_at + timedelta(days=90)
    for day, rating in enumerate(RATINGS[:5]):
        review(learner, card, rating, start + timedelta(days=day * 5), now=now)
    before = stored(learner, card)
    review(learner, card, 1, start + timedelta(days=7), now=now)  # between the 2nd and 3rd
    after = stored(learner, card)
    assert after == replayed(learner, card)
    assert after != before and after.reps == 6 and after.last_review == before.last_review


def test_a_review_in_order_costs_the_same_queries_after_a_long_history(learner, card):
    """The card's history is not read: one review or forty before, the same queries."""
    start, now = card.created_at, card.created_at + timedelta(days=400)
    counts = []
    for day in range(41):
        queries, _ = queries_made(
            review,
            learner,
            card,
            RATINGS[day % len(RATINGS)],
            start + timedelta(days=day * 9),
            now=now,
        )
        counts.append(queries)
    assert counts[1] == counts[40], counts
    late, _ = queries_made(review, learner, card, 3, start + timedelta(days=1), now=now)
    assert late == counts[40] + 1  # the late one reads the card's live reviews
    assert timezone.is_aware(stored(learner, card).last_review)
