"""What the path and item endpoints accept, and — for the OpenAPI schema — what they answer.

Writes are checked by the bundle schema's own serializers (strict: an unknown field is a
400 naming it), minus ``origin_uid``, which the platform assigns, plus ``position`` and the
ids that tie an item to its parent section or quiz. Answers are plain dicts built by
``learning.selectors.trees``; the ``*Out`` serializers below only describe them.
"""

from rest_framework import serializers

from learning.bundle_schema import (
    ChildSectionSchema,
    FlashcardSchema,
    PathInfoSchema,
    QuestionSchema,
    QuizSchema,
    ResourceSchema,
)

# --- input ---------------------------------------------------------------------------------


class PathWrite(PathInfoSchema):
    """``PATCH paths/{slug}/``: title, summary, key_points, visibility."""

    slug = None


class _Placed(serializers.Serializer):
    """Items take a ``position`` among their siblings; the platform assigns ``origin_uid``
    (each write serializer drops it: DRF removes a field a subclass sets to None)."""

    position = serializers.IntegerField(min_value=0, required=False)


class SectionWrite(_Placed, ChildSectionSchema):
    origin_uid = children = None
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="A top-level section of the same path."
    )


class FlashcardWrite(_Placed, FlashcardSchema):
    origin_uid = None
    section = serializers.IntegerField(
        required=False, allow_null=True, help_text="A section of the same path, or null."
    )


class QuizWrite(_Placed, QuizSchema):
    origin_uid = questions = None


class ResourceWrite(_Placed, ResourceSchema):
    origin_uid = None


class QuestionWrite(_Placed, QuestionSchema):
    """``{quiz, kind, prompt, explanation?, choices?, answer?, position?}``, the key checked
    against the kind by ``validate_question``."""

    origin_uid = None
    quiz = serializers.IntegerField(help_text="A quiz of the same path.")


# --- output (schema only) ----------------------------------------------------------------------


class CountsOut(serializers.Serializer):
    sections = serializers.IntegerField()
    flashcards = serializers.IntegerField()
    questions = serializers.IntegerField()
    resources = serializers.IntegerField()


class PathSummaryOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    visibility = serializers.ChoiceField(choices=["public", "private"])
    version = serializers.IntegerField()
    cloned_from = serializers.SlugField(allow_null=True)
    counts = CountsOut()


class _ItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    origin_uid = serializers.UUIDField()


class ChildSectionOut(_ItemOut):
    title = serializers.CharField()
    body = serializers.CharField(allow_null=True, help_text="Markdown; null in a preview.")
    html = serializers.CharField(allow_null=True, help_text="Rendered, MathML for formulas.")


class SectionOut(ChildSectionOut):
    children = ChildSectionOut(many=True)


class FlashcardOut(_ItemOut):
    front = serializers.CharField()
    back = serializers.CharField()
    section = serializers.IntegerField(
        allow_null=True, help_text="The id of the section the card belongs to, or null."
    )


class ChoiceOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOut(_ItemOut):
    kind = serializers.CharField()
    prompt = serializers.CharField()
    choices = ChoiceOut(many=True)


class QuizOut(_ItemOut):
    title = serializers.CharField()
    questions = QuestionOut(many=True)


class SegmentOut(serializers.Serializer):
    start = serializers.FloatField()
    end = serializers.FloatField()
    speaker = serializers.CharField()
    text = serializers.CharField()


class PodcastOut(serializers.Serializer):
    title = serializers.CharField()
    duration_seconds = serializers.FloatField()
    audio_url = serializers.CharField(allow_null=True)
    transcript_url = serializers.CharField(allow_null=True)
    transcript = SegmentOut(many=True)


class ResourceOut(_ItemOut):
    title = serializers.CharField()
    authors = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    url = serializers.CharField()


class TreeOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    key_points = serializers.ListField(child=serializers.CharField())
    owner = serializers.CharField(allow_null=True)
    version = serializers.IntegerField()
    preview = serializers.BooleanField()
    cloned_from = serializers.SlugField(allow_null=True)
    counts = CountsOut()
    sections = SectionOut(many=True)
    flashcards = FlashcardOut(many=True)
    quizzes = QuizOut(many=True)
    podcast = PodcastOut(allow_null=True)
    resources = ResourceOut(many=True)


# Item endpoints: the tree's rows plus their place, and for editors their key.


class SectionItemOut(ChildSectionOut):
    parent = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()


class FlashcardItemOut(FlashcardOut):
    position = serializers.IntegerField()
    claim = serializers.JSONField(required=False, help_text="Owner and staff only.")


class QuizItemOut(_ItemOut):
    title = serializers.CharField()
    position = serializers.IntegerField()


class KeyedChoiceOut(ChoiceOut):
    is_correct = serializers.BooleanField(required=False, help_text="Owner and staff only.")


class QuestionItemOut(_ItemOut):
    quiz = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.CharField()
    prompt = serializers.CharField()
    choices = KeyedChoiceOut(many=True)
    explanation = serializers.CharField(required=False, help_text="Owner and staff only.")
    answer = serializers.JSONField(
        required=False, help_text="Numeric and expression questions; owner and staff only."
    )


class ResourceItemOut(ResourceOut):
    position = serializers.IntegerField()


class BundleOut(serializers.Serializer):
    """A ``studytree.path`` bundle, format version 1 (see ``bundle_schema``)."""

    format = serializers.CharField()
    format_version = serializers.IntegerField()
    path = serializers.JSONField()
    sections = serializers.JSONField()
    flashcards = serializers.JSONField()
    quizzes = serializers.JSONField()
    podcast = serializers.JSONField(allow_null=True)
    resources = serializers.JSONField()
