"""A flashcard may name the section it belongs to (SPEC §4 tree: ``section``): by
origin_uid in a bundle, kept through export, clone and sync.

The API's side (by id in the tree, assigning one, a bad one) is in
``tests/api/test_flashcard_sections.py``.
"""

import pytest

from learning.models import Flashcard, Section, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync
from tests.helpers import bundle_with_sections, edit, item, small_bundle, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return path_import(data=bundle_with_sections(), visibility="public")


def test_export_names_sections_by_origin_uid_and_round_trips(source):
    exported = path_export(source)
    assert [c["section"] for c in exported["flashcards"]] == [uid("s1"), uid("s1a")]
    again = path_import(data=exported)
    card = Flashcard.objects.get(path=again, origin_uid=uid("f2"))
    assert card.section.path_id == again.pk and str(card.section.origin_uid) == uid("s1a")


def test_a_clone_points_its_cards_at_its_own_sections(learner, source):
    clone = path_clone(path=source, user=learner)
    for label, section in (("f1", "s1"), ("f2", "s1a")):
        card = item(Flashcard, clone, label)
        assert card.section == item(Section, clone, section)
        assert card.content_hash == content_hash(card.content()) == card.synced_hash


def test_sync_brings_a_new_section_and_the_card_assigned_to_it(learner, source):
    clone = path_clone(path=source, user=learner)
    moved = edit(Flashcard, source, "f1")  # re-assign upstream's card to the new subsection
    upstream_child = Section.objects.create(
        path=source, parent=item(Section, source, "s2"), origin_uid=uid("s2a"), title="New"
    )
    moved.section = upstream_child
    moved.save()
    result = path_sync(path=clone, user=learner)
    assert uid("s2a") in [entry["origin_uid"] for entry in result["applied"]["added"]]
    card = item(Flashcard, clone, "f1")
    assert card.section == item(Section, clone, "s2a")
    assert card.section.path_id == clone.pk


def test_a_card_without_a_section_keeps_the_hash_it_had():
    path = path_import(data=small_bundle())
    card = Flashcard.objects.get(path=path, origin_uid=uid("f1"))
    assert card.content_hash == content_hash(
        {"front": card.front, "back": card.back, "claim": card.claim}
    )
