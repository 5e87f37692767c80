"""The items of a path. Each has an ``origin_uid`` shared by all its clones and a hash of its
content, so that a clone can tell, item by item, what changed on either side since it last
synced (``synced_hash`` is the upstream content hash at that moment)."""

import hashlib
import json
import uuid
from collections.abc import Iterable

from django.db import models
from django.db.models.functions import Now

from learning.models.paths import Path


def content_hash(content: dict) -> str:
    """A stable SHA-256 of an item's content (a JSON-able dict)."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class PathItem(models.Model):
    """Base of every item: where it belongs, its place, its identity across clones.

    ``origin_uid`` is unique within a path, for every kind (one constraint, named after
    the concrete model: ``section_origin_unique``, ``flashcard_origin_unique``…).
    """

    #: The model fields whose values make up the item's content (and so its hash).
    content_fields: tuple[str, ...] = ()

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="+")
    origin_uid = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    synced_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Upstream's content hash when this clone item was last synced; empty "
        "for items the owner created.",
    )

    class Meta:
        abstract = True
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "origin_uid"], name="%(class)s_origin_unique")
        ]

    def save(self, *args, hash_with: dict | None = None, **kwargs):
        """Save with a fresh ``content_hash``; ``hash_with`` passes parts of the content
        that are not saved yet to :meth:`content` (a question's new choices)."""
        self.refresh_hash(**(hash_with or {}))
        super().save(*args, **kwargs)

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.content_fields}

    def refresh_hash(self, **parts) -> str:
        self.content_hash = content_hash(self.content(**parts))
        return self.content_hash


class Section(PathItem):
    """A section of the deep article: Markdown with ``$…$``/``$$…$$`` LaTeX, nested one level."""

    content_fields = ("title", "body", "parent_uid", "claims")

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    claims = models.JSONField(
        default=list,
        blank=True,
        help_text="The numbers the body states: [{text, compute, value, tolerance?}]; the "
        "verification step checks that each text occurs in the body and its value is right.",
    )

    def __str__(self) -> str:
        return self.title

    def content(self) -> dict:
        """Claims count as content only once a section has some, so the hashes of sections
        written before claims existed stay what they were."""
        content = super().content()
        if not content["claims"]:
            del content["claims"]
        return content

    @property
    def parent_uid(self) -> str | None:
        return str(self.parent.origin_uid) if self.parent_id else None


class Flashcard(PathItem):
    """A card to review; ``claim`` makes it machine-checkable (see SPEC §6). It may belong
    to a section of the article (its prompts at the end of that section)."""

    content_fields = ("front", "back", "claim", "section_uid")

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="flashcards")
    front = models.TextField()
    back = models.TextField()
    claim = models.JSONField(null=True, blank=True)
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="flashcards"
    )
    #: When the card came to be (a clone's card keeps its source's): no review predates it.
    created_at = models.DateTimeField(auto_now_add=True, db_default=Now())

    def __str__(self) -> str:
        return self.front[:80]

    @property
    def section_uid(self) -> str | None:
        return str(self.section.origin_uid) if self.section_id else None

    def content(self) -> dict:
        """The section counts as content once a card has one, so the hashes of cards
        written before sections could be named stay what they were."""
        content = super().content()
        if content["section_uid"] is None:
            del content["section_uid"]
        return content


class Quiz(PathItem):
    content_fields = ("title",)

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="quizzes")
    title = models.CharField(max_length=200)

    class Meta(PathItem.Meta):
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    TRUE_FALSE = "true_false", "True/false"
    NUMERIC = "numeric", "Numeric"
    EXPRESSION = "expression", "Expression"


CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE)


class Question(PathItem):
    """A quiz question. Choice questions keep their key in ``Choice.is_correct``; numeric
    and expression questions in ``answer`` (SPEC §4). Its hash covers its choices."""

    content_fields = ("quiz_uid", "kind", "prompt", "explanation", "answer")

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="questions")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    prompt = models.TextField()
    explanation = models.TextField(blank=True)
    answer = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.prompt[:80]

    @property
    def quiz_uid(self) -> str:
        return str(self.quiz.origin_uid)

    def content(self, choices: Iterable["Choice"] | None = None) -> dict:
        """The content with its choices: ``choices`` when given (about to be saved), else
        the stored ones (none yet for a question not saved)."""
        if choices is None:
            choices = self.choices.all() if self.pk is not None else ()
        return super().content() | {"choice_list": [c.content() for c in choices]}


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    #: The bundle calls it ``check``; a model field cannot (``Model.check()`` is Django's
    #: system-check hook).
    property_check = models.JSONField(
        null=True,
        blank=True,
        help_text="Optional {kernel, property, value}: the catalog fact the choice states; "
        "the verification step checks that is_correct says whether it holds.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    def content(self) -> dict:
        """What a bundle holds of a choice; ``check`` only when there is one, so the
        hashes of questions written before checks existed stay what they were."""
        content = {"text": self.text, "is_correct": self.is_correct}
        if self.property_check:
            content["check"] = self.property_check
        return content

    @classmethod
    def from_bundle(cls, data: dict, position: int) -> "Choice":
        """An unsaved choice from a bundle's (or the API's) ``{text, is_correct, check?}``."""
        return cls(
            text=data["text"],
            is_correct=data.get("is_correct", False),
            property_check=data.get("check"),
            position=position,
        )


class ResourceKind(models.TextChoices):
    PAPER = "paper", "Paper"
    BOOK = "book", "Book"
    ARTICLE = "article", "Article"
    DOCUMENTATION = "documentation", "Documentation"
    VIDEO = "video", "Video"
    COURSE = "course", "Course"
    OTHER = "other", "Other"


class Resource(PathItem):
    content_fields = ("title", "authors", "year", "kind", "url")

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=300)
    authors = models.CharField(max_length=500, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices, default=ResourceKind.PAPER)
    url = models.URLField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.title


class Podcast(PathItem):
    """The path's podcast episode: audio (generated) and its timed transcript."""

    content_fields = ("title", "duration_seconds", "transcript")

    path = models.OneToOneField(Path, on_delete=models.CASCADE, related_name="podcast")
    title = models.CharField(max_length=200)
    duration_seconds = models.FloatField(default=0)
    audio = models.FileField(upload_to="podcasts/", blank=True)
    transcript = models.JSONField(
        default=list, blank=True, help_text="[{start, end, speaker, text}], seconds."
    )

    def __str__(self) -> str:
        return self.title


class DeletedItem(models.Model):
    """A tombstone: an item that came from upstream and that the clone's owner deleted.

    A deletion is an edit, so a sync must not bring the item back. ``synced_hash`` is
    upstream's hash when the clone last took the item: while upstream's item still has it,
    the item stays deleted; once upstream changes it, the deletion is a conflict.
    """

    path = models.ForeignKey(Path, on_delete=models.CASCADE, related_name="deleted_items")
    origin_uid = models.UUIDField()
    kind = models.CharField(
        max_length=12, help_text="section, quiz, question, flashcard, resource or podcast."
    )
    synced_hash = models.CharField(max_length=64)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["path", "origin_uid"], name="deleted_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.origin_uid} (deleted)"
