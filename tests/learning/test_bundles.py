"""The bundle service: validation, import all-or-nothing, replacing in place, export, and
loading the repository's paths."""

import json

import pytest
from django.core.management import call_command

from config.errors import InvalidInput
from learning.kinds import KINDS
from learning.models import Choice, Flashcard, Path, Question, Resource, Section, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import bundle_validate, bundled_paths_load, path_import, path_replace
from tests.helpers import item, queries_made, sized_bundle, small_bundle, uid

pytestmark = pytest.mark.django_db

# Whatever the size of the bundle.
IMPORT_QUERIES = 12
EXPORT_QUERIES = 7


def test_import_then_export_gives_the_bundle_back():
    bundle = small_bundle()
    path = path_import(data=bundle)
    assert path_export(path) == bundle_validate(bundle)


def test_import_keeps_order_nesting_and_keys():
    path = path_import(data=small_bundle())
    top = list(path.sections.filter(parent=None).order_by("position"))
    assert [s.title for s in top] == ["Intro", "Second"]
    assert [c.title for c in top[0].children.all()] == ["Detail"]
    single = Question.objects.get(path=path, kind="single")
    assert [(c.text, c.is_correct) for c in single.choices.all()] == [
        ("(0, 1)", True),
        ("(-1, 1)", False),
    ]
    assert Question.objects.get(path=path, kind="numeric").answer["compute"] == "tanh.derivative(0)"


def test_hashes_match_a_fresh_computation():
    path = path_import(data=small_bundle())
    for question in Question.objects.filter(path=path).prefetch_related("choices"):
        stored = question.content_hash
        assert question.refresh_hash() == stored
    for section in Section.objects.filter(path=path).select_related("parent"):
        stored = section.content_hash
        assert section.refresh_hash() == stored


def test_a_taken_slug_gets_a_suffix():
    first = path_import(data=small_bundle())
    second = path_import(data=small_bundle())
    assert (first.slug, second.slug) == ("tiny", "tiny-2")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda b: b.update(format="other"), "format"),
        (lambda b: b.update(format_version=2), "format_version"),
        (lambda b: b["path"].pop("title"), "path.title"),
        (lambda b: b["path"].update(slug="not a slug"), "path.slug"),
        (lambda b: b["quizzes"][0]["questions"][2]["answer"].update(value="x"), "quizzes.0.questions.2.answer.value"),
        (lambda b: b["quizzes"][0]["questions"][0]["choices"][1].update(is_correct=True), "quizzes.0.questions.0.choices"),
        (lambda b: b["quizzes"][0]["questions"][1]["choices"].pop(), "quizzes.0.questions.1.choices"),
        (lambda b: b["quizzes"][0]["questions"][3]["answer"]["variables"].update(z=[5, -5]), "quizzes.0.questions.3.answer.variables"),
        (lambda b: b["sections"][0]["children"][0]["children"].append({"title": "too deep"}), "sections.0.children.0.children"),
        (lambda b: b["flashcards"][1].update(origin_uid=b["flashcards"][0]["origin_uid"]), "non_field_errors"),
        (lambda b: b["flashcards"][0].update(surprise=1), "flashcards.0.surprise"),
        (lambda b: b["podcast"]["transcript"][0].update(end=-1), "podcast.transcript.0.end"),
        (lambda b: b["resources"][0].update(url="javascript:alert(1)"), "resources.0.url"),
        (lambda b: b["quizzes"][0]["questions"][3]["answer"].update(expression="__import__('os')"), "quizzes.0.questions.3.answer.expression"),
        (lambda b: b["quizzes"][0]["questions"][3]["answer"].update(expression="sigmoid(x)"), "quizzes.0.questions.3.answer.expression"),
        (lambda b: b["quizzes"][0]["questions"][2]["answer"].update(tolerance="a lot"), "quizzes.0.questions.2.answer.tolerance"),
        (lambda b: b["quizzes"][0]["questions"][2]["answer"].update(compute="gelu(1"), "quizzes.0.questions.2.answer.compute"),
        (lambda b: b["flashcards"][0]["claim"].update(compute="open('/etc/passwd')"), "flashcards.0.claim.compute"),
        (lambda b: b["flashcards"][1]["claim"].update(kernel="nope"), "flashcards.1.claim.kernel"),
        (lambda b: b["flashcards"][1]["claim"].update(property="tastiness"), "flashcards.1.claim.property"),
    ],
)  # fmt: skip
def test_a_bad_bundle_names_the_field_and_imports_nothing(mutate, field):
    bundle = small_bundle()
    mutate(bundle)
    with pytest.raises(InvalidInput) as caught:
        path_import(data=bundle)
    assert field in caught.value.fields, caught.value.fields
    assert not Path.objects.exists()
    assert not Choice.objects.exists()


