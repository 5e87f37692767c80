"""The review endpoints (SPEC §4 ``reviews/…``): the queue, submitting one or a batch,
idempotency, undo, suspend, stats, settings, optimisation on request, permissions, and
query counts that do not grow with the number of cards."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from learning.models import Flashcard, ReviewCard, ReviewLog, ReviewSettings
from learning.services.bundles import path_import
from tests.helpers import client_for, sized_bundle

pytestmark = pytest.mark.django_db

URL = "/api/v1/reviews/"


def review(card, rating=3, **extra):
    return {"flashcard": card, "rating": rating, "client_id": str(uuid.uuid4())} | extra


def ago(**delta) -> str:
    return (timezone.now() - timedelta(**delta)).isoformat()


@pytest.fixture
def cards(clone):
    """The ids of the learner's clone's flashcards (two)."""
    return list(
        Flashcard.objects.filter(path=clone).order_by("position", "id").values_list("pk", flat=True)
    )


def nothing_stored():
    return not ReviewLog.objects.exists() and not ReviewCard.objects.exclude(reps=0).exists()


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "due/"), ("post", ""), ("post", "batch/"), ("post", "undo/"), ("get", "stats/"),
     ("get", "settings/"), ("patch", "settings/"), ("post", "optimize/"),
     ("post", "cards/1/suspend/"), ("post", "cards/1/unsuspend/")],
)  # fmt: skip
def test_anonymous_is_401(api, method, url):
    answer = getattr(api, method)(URL + url, {}, format="json")
    assert answer.status_code == 401
    assert answer.json()["code"] == "not_authenticated"


def test_another_learners_card_and_path_are_404_and_nothing_stored(clone, cards, make_user):
    other = client_for(make_user("mallory"))
    assert other.post(URL, review(cards[0]), format="json").status_code == 404
    assert (
        other.post(URL + "batch/", {"reviews": [review(cards[0])]}, format="json").status_code
        == 404
    )
    assert other.post(URL + f"cards/{cards[0]}/suspend/").status_code == 404
    for url in ("due/", "stats/"):
        assert other.get(URL + url, {"path": clone.slug}).status_code == 404
    assert other.get(URL + "due/").json() == []
    assert nothing_stored()


def test_the_public_source_path_is_not_yours_to_review(source, learner_api):
    card = Flashcard.objects.filter(path=source).first()
    assert learner_api.post(URL, review(card.pk), format="json").status_code == 404
    assert learner_api.get(URL + "due/", {"path": source.slug}).status_code == 404


def test_staff_may_review_any_path(source, staff_api):
    card = Flashcard.objects.filter(path=source).first()
    assert staff_api.post(URL, review(card.pk), format="json").status_code == 201
    assert [
        row["flashcard"]["id"] for row in staff_api.get(URL + "due/", {"path": source.slug}).json()
    ] == [c.pk for c in Flashcard.objects.filter(path=source).order_by("id") if c.pk != card.pk]


# --- submitting -------------------------------------------------------------------------------


def test_a_review_answers_the_cards_new_state(learner_api, cards):
    answer = learner_api.post(
        URL, review(cards[0], 3, duration_ms=4200, device="phone"), format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["flashcard"] == cards[0]
    assert (body["state"], body["reps"], body["step"], body["lapses"]) == ("learning", 1, 1, 0)
    assert body["stability"] > 0 and body["difficulty"] > 0
    log = ReviewLog.objects.get()
    assert (log.duration_ms, log.device, log.rating) == (4200, "phone", 3)


def test_a_repeated_client_id_gets_the_first_answer_and_changes_nothing(learner_api, cards):
    first = review(cards[0], 3)
    one = learner_api.post(URL, first, format="json")
    learner_api.post(URL, review(cards[0], 3), format="json")  # the card moves on
    again = learner_api.post(URL, first | {"rating": 1}, format="json")
    assert again.status_code == 200
    assert again.json() == one.json()
    assert ReviewLog.objects.count() == 2
    assert ReviewCard.objects.get(flashcard_id=cards[0]).reps == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [({"rating": 0}, "rating"), ({"rating": 5}, "rating"), ({"rating": "good"}, "rating"),
     ({"client_id": "not-a-uuid"}, "client_id"), ({"reviewed_at": "yesterday"}, "reviewed_at"),
     ({"duration_ms": -1}, "duration_ms"), ({"flashcard": 2**70}, "flashcard")],
)  # fmt: skip
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(
    learner_api, cards, change, field
):
    answer = learner_api.post(URL, review(cards[0]) | change, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    assert nothing_stored()


def test_a_review_in_the_future_is_refused_but_clock_skew_is_not(learner_api, cards):
    future = (timezone.now() + timedelta(hours=1)).isoformat()
    answer = learner_api.post(URL, review(cards[0], reviewed_at=future), format="json")
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"reviewed_at": ["In the future."]}
    assert nothing_stored()
    skewed = (timezone.now() + timedelta(minutes=2)).isoformat()
    assert (
        learner_api.post(URL, review(cards[0], reviewed_at=skewed), format="json").status_code
        == 201
    )


def test_a_review_before_the_card_existed_is_refused(learner_api, cards):
    Flashcard.objects.filter(pk=cards[0]).update(created_at=timezone.now() - timedelta(days=1))
    answer = learner_api.post(URL, review(cards[0], reviewed_at=ago(days=2)), format="json")
    assert answer.status_code == 400
    assert "existed" in answer.json()["detail"]
    assert nothing_stored()


def test_unknown_card_is_404(learner_api):
    assert learner_api.post(URL, review(999_999), format="json").status_code == 404
    assert nothing_stored()


# --- batches: offline sync ---------------------------------------------------------------------


def test_batches_synced_in_either_order_give_the_same_cards(clone, cards, learner, make_user):
    Flashcard.objects.filter(path=clone).update(created_at=timezone.now() - timedelta(days=30))
    phone = [review(cards[0], 3, reviewed_at=ago(days=20)), review(cards[0], 3, reviewed_at=ago(days=19, hours=23)),
             review(cards[1], 1, reviewed_at=ago(days=5))]  # fmt: skip
    web = [
        review(cards[0], 1, reviewed_at=ago(days=3)),
        review(cards[1], 4, reviewed_at=ago(days=10)),
    ]
    api = client_for(learner)
    assert api.post(URL + "batch/", {"reviews": web}, format="json").status_code == 200
    assert api.post(URL + "batch/", {"reviews": phone}, format="json").status_code == 200
    one_order = {c.flashcard_id: c for c in ReviewCard.objects.filter(user=learner)}
    ReviewLog.objects.all().delete()
    ReviewCard.objects.all().delete()
    answer = api.post(URL + "batch/", {"reviews": phone + web}, format="json")
    assert [row["created"] for row in answer.json()["results"]] == [True] * 5
    other_order = {c.flashcard_id: c for c in ReviewCard.objects.filter(user=learner)}
    fields = ("state", "due", "stability", "difficulty", "step", "reps", "lapses", "last_review")
    for pk in cards:
        assert [getattr(one_order[pk], f) for f in fields] == [
            getattr(other_order[pk], f) for f in fields
        ]
    assert one_order[cards[0]].lapses == 1  # the web's Again came after the phone's learning


def test_a_batch_with_one_bad_review_stores_nothing(learner_api, cards):
    batch = [review(cards[0]), review(cards[1]), review(999_999)]
    assert learner_api.post(URL + "batch/", {"reviews": batch}, format="json").status_code == 404
    future = (timezone.now() + timedelta(days=1)).isoformat()
    batch = [review(cards[0]), review(cards[1], reviewed_at=future)]
    answer = learner_api.post(URL + "batch/", {"reviews": batch}, format="json")
    assert answer.status_code == 400
    assert set(answer.json()["fields"]) == {"reviews.1.reviewed_at"}
    assert nothing_stored()


def test_a_batch_is_idempotent_per_client_id(learner_api, cards):
    batch = [review(cards[0], 3), review(cards[1], 2)]
    first = learner_api.post(URL + "batch/", {"reviews": batch}, format="json").json()
    again = learner_api.post(URL + "batch/", {"reviews": [*batch, batch[0]]}, format="json").json()
    assert [r["created"] for r in again["results"]] == [False, False, False]
    twice = review(cards[0], 4)
    answer = learner_api.post(URL + "batch/", {"reviews": [twice, twice]}, format="json").json()
    assert [r["created"] for r in answer["results"]] == [True, False]
    assert [r["result"] for r in again["results"][:2]] == [r["result"] for r in first["results"]]
    assert ReviewLog.objects.count() == 3


def test_a_batch_over_1000_is_refused(learner_api, cards):
    answer = learner_api.post(URL + "batch/", {"reviews": [review(cards[0])] * 1001}, format="json")
    assert answer.status_code == 400
    assert nothing_stored()


# --- the queue ---------------------------------------------------------------------------------


@pytest.fixture
def deck(learner):
    """A path of the learner's own with 10 flashcards."""
    return path_import(data=sized_bundle(50, slug="deck"), owner=learner)


