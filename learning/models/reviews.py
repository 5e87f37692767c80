"""Spaced-repetition reviews: the append-only log, the replayed state, a learner's settings.

A :class:`ReviewLog` row is one review as the client saw it; nothing updates it but an
undo, which marks it. A :class:`ReviewCard` is what replaying a card's live reviews with
``learning.scheduling`` gives, kept so the due queue is one indexed query.
:class:`ReviewDeck` remembers which version of a path the learner's cards were completed
for, so that new flashcards become new review cards without scanning the path each time.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from learning.models.items import Flashcard
from learning.models.paths import Path


class CardState(models.TextChoices):
    NEW = "new", "New"
    LEARNING = "learning", "Learning"
    REVIEW = "review", "Review"
    RELEARNING = "relearning", "Relearning"


class ReviewCard(models.Model):
    """A learner's scheduling state for one flashcard: its reviews replayed (see
    ``learning.scheduling``). ``path`` repeats the flashcard's, for the ``?path=`` queue."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    flashcard = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="review_cards")
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=CardState.choices, default=CardState.NEW)
    due = models.DateTimeField(null=True, blank=True, help_text="Empty while the card is new.")
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    first_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    leech = models.BooleanField(default=False, help_text="Lapsed 8 times or more.")
    suspended = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "flashcard"], name="review_card_unique"),
        ]
        indexes = [
            # The due queue: oldest due first, with or without ?path=.
            models.Index(
                fields=["user", "due"],
                name="review_card_due",
                condition=Q(suspended=False, due__isnull=False),
            ),
            models.Index(
                fields=["user", "path", "due"],
                name="review_card_path_due",
                condition=Q(suspended=False, due__isnull=False),
            ),
            # New cards, in the order they were added.
            models.Index(
                fields=["user", "path", "flashcard"],
                name="review_card_new",
                condition=Q(suspended=False, state="new"),
            ),
            # New cards introduced today.
            models.Index(
                fields=["user", "first_review"],
                name="review_card_first_review",
                condition=Q(first_review__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.flashcard_id} {self.state}"


class ReviewLog(models.Model):
    """One review, append-only. ``client_id`` makes a retry harmless (unique per learner);
    ``result`` is the answer given the first time, returned to every repeat."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs"
    )
    flashcard = models.ForeignKey(Flashcard, on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(help_text="1 Again, 2 Hard, 3 Good, 4 Easy.")
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    client_id = models.UUIDField()
    device = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "client_id"], name="review_log_client_unique"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=4), name="review_log_rating_1_to_4"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "flashcard"], name="review_log_card"),
            models.Index(fields=["user", "reviewed_at"], name="review_log_time"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.user_id}:{self.flashcard_id} {self.rating} at {self.reviewed_at:%Y-%m-%d %H:%M}"
        )


class ReviewSettings(models.Model):
    """A learner's scheduler: desired retention, daily new cards, FSRS parameters (empty:
    FSRS-6's defaults) and the last optimisation's evaluation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review_settings",
    )
    desired_retention = models.FloatField(default=0.9)
    new_per_day = models.PositiveIntegerField(default=20)
    parameters = models.JSONField(default=list, blank=True)
    last_optimization = models.JSONField(
        null=True, blank=True, help_text="{at, reviews, log_loss_before, log_loss_after, adopted}"
    )

    class Meta:
        verbose_name_plural = "review settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=0.7, desired_retention__lte=0.97),
                name="review_settings_retention_range",
            ),
        ]

    def __str__(self) -> str:
        return f"review settings of {self.user_id}"


class ReviewDeck(models.Model):
    """The version of ``path`` for which every flashcard had a review card of ``user``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "path"], name="review_deck_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.path_id}@{self.version}"
