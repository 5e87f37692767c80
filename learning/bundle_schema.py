"""The versioned JSON bundle of a whole path (format ``studytree.path``, version 1), validated.

The same schema checks a bundle loaded from the repository, one posted to
``POST paths/import/`` and item writes through the API, so a key that cannot be graded
never gets in. Errors name the field by its path in the bundle (``quizzes.0.questions.2.answer``).
"""

import math

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

import kernels
from kernels.answers import parse_tolerance
from kernels.expressions import ExpressionError, compile_expression
from learning.models import CHOICE_KINDS, QuestionKind, ResourceKind, Visibility

BUNDLE_FORMAT = "studytree.path"
BUNDLE_VERSION = 1
MAX_ITEMS = 20_000


class _Strict(serializers.Serializer):
    """Rejects fields it does not know, so a typo is a 400 rather than silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class FiniteFloat(serializers.FloatField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            raise serializers.ValidationError("Must be a finite number.")
        return value


class ItemSchema(_Strict):
    origin_uid = serializers.UUIDField(required=False)


class ProseClaimSchema(_Strict):
    """Something the section's prose states, with ``text`` as it appears in the body:

    - a number: ``{text, compute, value, tolerance?}``, ``compute`` the expression whose
      value it is (SPEC §6 language), e.g. ``{"text": "0.25", "compute":
      "sigmoid.derivative(0)", "value": 0.25}``;
    - a formula: ``{text, expression, variables, compute, tolerance?}``, ``expression``
      the formula ``text`` writes, transcribed, and ``compute`` what the catalog says it
      equals on the ``variables``' ranges, e.g. ``{"text": "\\frac{1}{1 + e^{-z}}",
      "expression": "1/(1+exp(-z))", "variables": {"z": [-8, 8]}, "compute": "sigmoid(z)"}``;
    - a property: ``{text, kernel, property, value}``, a declared property of a catalog
      function that its probe confirms, e.g. ``{"text": "$(0,1)$", "kernel": "sigmoid",
      "property": "range_text", "value": "(0, 1)"}``.

    ``content.verification`` checks the text is in the body and the value or formula right.
    """

    text = serializers.CharField(max_length=500)
    compute = serializers.CharField(required=False, max_length=500)
    value = serializers.JSONField(required=False)
    kernel = serializers.CharField(required=False, max_length=50)
    property = serializers.CharField(required=False, max_length=50)
    expression = serializers.CharField(required=False, max_length=500)
    variables = serializers.DictField(
        child=serializers.ListField(child=FiniteFloat(), min_length=2, max_length=2),
        required=False,
        allow_empty=False,
    )
    tolerance = serializers.CharField(required=False, max_length=20)

    FORMS = {
        frozenset({"text", "compute", "value"}),
        frozenset({"text", "compute", "value", "tolerance"}),
        frozenset({"text", "expression", "variables", "compute"}),
        frozenset({"text", "expression", "variables", "compute", "tolerance"}),
        frozenset({"text", "kernel", "property", "value"}),
    }

    def validate(self, attrs):
        if frozenset(attrs) not in self.FORMS:
            raise serializers.ValidationError(
                "A claim is {text, compute, value, tolerance?}, {text, expression, variables, "
                "compute, tolerance?} or {text, kernel, property, value}."
            )
        check_tolerance(attrs.get("tolerance"))
        if "property" in attrs:
            check_property(attrs)
            return attrs
        if "expression" in attrs:
            validate_ranges(attrs["variables"])
            check_expression(attrs["expression"], attrs["variables"])
            check_expression(attrs["compute"], attrs["variables"], field="compute")
            return attrs
        validate_number(attrs["value"], "value")
        check_expression(attrs["compute"], field="compute")
        return attrs


class ChildSectionSchema(ItemSchema):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(allow_blank=True, required=False, default="", max_length=200_000)
    claims = ProseClaimSchema(many=True, required=False, max_length=200)  # optional: no default
    children = serializers.ListField(max_length=0, required=False, default=list)


class SectionSchema(ChildSectionSchema):
    children = ChildSectionSchema(many=True, required=False, default=list)


class PropertyCheckSchema(_Strict):
    """``{kernel, property, value}``: a property the catalog declares (SPEC §6)."""

    kernel = serializers.CharField(max_length=50)
    property = serializers.CharField(max_length=50)
    value = serializers.JSONField()

    def validate(self, attrs):
        check_property(attrs)
        return attrs


class ClaimSchema(_Strict):
    """``{compute, value, tolerance?}`` or ``{kernel, property, value}`` (SPEC §6)."""

    compute = serializers.CharField(required=False, max_length=500)
    kernel = serializers.CharField(required=False, max_length=50)
    property = serializers.CharField(required=False, max_length=50)
    value = serializers.JSONField()
    tolerance = serializers.CharField(required=False, max_length=20)

    def validate(self, attrs):
        if "compute" in attrs:
            if "kernel" in attrs or "property" in attrs:
                raise serializers.ValidationError("Give either compute or kernel+property.")
            validate_number(attrs["value"], "value")
            check_expression(attrs["compute"], field="compute")
            check_tolerance(attrs.get("tolerance"))
        elif not ("kernel" in attrs and "property" in attrs):
            raise serializers.ValidationError(
                "A claim is {compute, value, tolerance?} or {kernel, property, value}."
            )
        else:
            check_property(attrs)
        return attrs


def check_property(attrs: dict) -> None:
    """The catalog knows the kernel and declares the property."""
    try:
        declared = kernels.get(attrs["kernel"]).properties
    except KeyError as exc:
        raise serializers.ValidationError({"kernel": [str(exc.args[0])]}) from exc
    if attrs["property"] not in declared:
        known = ", ".join(sorted(declared))
        raise serializers.ValidationError(
            {"property": [f"{attrs['kernel']} declares no {attrs['property']!r}; known: {known}."]}
        )


def validate_ranges(value: dict) -> dict:
    """Variable ranges ``{name: [low, high]}``: identifiers, low < high."""
    for name, (low, high) in value.items():
        if not name.isidentifier():
            raise serializers.ValidationError({"variables": [f"{name!r} is not a variable name."]})
        if not low < high:
            raise serializers.ValidationError(
                {"variables": [f"{name}: the range needs low < high."]}
            )
    return value


def validate_number(value, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise serializers.ValidationError({field: ["Must be a finite number."]})


def check_expression(text: str, variables=(), field: str = "expression") -> None:
    """A key's expression must be one the grader can evaluate (SPEC §6)."""
    try:
        compile_expression(text, tuple(variables))
    except ExpressionError as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from exc


def check_tolerance(text: str | None, field: str = "tolerance") -> None:
    try:
        parse_tolerance(text)
    except ValueError as exc:
        raise serializers.ValidationError({field: [str(exc)]}) from exc


class FlashcardSchema(ItemSchema):
    front = serializers.CharField(max_length=5000)
    back = serializers.CharField(max_length=5000)
    claim = ClaimSchema(required=False, allow_null=True, default=None)
    section = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text="A section's origin_uid."
    )


class ChoiceSchema(_Strict):
    id = serializers.IntegerField(required=False)  # ignored; lets a read question be posted back
    text = serializers.CharField(max_length=500)
    is_correct = serializers.BooleanField(default=False)
    #: Optional: the catalog fact the choice states; ``is_correct`` must say whether it holds.
    check = PropertyCheckSchema(required=False, allow_null=True)


class NumericAnswerSchema(_Strict):
    value = FiniteFloat()
    tolerance = serializers.CharField(required=False, max_length=20)
    compute = serializers.CharField(required=False, max_length=500)

    def validate(self, attrs):
        check_tolerance(attrs.get("tolerance"))
        if "compute" in attrs:
            check_expression(attrs["compute"], field="compute")
        return attrs


class ExpressionAnswerSchema(_Strict):
    expression = serializers.CharField(max_length=500)
    variables = serializers.DictField(
        child=serializers.ListField(child=FiniteFloat(), min_length=2, max_length=2),
        allow_empty=False,
    )
    tolerance = serializers.CharField(required=False, max_length=20)
    #: Optional: what the catalog says the expression equals (``sigmoid.derivative(z)``).
    compute = serializers.CharField(required=False, max_length=500)

    def validate_variables(self, value):
        try:
            return validate_ranges(value)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(exc.detail["variables"]) from exc

    def validate(self, attrs):
        check_tolerance(attrs.get("tolerance"))
        check_expression(attrs["expression"], attrs["variables"])
        if "compute" in attrs:
            check_expression(attrs["compute"], attrs["variables"], field="compute")
        return attrs


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="AnswerKey",
        serializers=[NumericAnswerSchema, ExpressionAnswerSchema],
        resource_type_field_name=None,
    )
)
class AnswerKeyField(serializers.JSONField):
    """A numeric or expression question's key, read as JSON: which of the two shapes it
    must have depends on the question's kind, so :func:`validate_question` checks it."""


