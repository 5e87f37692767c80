"""A learning path: one subject's tree of study material, owned, versioned, clonable."""

from django.conf import settings
from django.db import models


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


class Path(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    key_points = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="paths",
        help_text="Empty for the platform's own paths, which staff edit.",
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE, db_index=True
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every content change; keys the tree cache and ETag."
    )
    cloned_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="clones"
    )
    source_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The version of `cloned_from` last cloned or synced."
    )
    bundle_digest = models.CharField(
        max_length=64, blank=True, editable=False, help_text="Hash of the bundle file last loaded."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["owner", "visibility"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC
