"""Bundles through the API: export for editors, import all or nothing, round trips."""

import json

import pytest

from learning.models import Choice, Flashcard, Path, Question, Quiz, Resource, Section
from learning.services.bundles import bundle_validate, path_import
from tests.helpers import client_for, small_bundle

pytestmark = pytest.mark.django_db

ITEM_MODELS = (Section, Flashcard, Quiz, Question, Choice, Resource)


@pytest.fixture
def path(learner):
    return path_import(data=small_bundle(), owner=learner)


def exported(client, path) -> dict:
    answer = client.get(f"/api/v1/paths/{path.slug}/export/")
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"] == "application/json"
    assert answer["Content-Disposition"] == f'attachment; filename="{path.slug}.studytree.json"'
    return json.loads(answer.content)


def test_export_is_the_whole_bundle_with_keys(learner_api, path):
    bundle = exported(learner_api, path)
    assert bundle["format"] == "studytree.path"
    assert bundle == bundle_validate(small_bundle())  # the input, defaults filled in
    numeric = bundle["quizzes"][0]["questions"][2]
    assert numeric["answer"] == {"value": 1.0, "tolerance": "1%", "compute": "tanh.derivative(0)"}


def test_export_is_for_editors(api, staff_api, make_user, learner):
    public = path_import(data=small_bundle(slug="pub"), owner=learner)
    private = path_import(data=small_bundle(slug="priv"), owner=learner, visibility="private")
    other = client_for(make_user())
    assert other.get(f"/api/v1/paths/{public.slug}/export/").status_code == 403
    assert other.get(f"/api/v1/paths/{private.slug}/export/").status_code == 404
    assert api.get(f"/api/v1/paths/{private.slug}/export/").status_code == 401
    assert api.get(f"/api/v1/paths/{public.slug}/export/").status_code == 401
    assert exported(staff_api, private)["path"]["slug"] == "priv"


def test_round_trip_export_import_export(learner_api, make_user, path):
    first = exported(learner_api, path)
    importer = client_for(make_user("lin"))
    answer = importer.post("/api/v1/paths/import/", first, format="json")
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["slug"] == "tiny-2"
    assert (created["owner"], created["visibility"], created["version"]) == ("lin", "private", 1)
    assert created["counts"] == {"sections": 3, "flashcards": 2, "questions": 4, "resources": 1}
    copy = Path.objects.get(slug="tiny-2")
    second = exported(importer, copy)
    assert second["path"] == first["path"] | {"slug": "tiny-2", "visibility": "private"}
    assert {k: v for k, v in second.items() if k != "path"} == {
        k: v for k, v in first.items() if k != "path"
    }


def test_import_needs_a_signed_in_user(api):
    assert api.post("/api/v1/paths/import/", small_bundle(), format="json").status_code == 401
    assert not Path.objects.exists()


def bad(bundle: dict, where: str, value) -> dict:
    """``bundle`` with the value at dotted ``where`` replaced (or deleted if ``...``)."""
    *parents, last = where.split(".")
    node = bundle
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is ...:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return bundle


@pytest.mark.parametrize(
    ("where", "value", "field"),
    [
        ("quizzes.0.questions.2.answer.value", "one", "quizzes.0.questions.2.answer.value"),
        ("quizzes.0.questions.0.choices.0.is_correct", False, "quizzes.0.questions.0.choices"),
        ("resources.0.url", "javascript:alert(1)", "resources.0.url"),
        ("flashcards.1.front", ..., "flashcards.1.front"),
        ("format_version", 2, "format_version"),
        ("path.colour", "red", "path.colour"),
        ("podcast.transcript.1.end", 1, "podcast.transcript.1.non_field_errors"),
    ],
)
def test_a_bad_bundle_is_a_400_naming_the_field_and_imports_nothing(
    learner_api, where, value, field
):
    answer = learner_api.post(
        "/api/v1/paths/import/", bad(small_bundle(), where, value), format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["fields"], answer.json()
    assert not Path.objects.exists()
    assert not any(model.objects.exists() for model in ITEM_MODELS)


def test_a_bundle_that_is_not_an_object_is_a_400(learner_api):
    answer = learner_api.post("/api/v1/paths/import/", [small_bundle()], format="json")
    assert answer.status_code == 400
    assert not Path.objects.exists()


def test_a_repeated_origin_uid_is_a_400(learner_api):
    bundle = small_bundle()
    bundle["flashcards"][1]["origin_uid"] = bundle["flashcards"][0]["origin_uid"]
    answer = learner_api.post("/api/v1/paths/import/", bundle, format="json")
    assert answer.status_code == 400
    assert "origin_uid" in answer.json()["detail"]
    assert not Flashcard.objects.exists()


def test_an_imported_path_never_takes_a_route_name_as_slug(learner_api):
    answer = learner_api.post("/api/v1/paths/import/", small_bundle(slug="import"), format="json")
    assert answer.status_code == 201
    assert answer.json()["slug"] == "import-2"
    assert learner_api.get("/api/v1/paths/import-2/").status_code == 200
