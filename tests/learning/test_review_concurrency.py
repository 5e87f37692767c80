"""Two reviews of one card at the same moment: both are kept and the card is their replay;
the same review sent twice at once is stored once. Real threads, real transactions, on
both engines (SQLite serializes the writers with IMMEDIATE transactions; PostgreSQL
with the row lock the service takes)."""

import threading
import uuid

import pytest
from django.db import connection

from config.errors import Conflict
from learning import scheduling
from learning.models import Flashcard, ReviewCard, ReviewLog
from learning.services.bundles import path_import
from learning.services.reviews import reviews_submit
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db(transaction=True)
ROUNDS = 8


def at_once(*calls):
    """Run ``calls`` in threads released together; answers their results (or errors)."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.fixture
def card(learner):
    path = path_import(data=small_bundle(slug="mine"), owner=learner)
    return Flashcard.objects.filter(path=path).first()


def submit(user, card, rating, client_id):
    return lambda: reviews_submit(
        user=user, reviews=[{"flashcard": card.pk, "rating": rating, "client_id": client_id}]
    )


def test_two_reviews_of_one_card_at_once_are_both_kept(learner, card):
    for done in range(1, ROUNDS + 1):
        results = at_once(
            submit(learner, card, 3, uuid.uuid4()), submit(learner, card, 1, uuid.uuid4())
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        # neither replay missed the other's review
        assert ReviewCard.objects.get(user=learner, flashcard=card).reps == 2 * done
    logs = list(ReviewLog.objects.filter(user=learner, flashcard=card))
    assert len(logs) == 2 * ROUNDS
    stored = ReviewCard.objects.get(user=learner, flashcard=card)
    replayed = scheduling.replay(
        scheduling.Review(log.rating, log.reviewed_at, str(log.client_id)) for log in logs
    )
    assert stored.reps == 2 * ROUNDS
    assert (stored.state, stored.due, stored.stability, stored.lapses) == (
        replayed.state,
        replayed.due,
        replayed.stability,
        replayed.lapses,
    )


def test_the_same_review_sent_twice_at_once_is_stored_once(learner, card):
    for _ in range(ROUNDS):
        client_id = uuid.uuid4()
        results = at_once(submit(learner, card, 3, client_id), submit(learner, card, 3, client_id))
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(r[0]["created"] for r in results) == [False, True]
        assert results[0][0]["result"] == results[1][0]["result"]
    assert ReviewLog.objects.filter(user=learner).count() == ROUNDS
    assert ReviewCard.objects.get(user=learner, flashcard=card).reps == ROUNDS


def test_one_client_id_sent_for_two_cards_at_once_keeps_one_and_refuses_the_other(learner, card):
    """Whichever loses the race gets a Conflict and leaves nothing behind: no log row, and
    its card's state untouched."""
    other = Flashcard.objects.filter(path=card.path).exclude(pk=card.pk).first()
    for done in range(1, ROUNDS + 1):
        client_id = uuid.uuid4()
        results = at_once(submit(learner, card, 3, client_id), submit(learner, other, 3, client_id))
        refused = [r for r in results if isinstance(r, Conflict)]
        kept = [r for r in results if not isinstance(r, Exception)]
        # Serialized writers may see the first review and answer it again: no Conflict then.
        assert len(kept) + len(refused) == 2, results
        assert ReviewLog.objects.filter(user=learner, client_id=client_id).count() == 1
        reps = sum(
            ReviewCard.objects.filter(user=learner, flashcard__in=[card, other]).values_list(
                "reps", flat=True
            )
        )
        assert reps == done
