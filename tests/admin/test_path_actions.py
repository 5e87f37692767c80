"""The path admin's export-to-Anki action (learning's genanki export) and content's "verify
now" action (the verification step alone, through ``content.services.path_verify``)."""

import io
import sqlite3
import zipfile

import genanki
import pytest

from content.models import GenerationJob, Verification
from learning.models import Flashcard
from learning.services.bundles import path_import
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/learning/path/"


def guids_in(apkg: bytes, tmp_path) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(apkg)) as package:
        database = tmp_path / "collection.anki2"
        database.write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(database) as conn:
        return [guid for (guid,) in conn.execute("SELECT guid FROM notes ORDER BY id")]


def test_export_apkg_of_one_path_is_a_package_anki_reads(admin_client, source, tmp_path):
    answer = admin_client.post(
        CHANGELIST, {"action": "export_apkg", "_selected_action": [source.pk]}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/apkg"
    assert f'filename="{source.slug}.apkg"' in answer["Content-Disposition"]
    cards = Flashcard.objects.filter(path=source).order_by("position", "id")
    expected = [genanki.guid_for(str(card.origin_uid)) for card in cards]
    assert len(expected) == 2 and guids_in(answer.content, tmp_path) == expected


def test_export_apkg_of_several_paths_is_a_zip_of_packages(admin_client, source, tmp_path):
    other = path_import(data=small_bundle(slug="other", title="Other"), visibility="public")
    answer = admin_client.post(
        CHANGELIST, {"action": "export_apkg", "_selected_action": [source.pk, other.pk]}
    )
    assert answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as packages:
        assert sorted(packages.namelist()) == sorted([f"{source.slug}.apkg", "other.apkg"])
        assert len(guids_in(packages.read("other.apkg"), tmp_path)) == 2


def test_verify_action_runs_the_verification_step_alone(admin_client, source):
    Verification.objects.create(path=source, item_kind="section", claim="stale", status="failed")
    answer = admin_client.post(
        CHANGELIST, {"action": "verify_content", "_selected_action": [source.pk]}, follow=True
    )
    assert answer.status_code == 200
    checks = Verification.objects.filter(path=source)
    assert checks.exists() and not checks.filter(claim="stale").exists()
    assert not checks.exclude(job=None).exists() and not GenerationJob.objects.exists()
    verified = checks.filter(status="verified").count()
    page = answer.content.decode().lower()  # the admin capitalises messages
    assert verified > 0 and f"{source.slug}: {verified} verified, 0 failed" in page
