"""Deleting an upstream item from a clone is an edit: a tombstone keeps it deleted.

``updates/`` and ``sync/`` against :class:`~learning.models.DeletedItem`; the merge cases
themselves are in ``test_sync.py``, the service's own tombstone rules in
``tests/learning/test_sync_deletions.py``, the admin's in ``tests/admin/test_admin.py``.
"""

import pytest

from learning.models import DeletedItem, Flashcard, Question, Quiz, Resource, Section
from learning.services.paths import path_content_changed
from tests.helpers import edit, item, listed, new_question, sync, tombstones, uid, updates

pytestmark = pytest.mark.django_db

NOTHING = {"added": [], "changed": [], "removed": [], "conflicts": []}


def delete(api, url: str) -> None:
    answer = api.delete(url)
    assert answer.status_code == 204, answer.content


def listing(api, clone) -> dict:
    answer = updates(api, clone)
    return {key: answer[key] for key in NOTHING}


# --- staying deleted --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "label", "endpoint", "gone"),
    [
        (Flashcard, "f1", "flashcards", {"f1": "flashcard"}),
        (Section, "s1", "sections", {"s1": "section", "s1a": "section"}),
        (Question, "q2", "questions", {"q2": "question"}),
        (Quiz, "q", "quizzes", {"q": "quiz"} | {f"q{n}": "question" for n in range(1, 5)}),
    ],
)
def test_an_upstream_item_you_deleted_stays_deleted(
    learner_api, clone, source, model, label, endpoint, gone
):
    delete(learner_api, f"/api/v1/{endpoint}/{item(model, clone, label).pk}/")
    assert tombstones(clone) == {uid(name): kind for name, kind in gone.items()}
    assert listing(learner_api, clone) == NOTHING

    clone.refresh_from_db()
    version = clone.version
    result = sync(learner_api, clone)
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert result["conflicts"] == [] and result["version"] == version
    assert not model.objects.filter(path=clone, origin_uid=uid(label)).exists()
    edit(Flashcard, source, "f2", back="Yes, it is.")  # upstream moves on elsewhere
    assert listed(sync(learner_api, clone)["applied"], "changed") == [uid("f2")]
    assert not model.objects.filter(path=clone, origin_uid=uid(label)).exists()
    assert listing(learner_api, clone) == NOTHING


def test_deleting_your_own_item_leaves_no_tombstone(learner_api, clone):
    own = Flashcard.objects.create(path=clone, front="Mine", back="mine", position=5)
    own_quiz = Quiz.objects.create(path=clone, title="My quiz")
    new_question(path=clone, quiz=own_quiz, kind="numeric", prompt="1+1?", answer={"value": 2})
    delete(learner_api, f"/api/v1/flashcards/{own.pk}/")
    delete(learner_api, f"/api/v1/quizzes/{own_quiz.pk}/")
    assert tombstones(clone) == {}


# --- upstream changes what you deleted -----------------------------------------------------


def test_a_deleted_item_changed_upstream_is_a_conflict(learner_api, clone, source):
    delete(learner_api, f"/api/v1/flashcards/{item(Flashcard, clone, 'f1').pk}/")
    edit(Flashcard, source, "f1", back="1/4")
    answer = listing(learner_api, clone)
    [conflict] = answer.pop("conflicts")
    assert answer == {"added": [], "changed": [], "removed": []}
    assert conflict["origin_uid"] == uid("f1") and conflict["kind"] == "flashcard"
    assert conflict["reason"] == "deleted by you, changed upstream"
    assert conflict["yours"] is None and conflict["upstream"]["back"] == "1/4"

    for _ in range(2):  # a sync leaves it deleted and listed, as often as it runs
        result = sync(learner_api, clone)
        assert result["applied"] == {"added": [], "changed": [], "removed": []}
        assert listed(result, "conflicts") == [uid("f1")]
        assert not Flashcard.objects.filter(path=clone, origin_uid=uid("f1")).exists()


