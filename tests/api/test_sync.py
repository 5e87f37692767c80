"""``GET paths/{slug}/updates/`` and ``POST paths/{slug}/sync/``: the three-way merge.

Upstream edits are made through the ORM (``save()`` refreshes the hash) and announced
with ``path_content_changed``, as the item services do. The services themselves, without
HTTP, are in ``tests/learning/test_sync.py``.
"""

import uuid

import pytest

from learning.models import Choice, Flashcard, Path, Podcast, Question, Quiz, Resource, Section
from learning.selectors.bundles import path_export
from learning.services.bundles import path_replace
from learning.services.clone_path import path_clone
from learning.services.paths import path_content_changed
from tests.helpers import (
    client_for,
    edit,
    item,
    listed,
    new_question,
    small_bundle,
    sync,
    uid,
    updates,
)

pytestmark = pytest.mark.django_db


# --- the merge cases --------------------------------------------------------------------


def test_a_fresh_clone_has_no_updates(learner_api, clone, source):
    assert updates(learner_api, clone) == {
        "added": [],
        "changed": [],
        "removed": [],
        "conflicts": [],
        "upstream_version": source.version,
        "source_version": source.version,
    }


def test_items_you_did_not_change_follow_upstream(learner_api, clone, source):
    edit(Flashcard, source, "f1", front="What is sigmoid'(0)?")
    listing = updates(learner_api, clone)
    assert listing["changed"] == [
        {"origin_uid": uid("f1"), "kind": "flashcard", "title": "What is sigmoid'(0)?"}
    ]
    assert listing["upstream_version"] == source.version != listing["source_version"]
    version = clone.version

    result = sync(learner_api, clone)
    assert listed(result["applied"], "changed") == [uid("f1")]
    card = item(Flashcard, clone, "f1")
    assert card.front == "What is sigmoid'(0)?"
    assert card.synced_hash == card.content_hash == item(Flashcard, source, "f1").content_hash
    clone.refresh_from_db()
    assert clone.source_version == source.version == result["source_version"]
    assert clone.version == version + 1 == result["version"]
    assert updates(learner_api, clone)["changed"] == []


def test_an_untouched_clone_becomes_upstream_again_for_every_kind(learner_api, clone, source):
    edit(Section, source, "s1a", title="Moved", parent=item(Section, source, "s2"))
    edit(Flashcard, source, "f1", claim={"compute": "sigmoid(0)", "value": 0.5})
    edit(Quiz, source, "q", title="Check yourself")
    edit(Question, source, "q3", answer={"value": 1, "tolerance": "2%"})
    edit(Resource, source, "r1", year=2011, url="https://example.org/v2")
    edit(Podcast, source, "p", duration_seconds=121.5, transcript=[{"start": 0, "end": 1,
         "speaker": "Maya", "text": "Hi."}], audio="podcasts/v2.mp3")  # fmt: skip
    result = sync(learner_api, clone)
    assert len(result["applied"]["changed"]) == 6
    mine, theirs = path_export(clone), path_export(source)
    for bundle in (mine, theirs):
        del bundle["path"]
    assert mine == theirs
    assert item(Podcast, clone, "p").audio.name == "podcasts/v2.mp3"
    assert item(Section, clone, "s1a").parent == item(Section, clone, "s2")
    assert updates(learner_api, clone)["changed"] == []


def test_a_question_follows_upstream_with_its_choices_kept_in_place(learner_api, clone, source):
    question = item(Question, source, "q1")
    Choice.objects.filter(question=question, text="(-1, 1)").update(text="(-inf, inf)")
    Choice.objects.create(question=question, text="[0, 1]", position=5)
    edit(Question, source, "q1", prompt="The range of sigmoid?")
    before = list(item(Question, clone, "q1").choices.values_list("id", flat=True))

    sync(learner_api, clone)
    mine = item(Question, clone, "q1")
    assert mine.prompt == "The range of sigmoid?"
    assert [(c.text, c.is_correct) for c in mine.choices.all()] == [
        ("(0, 1)", True),
        ("(-inf, inf)", False),
        ("[0, 1]", False),
    ]
    assert list(mine.choices.values_list("id", flat=True))[:2] == before
    assert mine.content_hash == item(Question, source, "q1").content_hash


