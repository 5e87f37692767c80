"""A path's items through the API: who reads and writes, validation, keys, hashes, order."""

import pytest
from django.core.cache import cache

from learning.models import Choice, Flashcard, Question, Quiz, Section, content_hash
from learning.services.bundles import path_import
from tests.helpers import client_as, client_for, small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def path(learner):
    return path_import(data=small_bundle(), owner=learner)


@pytest.fixture
def other_path(make_user):
    return path_import(data=small_bundle(slug="other"), owner=make_user())


def version_of(path) -> int:
    path.refresh_from_db()
    return path.version


def hash_is_fresh(item) -> bool:
    """The stored hash equals one computed now from the database."""
    fresh = type(item).objects.get(pk=item.pk)
    return fresh.content_hash == content_hash(fresh.content())


# --- flashcards, resources, quizzes ----------------------------------------------------------


def test_the_owner_adds_a_flashcard(learner_api, path):
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/flashcards/",
        {"front": "relu(-1)?", "back": "0", "claim": {"compute": "relu(-1)", "value": 0}},
    )
    assert answer.status_code == 201, answer.content
    card = answer.json()
    assert card["claim"] == {"compute": "relu(-1)", "value": 0}
    assert card["position"] == 2
    assert version_of(path) == 2
    assert hash_is_fresh(Flashcard.objects.get(pk=card["id"]))
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert tree["flashcards"][-1]["front"] == "relu(-1)?"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"front": "a", "back": "b", "colour": "red"}, "colour"),
        (
            {"front": "a", "back": "b", "origin_uid": "6f1e0b4e-0000-4000-8000-000000000000"},
            "origin_uid",
        ),
        ({"front": "a"}, "back"),
        ({"front": "a", "back": "b", "claim": {"compute": "relu(1)"}}, "claim.value"),
        ({"front": "a", "back": "b", "position": -1}, "position"),
    ],
)
def test_bad_flashcards_are_400s_naming_the_field(learner_api, path, payload, field):
    answer = learner_api.post(f"/api/v1/paths/{path.slug}/flashcards/", payload, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["fields"], answer.json()
    assert Flashcard.objects.filter(path=path).count() == 2
    assert version_of(path) == 1


def test_patching_a_flashcard_changes_its_hash_and_the_version(learner_api, path):
    card = Flashcard.objects.filter(path=path).first()
    answer = learner_api.patch(f"/api/v1/flashcards/{card.pk}/", {"back": "a quarter"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["back"] == "a quarter"
    assert answer.json()["front"] == card.front
    fresh = Flashcard.objects.get(pk=card.pk)
    assert fresh.content_hash != card.content_hash
    assert hash_is_fresh(fresh)
    assert version_of(path) == 2


def test_items_are_reordered_by_position(learner_api, path):
    first, second = Flashcard.objects.filter(path=path)
    answer = learner_api.patch(f"/api/v1/flashcards/{second.pk}/", {"position": 0})
    assert answer.status_code == 200
    listed = learner_api.get(f"/api/v1/paths/{path.slug}/flashcards/").json()["results"]
    assert [c["id"] for c in listed] == [second.pk, first.pk]
    assert [c["position"] for c in listed] == [0, 1]
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert [c["id"] for c in tree["flashcards"]] == [second.pk, first.pk]


def test_resources_and_quizzes(learner_api, path):
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/resources/", {"title": "Book", "url": "not a url"}
    )
    assert answer.status_code == 400
    assert "url" in answer.json()["fields"]
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/resources/",
        {"title": "Book", "kind": "book", "year": 2016, "url": "https://example.org/b"},
    )
    assert answer.status_code == 201
    assert answer.json()["kind"] == "book"
    quiz = learner_api.post(f"/api/v1/paths/{path.slug}/quizzes/", {"title": "More"}).json()
    assert (
        learner_api.patch(f"/api/v1/quizzes/{quiz['id']}/", {"title": "Most"}).json()["title"]
        == "Most"
    )
    assert learner_api.delete(f"/api/v1/quizzes/{quiz['id']}/").status_code == 204
    assert version_of(path) == 5


def test_deleting_a_quiz_takes_its_questions(learner_api, path):
    quiz = Quiz.objects.get(path=path)
    assert learner_api.delete(f"/api/v1/quizzes/{quiz.pk}/").status_code == 204
    assert not Question.objects.filter(path=path).exists()
    assert version_of(path) == 2


# --- sections ----------------------------------------------------------------------------------


def test_a_subsection_goes_under_a_top_level_section(learner_api, path):
    intro = Section.objects.get(path=path, title="Intro")
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/sections/",
        {"title": "Sub", "body": "$x^2$", "parent": intro.pk, "position": 0},
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["parent"] == intro.pk
    assert "<msup>" in answer.json()["html"]
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert [c["title"] for c in tree["sections"][0]["children"]] == ["Sub", "Detail"]
    child = Section.objects.get(pk=answer.json()["id"])
    assert hash_is_fresh(child)
    assert content_hash(child.content()) != content_hash(child.content() | {"parent_uid": None})


def test_section_parents_are_checked(learner_api, path, other_path):
    intro = Section.objects.get(path=path, title="Intro")
    detail = Section.objects.get(path=path, title="Detail")
    second = Section.objects.get(path=path, title="Second")
    foreign = Section.objects.filter(path=other_path, parent=None).first()
    url = f"/api/v1/paths/{path.slug}/sections/"
    for parent in (detail.pk, foreign.pk, 999_999):
        answer = learner_api.post(url, {"title": "X", "parent": parent})
        assert answer.status_code == 400, parent
        assert "parent" in answer.json()["fields"]
    moved = learner_api.patch(f"/api/v1/sections/{intro.pk}/", {"parent": second.pk})
    assert moved.status_code == 400  # Intro has a subsection: it stays top-level
    itself = learner_api.patch(f"/api/v1/sections/{second.pk}/", {"parent": second.pk})
    assert itself.status_code == 400
    assert Section.objects.filter(path=path).count() == 3
    assert version_of(path) == 1


def test_a_section_moves_under_another_and_back(learner_api, path):
    intro = Section.objects.get(path=path, title="Intro")
    second = Section.objects.get(path=path, title="Second")
    answer = learner_api.patch(f"/api/v1/sections/{second.pk}/", {"parent": intro.pk})
    assert answer.status_code == 200, answer.content
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert [s["title"] for s in tree["sections"]] == ["Intro"]
    assert [c["title"] for c in tree["sections"][0]["children"]] == ["Detail", "Second"]
    learner_api.patch(
        f"/api/v1/sections/{second.pk}/", {"parent": None, "position": 0}, format="json"
    )
    tree = learner_api.get(f"/api/v1/paths/{path.slug}/").json()
    assert [s["title"] for s in tree["sections"]] == ["Second", "Intro"]


# --- questions ---------------------------------------------------------------------------------


def question_payload(in_quiz, **fields):
    return {
        "quiz": in_quiz.pk,
        "kind": "multiple",
        "prompt": "Which are bounded?",
        "explanation": "tanh and sigmoid saturate.",
        "choices": [
            {"text": "tanh", "is_correct": True},
            {"text": "relu", "is_correct": False},
            {"text": "sigmoid", "is_correct": True},
        ],
    } | fields


def test_the_owner_adds_a_question_and_reads_its_key(learner_api, path):
    quiz = Quiz.objects.get(path=path)
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/questions/", question_payload(quiz), format="json"
    )
    assert answer.status_code == 201, answer.content
    question = answer.json()
    assert [c["is_correct"] for c in question["choices"]] == [True, False, True]
    assert question["explanation"] == "tanh and sigmoid saturate."
    assert "answer" not in question
    stored = Question.objects.get(pk=question["id"])
    assert hash_is_fresh(stored)
    assert stored.content()["choice_list"][0] == {"text": "tanh", "is_correct": True}
    assert version_of(path) == 2


