"""``GET paths/{slug}/export.apkg``: an Anki package whose notes keep their guids across
exports (so a re-import updates them), with formulas in Anki's MathJax delimiters."""

import io
import sqlite3
import zipfile

import genanki
import pytest

from learning.models import Flashcard
from learning.selectors.anki import anki_html

pytestmark = pytest.mark.django_db


def notes_of(apkg: bytes, tmp_path) -> list[tuple[str, list[str]]]:
    with zipfile.ZipFile(io.BytesIO(apkg)) as package:
        assert "collection.anki2" in package.namelist()
        database = tmp_path / "collection.anki2"
        database.write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT guid, flds FROM notes ORDER BY id").fetchall()
    return [(guid, fields.split("\x1f")) for guid, fields in rows]


def test_the_export_holds_every_card_with_guids_that_survive_a_re_export(
    learner_api, clone, tmp_path
):
    url = f"/api/v1/paths/{clone.slug}/export.apkg"
    first = learner_api.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "application/apkg"
    assert f'filename="{clone.slug}.apkg"' in first["Content-Disposition"]
    cards = list(Flashcard.objects.filter(path=clone).order_by("position", "id"))
    notes = notes_of(first.content, tmp_path)
    assert [guid for guid, _ in notes] == [genanki.guid_for(str(c.origin_uid)) for c in cards]
    assert [fields for _, fields in notes] == [
        [anki_html(c.front), anki_html(c.back)] for c in cards
    ]

    edited = cards[0]
    edited.back = "Now $\\sigma'(0) = 1/4$"
    edited.save()
    second = notes_of(learner_api.get(url).content, tmp_path)
    assert [guid for guid, _ in second] == [guid for guid, _ in notes]
    assert second[0][1][1] == "Now \\(\\sigma&#x27;(0) = 1/4\\)"


def test_formulas_become_mathjax_and_the_rest_is_escaped():
    assert anki_html("$a<b$ and $$\\int x$$") == "\\(a&lt;b\\) and \\[\\int x\\]"
    assert anki_html("costs $5 or $6\nnext <b>") == "costs $5 or $6<br>next &lt;b&gt;"


def test_only_owner_and_staff_export(source, clone, learner_api, api, make_user):
    from tests.helpers import client_for

    assert learner_api.get(f"/api/v1/paths/{source.slug}/export.apkg").status_code == 403
    assert api.get(f"/api/v1/paths/{source.slug}/export.apkg").status_code == 403
    other = client_for(make_user("eve"))
    assert other.get(f"/api/v1/paths/{clone.slug}/export.apkg").status_code == 404