def test_taking_restores_it_from_upstream_in_its_place(learner_api, clone, source):
    delete(learner_api, f"/api/v1/flashcards/{item(Flashcard, clone, 'f1').pk}/")
    edit(Flashcard, source, "f1", back="1/4")
    result = sync(learner_api, clone, take=[uid("f1")])
    assert listed(result["applied"], "added") == [uid("f1")] and result["conflicts"] == []
    card = item(Flashcard, clone, "f1")
    assert card.back == "1/4"
    assert card.synced_hash == card.content_hash == item(Flashcard, source, "f1").content_hash
    fronts = list(Flashcard.objects.filter(path=clone).values_list("front", flat=True))
    assert fronts == ["sigmoid'(0)?", "Is tanh zero-centered?"]
    assert tombstones(clone) == {}
    assert listing(learner_api, clone) == NOTHING


def test_declining_keeps_it_deleted_until_upstream_changes_it_again(learner_api, clone, source):
    delete(learner_api, f"/api/v1/questions/{item(Question, clone, 'q3').pk}/")
    edit(Question, source, "q3", prompt="tanh'(0), exactly?")
    result = sync(learner_api, clone, decline=[uid("q3")])
    assert listed(result, "declined") == [uid("q3")] and result["conflicts"] == []
    assert not Question.objects.filter(path=clone, origin_uid=uid("q3")).exists()
    upstream_hash = item(Question, source, "q3").content_hash
    assert DeletedItem.objects.get(path=clone).synced_hash == upstream_hash
    assert listing(learner_api, clone) == NOTHING
    assert sync(learner_api, clone)["conflicts"] == []

    edit(Question, source, "q3", explanation="Its slope at 0.")
    assert listed(updates(learner_api, clone), "conflicts") == [uid("q3")]


def test_taking_a_question_of_a_quiz_you_deleted_restores_the_quiz_with_it(
    learner_api, clone, source
):
    delete(learner_api, f"/api/v1/quizzes/{item(Quiz, clone, 'q').pk}/")
    edit(Question, source, "q2", prompt="ReLU is smooth everywhere.")
    assert listed(updates(learner_api, clone), "conflicts") == [uid("q2")]
    result = sync(learner_api, clone, take=[uid("q2")])
    assert sorted(listed(result["applied"], "added")) == sorted([uid("q2"), uid("q")])
    quiz = item(Quiz, clone, "q")
    assert [q.prompt for q in quiz.questions.all()] == ["ReLU is smooth everywhere."]
    assert tombstones(clone) == {uid(n): "question" for n in ("q1", "q3", "q4")}
    assert listing(learner_api, clone) == NOTHING


def test_an_item_removed_upstream_too_leaves_nothing_behind(learner_api, clone, source):
    delete(learner_api, f"/api/v1/resources/{item(Resource, clone, 'r1').pk}/")
    delete(learner_api, f"/api/v1/sections/{item(Section, clone, 's1').pk}/")
    item(Resource, source, "r1").delete()
    item(Section, source, "s1a").delete()
    path_content_changed(source)
    assert listing(learner_api, clone) == NOTHING
    result = sync(learner_api, clone)
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert result["conflicts"] == []
    assert tombstones(clone) == {uid("s1"): "section"}  # s1 is still upstream, unchanged


# --- new upstream items under what you deleted or declined ----------------------------------


def test_a_new_question_in_a_quiz_you_deleted_stays_deleted_with_it(learner_api, clone, source):
    delete(learner_api, f"/api/v1/quizzes/{item(Quiz, clone, 'q').pk}/")
    new_question(
        path=source, quiz=item(Quiz, source, "q"), origin_uid=uid("q5"), kind="numeric",
        prompt="relu(2)?", answer={"value": 2}, position=5,
    )  # fmt: skip
    path_content_changed(source)
    assert listing(learner_api, clone) == NOTHING
    result = sync(learner_api, clone)
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert result["conflicts"] == result["declined"] == []
    assert not Question.objects.filter(path=clone).exists()

    edit(Quiz, source, "q", title="Check yourself")  # the quiz itself changes: a conflict
    answer = listing(learner_api, clone)
    assert listed(answer, "conflicts") == [uid("q")] and answer["added"] == []
    result = sync(learner_api, clone, take=[uid("q")])
    assert sorted(listed(result["applied"], "added")) == sorted([uid("q"), uid("q5")])
    quiz = item(Quiz, clone, "q")
    assert [q.prompt for q in quiz.questions.all()] == ["relu(2)?"]
    assert tombstones(clone) == {uid(n): "question" for n in ("q1", "q2", "q3", "q4")}
    assert listing(learner_api, clone) == NOTHING