class QuestionSchema(ItemSchema):
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    prompt = serializers.CharField(max_length=5000)
    explanation = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=20_000
    )
    choices = ChoiceSchema(many=True, required=False, default=list)
    answer = AnswerKeyField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Numeric: {value, tolerance?, compute?}; expression: {expression, "
        "variables, tolerance?, compute?}; null for a choice question.",
    )

    def validate(self, attrs):
        return validate_question(attrs)


def validate_question(attrs: dict) -> dict:
    """The key must fit the kind: right choices, or a numeric/expression answer."""
    kind, choices, answer = attrs["kind"], attrs.get("choices") or [], attrs.get("answer")
    if kind in CHOICE_KINDS:
        if answer is not None:
            raise serializers.ValidationError(
                {"answer": [f"A {kind} question keeps its key in choices."]}
            )
        correct = sum(1 for c in choices if c["is_correct"])
        if kind == QuestionKind.TRUE_FALSE and sorted(c["text"] for c in choices) != [
            "False",
            "True",
        ]:
            raise serializers.ValidationError(
                {"choices": ["A true/false question has the choices True and False."]}
            )
        if len(choices) < 2:
            raise serializers.ValidationError({"choices": ["Give at least two choices."]})
        if kind == QuestionKind.MULTIPLE and correct < 1:
            raise serializers.ValidationError({"choices": ["Mark at least one choice correct."]})
        if kind != QuestionKind.MULTIPLE and correct != 1:
            raise serializers.ValidationError({"choices": ["Mark exactly one choice correct."]})
        return attrs
    if choices:
        raise serializers.ValidationError({"choices": [f"A {kind} question has no choices."]})
    schema = NumericAnswerSchema if kind == QuestionKind.NUMERIC else ExpressionAnswerSchema
    checked = schema(data=answer)
    if answer is None or not checked.is_valid():
        raise serializers.ValidationError(
            {"answer": checked.errors if answer is not None else ["This field is required."]}
        )
    attrs["answer"] = dict(checked.validated_data)
    return attrs


class QuizSchema(ItemSchema):
    title = serializers.CharField(max_length=200)
    questions = QuestionSchema(many=True, required=False, default=list)


class SegmentSchema(_Strict):
    start = FiniteFloat(min_value=0)
    end = FiniteFloat(min_value=0)
    speaker = serializers.CharField(max_length=100)
    text = serializers.CharField(max_length=5000)

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError("A segment must not end before it starts.")
        return attrs


class PodcastSchema(ItemSchema):
    title = serializers.CharField(max_length=200)
    duration_seconds = FiniteFloat(min_value=0)
    transcript = SegmentSchema(many=True, required=False, default=list)


class ResourceSchema(ItemSchema):
    title = serializers.CharField(max_length=300)
    authors = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")
    year = serializers.IntegerField(
        min_value=1000, max_value=3000, allow_null=True, required=False, default=None
    )
    kind = serializers.ChoiceField(choices=ResourceKind.choices, default=ResourceKind.PAPER)
    url = serializers.URLField(max_length=500, allow_blank=True, required=False, default="")


