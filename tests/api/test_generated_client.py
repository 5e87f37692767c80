"""A typed client generated from the live schema drives the learner's journey against a
live server: register → preview → clone → edit → updates → sync → export → import. Every
answer must parse into the model the schema promises; a schema the generator cannot use
fails the test."""

import importlib
import inspect
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from learning.models import Flashcard
from tests.helpers import edit, uid

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = shutil.which("openapi-python-client") or str(
    Path(sys.executable).with_name("openapi-python-client")
)
#: What the generator may warn about: the Anki package is a binary download, not JSON.
KNOWN_WARNINGS = ("GET /api/v1/paths/{slug}/export.apkg",)


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
    warnings = [line for line in output.splitlines() if line.startswith("WARNING")]
    assert all(any(k in w for k in KNOWN_WARNINGS) for w in warnings), output
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

    edit(Flashcard, source, "f2", back="Upstream's new back")  # the platform path moves on
    updates = call(sc, "clones.v1_paths_updates_retrieve", 200, slug=cloned.slug, client=me)
    assert [str(entry.origin_uid) for entry in updates.changed] == [uid("f2")]

    synced = call(
        sc, "clones.v1_paths_sync_create", 200, slug=cloned.slug, client=me,
        body=models.SyncInRequest(),
    )  # fmt: skip
    assert isinstance(synced, models.Synced) and synced.upstream_version == synced.source_version

    bundle = call(sc, "paths.v1_paths_export_retrieve", 200, slug=cloned.slug, client=me)
    assert isinstance(bundle, models.BundleOut)
    # The bundle's parts are documented as free JSON (not typed yet): plain dicts.
    backs = {card["origin_uid"]: card["back"] for card in bundle.flashcards}
    fronts = {card["origin_uid"]: card["front"] for card in bundle.flashcards}
    assert backs[uid("f2")] == "Upstream's new back" and fronts[uid("f1")] == "My own front"

    again = bundle.to_dict()
    again["path"]["slug"] = "from-the-phone"
    imported = call(
        sc, "paths.v1_paths_import_create", 201, client=me,
        body=models.BundleOutRequest.from_dict(again),
    )  # fmt: skip
    assert isinstance(imported, models.PathSummaryOut) and imported.slug.startswith(
        "from-the-phone"
    )
