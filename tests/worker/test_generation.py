"""The content pipeline end to end, through a real Celery worker on the configured broker:
the job's states and monotone progress, figures (valid PNG and SVG, byte-identical SVG
when drawn again), verification catching a planted wrong key and clearing it once fixed,
and podcast audio whose decoded length matches the re-timed transcript."""

import io
import time
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage
from matplotlib import image as mpimg
from mutagen.mp3 import MP3

from content.models import Figure
from learning.services.bundles import path_import
from tests.helpers import client_for, small_bundle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

JOB_TIMEOUT = 240  # generous: the machine running the suite may be shared
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def owner(make_user):
    return make_user("owner-gen")


@pytest.fixture
def owner_api(owner):
    return client_for(owner)


def run_job(client, slug: str) -> tuple[dict, list[int]]:
    """Ask for generation, poll the job until it ends; the job and every progress seen."""
    answer = client.post(f"/api/v1/paths/{slug}/generate/")
    assert answer.status_code == 202, answer.content
    job_id = answer.json()["id"]
    seen, deadline = [], time.monotonic() + JOB_TIMEOUT
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}/").json()
        seen.append(job["progress"])
        if job["state"] in ("succeeded", "failed"):
            return job, seen
        time.sleep(0.02)
    pytest.fail(f"job {job_id} did not finish: {job}")


def _figure_files(figure: Figure) -> tuple[bytes, bytes]:
    with default_storage.open(figure.png.name) as png, default_storage.open(figure.svg.name) as svg:
        return png.read(), svg.read()


def test_a_job_runs_end_to_end_with_monotone_progress(owner, owner_api, celery_worker_process):
    path = path_import(data=small_bundle(slug="gen-e2e"), owner=owner)
    job, seen = run_job(owner_api, path.slug)
    assert job["state"] == "succeeded", job
    assert job["error"] == ""
    assert {name: step["state"] for name, step in job["steps"].items()} == {
        "figures": "succeeded", "verification": "succeeded", "podcast": "succeeded"
    }  # fmt: skip
    assert seen == sorted(seen), seen
    assert seen[-1] == 100

    figures = owner_api.get(f"/api/v1/paths/{path.slug}/figures/").json()
    assert {f["kernel"] for f in figures} == {"sigmoid", "tanh", "relu"}
    for row in figures:
        figure = Figure.objects.get(kernel=row["kernel"])
        png, svg = _figure_files(figure)
        assert png.startswith(PNG_MAGIC)
        assert mpimg.imread(io.BytesIO(png), format="png").shape[2] in (3, 4)
        assert ET.fromstring(svg).tag.endswith("svg")
        assert row["svg_url"].endswith(figure.svg.url)
        assert row["png_url"].endswith(figure.png.url)
    assert {f["kernel"]: f["section_uid"] for f in figures}["sigmoid"] is not None


def test_figures_redrawn_are_byte_identical_and_shared(owner, owner_api, celery_worker_process):
    path = path_import(data=small_bundle(slug="gen-figures"), owner=owner)
    assert run_job(owner_api, path.slug)[0]["state"] == "succeeded"
    first = {f.key: _figure_files(f)[1] for f in Figure.objects.all()}
    for figure in Figure.objects.all():  # forget them: the next job must draw them again
        default_storage.delete(figure.svg.name)
        default_storage.delete(figure.png.name)
    Figure.objects.all().delete()
    other = path_import(data=small_bundle(slug="gen-figures-2"), owner=owner)
    assert run_job(owner_api, other.slug)[0]["state"] == "succeeded"
    again = {f.key: _figure_files(f)[1] for f in Figure.objects.all()}
    assert again == first
    # Both paths show the same three figures: stored once.
    assert Figure.objects.count() == 3
    assert (
        owner_api.get(f"/api/v1/paths/{path.slug}/figures/").json()
        == owner_api.get(f"/api/v1/paths/{other.slug}/figures/").json()
    )


def test_a_planted_wrong_key_is_caught_then_cleared(owner, owner_api, celery_worker_process):
    bundle = small_bundle(slug="gen-wrong")
    numeric = bundle["quizzes"][0]["questions"][2]
    numeric["answer"]["value"] = 0.5  # tanh'(0) is 1
    path = path_import(data=bundle, owner=owner)
    run_job(owner_api, path.slug)
    rows = owner_api.get(f"/api/v1/paths/{path.slug}/verification/").json()
    wrong = [r for r in rows if r["origin_uid"] == numeric["origin_uid"]]
    assert len(wrong) == 1, rows
    assert wrong[0]["status"] == "failed"
    assert wrong[0]["expected"] == 0.5
    assert wrong[0]["computed"] == pytest.approx(1.0)
    assert wrong[0]["item_kind"] == "question" and wrong[0]["item_id"]

    fixed = owner_api.patch(
        f"/api/v1/questions/{wrong[0]['item_id']}/",
        {"answer": {"value": 1.0, "tolerance": "1%", "compute": "tanh.derivative(0)"}},
    )
    assert fixed.status_code == 200, fixed.content
    run_job(owner_api, path.slug)
    rows = owner_api.get(f"/api/v1/paths/{path.slug}/verification/").json()
    assert [r["status"] for r in rows if r["origin_uid"] == numeric["origin_uid"]] == ["verified"]
    assert not [r for r in rows if r["status"] == "failed"]


def test_podcast_audio_matches_its_transcript(owner, owner_api, celery_worker_process):
    path = path_import(data=small_bundle(slug="gen-audio"), owner=owner)
    assert run_job(owner_api, path.slug)[0]["state"] == "succeeded"
    podcast = owner_api.get(f"/api/v1/paths/{path.slug}/").json()["podcast"]
    assert podcast["audio_url"].endswith(".mp3") and podcast["transcript_url"].endswith(".vtt")
    name = podcast["audio_url"].removeprefix("/media/")
    with default_storage.open(name) as audio:
        length = MP3(audio).info.length
    transcript = podcast["transcript"]
    assert transcript[0]["start"] == 0
    assert all(a["end"] <= b["start"] for a, b in zip(transcript, transcript[1:]))
    assert abs(length - transcript[-1]["end"]) < 0.5, (length, transcript[-1])
    assert abs(podcast["duration_seconds"] - length) < 0.5
    with default_storage.open(podcast["transcript_url"].removeprefix("/media/")) as vtt:
        cues = vtt.read().decode()
    assert cues.startswith("WEBVTT") and "<v Maya>Hello." in cues
    # The player can seek: a byte range of the audio is a 206.
    part = owner_api.get(podcast["audio_url"], HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206
    assert part["Content-Length"] == "100"
