"""``path_updates`` and ``path_sync`` without HTTP: a clone of a clone, their query counts,
and the management command that runs them.

The merge cases, through ``updates/`` and ``sync/``, are in ``tests/api/test_sync.py``.
"""

import pytest
from django.core.management import call_command
from django.db.models import F

from learning.models import Flashcard, Path, Question, Resource, Section
from learning.selectors.clones import path_updates
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.items import item_delete
from learning.services.paths import path_content_changed
from learning.services.sync_path import path_sync
from tests.helpers import edit, item, listed, queries_made, sized_bundle, uid

pytestmark = pytest.mark.django_db

# Listing the updates of a clone and pulling them, whatever the path's size (measured on
# SQLite and PostgreSQL alike).
UPDATES_QUERIES = 16
SYNC_QUERIES = 31  # a removed card takes its review cards and log with it (one query each)


def test_a_clone_of_a_clone_pulls_from_its_own_upstream(learner, clone, make_user):
    edit(Flashcard, clone, "f1", back="one quarter")
    bob = make_user("bob")
    Path.objects.filter(pk=clone.pk).update(visibility="public")
    second = path_clone(path=clone, user=bob)
    edit(Flashcard, clone, "f2", back="yes")
    result = path_sync(path=second, user=bob)
    assert listed(result["applied"], "changed") == [uid("f2")]
    assert item(Flashcard, second, "f1").back == "one quarter"


# --- queries ----------------------------------------------------------------------------


def queries_to_update_and_sync(user, items: int) -> tuple[int, int]:
    source = path_import(data=sized_bundle(items, slug=f"size-{items}"), visibility="public")
    clone = path_clone(path=source, user=user)
    for model, field in ((Section, "body"), (Question, "prompt")):
        changed = model.objects.filter(path=source).last()
        setattr(changed, field, "new")
        changed.save()
    for path, back in ((source, "theirs"), (clone, "mine")):
        both = Flashcard.objects.filter(path=path).first()
        both.back = back
        both.save()
    Flashcard.objects.filter(path=source).last().delete()
    quiet, conflict, gone = Resource.objects.filter(path=clone)[:3]
    for deleted in (quiet, conflict, gone):
        item_delete(item=deleted)  # tombstones: one stays, one conflicts, one goes
    Resource.objects.filter(path=source, origin_uid=gone.origin_uid).delete()
    theirs = Resource.objects.get(path=source, origin_uid=conflict.origin_uid)
    theirs.title = "changed"
    theirs.save()
    Flashcard.objects.filter(path=source).update(position=F("position") + 1)
    Flashcard.objects.create(path=source, front="new", back="card", position=0)  # shifts all
    path_content_changed(source)
    listing, _ = queries_made(path_updates, path=clone, user=user)
    syncing, result = queries_made(path_sync, path=clone, user=user)
    assert len(result["applied"]["changed"]) == 2 and len(result["conflicts"]) == 2
    assert len(result["applied"]["added"]) == len(result["applied"]["removed"]) == 1
    return listing, syncing


def test_updates_and_sync_take_the_same_queries_for_10_and_1000_items(learner):
    small, large = (
        queries_to_update_and_sync(learner, 10),
        queries_to_update_and_sync(learner, 1000),
    )
    assert small == large, (small, large)
    assert small == (UPDATES_QUERIES, SYNC_QUERIES), small


# --- the management command ---------------------------------------------------------------


def test_management_command_lists_and_pulls_updates(clone, source, capsys):
    edit(Flashcard, source, "f1", back="1/4")
    call_command("clone_path", clone.slug, "--updates")
    assert uid("f1") in capsys.readouterr().out
    call_command("clone_path", clone.slug, "--sync")
    assert item(Flashcard, clone, "f1").back == "1/4"
