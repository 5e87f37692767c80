"""config.prepared: a queryset compiled once gives, run again with other values, exactly
the rows the ORM gives, converted as the ORM converts them, on both engines; an INSERT
compiled once writes exactly the row ``bulk_create`` writes."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from config.prepared import Prepared, PreparedInsert, columns_of
from learning.models import CardState, Flashcard, Path, ReviewCard, ReviewLog, Visibility
from learning.services.bundles import path_import
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "slug", "owner_id", "visibility", "version", "created_at", "key_points")


def by_slug(slug):
    return Path.objects.filter(slug=slug).order_by().values_list(*COLUMNS)


@pytest.fixture
def paths(learner):
    return [
        path_import(data=small_bundle(slug="one")),
        path_import(data=small_bundle(slug="two"), owner=learner, visibility="private"),
    ]


def test_rows_are_the_orm_rows_for_every_value(paths, django_assert_num_queries):
    prepared = Prepared(by_slug, slug=str)
    for slug in ("one", "two", "none"):
        with django_assert_num_queries(1):
            rows = prepared.rows(slug=slug)
        assert rows == list(by_slug(slug)), slug
    created = prepared.first(slug="one")[COLUMNS.index("created_at")]
    assert created.tzinfo is not None  # converted: SQLite hands back a naive string
    assert prepared.first(slug="two")[COLUMNS.index("key_points")] == paths[1].key_points


def test_two_values_and_constants_keep_their_places(paths, learner):
    def visible(user_id):
        mine = Q(visibility=Visibility.PUBLIC) | Q(owner_id=user_id)
        return Path.objects.filter(mine).order_by("slug").values_list("slug")

    prepared = Prepared(visible, user_id=int)
    assert prepared.rows(user_id=learner.pk) == [("one",), ("two",)]
    assert prepared.rows(user_id=learner.pk + 1000) == [("one",)]


def test_a_window_pages_the_rows(paths):
    cards = Prepared(
        lambda path_id: Flashcard.objects.filter(path_id=path_id).order_by("id").values_list("id"),
        path_id=int,
    )
    every = cards.rows(path_id=paths[0].pk)
    assert len(every) >= 2
    assert cards.rows(window=slice(1, 2), path_id=paths[0].pk) == every[1:2]
    assert cards.rows(window=slice(0, 0), path_id=paths[0].pk) == []


def test_an_integer_beyond_64_bits_matches_nothing(paths):
    prepared = Prepared(lambda pk: Path.objects.filter(pk=pk).values_list("slug"), pk=int)
    assert prepared.rows(pk=paths[0].pk) == [("one",)]
    assert prepared.rows(pk=2**64) == []


def test_a_lookup_that_rewrites_its_value_is_refused(paths):
    searching = Prepared(lambda q: Path.objects.filter(title__icontains=q).values_list("pk"), q=str)
    with pytest.raises(ValueError, match="cannot be prepared"):
        searching.rows(q="x")
    sliced = Prepared(lambda slug: by_slug(slug)[:1], slug=str)
    with pytest.raises(ValueError, match="window"):
        sliced.rows(slug="one")


def test_a_datetime_is_adapted_as_the_orm_adapts_it(paths):
    def since(at):
        return Path.objects.filter(created_at__gte=at).order_by("slug").values_list("slug")

    prepared = Prepared(since, at=datetime)
    born = min(path.created_at for path in paths)
    for at in (born, born + timedelta(microseconds=1), born + timedelta(days=1)):
        assert prepared.rows(at=at) == list(since(at)), at


def _log(learner, card, **fields) -> ReviewLog:
    values = {
        "user": learner,
        "flashcard": card,
        "rating": 3,
        "reviewed_at": datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC),
        "duration_ms": 1234,
        "client_id": uuid.uuid4(),
        "device": "phone \u00e9",
        "result": {"state": "review", "due": None, "stability": 1.5, "nested": [1, {"a": True}]},
    }
    return ReviewLog(**values | fields)


def test_an_insert_writes_the_row_bulk_create_writes(paths, learner):
    card = Flashcard.objects.filter(path=paths[1]).first()
    insert = PreparedInsert(ReviewLog)
    for duration_ms in (1234, None, 0):  # compiled once, run with other values
        ours, orms = _log(learner, card, duration_ms=duration_ms), _log(learner, card)
        orms.duration_ms = duration_ms
        before = timezone.now()
        assert insert.save(ours) is True
        ReviewLog.objects.bulk_create([orms])
        mine = ReviewLog.objects.get(client_id=ours.client_id)
        theirs = ReviewLog.objects.get(client_id=orms.client_id)
        assert mine.received_at >= before  # auto_now_add stamped it
        columns = [c for c in columns_of(ReviewLog) if c not in ("id", "client_id", "received_at")]
        assert [getattr(mine, c) for c in columns] == [getattr(theirs, c) for c in columns]
        assert mine.result["nested"] == [1, {"a": True}]  # JSON, not its text


def test_an_insert_ignoring_conflicts_says_whether_its_row_went_in(paths, learner):
    card = Flashcard.objects.filter(path=paths[1]).first()
    insert = PreparedInsert(ReviewLog, ignore_conflicts=True)
    first = _log(learner, card)
    assert insert.save(first) is True
    again = _log(learner, card, client_id=first.client_id, rating=1)
    assert insert.save(again) is False
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [3]


def test_an_upsert_updates_the_named_fields_only(paths, learner):
    flashcard = Flashcard.objects.filter(path=paths[1]).first()
    card = ReviewCard.objects.create(user=learner, flashcard=flashcard, path=paths[1])
    upsert = PreparedInsert(
        ReviewCard, unique_fields=["id"], update_fields=["state", "stability", "updated_at"]
    )
    stamped = card.updated_at
    card.state, card.stability, card.reps = CardState.REVIEW, 2.25, 99
    assert upsert.save(card) is True
    stored = ReviewCard.objects.get(pk=card.pk)
    assert (stored.state, stored.stability, stored.reps) == (CardState.REVIEW, 2.25, 0)
    assert stored.updated_at > stamped  # auto_now
    assert ReviewCard.objects.count() == 1