def test_new_upstream_items_arrive_in_their_place(learner_api, clone, source):
    Flashcard.objects.filter(path=source, origin_uid=uid("f2")).update(position=5)
    Flashcard.objects.create(
        path=source, origin_uid=uid("f1b"), front="New", back="card", position=3
    )
    quiz = item(Quiz, source, "q")
    Question.objects.filter(path=source).exclude(origin_uid=uid("q1")).update(position=10)
    new_question(
        path=source, quiz=quiz, origin_uid=uid("q1b"), kind="numeric", prompt="relu(2)?",
        answer={"value": 2}, position=4,
    )  # fmt: skip
    parent = item(Section, source, "s2")
    Section.objects.create(path=source, parent=parent, origin_uid=uid("s2a"), title="Sub", body="")
    new_quiz = Quiz.objects.create(path=source, origin_uid=uid("qq"), title="More", position=9)
    new_question(path=source, quiz=new_quiz, origin_uid=uid("qq1"), kind="true_false", prompt="?")
    path_content_changed(source)
    assert sorted(listed(updates(learner_api, clone), "added")) == sorted(
        [uid("f1b"), uid("q1b"), uid("s2a"), uid("qq"), uid("qq1")]
    )

    result = sync(learner_api, clone)
    assert len(result["applied"]["added"]) == 5
    fronts = list(Flashcard.objects.filter(path=clone).values_list("front", flat=True))
    assert fronts == ["sigmoid'(0)?", "New", "Is tanh zero-centered?"]
    prompts = [q.prompt for q in item(Quiz, clone, "q").questions.all()]
    assert prompts[:2] == ["Range of sigmoid?", "relu(2)?"]
    assert len(prompts) == 5
    child = item(Section, clone, "s2a")
    assert child.parent == item(Section, clone, "s2")
    assert item(Question, clone, "qq1").quiz == item(Quiz, clone, "qq")
    new = item(Flashcard, clone, "f1b")
    assert new.synced_hash == new.content_hash


def test_items_removed_upstream_that_you_did_not_change_go(learner_api, clone, source):
    item(Flashcard, source, "f2").delete()
    item(Section, source, "s1").delete()  # and its child with it
    path_content_changed(source)
    assert sorted(listed(updates(learner_api, clone), "removed")) == sorted(
        [uid("f2"), uid("s1"), uid("s1a")]
    )
    result = sync(learner_api, clone)
    assert len(result["applied"]["removed"]) == 3
    assert not Flashcard.objects.filter(path=clone, origin_uid=uid("f2")).exists()
    assert list(Section.objects.filter(path=clone).values_list("title", flat=True)) == ["Second"]


def test_an_item_removed_upstream_that_you_changed_is_a_conflict(learner_api, clone, source):
    edit(Flashcard, clone, "f2", back="Yes: tanh(0) = 0")
    item(Flashcard, source, "f2").delete()
    path_content_changed(source)
    [conflict] = updates(learner_api, clone)["conflicts"]
    assert conflict["origin_uid"] == uid("f2")
    assert conflict["reason"] == "removed upstream, changed by you"
    assert conflict["upstream"] is None and conflict["yours"]["back"] == "Yes: tanh(0) = 0"

    result = sync(learner_api, clone)
    assert listed(result, "conflicts") == [uid("f2")]
    assert item(Flashcard, clone, "f2").back == "Yes: tanh(0) = 0"

    result = sync(learner_api, clone, decline=[uid("f2")])
    assert listed(result, "declined") == [uid("f2")] and result["conflicts"] == []
    kept = item(Flashcard, clone, "f2")
    assert kept.synced_hash == ""  # yours from now on
    assert updates(learner_api, clone)["conflicts"] == []


def test_taking_a_removal_deletes_your_edited_item(learner_api, clone, source):
    edit(Flashcard, clone, "f2", back="mine")
    item(Flashcard, source, "f2").delete()
    path_content_changed(source)
    result = sync(learner_api, clone, take=[uid("f2")])
    assert listed(result["applied"], "removed") == [uid("f2")]
    assert not Flashcard.objects.filter(path=clone, origin_uid=uid("f2")).exists()


def test_a_removed_section_that_holds_your_edits_stays(learner_api, clone, source):
    edit(Section, clone, "s1a", body="My notes.")
    item(Section, source, "s1").delete()
    path_content_changed(source)
    listing = updates(learner_api, clone)
    reasons = {c["origin_uid"]: c["reason"] for c in listing["conflicts"]}
    assert reasons == {
        uid("s1"): "removed upstream, still holds items you keep",
        uid("s1a"): "removed upstream, changed by you",
    }
    sync(learner_api, clone)
    assert item(Section, clone, "s1a").parent == item(Section, clone, "s1")