def test_numeric_and_expression_keys_are_read_as_answer(learner_api, path):
    numeric = Question.objects.get(path=path, kind="numeric")
    body = learner_api.get(f"/api/v1/questions/{numeric.pk}/").json()
    assert body["answer"] == {"value": 1.0, "tolerance": "1%", "compute": "tanh.derivative(0)"}
    assert body["choices"] == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "numeric", "choices": []}, "answer"),
        ({"kind": "numeric", "choices": [], "answer": {"value": "x"}}, "answer.value"),
        ({"kind": "true_false"}, "choices"),
        ({"kind": "single"}, "choices"),
        (
            {"kind": "expression", "choices": [], "answer": {"expression": "z", "variables": {}}},
            "answer.variables",
        ),
        ({"kind": "poll"}, "kind"),
        ({"hint": "no"}, "hint"),
        ({"quiz": None}, "quiz"),
    ],
)
def test_bad_questions_are_400s_naming_the_field(learner_api, path, fields, field):
    quiz = Quiz.objects.get(path=path)
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/questions/", question_payload(quiz, **fields), format="json"
    )
    assert answer.status_code == 400
    assert field in answer.json()["fields"], answer.json()
    assert Question.objects.filter(path=path).count() == 4


def test_a_quiz_of_another_path_is_a_400(learner_api, path, other_path):
    foreign = Quiz.objects.get(path=other_path)
    answer = learner_api.post(
        f"/api/v1/paths/{path.slug}/questions/", question_payload(foreign), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["fields"] == {"quiz": ["Not a quiz of this path."]}
    assert Question.objects.filter(quiz=foreign).count() == 4


def test_patching_choices_replaces_them_and_rehashes(learner_api, path):
    question = Question.objects.get(path=path, kind="single")
    old_ids = set(question.choices.values_list("pk", flat=True))
    answer = learner_api.patch(
        f"/api/v1/questions/{question.pk}/",
        {"choices": [{"text": "(0, 1)", "is_correct": True}, {"text": "R", "is_correct": False}]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert [c["text"] for c in answer.json()["choices"]] == ["(0, 1)", "R"]
    assert not old_ids & set(Choice.objects.filter(question=question).values_list("pk", flat=True))
    fresh = Question.objects.get(pk=question.pk)
    assert fresh.content_hash != question.content_hash
    assert hash_is_fresh(fresh)
    assert fresh.prompt == question.prompt
    assert version_of(path) == 2


def test_patching_a_question_is_checked_whole(learner_api, path):
    question = Question.objects.get(path=path, kind="single")
    to_numeric = learner_api.patch(
        f"/api/v1/questions/{question.pk}/", {"kind": "numeric"}, format="json"
    )
    assert to_numeric.status_code == 400  # it still has choices and no answer
    answer = learner_api.patch(
        f"/api/v1/questions/{question.pk}/",
        {"kind": "numeric", "choices": [], "answer": {"value": 0.5}},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["answer"] == {"value": 0.5}
    assert not Choice.objects.filter(question=question).exists()
    prompt_only = learner_api.patch(f"/api/v1/questions/{question.pk}/", {"prompt": "Half?"})
    assert prompt_only.json()["answer"] == {"value": 0.5}


# --- who reads and writes ----------------------------------------------------------------------


def test_readers_get_a_question_without_its_key(api, make_user, path):
    question = Question.objects.get(path=path, kind="single")
    for client in (api, client_for(make_user())):
        body = client.get(f"/api/v1/questions/{question.pk}/").json()
        assert set(body) == {"id", "origin_uid", "quiz", "position", "kind", "prompt", "choices"}
        assert all(set(c) == {"id", "text"} for c in body["choices"])
    card = Flashcard.objects.filter(path=path).order_by("position").first()
    body = api.get(f"/api/v1/flashcards/{card.pk}/").json()
    assert body["front"] == card.front and "claim" not in body


def test_readers_get_only_what_the_preview_shows(api, make_user, learner_api, path):
    """Past the preview, a public path's items are for those who clone it."""
    first_section = Section.objects.get(path=path, parent=None, position=0)
    hidden = {
        "questions": Question.objects.filter(path=path).exclude(kind="single"),
        "flashcards": Flashcard.objects.filter(path=path).exclude(position=0),
        "sections": Section.objects.filter(path=path).exclude(pk=first_section.pk),
    }
    for client in (api, client_for(make_user())):
        for kind, items in hidden.items():
            assert items.exists()
            for item in items:
                assert client.get(f"/api/v1/{kind}/{item.pk}/").status_code == 404, (kind, item)
                assert learner_api.get(f"/api/v1/{kind}/{item.pk}/").status_code == 200
        assert client.get(f"/api/v1/sections/{first_section.pk}/").status_code == 200
        quiz = Quiz.objects.get(path=path)
        assert client.get(f"/api/v1/quizzes/{quiz.pk}/").status_code == 200


def test_staff_read_the_key(staff_api, path):
    question = Question.objects.get(path=path, kind="true_false")
    body = staff_api.get(f"/api/v1/questions/{question.pk}/").json()
    assert {c["text"]: c["is_correct"] for c in body["choices"]} == {"True": False, "False": True}


def test_items_of_a_private_path_are_404s_to_others(api, make_user, learner):
    private = path_import(data=small_bundle(), owner=learner, visibility="private")
    question = Question.objects.filter(path=private).first()
    for client in (api, client_for(make_user())):
        assert client.get(f"/api/v1/questions/{question.pk}/").status_code == 404
        assert client.get(f"/api/v1/paths/{private.slug}/questions/").status_code == 404
    assert client_for(learner).get(f"/api/v1/questions/{question.pk}/").status_code == 200


def test_item_lists_are_for_editors(api, make_user, learner_api, staff_api, path):
    url = f"/api/v1/paths/{path.slug}/questions/"
    assert api.get(url).status_code == 403
    assert client_for(make_user()).get(url).status_code == 403
    owners = learner_api.get(url).json()
    assert owners["count"] == 4
    assert "is_correct" in owners["results"][0]["choices"][0]
    assert staff_api.get(url).json()["count"] == 4
    quiz = Quiz.objects.get(path=path)
    assert learner_api.get(f"{url}?quiz={quiz.pk + 1000}").json()["count"] == 0


@pytest.mark.parametrize(
    ("who", "visibility", "status"),
    [
        ("anonymous", "public", 401),
        ("other", "public", 403),
        ("other", "private", 404),
        ("owner", "private", 201),
        ("staff", "private", 201),
    ],
)
def test_who_may_write_items(api, learner, staff, make_user, who, visibility, status):
    path = path_import(data=small_bundle(), owner=learner, visibility=visibility)
    client = client_as(who, api=api, owner=learner, staff=staff, make_user=make_user)
    card = Flashcard.objects.filter(path=path).first()
    created = client.post(f"/api/v1/paths/{path.slug}/flashcards/", {"front": "a", "back": "b"})
    assert created.status_code == status
    patched = client.patch(f"/api/v1/flashcards/{card.pk}/", {"back": "x"})
    assert patched.status_code == (200 if status == 201 else status)
    deleted = client.delete(f"/api/v1/flashcards/{card.pk}/")
    assert deleted.status_code == (204 if status == 201 else status)
    assert version_of(path) == (4 if status == 201 else 1)


def test_questions_are_listed_quiz_by_quiz(learner_api, path):
    second = learner_api.post(f"/api/v1/paths/{path.slug}/quizzes/", {"title": "Second quiz"})
    added = learner_api.post(
        f"/api/v1/paths/{path.slug}/questions/",
        {"quiz": second.json()["id"], "kind": "numeric", "prompt": "relu(2)?",
         "answer": {"value": 2, "compute": "relu(2)"}},
    )  # fmt: skip
    assert added.status_code == 201, added.content
    rows = learner_api.get(f"/api/v1/paths/{path.slug}/questions/").json()["results"]
    quizzes = [row["quiz"] for row in rows]
    assert quizzes == sorted(quizzes, key=quizzes.index) and quizzes[-1] == second.json()["id"]
    assert len(set(quizzes)) == 2


def test_a_quiz_id_beyond_64_bits_is_a_400_not_a_500(learner_api, path):
    answer = learner_api.get(f"/api/v1/paths/{path.slug}/questions/", {"quiz": "9" * 30})
    assert answer.status_code == 400
    assert answer.json()["fields"]["quiz"]
