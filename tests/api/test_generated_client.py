"""A typed client generated from the live schema drives the learner's journey against a
live server: register → preview → clone → edit → updates → sync → export → import, and
the Anki download. Every answer must parse into the model the schema promises, typed down
to the bundle's items, a conflict's two sides and a question's key; a schema the generator
cannot use, or warns about, fails the test."""

import importlib
import inspect
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from learning.models import Flashcard
from tests.helpers import edit, uid

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = shutil.which("openapi-python-client") or str(
    Path(sys.executable).with_name("openapi-python-client")
)


@pytest.fixture
def studytree_client(client, tmp_path, monkeypatch):
    """The client package, generated now from the schema the app serves, imported."""
    if not Path(GENERATOR).exists():
        pytest.skip("openapi-python-client is not installed (pip install -e '.[dev]')")
    (tmp_path / "schema.json").write_bytes(client.get("/api/schema/?format=json").content)
    (tmp_path / "config.yaml").write_text("post_hooks: []\n")
    run = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--output-path", "studytree_client",
         "--meta", "none", "--config", "config.yaml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "WARNING" not in output, output
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("studytree_client")]:
        del sys.modules[name]
    return importlib.import_module("studytree_client")


def call(package, endpoint: str, status: int, **kwargs):
    """Call ``api.<endpoint>`` and return its parsed answer, which must be the promised one."""
    module = importlib.import_module(f"{package.__name__}.api.{endpoint}")
    answer = module.sync_detailed(**kwargs)
    assert answer.status_code == status, (endpoint, answer.content[:400])
    assert answer.parsed is not None, (endpoint, answer.content[:400])
    return answer.parsed


def test_the_learner_journey_through_a_generated_client(
    live_server, studytree_client, source, request
):
    sc = studytree_client
    models = importlib.import_module(f"{sc.__name__}.models")
    anonymous = sc.Client(base_url=live_server.url, raise_on_unexpected_status=True)
    request.addfinalizer(lambda: anonymous.get_httpx_client().close())

    registered = call(
        sc, "auth.v1_auth_register_create", 201, client=anonymous,
        body=models.RegisterRequest(username="mobile", password="correct horse battery staple"),
    )  # fmt: skip
    assert isinstance(registered, models.Registered)
    register = importlib.import_module(f"{sc.__name__}.api.auth.v1_auth_register_create")
    assert "client: AuthenticatedClient | Client" in inspect.getsource(register.sync_detailed)
    me = sc.AuthenticatedClient(
        base_url=live_server.url, token=registered.token, raise_on_unexpected_status=True
    )
    # Kept-alive connections would hold the server's database session past the test.
    request.addfinalizer(lambda: me.get_httpx_client().close())

    tree = call(sc, "paths.v1_paths_retrieve", 200, slug=source.slug, client=anonymous)
    assert isinstance(tree, models.TreeOut) and tree.title == source.title

    cloned = call(sc, "clones.v1_paths_clone_create", 201, slug=source.slug, client=me)
    assert isinstance(cloned, models.Cloned) and cloned.cloned_from == source.slug

    cards = call(sc, "items.v1_paths_flashcards_list", 200, slug=cloned.slug, client=me)
    mine = next(card for card in cards.results if str(card.origin_uid) == uid("f1"))
    edited = call(
        sc, "items.v1_flashcards_partial_update", 200, id=mine.id, client=me,
        body=models.PatchedFlashcardWriteRequest(front="My own front"),
    )  # fmt: skip
    assert edited.front == "My own front"

    questions = call(sc, "items.v1_paths_questions_list", 200, slug=cloned.slug, client=me)
    keyed = next(q for q in questions.results if q.kind == models.QuestionKindEnum.EXPRESSION)
    assert isinstance(keyed.answer, models.ExpressionAnswerSchema), keyed.answer
    assert keyed.answer.expression and keyed.answer.variables.additional_properties

    edit(Flashcard, source, "f2", back="Upstream's new back")  # the platform path moves on
    edit(Flashcard, source, "f1", back="Upstream's other back")  # and meets my edit
    updates = call(sc, "clones.v1_paths_updates_retrieve", 200, slug=cloned.slug, client=me)
    assert [str(entry.origin_uid) for entry in updates.changed] == [uid("f2")]
    [conflict] = updates.conflicts
    assert conflict.kind == models.ItemKindEnum.FLASHCARD
    assert isinstance(conflict.upstream, models.ItemContentOut)
    assert conflict.upstream.back == "Upstream's other back"
    assert conflict.yours.front == "My own front"

    synced = call(
        sc, "clones.v1_paths_sync_create", 200, slug=cloned.slug, client=me,
        body=models.SyncInRequest(),
    )  # fmt: skip
    assert isinstance(synced, models.Synced) and synced.upstream_version == synced.source_version

    bundle = call(sc, "paths.v1_paths_export_retrieve", 200, slug=cloned.slug, client=me)
    assert isinstance(bundle, models.Bundle) and isinstance(bundle.path, models.PathInfoSchema)
    assert all(isinstance(card, models.FlashcardSchema) for card in bundle.flashcards)
    backs = {str(card.origin_uid): card.back for card in bundle.flashcards}
    fronts = {str(card.origin_uid): card.front for card in bundle.flashcards}
    assert backs[uid("f2")] == "Upstream's new back" and fronts[uid("f1")] == "My own front"
    question = bundle.quizzes[0].questions[0]
    assert isinstance(question, models.QuestionSchema) and question.prompt

    again = bundle.to_dict()
    again["path"]["slug"] = "from-the-phone"
    imported = call(
        sc, "paths.v1_paths_import_create", 201, client=me,
        body=models.BundleRequest.from_dict(again),
    )  # fmt: skip
    assert isinstance(imported, models.PathSummaryOut) and imported.slug.startswith(
        "from-the-phone"
    )

    apkg = call(sc, "paths.v1_paths_export_apkg_retrieve", 200, slug=cloned.slug, client=me)
    package = zipfile.ZipFile(io.BytesIO(apkg.payload.read()))  # an .apkg is a zip
    assert {"collection.anki2", "media"} <= set(package.namelist()), package.namelist()