def test_new_cards_come_in_order_up_to_the_daily_limit(learner, learner_api, deck):
    ReviewSettings.objects.create(user=learner, new_per_day=3)
    ids = list(Flashcard.objects.filter(path=deck).order_by("id").values_list("pk", flat=True))
    queue = learner_api.get(URL + "due/", {"path": deck.slug}).json()
    assert [row["flashcard"]["id"] for row in queue] == ids[:3]
    assert {row["state"] for row in queue} == {"new"} and queue[0]["due"] is None
    assert queue[0]["intervals"] == {
        "again": 60,
        "hard": 330,
        "good": 600,
        "easy": queue[0]["intervals"]["easy"],
    }
    learner_api.post(URL, review(ids[0], 4), format="json")  # introduced today: two left
    queue = learner_api.get(URL + "due/", {"path": deck.slug}).json()
    assert [row["flashcard"]["id"] for row in queue] == ids[1:3]


def test_due_cards_come_oldest_first_then_new_ones(learner, learner_api, deck):
    ids = list(Flashcard.objects.filter(path=deck).order_by("id").values_list("pk", flat=True))
    Flashcard.objects.filter(path=deck).update(created_at=timezone.now() - timedelta(days=60))
    learner_api.post(URL, review(ids[3], 1, reviewed_at=ago(days=2)), format="json")
    learner_api.post(URL, review(ids[5], 1, reviewed_at=ago(days=3)), format="json")
    learner_api.post(
        URL, review(ids[7], 4, reviewed_at=ago(minutes=1)), format="json"
    )  # due in days
    queue = learner_api.get(URL + "due/", {"limit": 4}).json()
    assert [row["flashcard"]["id"] for row in queue] == [ids[5], ids[3], ids[0], ids[1]]
    assert [row["state"] for row in queue] == ["learning", "learning", "new", "new"]
    assert learner_api.get(URL + "due/", {"limit": 0}).status_code == 400
    assert learner_api.get(URL + "due/", {"limit": "ten"}).status_code == 400


