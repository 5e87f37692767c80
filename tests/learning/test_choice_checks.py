"""A choice's ``check`` (the catalog fact it states) travels with the question: import,
export, clone and sync; it joins the question's hash only when present, so hashes of
questions written before checks existed stay what they were."""

import pytest

from content.verification import verify_bundle
from learning.models import Question, content_hash
from learning.selectors.bundles import path_export
from learning.services.bundles import path_import, path_replace
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db

CHECK = {"kernel": "sigmoid", "property": "range_text", "value": "(0, 1)"}


def checked_bundle() -> dict:
    bundle = small_bundle()
    bundle["quizzes"][0]["questions"][0]["choices"][0]["check"] = CHECK
    return bundle


def question(path, label="q1") -> Question:
    return Question.objects.get(path=path, prompt="Range of sigmoid?")


def test_a_check_round_trips_and_joins_the_hash_only_when_present(staff):
    path = path_import(data=checked_bundle(), owner=staff)
    exported = path_export(path)["quizzes"][0]["questions"]
    assert exported[0]["choices"][0]["check"] == CHECK
    assert "check" not in exported[0]["choices"][1]
    assert "check" not in exported[1]["choices"][0]
    plain = Question.objects.get(path=path, prompt="ReLU is smooth.")
    old_style = {name: getattr(plain, name) for name in plain.content_fields} | {
        "choice_list": [{"text": c.text, "is_correct": c.is_correct} for c in plain.choices.all()]
    }
    assert plain.content_hash == content_hash(old_style)
    unchecked = path_import(data=small_bundle(slug="other"), owner=staff)
    assert question(path).content_hash != question(unchecked).content_hash
    assert [c.status for c in verify_bundle(path_export(path)) if c.kind == "choice"] == [
        "verified"
    ]


def test_clone_and_sync_carry_the_check(staff, learner):
    source = path_import(data=small_bundle(), owner=staff, visibility="public")
    clone = path_clone(path=source, user=learner)
    assert question(clone).choices.first().property_check is None
    path_replace(path=source, data=checked_bundle())
    path_sync(path=clone, user=learner)
    assert question(clone).choices.first().property_check == CHECK
    assert question(clone).content_hash == question(source).content_hash
    again = path_clone(path=source, user=learner)
    assert question(again).choices.first().property_check == CHECK