def test_import_is_a_constant_number_of_queries():
    counts = []
    for size in (10, 1000):
        queries, _ = queries_made(path_import, data=sized_bundle(size, slug=f"p{size}"))
        counts.append(queries)
    assert counts[0] == counts[1], counts
    assert counts[0] == IMPORT_QUERIES, counts


def test_export_is_a_constant_number_of_queries():
    counts = []
    for size in (10, 1000):
        path = path_import(data=sized_bundle(size, slug=f"p{size}"))
        queries, _ = queries_made(path_export, path)
        counts.append(queries)
    assert counts[0] == counts[1], counts
    assert counts[0] == EXPORT_QUERIES, counts


def test_loading_the_repository_bundles_is_idempotent_and_updates_in_place(tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(small_bundle()))
    [(path, outcome)] = bundled_paths_load(tmp_path)
    assert (outcome, path.version, path.owner) == ("created", 1, None)
    [(again, outcome)] = bundled_paths_load(tmp_path)
    assert (again.pk, outcome, again.version) == (path.pk, "unchanged", 1)

    changed = small_bundle()
    changed["flashcards"][0]["back"] = "one quarter"
    (tmp_path / "tiny.json").write_text(json.dumps(changed))
    uid = changed["flashcards"][0]["origin_uid"]
    [(updated, outcome)] = bundled_paths_load(tmp_path)
    assert (updated.pk, outcome, updated.version) == (path.pk, "updated", 2)
    assert updated.flashcards.get(origin_uid=uid).back == "one quarter"
    assert Choice.objects.filter(question__path=updated).count() == 4  # none left behind
    assert Section.objects.filter(path=updated).count() == 3


def item_pks(path) -> dict[str, int]:
    """The primary key of every item of ``path`` by (kind, origin_uid)."""
    return {
        (kind.name, str(origin_uid)): pk
        for kind in KINDS
        for origin_uid, pk in kind.model.objects.filter(path=path).values_list("origin_uid", "pk")
    }


def test_replace_updates_the_path_in_place_by_origin_uid():
    path = path_import(data=small_bundle())
    version = path.version
    before = item_pks(path)
    old_hash = {
        label: item(model, path, label).content_hash
        for model, label in ((Flashcard, "f1"), (Question, "q1"), (Section, "s1a"))
    }
    choices = list(item(Question, path, "q1").choices.values_list("pk", flat=True))

    bundle = small_bundle()
    bundle["flashcards"][0]["back"] = "one quarter"
    bundle["flashcards"].append(
        {"origin_uid": uid("f3"), "front": "relu(-1)?", "back": "0", "claim": None}
    )
    bundle["resources"] = []
    bundle["quizzes"][0]["questions"][0]["choices"][1]["text"] = "(-inf, inf)"
    bundle["sections"][1]["children"].append(bundle["sections"][0]["children"].pop())
    replaced = path_replace(path=path, data=bundle)

    assert replaced.pk == path.pk and replaced.version == version + 1
    after = item_pks(path)
    kept = set(before) - {("resource", uid("r1"))}
    assert {key: after[key] for key in kept} == {key: before[key] for key in kept}
    assert set(after) - kept == {("flashcard", uid("f3"))}
    assert not Resource.objects.filter(path=path).exists()

    card = item(Flashcard, path, "f1")
    assert card.back == "one quarter"
    question = item(Question, path, "q1")
    assert list(question.choices.values_list("pk", "text")) == [
        (choices[0], "(0, 1)"),
        (choices[1], "(-inf, inf)"),
    ]
    moved = item(Section, path, "s1a")
    assert moved.parent == item(Section, path, "s2")
    for label, changed in (("f1", card), ("q1", question), ("s1a", moved)):
        assert changed.content_hash == content_hash(changed.content()) != old_hash[label]
    new = item(Flashcard, path, "f3")
    assert (new.front, new.back) == ("relu(-1)?", "0")
    for kind in KINDS:
        for fresh in kind.model.objects.filter(path=path):
            assert fresh.content_hash == content_hash(fresh.content()), fresh

    path_replace(path=path, data=bundle)
    assert item_pks(path) == after
    assert list(question.choices.values_list("pk", flat=True)) == choices


def test_load_paths_command_loads_the_shipped_paths(capsys):
    call_command("load_paths")
    out = capsys.readouterr().out
    assert "activation-functions" in out
    path = Path.objects.get(slug="activation-functions")
    assert path.is_public and path.owner is None
    call_command("load_paths")
    assert "unchanged" in capsys.readouterr().out


def test_load_paths_reports_a_broken_bundle(tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "broken.json").write_text("{nope")
    with pytest.raises(CommandError, match="broken.json"):
        call_command("load_paths", "--dir", str(tmp_path))
