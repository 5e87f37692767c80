"""The instructors' admin: lists, change pages and their inlines, actions, bundle import and
export."""

import io
import json
import zipfile

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from learning.models import Choice, Flashcard, Path, Question, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import
from tests.helpers import form_data, item, small_bundle, tombstones, uid

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/learning/path/"


@pytest.fixture
def path(learner):
    return path_import(data=small_bundle(), owner=learner, visibility="private")


def texts(answer) -> list[str]:
    return [str(m) for m in get_messages(answer.wsgi_request)]


def test_the_changelist_lists_paths_with_counts_and_searches(admin_client, path):
    answer = admin_client.get(CHANGELIST)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "A tiny path" in page
    assert "3 sections, 2 cards, 4 questions, 1 resources" in page
    assert "Import a bundle" in page
    assert "A tiny path" not in admin_client.get(f"{CHANGELIST}?q=nothing-like-it").content.decode()
    path_import(data=small_bundle(slug="platform", title="Platform path"))
    platform = admin_client.get(f"{CHANGELIST}?owner__isempty=1").content.decode()
    assert "Platform path" in platform and "A tiny path" not in platform


def test_the_change_page_shows_the_items(admin_client, path):
    answer = admin_client.get(f"{CHANGELIST}{path.pk}/change/")
    assert answer.status_code == 200
    page = answer.content.decode()
    for text in ("Intro", "Detail", "sigmoid&#x27;(0)?", "Check", "A paper", "Episode"):
        assert text in page, text


def test_saving_through_the_admin_rehashes_and_bumps_the_version(admin_client, path):
    url = f"{CHANGELIST}{path.pk}/change/"
    data = form_data(admin_client.get(url))
    card = Flashcard.objects.filter(path=path).first()
    back = next(k for k, v in data.items() if k.endswith("-back") and v == card.back)
    data[back] = "one quarter"
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    fresh = Flashcard.objects.get(pk=card.pk)
    assert fresh.back == "one quarter"
    assert fresh.content_hash == content_hash(fresh.content()) != card.content_hash
    path.refresh_from_db()
    assert path.version > 1  # each item service and the path form move it on


def test_question_choices_edited_in_the_admin_rehash_the_question(admin_client, path):
    question = Question.objects.get(path=path, kind="single")
    url = f"/admin/learning/question/{question.pk}/change/"
    data = form_data(admin_client.get(url))
    text = next(k for k, v in data.items() if k.endswith("-text") and v == "(-1, 1)")
    data[text] = "[-1, 1]"
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    assert Choice.objects.filter(question=question, text="[-1, 1]").exists()
    fresh = Question.objects.get(pk=question.pk)
    assert fresh.content_hash == content_hash(fresh.content()) != question.content_hash
    path.refresh_from_db()
    assert path.version == 2


def question_form(admin_client, path, label: str) -> tuple[Question, str, dict]:
    """A question of ``path``, its admin change URL and its form's POST data."""
    question = Question.objects.get(path=path, origin_uid=uid(label))
    url = f"/admin/learning/question/{question.pk}/change/"
    return question, url, form_data(admin_client.get(url))


def choice_key(data: dict, text: str, field: str) -> str:
    """The POST key of ``field`` in the choice row whose text is ``text``."""
    row = next(k for k, v in data.items() if k.endswith("-text") and v == text)
    return row.removesuffix("text") + field


def choice_add(data: dict, text: str, is_correct: bool = False) -> None:
    index = int(data["choices-TOTAL_FORMS"])
    data["choices-TOTAL_FORMS"] = str(index + 1)
    data |= {f"choices-{index}-text": text, f"choices-{index}-position": str(index)}
    if is_correct:
        data[f"choices-{index}-is_correct"] = "on"


def mark_both_correct(data):
    data[choice_key(data, "(-1, 1)", "is_correct")] = "on"


def rename_true(data):
    data[choice_key(data, "True", "text")] = "Yes"


def delete_false(data):
    data[choice_key(data, "False", "DELETE")] = "on"


def add_a_choice(data):
    choice_add(data, "1", is_correct=True)


@pytest.mark.parametrize(
    ("label", "change", "error"),
    [
        ("q1", mark_both_correct, "choices: Mark exactly one choice correct."),
        ("q2", rename_true, "choices: A true/false question has the choices True and False."),
        ("q2", delete_false, "choices: A true/false question has the choices True and False."),
        ("q3", add_a_choice, "choices: A numeric question has no choices."),
    ],
)
def test_the_admin_refuses_choices_that_do_not_fit_the_kind(
    admin_client, path, label, change, error
):
    question, url, data = question_form(admin_client, path, label)
    before = list(question.choices.values_list("text", "is_correct"))
    change(data)
    answer = admin_client.post(url, data)
    assert answer.status_code == 200
    assert error in answer.content.decode()
    assert error in answer.context["inline_admin_formsets"][0].formset.non_form_errors()
    fresh = Question.objects.get(pk=question.pk)
    assert list(fresh.choices.values_list("text", "is_correct")) == before
    assert fresh.content_hash == question.content_hash
    path.refresh_from_db()
    assert path.version == 1


