"""A flashcard may name the section it belongs to (SPEC §4 tree: ``section``): by
origin_uid in a bundle, by id in the API; kept through export, clone and sync."""

import pytest

from learning.models import Flashcard, Section, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync
from tests.helpers import edit, item, small_bundle, uid

pytestmark = pytest.mark.django_db


def bundle_with_sections(**path_fields) -> dict:
    bundle = small_bundle(**path_fields)
    bundle["flashcards"][0]["section"] = uid("s1")  # top-level
    bundle["flashcards"][1]["section"] = uid("s1a")  # a subsection
    return bundle


@pytest.fixture
def source():
    return path_import(data=bundle_with_sections(), visibility="public")


def test_the_tree_names_each_cards_section_by_id(api, source):
    tree = api.get(f"/api/v1/paths/{source.slug}/").json()
    intro = Section.objects.get(path=source, origin_uid=uid("s1"))
    assert tree["flashcards"][0]["section"] == intro.pk


def test_export_names_sections_by_origin_uid_and_round_trips(source):
    exported = path_export(source)
    assert [c["section"] for c in exported["flashcards"]] == [uid("s1"), uid("s1a")]
    again = path_import(data=exported)
    card = Flashcard.objects.get(path=again, origin_uid=uid("f2"))
    assert card.section.path_id == again.pk and str(card.section.origin_uid) == uid("s1a")


def test_a_card_naming_no_section_of_the_bundle_is_a_400(learner_api):
    bundle = small_bundle()
    bundle["flashcards"][0]["section"] = uid("nowhere")
    answer = learner_api.post("/api/v1/paths/import/", bundle)
    assert answer.status_code == 400
    assert "flashcards.0.section" in answer.json()["fields"]


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


def test_the_owner_assigns_a_section_by_id_and_not_another_paths(learner, learner_api, source):
    clone = path_clone(path=source, user=learner)
    card = item(Flashcard, clone, "f1")
    theirs = item(Section, source, "s2")
    answer = learner_api.patch(f"/api/v1/flashcards/{card.pk}/", {"section": theirs.pk})
    assert answer.status_code == 400 and "section" in answer.json()["fields"]
    mine = item(Section, clone, "s2")
    answer = learner_api.patch(f"/api/v1/flashcards/{card.pk}/", {"section": mine.pk})
    assert answer.status_code == 200 and answer.json()["section"] == mine.pk
    tree = learner_api.get(f"/api/v1/paths/{clone.slug}/").json()
    assert tree["flashcards"][0]["section"] == mine.pk


def test_a_card_without_a_section_keeps_the_hash_it_had():
    path = path_import(data=small_bundle())
    card = Flashcard.objects.get(path=path, origin_uid=uid("f1"))
    assert card.content_hash == content_hash(
        {"front": card.front, "back": card.back, "claim": card.claim}
    )