def test_both_changed_is_a_conflict_showing_both_sides(learner_api, clone, source):
    edit(Flashcard, clone, "f1", back="one quarter")
    edit(Flashcard, source, "f1", back="1/4")
    [conflict] = updates(learner_api, clone)["conflicts"]
    assert conflict["reason"] == "both changed"
    assert conflict["upstream"]["back"] == "1/4"
    assert conflict["yours"]["back"] == "one quarter"
    assert conflict["kind"] == "flashcard" and conflict["title"] == "sigmoid'(0)?"

    result = sync(learner_api, clone)
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert listed(result, "conflicts") == [uid("f1")]
    assert item(Flashcard, clone, "f1").back == "one quarter"
    assert listed(updates(learner_api, clone), "conflicts") == [uid("f1")]


def test_a_declined_conflict_stays_quiet_until_upstream_changes_again(learner_api, clone, source):
    edit(Flashcard, clone, "f1", back="one quarter")
    edit(Flashcard, source, "f1", back="1/4")
    result = sync(learner_api, clone, decline=[uid("f1")])
    assert result["conflicts"] == [] and listed(result, "declined") == [uid("f1")]
    assert item(Flashcard, clone, "f1").back == "one quarter"
    assert updates(learner_api, clone)["conflicts"] == []

    edit(Flashcard, source, "f1", back="0.25 exactly")
    assert listed(updates(learner_api, clone), "conflicts") == [uid("f1")]


def test_taking_upstream_resolves_a_conflict(learner_api, clone, source):
    edit(Flashcard, clone, "f1", back="one quarter")
    edit(Flashcard, source, "f1", back="1/4")
    result = sync(learner_api, clone, take=[uid("f1")])
    assert listed(result["applied"], "changed") == [uid("f1")] and result["conflicts"] == []
    card = item(Flashcard, clone, "f1")
    assert card.back == "1/4" and card.synced_hash == card.content_hash


def test_the_same_change_on_both_sides_is_no_conflict(learner_api, clone, source):
    edit(Flashcard, clone, "f1", back="1/4")
    edit(Flashcard, source, "f1", back="1/4")
    assert updates(learner_api, clone)["conflicts"] == []
    sync(learner_api, clone)
    card = item(Flashcard, clone, "f1")
    assert card.synced_hash == card.content_hash


def test_items_only_you_changed_stay_yours(learner_api, clone, source):
    edit(Flashcard, clone, "f1", back="one quarter")
    edit(Flashcard, source, "f2", back="Yes, tanh(0) = 0")
    listing = updates(learner_api, clone)
    assert listed(listing, "changed") == [uid("f2")] and listing["conflicts"] == []
    sync(learner_api, clone)
    assert item(Flashcard, clone, "f1").back == "one quarter"
    assert item(Flashcard, clone, "f2").back == "Yes, tanh(0) = 0"


def test_your_own_new_items_are_never_touched(learner_api, clone, source):
    own = Flashcard.objects.create(path=clone, front="My card", back="Mine", position=1)
    own_quiz = Quiz.objects.create(path=clone, title="My quiz")
    item(Flashcard, source, "f2").delete()
    edit(Flashcard, source, "f1", back="1/4")
    listing = updates(learner_api, clone)
    everything = [e["origin_uid"] for key in ("added", "changed", "removed") for e in listing[key]]
    assert str(own.origin_uid) not in everything and str(own_quiz.origin_uid) not in everything
    sync(learner_api, clone)
    own.refresh_from_db()
    assert (own.front, own.back, own.synced_hash) == ("My card", "Mine", "")
    assert Quiz.objects.filter(pk=own_quiz.pk).exists()


def test_declining_a_change_keeps_yours(learner_api, clone, source):
    edit(Flashcard, source, "f1", back="1/4")
    result = sync(learner_api, clone, decline=[uid("f1")])
    assert result["applied"]["changed"] == []
    assert item(Flashcard, clone, "f1").back == "0.25"
    assert updates(learner_api, clone)["changed"] == []


def test_declining_an_addition_skips_it(learner_api, clone, source):
    Flashcard.objects.create(path=source, origin_uid=uid("f9"), front="x", back="y", position=9)
    path_content_changed(source)
    result = sync(learner_api, clone, decline=[uid("f9")])
    assert listed(result, "declined") == [uid("f9")]
    assert not Flashcard.objects.filter(path=clone, origin_uid=uid("f9")).exists()


def test_sync_is_idempotent(learner_api, clone, source):
    edit(Flashcard, source, "f1", back="1/4")
    item(Flashcard, source, "f2").delete()
    Flashcard.objects.create(path=source, origin_uid=uid("f3"), front="3", back="3", position=3)
    edit(Flashcard, clone, "f1", back="mine")  # a conflict that stays listed
    path_content_changed(source)
    first = sync(learner_api, clone)
    state = list(Flashcard.objects.filter(path=clone).values())
    second = sync(learner_api, clone)
    assert second["applied"] == {"added": [], "changed": [], "removed": []}
    assert second["conflicts"] == first["conflicts"]
    assert second["version"] == first["version"]
    assert list(Flashcard.objects.filter(path=clone).values()) == state
    again = sync(learner_api, clone, decline=[uid("f1")])
    assert sync(learner_api, clone, decline=[uid("f1")])["version"] == again["version"]