def test_the_admin_checks_choices_against_the_kind_being_saved(admin_client, path):
    question, url, data = question_form(admin_client, path, "q1")
    mark_both_correct(data)
    data["kind"] = "multiple"  # two correct choices fit a multiple-choice question
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    fresh = Question.objects.get(pk=question.pk)
    assert fresh.kind == "multiple"
    assert list(fresh.choices.values_list("is_correct", flat=True)) == [True, True]
    assert fresh.content_hash == content_hash(fresh.content()) != question.content_hash
    path.refresh_from_db()
    assert path.version == 2

    data["kind"] = "numeric"  # …but not a numeric one, whatever its answer
    data["answer"] = json.dumps({"value": 1})
    answer = admin_client.post(url, data)
    assert "choices: A numeric question has no choices." in answer.content.decode()
    assert Question.objects.get(pk=question.pk).kind == "multiple"


def test_publish_and_unpublish(admin_client, path):
    action = {"action": "publish", "_selected_action": [path.pk]}
    answer = admin_client.post(CHANGELIST, action, follow=True)
    assert "1 path(s) published." in texts(answer)
    path.refresh_from_db()
    assert path.visibility == "public"
    admin_client.post(CHANGELIST, action | {"action": "unpublish"})
    path.refresh_from_db()
    assert path.visibility == "private"


def test_export_action(admin_client, path):
    one = admin_client.post(CHANGELIST, {"action": "export_bundles", "_selected_action": [path.pk]})
    assert one["Content-Disposition"] == 'attachment; filename="tiny.studytree.json"'
    assert json.loads(one.content) == path_export(path)
    other = path_import(data=small_bundle(slug="second"))
    both = admin_client.post(
        CHANGELIST, {"action": "export_bundles", "_selected_action": [path.pk, other.pk]}
    )
    names = zipfile.ZipFile(io.BytesIO(both.content)).namelist()
    assert sorted(names) == ["second.studytree.json", "tiny.studytree.json"]


def upload(admin_client, content: bytes):
    bundle = SimpleUploadedFile("bundle.json", content, content_type="application/json")
    return admin_client.post(f"{CHANGELIST}import/", {"bundle": bundle}, follow=True)


def test_importing_a_bad_bundle_shows_why_and_creates_nothing(admin_client):
    bundle = small_bundle()
    bundle["quizzes"][0]["questions"][2]["answer"]["value"] = "one"
    answer = upload(admin_client, json.dumps(bundle).encode())
    assert answer.status_code == 200
    assert any("quizzes.0.questions.2.answer.value" in m for m in texts(answer))
    assert not Path.objects.exists()
    answer = upload(admin_client, b"{not json")
    assert any(m.startswith("Not a JSON file") for m in texts(answer))
    assert not Path.objects.exists()


def test_importing_a_bundle_creates_a_private_platform_path(admin_client):
    answer = upload(admin_client, json.dumps(small_bundle()).encode())
    path = Path.objects.get()
    assert answer.redirect_chain[-1][0] == f"{CHANGELIST}{path.pk}/change/"
    assert (path.owner, path.visibility) == (None, "private")
    assert path_export(path)["sections"] == small_bundle()["sections"]


def test_learners_cannot_use_the_admin(client, learner):
    client.force_login(learner)
    assert client.get(f"{CHANGELIST}import/").status_code == 302
    assert client.get(CHANGELIST).status_code == 302


def test_clone_action_uses_the_clone_service(admin_client, staff, path):
    answer = admin_client.post(
        CHANGELIST, {"action": "clone_for_me", "_selected_action": [path.pk]}, follow=True
    )
    clone = Path.objects.get(cloned_from=path)
    assert f"Cloned {path.slug} as {clone.slug}." in texts(answer)
    assert clone.owner == staff
    assert (clone.visibility, clone.source_version) == ("private", path.version)
    assert clone.flashcards.count() == path.flashcards.count()


def test_an_item_added_in_an_inline_is_numbered_among_its_siblings(admin_client, path):
    """Inline adds go through ``item_create``: a card added at position 0 goes first and
    the others move down, as the API would place it."""
    url = f"{CHANGELIST}{path.pk}/change/"
    data = form_data(admin_client.get(url))
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS") and "flashcard" in k).split("-")[0]
    new = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = new + 1
    data |= {f"{prefix}-{new}-position": 0, f"{prefix}-{new}-front": "New first",
             f"{prefix}-{new}-back": "card", f"{prefix}-{new}-claim": "null"}  # fmt: skip
    answer = admin_client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    cards = list(Flashcard.objects.filter(path=path).order_by("position", "id"))
    assert [c.front for c in cards][0] == "New first"
    assert [c.position for c in cards] == list(range(len(cards)))
    assert cards[0].content_hash == content_hash(cards[0].content())


def test_the_admin_deletes_inline_items_through_the_service(client, staff, clone):
    client.force_login(staff)
    url = f"/admin/learning/path/{clone.pk}/change/"
    data = form_data(client.get(url))
    card = item(Flashcard, clone, "f2")
    [key] = [k for k, v in data.items() if k.startswith("flashcards-") and v == card.pk]
    data[key.replace("-id", "-DELETE")] = "on"
    answer = client.post(url, data)
    assert answer.status_code == 302, answer.context and answer.context["errors"]
    assert not Flashcard.objects.filter(pk=card.pk).exists()
    assert tombstones(clone) == {uid("f2"): "flashcard"}
