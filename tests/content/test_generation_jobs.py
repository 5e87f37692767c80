"""The job runner's rules (the state table in content/services.py), run in this process:
a missing speech engine fails only its step, a duplicate task does nothing, a job whose
worker died is taken up again, progress only grows, and clones share their source's
figures."""

import uuid
from datetime import timedelta

import espeakng_loader
import pytest
from django.utils import timezone

from content import speech
from content.models import GenerationJob, JobState
from content.selectors import path_figures
from content.services import JOB_TIME_LIMIT_SECONDS, GeneratePath, job_run
from learning.services.bundles import path_import
from learning.services.clone_path import path_clone
from tests.helpers import small_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def path(make_user):
    return path_import(data=small_bundle(slug="jobs", visibility="public"), owner=make_user())


def new_job(path) -> GenerationJob:
    return GeneratePath(path, None).execute(skip_permission_checks=True, enqueue=False)


@pytest.fixture
def no_speech_engine(monkeypatch):
    """A machine where espeak-ng's library is missing."""
    speech.engine.cache_clear()
    monkeypatch.setattr(espeakng_loader, "get_library_path", lambda: "/nonexistent/libespeak-ng.so")
    yield
    speech.engine.cache_clear()


def test_a_missing_speech_engine_fails_only_the_podcast_step(make_user, no_speech_engine):
    bundle = small_bundle(slug="no-speech")
    bundle["podcast"]["transcript"][0]["text"] = f"Never spoken before: {uuid.uuid4()}."
    path = path_import(data=bundle, owner=make_user())  # its audio cannot be in storage
    job = job_run(job_id=new_job(path).pk)
    assert job.state == JobState.FAILED
    assert job.progress == 100
    assert job.steps["figures"]["state"] == "succeeded"
    assert job.steps["verification"]["state"] == "succeeded"
    assert job.steps["podcast"]["state"] == "failed"
    assert "espeak-ng could not load" in job.steps["podcast"]["error"]
    assert job.error.startswith("podcast: SpeechUnavailable: espeak-ng could not load")
    assert len(path_figures(path)) == 3
    assert path.verifications.exists()


def test_progress_only_grows_and_ends_at_100(path):
    seen = []
    job = job_run(job_id=new_job(path).pk, on_progress=lambda j: seen.append(j.progress))
    assert job.state == JobState.SUCCEEDED, job.error
    assert seen == sorted(seen) and seen[-1] == 100 and len(set(seen)) > 3


def test_a_duplicate_task_leaves_a_running_job_alone(path):
    job = new_job(path)
    GenerationJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    assert job_run(job_id=job.pk).state == JobState.RUNNING
    job.refresh_from_db()
    assert job.progress == 0 and all(s["state"] == "pending" for s in job.steps.values())


def test_a_job_whose_worker_died_is_taken_up_again(path):
    job = new_job(path)
    died = timezone.now() - timedelta(seconds=JOB_TIME_LIMIT_SECONDS + 1)
    GenerationJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=died, progress=30
    )
    assert job_run(job_id=job.pk).state == JobState.SUCCEEDED


def test_a_finished_job_is_not_run_again(path):
    job = job_run(job_id=new_job(path).pk)
    finished = job.finished_at
    assert job_run(job_id=job.pk).finished_at == finished


def test_one_job_in_flight_per_path(path):
    assert new_job(path).pk == new_job(path).pk


def test_a_clone_shares_its_sources_figures(path, learner):
    job_run(job_id=new_job(path).pk)
    clone = path_clone(path=path, user=learner)
    shared = path_figures(clone)
    assert [f.pk for f, _ in shared] == [f.pk for f, _ in path_figures(path)]
    assert {f.kernel for f, _ in shared} == {"sigmoid", "tanh", "relu"}


def test_each_figure_is_placed_beside_the_section_that_names_it(path):
    job_run(job_id=new_job(path).pk)
    placed = {figure.kernel: section for figure, section in path_figures(path)}
    intro = path.sections.get(title="Intro")
    assert placed["sigmoid"] == str(intro.origin_uid)  # "The sigmoid is …" in its body
    assert placed["tanh"] is None and placed["relu"] is None  # named in cards and questions only


def test_generation_runs_on_its_own_queue():
    """(That every worker consumes it: tests/platform/test_grading_queue.py.)"""
    from config.celery_app import app

    assert app.amqp.router.route({}, "content.generate")["queue"].name == "content"
