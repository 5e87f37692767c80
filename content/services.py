"""Generating a path's content: :class:`GeneratePath` asks for a job, :func:`job_run` runs it.

In Wagtail's shape, ``check()`` then ``execute()``, so the API, the admin action and
``manage.py generate_content`` behave identically. ``execute()`` returns the path's job in
flight if there is one, else a new queued job whose task is sent once the transaction
commits (on the ``content`` queue).

Job states, the rules the code below follows:

| when                                         | state       | progress             |
|----------------------------------------------|-------------|----------------------|
| created                                      | queued      | 0                    |
| a worker picks it up                         | running     | kept (only grows)    |
| picked up while running, started less than the time limit ago (a duplicate task) | unchanged | (the other run goes on) |
| picked up while running, started longer ago (its worker died: hard time limit passed) | running, started again | kept |
| a step runs                                  | running     | grows with the step  |
| a step raises                                | running     | the step is `failed` with its error; the next steps still run |
| every step ran, none failed                  | succeeded   | 100                  |
| every step ran, one or more failed           | failed      | 100; `error` names the failed steps, the other steps' output stays |
| picked up when already succeeded or failed   | unchanged   | (a redelivered task does nothing) |

So a machine without the speech engine gets figures and verification, and a job in state
``failed`` whose ``steps.podcast.error`` says why. Asking again runs a new job: steps are
idempotent and reuse what exists (figures by key, audio by what it speaks). Asking while a
job is in flight returns that job and sends its task again: a lost message is replaced,
and a duplicate finds the job claimed and does nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.errors import Forbidden, NotFound
from content.models import ACTIVE_STATES, GenerationJob, JobState, Verification
from content.steps import figures, podcast, verification
from learning.models import Path
from learning.selectors.paths import path_can_edit, paths_visible_to

logger = logging.getLogger(__name__)

#: A job's task is killed after this long, so a job running longer has lost its worker.
JOB_TIME_LIMIT_SECONDS = 960

#: The steps in running order, with their share of the progress bar (sums to 100).
STEPS = (("figures", figures.run, 40), ("verification", verification.run, 20),
         ("podcast", podcast.run, 40))  # fmt: skip


class GeneratePath:
    """Generate ``path``'s figures, verification and podcast audio, for its owner or staff."""

    def __init__(self, path: Path, user):
        self.path = path
        self.user = user

    def check(self, skip_permission_checks: bool = False) -> None:
        if skip_permission_checks:
            return
        if self.user is None or not self.user.is_authenticated:
            raise Forbidden("Sign in to generate a path's content.")
        if not paths_visible_to(self.user).filter(pk=self.path.pk).exists():
            raise NotFound(f"No path {self.path.slug!r}.")
        if not path_can_edit(self.path, self.user):
            raise Forbidden("Only the path's owner or staff may generate its content.")

    def execute(self, skip_permission_checks: bool = False, enqueue: bool = True) -> GenerationJob:
        """The path's job in flight, or a new queued one sent to the worker on commit
        (``enqueue=False``: not sent, for a caller that runs it with :func:`job_run`)."""
        self.check(skip_permission_checks)
        requested_by = self.user if self.user is not None and self.user.is_authenticated else None
        try:
            with transaction.atomic():
                job = GenerationJob.objects.create(
                    path=self.path,
                    requested_by=requested_by,
                    steps={name: {"state": "pending", "error": ""} for name, _, _ in STEPS},
                )
                if enqueue:
                    transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
        except IntegrityError:  # one is in flight (the partial unique constraint): that one
            job = GenerationJob.objects.get(path=self.path, state__in=ACTIVE_STATES)
            if enqueue:
                transaction.on_commit(lambda: job_enqueue(job_id=job.pk))
        return job


def path_generate(*, path: Path, user, skip_permission_checks: bool = False) -> GenerationJob:
    """Ask for ``path``'s content to be generated (see :class:`GeneratePath`)."""
    return GeneratePath(path, user).execute(skip_permission_checks)


def job_enqueue(*, job_id: int) -> None:
    """Send ``content.generate`` (by name: the task module imports this one); the route
    in settings puts it on the ``content`` queue."""
    current_app.send_task("content.generate", args=[job_id])


def _progress(job: GenerationJob, value: float, on_progress) -> None:
    """Move the job's progress up to ``value``; never down."""
    value = max(0, min(100, int(value)))
    if value > job.progress:
        GenerationJob.objects.filter(pk=job.pk, progress__lt=value).update(progress=value)
        job.progress = value
    if on_progress:
        on_progress(job)


def _save_step(job: GenerationJob, name: str, **changes) -> None:
    job.steps[name] = job.steps.get(name, {}) | changes
    job.step = name
    job.save(update_fields=["steps", "step"])


def _claimable(job: GenerationJob | None) -> bool:
    if job is None or job.state not in ACTIVE_STATES:
        return False
    if job.state == JobState.QUEUED or job.started_at is None:
        return True
    return timezone.now() - job.started_at > timedelta(seconds=JOB_TIME_LIMIT_SECONDS)


def job_run(*, job_id: int, on_progress=None) -> GenerationJob | None:
    """Run job ``job_id``'s steps (see the state table above); ``None`` if it is gone.
    Claiming the job is one locked read and write, so two tasks never both run it."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if not _claimable(job):
            return job
        job.state = JobState.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["state", "started_at"])
    job = GenerationJob.objects.select_related("path").get(pk=job_id)
    base = 0
    for name, run, share in STEPS:
        _save_step(job, name, state="running", error="")

        def report(fraction: float, base=base, share=share) -> None:
            _progress(job, base + share * min(max(fraction, 0.0), 1.0), on_progress)

        try:
            run(job=job, report=report)
        except Exception as error:  # noqa: BLE001 - any step failure is recorded, not fatal
            logger.exception("generation job %s: step %s failed", job.pk, name)
            _save_step(job, name, state="failed", error=f"{type(error).__name__}: {error}")
        else:
            _save_step(job, name, state="succeeded")
        base += share
        _progress(job, base, on_progress)
    failed = any(step.get("state") == "failed" for step in job.steps.values())
    GenerationJob.objects.filter(pk=job.pk).update(
        state=JobState.FAILED if failed else JobState.SUCCEEDED,
        progress=100,
        step="",
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def path_verify(*, path: Path, user) -> list[Verification]:
    """Run the verification step alone, now, for ``path``'s owner or staff (the same
    permissions as :class:`GeneratePath`): its checks replace the previous ones. Figures
    and audio are not touched; the admin's "verify" action calls this."""
    GeneratePath(path, user).check()
    return verification.verify_path(path)