@pytest.mark.parametrize("limit", [2, 4, 20])
def test_the_queue_of_one_path_reads_the_learners_settings_and_new_today(
    learner, learner_api, deck, limit
):
    """``?path=`` reads the path, the deck's version, the settings and today's new cards
    in one query: what it answers is what the learner-wide queue answers over one path."""
    ReviewSettings.objects.create(user=learner, new_per_day=2, desired_retention=0.8)
    ids = list(Flashcard.objects.filter(path=deck).order_by("id").values_list("pk", flat=True))
    Flashcard.objects.filter(path=deck).update(created_at=timezone.now() - timedelta(days=60))
    learner_api.post(URL, review(ids[3], 1, reviewed_at=ago(days=2)), format="json")
    learner_api.post(URL, review(ids[5], 1, reviewed_at=ago(days=3)), format="json")
    learner_api.post(URL, review(ids[9], 4, reviewed_at=ago(minutes=3)), format="json")
    whole = learner_api.get(URL + "due/", {"limit": limit}).json()
    of_path = learner_api.get(URL + "due/", {"path": deck.slug, "limit": limit}).json()
    assert of_path == whole
    # Two due (begun two and three days ago), then new ones up to two a day less the one
    # begun today (due in days): one.
    assert [row["flashcard"]["id"] for row in of_path] == [ids[5], ids[3], ids[0]][:limit]
    default = learner_api.get(URL + "due/", {"path": deck.slug}).json()[0]["intervals"]
    ReviewSettings.objects.filter(user=learner).update(desired_retention=0.95)
    assert learner_api.get(URL + "due/", {"path": deck.slug}).json()[0]["intervals"] != default