def test_a_new_subsection_of_a_section_you_deleted_stays_deleted_with_it(
    learner_api, clone, source
):
    delete(learner_api, f"/api/v1/sections/{item(Section, clone, 's1').pk}/")
    Section.objects.create(
        path=source, parent=item(Section, source, "s1"), origin_uid=uid("s1b"), title="Sub"
    )
    path_content_changed(source)
    assert listing(learner_api, clone) == NOTHING
    result = sync(learner_api, clone)
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert result["conflicts"] == result["declined"] == []
    assert list(Section.objects.filter(path=clone).values_list("title", flat=True)) == ["Second"]

    edit(Section, source, "s1", body="Rewritten.")
    answer = listing(learner_api, clone)
    assert listed(answer, "conflicts") == [uid("s1")] and answer["added"] == []
    result = sync(learner_api, clone, take=[uid("s1")])
    assert sorted(listed(result["applied"], "added")) == sorted([uid("s1"), uid("s1b")])
    assert item(Section, clone, "s1b").parent == item(Section, clone, "s1")
    assert tombstones(clone) == {uid("s1a"): "section"}
    assert listing(learner_api, clone) == NOTHING


def test_new_items_in_a_new_quiz_or_section_you_decline_are_declined_with_it(
    learner_api, clone, source
):
    quiz = Quiz.objects.create(path=source, origin_uid=uid("qq"), title="More", position=9)
    new_question(path=source, quiz=quiz, origin_uid=uid("qq1"), kind="numeric", prompt="2?",
                 answer={"value": 2})  # fmt: skip
    parent = Section.objects.create(path=source, origin_uid=uid("s3"), title="Third", position=9)
    Section.objects.create(path=source, parent=parent, origin_uid=uid("s3a"), title="Sub")
    path_content_changed(source)
    everything = sorted(uid(n) for n in ("qq", "qq1", "s3", "s3a"))
    assert sorted(listed(updates(learner_api, clone), "added")) == everything

    result = sync(learner_api, clone, decline=[uid("qq"), uid("s3")])
    assert sorted(listed(result, "declined")) == everything
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert result["conflicts"] == []
    assert not Question.objects.filter(path=clone, origin_uid=uid("qq1")).exists()
    assert not Section.objects.filter(path=clone, origin_uid=uid("s3a")).exists()
    # Declining an addition is not remembered: the next listing offers them again.
    assert sorted(listed(updates(learner_api, clone), "added")) == everything


def test_taking_a_subsection_whose_deleted_section_you_decline_keeps_both_deleted(
    learner_api, clone, source
):
    delete(learner_api, f"/api/v1/sections/{item(Section, clone, 's1').pk}/")
    edit(Section, source, "s1", body="Rewritten.")
    edit(Section, source, "s1a", body="More, rewritten.")
    assert sorted(listed(updates(learner_api, clone), "conflicts")) == sorted(
        [uid("s1"), uid("s1a")]
    )
    result = sync(learner_api, clone, take=[uid("s1a")], decline=[uid("s1")])
    assert result["applied"] == {"added": [], "changed": [], "removed": []}
    assert listed(result, "declined") == [uid("s1")]
    assert listed(result, "conflicts") == [uid("s1a")]  # it cannot come without its section
    assert list(Section.objects.filter(path=clone).values_list("title", flat=True)) == ["Second"]
    assert listed(updates(learner_api, clone), "conflicts") == [uid("s1a")]