def test_source_version_moves_forward_even_with_nothing_to_apply(learner_api, clone, source):
    path_content_changed(source)
    path_content_changed(source)
    result = sync(learner_api, clone)
    clone.refresh_from_db()
    assert result["source_version"] == clone.source_version == source.version
    assert result["version"] == clone.version == 1  # nothing changed, no bump


def test_reloading_the_bundle_upstream_shows_only_what_changed(learner_api, clone, source):
    bundle = small_bundle()
    bundle["flashcards"][1]["back"] = "Yes, it is."
    path_replace(path=source, data=bundle)
    listing = updates(learner_api, clone)
    assert listed(listing, "changed") == [uid("f2")]
    assert listing["added"] == listing["removed"] == listing["conflicts"] == []


def test_a_new_upstream_podcast_waits_while_you_keep_your_own(learner_api, source, learner):
    Podcast.objects.filter(path=source).delete()
    clone = path_clone(path=source, user=learner)
    Podcast.objects.create(path=clone, title="My episode")
    Podcast.objects.create(path=source, origin_uid=uid("p2"), title="Their episode")
    path_content_changed(source)
    [conflict] = updates(learner_api, clone)["conflicts"]
    assert conflict["reason"] == "your path already has a podcast"
    sync(learner_api, clone)
    assert Podcast.objects.get(path=clone).title == "My episode"
    sync(learner_api, clone, take=[uid("p2")])
    assert Podcast.objects.get(path=clone).title == "Their episode"


# --- input and permissions -------------------------------------------------------------


def test_unknown_origin_uids_are_a_400_naming_them(learner_api, clone):
    stranger = str(uuid.uuid4())
    answer = learner_api.post(
        f"/api/v1/paths/{clone.slug}/sync/", {"decline": [uid("f1"), stranger]}
    )
    assert answer.status_code == 400
    assert stranger in answer.json()["detail"]
    assert answer.json()["fields"]["decline"] == [f"Unknown origin_uid: {stranger}"]
    answer = learner_api.post(f"/api/v1/paths/{clone.slug}/sync/", {"take": ["nope"]})
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["take.0"]
    answer = learner_api.post(
        f"/api/v1/paths/{clone.slug}/sync/", {"take": [uid("f1")], "decline": [uid("f1")]}
    )
    assert answer.status_code == 400 and uid("f1") in answer.json()["detail"]


def test_a_path_that_is_not_a_clone_is_a_400(staff_api, source):
    for answer in (
        staff_api.get(f"/api/v1/paths/{source.slug}/updates/"),
        staff_api.post(f"/api/v1/paths/{source.slug}/sync/", {}),
    ):
        assert answer.status_code == 400
        assert "not a clone" in answer.json()["detail"]


def test_a_deleted_upstream_is_a_409(learner_api, clone, source):
    source.delete()
    for answer in (
        learner_api.get(f"/api/v1/paths/{clone.slug}/updates/"),
        learner_api.post(f"/api/v1/paths/{clone.slug}/sync/", {}),
    ):
        assert answer.status_code == 409
        assert "no longer exists" in answer.json()["detail"]


def test_an_upstream_made_private_is_a_409_for_you_not_for_staff(learner_api, staff_api, clone):
    Path.objects.filter(pk=clone.cloned_from_id).update(visibility="private")
    assert learner_api.get(f"/api/v1/paths/{clone.slug}/updates/").status_code == 409
    assert staff_api.get(f"/api/v1/paths/{clone.slug}/updates/").status_code == 200


@pytest.mark.parametrize("endpoint", ["updates", "sync"])
def test_who_may_see_and_pull_updates(endpoint, api, learner_api, staff_api, make_user, clone):
    def call(client, slug=clone.slug):
        url = f"/api/v1/paths/{slug}/{endpoint}/"
        return client.get(url) if endpoint == "updates" else client.post(url, {})

    assert call(api).status_code == 401
    assert call(learner_api).status_code == 200
    assert call(staff_api).status_code == 200
    other = client_for(make_user("bob"))
    assert call(other).status_code == 404  # a private clone is not revealed
    Path.objects.filter(pk=clone.pk).update(visibility="public")
    assert call(other).status_code == 403  # seen, not theirs
    assert call(learner_api, "nothing-here").status_code == 404