class PathInfoSchema(_Strict):
    slug = serializers.SlugField(max_length=120)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(allow_blank=True, required=False, default="", max_length=10_000)
    key_points = serializers.ListField(
        child=serializers.CharField(max_length=500), required=False, default=list, max_length=50
    )
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PRIVATE)


class BundleSchema(_Strict):
    format = serializers.CharField()
    format_version = serializers.IntegerField()
    path = PathInfoSchema()
    sections = SectionSchema(many=True, required=False, default=list)
    flashcards = FlashcardSchema(many=True, required=False, default=list)
    quizzes = QuizSchema(many=True, required=False, default=list)
    podcast = PodcastSchema(required=False, allow_null=True, default=None)
    resources = ResourceSchema(many=True, required=False, default=list)

    def validate_format(self, value):
        if value != BUNDLE_FORMAT:
            raise serializers.ValidationError(f"Expected {BUNDLE_FORMAT!r}.")
        return value

    def validate_format_version(self, value):
        if value != BUNDLE_VERSION:
            raise serializers.ValidationError(f"Only version {BUNDLE_VERSION} is supported.")
        return value

    def to_internal_value(self, data):
        # Counted before any item is validated, so a huge bundle costs nothing to refuse.
        if isinstance(data, dict) and bundle_size(data) > MAX_ITEMS:
            raise serializers.ValidationError(
                {"non_field_errors": [f"A bundle holds at most {MAX_ITEMS} items."]}
            )
        return super().to_internal_value(data)

    def validate(self, attrs):
        uids = [
            item["origin_uid"]
            for item in iter_bundle_items(attrs)
            if item.get("origin_uid") is not None
        ]
        if len(uids) != len(set(uids)):
            raise serializers.ValidationError("origin_uid values must be unique in a bundle.")
        sections = {str(s.get("origin_uid")) for s, _ in _entries_of(attrs, "section")}
        unknown = {
            f"flashcards.{index}.section": ["No section of this bundle has this origin_uid."]
            for index, card in enumerate(attrs.get("flashcards") or [])
            if card.get("section") is not None and str(card["section"]) not in sections
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        return attrs


def _entries_of(bundle: dict, kind: str):
    return [(item, holder) for name, item, holder, _ in bundle_entries(bundle) if name == kind]


def _listed(value) -> list:
    return value if isinstance(value, list) else []


def bundle_entries(bundle: dict):
    """Every item of a bundle as ``(kind name, item, holder item or None, position)``,
    holders before what they hold, in the order of :data:`learning.kinds.KINDS`; tolerant
    of a bundle not validated yet (what is not a list or an object is skipped)."""
    sections = [s for s in _listed(bundle.get("sections")) if isinstance(s, dict)]
    quizzes = [q for q in _listed(bundle.get("quizzes")) if isinstance(q, dict)]
    for position, section in enumerate(sections):
        yield "section", section, None, position
    for section in sections:
        for position, child in enumerate(_listed(section.get("children"))):
            yield "section", child, section, position
    for position, quiz in enumerate(quizzes):
        yield "quiz", quiz, None, position
    for quiz in quizzes:
        for position, question in enumerate(_listed(quiz.get("questions"))):
            yield "question", question, quiz, position
    for position, card in enumerate(_listed(bundle.get("flashcards"))):
        yield "flashcard", card, None, position
    for position, resource in enumerate(_listed(bundle.get("resources"))):
        yield "resource", resource, None, position
    if isinstance(bundle.get("podcast"), dict):
        yield "podcast", bundle["podcast"], None, 0


def bundle_size(bundle: dict) -> int:
    """How many items a bundle holds, every kind counted (choices go with their question)."""
    return sum(1 for _ in bundle_entries(bundle))


def iter_bundle_items(bundle: dict):
    """Every item dict of a bundle, holders before what they hold."""
    for _, item, _, _ in bundle_entries(bundle):
        yield item