def test_suspended_cards_leave_the_queue_until_unsuspended(learner_api, cards):
    assert learner_api.post(URL + f"cards/{cards[0]}/suspend/").json()["suspended"] is True
    assert [r["flashcard"]["id"] for r in learner_api.get(URL + "due/").json()] == [cards[1]]
    assert learner_api.post(URL + f"cards/{cards[0]}/unsuspend/").json()["suspended"] is False
    assert [r["flashcard"]["id"] for r in learner_api.get(URL + "due/").json()] == cards
    assert learner_api.post(URL + "cards/999999/suspend/").status_code == 404
    assert learner_api.post(URL + f"cards/{2**70}/unsuspend/").status_code == 404


def test_a_card_added_to_the_path_becomes_a_new_card(learner_api, clone, cards):
    assert len(learner_api.get(URL + "due/").json()) == 2
    added = learner_api.post(
        f"/api/v1/paths/{clone.slug}/flashcards/", {"front": "f", "back": "b"}, format="json"
    )
    assert added.status_code == 201
    assert [r["flashcard"]["id"] for r in learner_api.get(URL + "due/").json()] == [
        *cards,
        added.json()["id"],
    ]


def test_the_due_queue_costs_the_same_queries_whatever_the_number_of_cards(
    learner, learner_api, django_assert_num_queries
):
    ReviewSettings.objects.create(user=learner, new_per_day=10_000)

    def queue_queries(size: int) -> int:
        path = path_import(data=sized_bundle(size, slug=f"q{size}"), owner=learner)
        cards = list(Flashcard.objects.filter(path=path).values_list("pk", flat=True))
        learner_api.post(
            URL + "batch/",
            {"reviews": [review(pk, 1, reviewed_at=ago(minutes=5)) for pk in cards[: size // 50]]},
            format="json",
        )
        learner_api.get(URL + "due/", {"path": path.slug})  # the new cards are created once
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            answer = learner_api.get(URL + "due/", {"path": path.slug, "limit": 500})
        rows = answer.json()
        assert len(rows) == size // 5  # its cards: a tenth due (learning), the rest new
        assert [r["state"] for r in rows[: size // 50]] == ["learning"] * (size // 50)
        return len(queries)

    small, large = queue_queries(50), queue_queries(500)
    assert small == large
    with django_assert_num_queries(small):
        learner_api.get(URL + "due/", {"path": "q500", "limit": 500})


def test_a_review_costs_the_same_queries_whatever_the_number_of_cards(
    learner, learner_api, django_assert_num_queries
):
    counts = []
    for size in (50, 500):
        path = path_import(data=sized_bundle(size, slug=f"r{size}"), owner=learner)
        cards = list(Flashcard.objects.filter(path=path).values_list("pk", flat=True))
        learner_api.post(
            URL + "batch/",
            {"reviews": [review(pk, 3, reviewed_at=ago(minutes=20)) for pk in cards]},
            format="json",
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert learner_api.post(URL, review(cards[-1], 3), format="json").status_code == 201
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_num_queries(counts[0]):
        learner_api.post(URL, review(cards[0], 3), format="json")


# --- undo, stats, settings, optimisation ----------------------------------------------------


def test_undo_takes_back_the_last_review_only(learner_api, cards, make_user):
    learner_api.post(URL, review(cards[0], 3), format="json")
    before = learner_api.get(URL + "due/").json()
    learner_api.post(URL, review(cards[0], 1), format="json")
    client_for(make_user("bob")).post(URL + "undo/")  # someone else's undo touches nothing here
    answer = learner_api.post(URL + "undo/")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["undone"]["rating"], body["card"]["reps"], body["card"]["step"]) == (1, 1, 1)
    assert learner_api.get(URL + "due/").json() == before
    assert (
        ReviewLog.objects.count() == 2
        and ReviewLog.objects.filter(undone_at__isnull=False).count() == 1
    )
    assert learner_api.post(URL + "undo/").json()["card"]["state"] == "new"
    nothing = learner_api.post(URL + "undo/")
    assert nothing.status_code == 404 and nothing.json()["detail"] == "Nothing to undo."


def test_stats_count_states_reviews_retention_forecast_and_streak(
    learner, learner_api, clone, cards
):
    Flashcard.objects.filter(path=clone).update(created_at=timezone.now() - timedelta(days=10))
    batch = [review(cards[0], 3, reviewed_at=ago(days=2)), review(cards[0], 3, reviewed_at=ago(days=2, minutes=-10)),
             review(cards[0], 1, reviewed_at=ago(days=1)), review(cards[0], 3, reviewed_at=ago(seconds=5))]  # fmt: skip
    learner_api.post(URL + "batch/", {"reviews": batch}, format="json")
    stats = learner_api.get(URL + "stats/", {"path": clone.slug}).json()
    assert stats["counts"] == {"new": 1, "learning": 0, "review": 1, "relearning": 0}
    assert stats["reviews_total"] == 4
    assert stats["retention"] == 0.75
    assert len(stats["forecast"]) == 30 and sum(day["due"] for day in stats["forecast"]) == 1
    assert stats["forecast"][0]["date"] == timezone.now().date().isoformat()
    assert stats["streak"] == 3
    empty = client_for(learner).get(URL + "stats/", {"path": "nope"})
    assert empty.status_code == 404


def test_settings_read_and_change_within_bounds(learner_api):
    settings = learner_api.get(URL + "settings/").json()
    assert (settings["desired_retention"], settings["new_per_day"]) == (0.9, 20)
    assert len(settings["parameters"]) == 21 and settings["default_parameters"] is True
    assert settings["last_optimization"] is None
    changed = learner_api.patch(
        URL + "settings/", {"desired_retention": 0.85, "new_per_day": 5}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["desired_retention"], changed.json()["new_per_day"]) == (0.85, 5)
    for bad in ({"desired_retention": 0.5}, {"desired_retention": 0.99}, {"new_per_day": -1}):
        answer = learner_api.patch(URL + "settings/", bad, format="json")
        assert answer.status_code == 400 and set(answer.json()["fields"]) == set(bad)
    assert learner_api.get(URL + "settings/").json()["desired_retention"] == 0.85


def test_optimize_is_queued_after_the_request_commits(
    learner_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer = learner_api.post(URL + "optimize/")
    assert answer.status_code == 202 and answer.json() == {"status": "queued"}
    assert len(callbacks) == 1


def test_the_schema_describes_every_review_endpoint(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    for endpoint in ("due/", "", "batch/", "undo/", "stats/", "settings/", "optimize/",
                     "cards/{flashcard}/suspend/", "cards/{flashcard}/unsuspend/"):  # fmt: skip
        assert f"/api/v1/reviews/{endpoint}" in paths, endpoint
    assert "/api/v1/paths/{slug}/export.apkg" in paths
