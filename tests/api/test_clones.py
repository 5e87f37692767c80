"""``POST paths/{slug}/clone/``: a private, complete copy that tracks its upstream.

What the clone service copies, in how many queries, under which locks, is in
``tests/learning/test_clones.py``.
"""

import pytest
from django.db.models import F

from learning.models import Flashcard, Path, Question, Quiz
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from learning.services.paths import path_content_changed
from tests.helpers import item, new_question, small_bundle, sync, uid

pytestmark = pytest.mark.django_db


def test_clone_is_a_private_complete_copy_owned_by_you(learner_api, learner, source):
    answer = learner_api.post(f"/api/v1/paths/{source.slug}/clone/")
    assert answer.status_code == 201
    assert answer.json() == {"slug": "tiny-ada", "cloned_from": "tiny"}
    clone = Path.objects.get(slug="tiny-ada")
    assert clone.owner == learner
    assert clone.visibility == "private"
    assert clone.cloned_from == source
    assert clone.source_version == source.version
    assert clone.title == source.title and clone.key_points == source.key_points
    mine, theirs = path_export(clone), path_export(source)
    assert mine["path"].pop("slug") == "tiny-ada"
    theirs["path"].pop("slug")
    theirs["path"]["visibility"] = "private"
    assert mine == theirs  # every item, with its origin_uid, choices and answer keys


def test_anonymous_gets_401(api, source):
    assert api.post(f"/api/v1/paths/{source.slug}/clone/").status_code == 401
    assert Path.objects.count() == 1


def test_a_path_you_cannot_see_is_404(learner_api, make_user):
    private = path_import(data=small_bundle(slug="secret"), owner=make_user("bob"))
    assert private.visibility == "public"  # the bundle says so; make it private
    Path.objects.filter(pk=private.pk).update(visibility="private")
    answer = learner_api.post("/api/v1/paths/secret/clone/")
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    assert learner_api.post("/api/v1/paths/nothing-here/clone/").status_code == 404


def test_staff_may_clone_a_private_path(staff_api, make_user):
    bob = make_user("bob")
    path_import(data=small_bundle(slug="bobs"), owner=bob, visibility="private")
    answer = staff_api.post("/api/v1/paths/bobs/clone/")
    assert answer.status_code == 201
    assert answer.json()["slug"] == "bobs-grace"


def test_clone_of_your_clone(learner_api, learner, source):
    first = learner_api.post(f"/api/v1/paths/{source.slug}/clone/").json()["slug"]
    answer = learner_api.post(f"/api/v1/paths/{first}/clone/")
    assert answer.status_code == 201
    second = Path.objects.get(slug=answer.json()["slug"])
    assert second.slug == "tiny-ada-2"  # the username is not repeated
    assert second.cloned_from.slug == first
    assert Flashcard.objects.filter(path=second).count() == 2


def test_someone_elses_clone_is_404(make_user, source, learner_api):
    bobs = path_clone(path=source, user=make_user("bob"))
    assert learner_api.post(f"/api/v1/paths/{bobs.slug}/clone/").status_code == 404


def test_two_clones_by_the_same_user_get_distinct_slugs(learner_api, source):
    slugs = [learner_api.post(f"/api/v1/paths/{source.slug}/clone/").json()["slug"] for _ in "ab"]
    assert slugs == ["tiny-ada", "tiny-ada-2"]


def test_questions_are_numbered_within_their_quiz_after_import_clone_and_sync(learner_api, learner):
    bundle = small_bundle(slug="two-quizzes")
    second = {
        "origin_uid": uid("z"),
        "title": "More",
        "questions": [
            {"origin_uid": uid(f"z{n}"), "kind": "numeric", "prompt": f"{n}?",
             "explanation": "", "answer": {"value": n}}
            for n in range(3)
        ],
    }  # fmt: skip
    bundle["quizzes"].append(second)
    source = path_import(data=bundle, visibility="public")
    clone = path_clone(path=source, user=learner)

    def positions(path) -> dict[str, list[int]]:
        return {
            quiz.title: [q.position for q in quiz.questions.all()]
            for quiz in Quiz.objects.filter(path=path).prefetch_related("questions")
        }

    numbered = {"Check": [0, 1, 2, 3], "More": [0, 1, 2]}
    assert positions(source) == positions(clone) == numbered
    quiz = item(Quiz, source, "z")
    Question.objects.filter(quiz=quiz).update(position=F("position") + 1)
    new_question(path=source, quiz=quiz, origin_uid=uid("z-first"), kind="numeric",
                 prompt="First?", answer={"value": 0}, position=0)  # fmt: skip
    path_content_changed(source)
    sync(learner_api, clone)  # a new first question: the quiz is renumbered
    assert positions(clone) == {"Check": [0, 1, 2, 3], "More": [0, 1, 2, 3]}
    prompts = [q.prompt for q in item(Quiz, clone, "z").questions.all()]
    assert prompts == ["First?", "0?", "1?", "2?"]
