"""config.prepared: a queryset compiled once gives, run again with other values, exactly
the rows the ORM gives, converted as the ORM converts them, on both engines."""

from datetime import datetime, timedelta

import pytest
from django.db.models import Q

from config.prepared import Prepared
from learning.models import Flashcard, Path, Visibility
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
