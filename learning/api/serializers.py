"""What the path and item endpoints accept, and — for the OpenAPI schema — what they answer.

Writes are checked by the bundle schema's own serializers (strict: an unknown field is a
400 naming it), minus ``origin_uid``, which the platform assigns, plus ``position`` and the
ids that tie an item to its parent section or quiz. Answers are plain dicts built by
``learning.selectors.trees``; the ``*Out`` serializers below only describe them.
"""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from learning.api import examples as ex
from learning.api.examples import example
from learning.bundle_schema import (
    AnswerKeyField,
    BundleSchema,
    ChildSectionSchema,
    ChoiceSchema,
    ClaimSchema,
    FlashcardSchema,
    PathInfoSchema,
    ProseClaimSchema,
    QuestionSchema,
    QuizSchema,
    ResourceSchema,
    SegmentSchema,
)
from learning.kinds import KINDS
from learning.models import QuestionKind, ResourceKind, Visibility

# --- input ---------------------------------------------------------------------------------


@extend_schema_serializer(examples=example("Rename your clone", ex.PATH_WRITE, request=True))
class PathWrite(PathInfoSchema):
    """``PATCH paths/{slug}/``: title, summary, key_points, visibility."""

    slug = None


class _Placed(serializers.Serializer):
    """Items take a ``position`` among their siblings; the platform assigns ``origin_uid``
    (each write serializer drops it: DRF removes a field a subclass sets to None)."""

    position = serializers.IntegerField(min_value=0, required=False)


@extend_schema_serializer(
    examples=example("A section with a claim the catalog checks", ex.SECTION_WRITE, request=True)
)
class SectionWrite(_Placed, ChildSectionSchema):
    origin_uid = children = None
    parent = serializers.IntegerField(
        required=False, allow_null=True, help_text="A top-level section of the same path."
    )


@extend_schema_serializer(
    examples=example("The sigmoid slope card", ex.FLASHCARD_WRITE, request=True)
)
class FlashcardWrite(_Placed, FlashcardSchema):
    origin_uid = None
    section = serializers.IntegerField(
        required=False, allow_null=True, help_text="A section of the same path, or null."
    )


@extend_schema_serializer(examples=example("A quiz", ex.QUIZ_WRITE, request=True))
class QuizWrite(_Placed, QuizSchema):
    origin_uid = questions = None


@extend_schema_serializer(examples=example("A paper", ex.RESOURCE_WRITE, request=True))
class ResourceWrite(_Placed, ResourceSchema):
    origin_uid = None


@extend_schema_serializer(
    examples=example("An expression question", ex.QUESTION_WRITE, request=True)
)
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


@extend_schema_serializer(examples=example("Your clone", ex.PATH_SUMMARY, response=True))
class PathSummaryOut(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices)
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
    kind = serializers.ChoiceField(QuestionKind.choices)
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
    kind = serializers.ChoiceField(ResourceKind.choices)
    url = serializers.CharField()


@extend_schema_serializer(
    examples=example("The preview of activation-functions", ex.TREE, response=True)
)
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


@extend_schema_serializer(
    examples=example("A section, as its owner reads it", ex.SECTION_ITEM, response=True)
)
class SectionItemOut(ChildSectionOut):
    parent = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField()
    claims = ProseClaimSchema(
        many=True, required=False, help_text="What the body states; owner and staff only."
    )


@extend_schema_serializer(
    examples=example("A card with its claim", ex.FLASHCARD_ITEM, response=True)
)
class FlashcardItemOut(FlashcardOut):
    position = serializers.IntegerField()
    claim = ClaimSchema(required=False, allow_null=True, help_text="Owner and staff only.")


@extend_schema_serializer(examples=example("A quiz", ex.QUIZ_ITEM, response=True))
class QuizItemOut(_ItemOut):
    title = serializers.CharField()
    position = serializers.IntegerField()


class KeyedChoiceOut(ChoiceOut):
    is_correct = serializers.BooleanField(required=False, help_text="Owner and staff only.")


@extend_schema_serializer(
    examples=example("An expression question with its key", ex.QUESTION_ITEM, response=True)
)
class QuestionItemOut(_ItemOut):
    quiz = serializers.IntegerField()
    position = serializers.IntegerField()
    kind = serializers.ChoiceField(QuestionKind.choices)
    prompt = serializers.CharField()
    choices = KeyedChoiceOut(many=True)
    explanation = serializers.CharField(required=False, help_text="Owner and staff only.")
    answer = AnswerKeyField(
        required=False,
        allow_null=True,
        help_text="Numeric and expression questions; owner and staff only.",
    )


@extend_schema_serializer(examples=example("A paper", ex.RESOURCE_ITEM, response=True))
class ResourceItemOut(ResourceOut):
    position = serializers.IntegerField()


@extend_schema_serializer(
    examples=example("activation-functions, cut to one item of each kind", ex.BUNDLE)
)
class Bundle(BundleSchema):
    """A ``studytree.path`` bundle, format version 1: what ``GET paths/{slug}/export/``
    answers and ``POST paths/import/`` reads, described by the schema that validates it."""


# Sync conflicts: both sides' content, whatever the kind.

#: The ``kind`` field of content: a question's or a resource's.
CONTENT_KINDS = QuestionKind.choices + ResourceKind.choices


class ItemContentOut(serializers.Serializer):
    """An item's content as a sync compares it: the fields of its kind (a section's
    ``title, body, parent_uid, claims``, a card's ``front, back, claim, section_uid?``, a
    question's ``quiz_uid, kind, prompt, explanation, answer, choice_list``, …)."""

    title = serializers.CharField(required=False)
    body = serializers.CharField(required=False)
    parent_uid = serializers.UUIDField(required=False, allow_null=True)
    claims = ProseClaimSchema(many=True, required=False)
    front = serializers.CharField(required=False)
    back = serializers.CharField(required=False)
    claim = ClaimSchema(required=False, allow_null=True)
    section_uid = serializers.UUIDField(required=False, allow_null=True)
    quiz_uid = serializers.UUIDField(required=False)
    kind = serializers.ChoiceField(
        CONTENT_KINDS,
        required=False,
        help_text="A question's or a resource's kind.",
    )
    prompt = serializers.CharField(required=False)
    explanation = serializers.CharField(required=False)
    answer = AnswerKeyField(required=False, allow_null=True)
    choice_list = ChoiceSchema(many=True, required=False)
    authors = serializers.CharField(required=False)
    year = serializers.IntegerField(required=False, allow_null=True)
    url = serializers.CharField(required=False)
    duration_seconds = serializers.FloatField(required=False)
    transcript = SegmentSchema(many=True, required=False)


#: The kinds of item an update listing or a conflict names.
ITEM_KINDS = [kind.name for kind in KINDS]
