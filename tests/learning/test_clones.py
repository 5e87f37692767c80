"""``path_clone``: a complete copy made in the database, in a constant number of queries,
one version of its source.

The ``clone/`` endpoint and who may call it are in ``tests/api/test_clones.py``.
"""

import threading

import pytest
from django.core.management import call_command
from django.db import connection

from learning.kinds import KINDS
from learning.models import Choice, Flashcard, Path, Podcast, Question, Section, content_hash
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.clone_rows import items_copy
from tests.helpers import item, queries_made, sized_bundle

pytestmark = pytest.mark.django_db

CLONE_QUERIES = 16  # whatever the size of the source; PostgreSQL adds its share lock


def test_clone_items_record_the_upstream_hash(learner, source):
    clone = path_clone(path=source, user=learner)
    upstream = {q.origin_uid: q.content_hash for q in Question.objects.filter(path=source)}
    for question in Question.objects.filter(path=clone):
        assert question.synced_hash == question.content_hash == upstream[question.origin_uid]
    child = Section.objects.get(path=clone, parent__isnull=False)
    assert child.parent.path == clone


def test_clone_is_editable_and_leaves_upstream_alone(learner, source):
    clone = path_clone(path=source, user=learner)
    card = Flashcard.objects.filter(path=clone).first()
    card.back = "my own words"
    card.save()
    assert card.content_hash != card.synced_hash
    assert not Flashcard.objects.filter(path=source, back="my own words").exists()


@pytest.mark.django_db(transaction=True)
def test_two_clones_at_once_both_succeed(learner):
    """Two threads, two connections: the loser of the slug race retries in a savepoint."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    source = path_import(data=sized_bundle(300, slug="race"), visibility="public")
    barrier, slugs, errors = threading.Barrier(2), [], []

    def clone():
        try:
            barrier.wait()
            slugs.append(path_clone(path=source, user=learner).slug)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clone) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(slugs) == ["race-ada", "race-ada-2"]
    for slug in slugs:
        assert Flashcard.objects.filter(path__slug=slug).count() == 60


def queries_to_clone(user, items: int) -> int:
    source = path_import(data=sized_bundle(items, slug=f"size-{items}"), visibility="public")
    queries, clone = queries_made(path_clone, path=source, user=user)
    assert (
        Question.objects.filter(path=clone).count() == Question.objects.filter(path=source).count()
    )
    return queries


def test_clone_takes_the_same_queries_for_10_and_1000_items(learner):
    small, large = queries_to_clone(learner, 10), queries_to_clone(learner, 1000)
    assert small == large
    # the path, its slug, eight copies, savepoints; on PostgreSQL the source's share lock
    assert small == CLONE_QUERIES + (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_a_clone_holds_edits_of_its_source_off_but_not_other_clones(source):
    """While a clone copies, the source's version cannot move (so the copy is one version),
    yet a second clone may read it side by side."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the lock is PostgreSQL's")
    import psycopg
    from django.db import transaction

    from learning.services.clone_path import source_share_lock

    settings = connection.settings_dict
    other = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"] or None,
        host=settings["HOST"] or None, port=settings["PORT"] or None, autocommit=True,
    )  # fmt: skip
    try:
        with transaction.atomic():
            source_share_lock(source)
            other.execute("SET lock_timeout = '200ms'")
            other.execute("BEGIN")
            other.execute("SELECT 1 FROM learning_path WHERE id = %s FOR SHARE", [source.pk])
            other.execute("ROLLBACK")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(
                    "UPDATE learning_path SET version = version + 1 WHERE id = %s", [source.pk]
                )
        other.execute("UPDATE learning_path SET version = version + 1 WHERE id = %s", [source.pk])
    finally:
        other.close()


def test_cloning_is_atomic(learner, source, monkeypatch):
    def broken(**kwargs):
        items_copy(**kwargs)  # every row copied, then the failure
        raise RuntimeError("disk full")

    monkeypatch.setattr("learning.services.clone_path.items_copy", broken)
    with pytest.raises(RuntimeError):
        path_clone(path=source, user=learner)
    assert Path.objects.count() == 1
    assert Flashcard.objects.count() == 2 and Choice.objects.count() == 4


def test_copied_hashes_are_the_hashes_of_the_copied_content(learner, source):
    """Rows are copied in the database, hashes with them: recomputed, they match."""
    clone = path_clone(path=source, user=learner)
    upstream = {}
    for kind in KINDS:
        upstream |= dict(
            kind.model.objects.filter(path=source).values_list("origin_uid", "content_hash")
        )
    copied = 0
    for kind in KINDS:
        for copy in kind.model.objects.filter(path=clone):
            assert copy.content_hash == content_hash(copy.content()), copy
            assert copy.synced_hash == copy.content_hash == upstream[copy.origin_uid]
            copied += 1
    assert copied == len(upstream) == 12


def test_clone_keeps_the_order_and_numbers_it_from_zero(learner, source):
    """Gaps, ties and an order unlike the ids' in the source: the clone numbers its items
    0, 1, … in the source's (position, id) order, choices within their question."""
    cards = list(Flashcard.objects.filter(path=source))
    for card, position in zip(cards, [7, 3]):
        Flashcard.objects.filter(pk=card.pk).update(position=position)
    Section.objects.filter(path=source, parent__isnull=True).update(position=5)  # a tie
    choices = Choice.objects.filter(question=item(Question, source, "q1")).order_by("id")
    for choice, position in zip(choices, [1, 0]):  # the reverse of the ids' order
        Choice.objects.filter(pk=choice.pk).update(position=position)
    clone = path_clone(path=source, user=learner)

    def order(queryset, field):
        return list(queryset.order_by("position", "id").values_list(field, "position"))

    fronts = [front for front, _ in order(Flashcard.objects.filter(path=source), "front")]
    assert order(Flashcard.objects.filter(path=clone), "front") == [(fronts[0], 0), (fronts[1], 1)]
    titles = order(Section.objects.filter(path=clone, parent__isnull=True), "title")
    assert titles == [("Intro", 0), ("Second", 1)]
    choices = order(Choice.objects.filter(question=item(Question, clone, "q1")), "text")
    assert choices == [("(-1, 1)", 0), ("(0, 1)", 1)]


def test_management_command_clones_with_the_same_service(learner, source, capsys):
    call_command("clone_path", source.slug, "--user", learner.username)
    assert "tiny-ada" in capsys.readouterr().out
    assert Path.objects.get(slug="tiny-ada").cloned_from == source


def test_podcast_audio_is_shared_not_copied(learner, source):
    Podcast.objects.filter(path=source).update(audio="podcasts/tiny.mp3")
    clone = path_clone(path=source, user=learner)
    assert Podcast.objects.get(path=clone).audio.name == "podcasts/tiny.mp3"
