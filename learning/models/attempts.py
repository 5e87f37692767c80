"""Quiz attempts and their answers, graded in a worker; and who has seen a quiz's keys.

An attempt moves ``in_progress`` → ``grading`` (its answers stored in the same transaction)
→ ``graded``; ``learning.grading`` says who moves it and how grading stays exactly-once.
``keys_seen`` records, at submission, whether the learner had opened the quiz's answer keys
(:class:`KeyView`), so statistics can show such attempts apart.
"""

from django.conf import settings
from django.db import models

from learning.models.items import Question, Quiz


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    GRADING = "grading", "Grading"
    GRADED = "graded", "Graded"


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    status = models.CharField(
        max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="When grading was last asked of a worker."
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    keys_seen = models.BooleanField(
        default=False, help_text="The learner had opened this quiz's answer keys before submitting."
    )
    gradings = models.PositiveIntegerField(
        default=0, help_text="Times a grading was recorded: 1 once graded, +1 per regrade."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "quiz"], name="attempt_user_quiz"),
            models.Index(fields=["status", "enqueued_at"], name="attempt_status_enqueued"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk} on quiz {self.quiz_id} ({self.status})"


class Answer(models.Model):
    """One question's answer in an attempt: ``choices`` (ids), ``value`` or ``expression``
    as given; the verdict once graded. A question left out has an answer row with none."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    expression = models.TextField(blank=True)
    correct = models.BooleanField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    expected = models.JSONField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "question__quiz", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"answer to question {self.question_id} in attempt {self.attempt_id}"

    def given(self) -> dict | None:
        """The answer as the graders take it, or None when the question was left out."""
        if self.choices is not None:
            return {"choices": self.choices}
        if self.value is not None:
            return {"value": self.value}
        if self.expression:
            return {"expression": self.expression}
        return None


class KeyView(models.Model):
    """The first time a user opened a quiz's keys (a question read with its key, the
    editor's list, an export)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="key_views")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "quiz"], name="key_view_unique")]

    def __str__(self) -> str:
        return f"user {self.user_id} saw quiz {self.quiz_id}'s keys at {self.at}"
