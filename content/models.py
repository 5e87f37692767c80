"""What the generation pipeline records: jobs with their steps, figures, verifications.

A :class:`GenerationJob` is one run of the pipeline over a path. Its ``state`` follows the
table in :mod:`content.services`; ``progress`` only grows. A :class:`Figure` is keyed by
what it shows, not by the path, so every path (and every clone) that covers a function
shares one drawing. A :class:`Verification` is one checked claim or answer key of a path.
"""

from django.conf import settings
from django.db import models

from learning.models import Path


class JobState(models.TextChoices):
    QUEUED = "queued", "queued"
    RUNNING = "running", "running"
    SUCCEEDED = "succeeded", "succeeded"
    FAILED = "failed", "failed"


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class GenerationJob(models.Model):
    """One run of the pipeline: ``steps`` is ``{name: {state, error}}`` in running order."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="generation_jobs")
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=40, blank=True)
    steps = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="generation_job_progress_le_100"
            ),
            # At most one job in flight per path: a second request gets the first.
            models.UniqueConstraint(
                fields=["path"],
                condition=models.Q(state__in=["queued", "running"]),
                name="generation_job_one_active_per_path",
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} for {self.path_id}: {self.state} {self.progress}%"

    @property
    def error(self) -> str:
        """The failed steps' errors, one line each (empty when none failed)."""
        return "\n".join(
            f"{name}: {step['error']}" for name, step in self.steps.items() if step.get("error")
        )


class Figure(models.Model):
    """A plot of one catalog function (or its derivative), keyed by what it shows."""

    key = models.CharField(max_length=64, unique=True, help_text="sha256 of what it shows.")
    kernel = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    spec = models.JSONField(default=dict, help_text="function, parameters, x range, catalog.")
    png = models.FileField(upload_to="figures/")
    svg = models.FileField(upload_to="figures/")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kernel", "title"]

    def __str__(self) -> str:
        return self.title


class VerificationStatus(models.TextChoices):
    VERIFIED = "verified", "verified"
    FAILED = "failed", "failed"
    UNCHECKABLE = "uncheckable", "uncheckable"


class Verification(models.Model):
    """The result of checking one claim or answer key of a path."""

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="verifications")
    job = models.ForeignKey(
        GenerationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="checks"
    )
    item_kind = models.CharField(max_length=20)
    item_id = models.BigIntegerField(null=True, blank=True)
    origin_uid = models.CharField(max_length=64, blank=True)
    claim = models.TextField()
    status = models.CharField(max_length=12, choices=VerificationStatus.choices)
    expected = models.JSONField(null=True, blank=True)
    computed = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path", "id"]
        indexes = [models.Index(fields=["path", "status"])]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.origin_uid}: {self.status}"
