"""Quiz attempts, practice checks, the formula preview and regrading.

``POST/GET quizzes/{id}/attempts/``, ``GET quizzes/{id}/attempts/stats/`` *(ext)*,
``GET attempts/{id}/``, ``POST attempts/{id}/submit/``, ``POST questions/{id}/check/``,
``GET checks/{task}/`` *(ext)*, ``POST questions/{id}/preview/`` *(ext)* and
``POST quizzes/{id}/regrade/`` *(ext)*. Who may attempt a quiz is said in
``learning.selectors.attempts``. The web process parses answers, never evaluates them:
grading and practice checks run in a worker on the ``grading`` queue.
"""

from celery import current_app
from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.urls import path as route
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_conventions import PAGE, PAGE_SIZE, Pages, paginated
from config.errors import InvalidInput, NotFound
from kernels.expressions import ExpressionError
from kernels.typeset import formula_latex
from learning.api import examples as ex
from learning.api.examples import example
from learning.grading import RegradeQuiz
from learning.models import Question, QuestionKind
from learning.rendering import render_formula
from learning.selectors.attempts import (
    attempt_get_for_user,
    attempt_result,
    attempt_row,
    attempt_stats,
    attempts_of,
    quiz_get_for_attempt,
)
from learning.selectors.items import item_get_for_read
from learning.services.attempts import answer_check_send, attempt_start, attempt_submit

TAGS = ["attempts"]
MAX_ANSWERS = 500


# --- input and (for the schema) output -------------------------------------------------------


@extend_schema_serializer(examples=example("A formula", ex.CHECK_IN, request=True))
class GivenIn(serializers.Serializer):
    """Exactly one of ``choices`` (ids), ``value`` (a number) or ``expression`` (a formula)."""

    choices = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    value = serializers.JSONField(required=False, help_text="A number, or its decimal text.")
    expression = serializers.CharField(required=False, trim_whitespace=False, allow_blank=True)

    def validate(self, data):
        given = [name for name in ("choices", "value", "expression") if name in data]
        if len(given) != 1:
            raise serializers.ValidationError("Give exactly one of choices, value or expression.")
        return data


class AnswerIn(GivenIn):
    question = serializers.IntegerField()


@extend_schema_serializer(
    examples=example("A formula, a number and a choice", ex.SUBMIT, request=True)
)
class SubmitIn(serializers.Serializer):
    answers = AnswerIn(many=True, max_length=MAX_ANSWERS)


@extend_schema_serializer(examples=example("Started", ex.ATTEMPT, response=True))
class AttemptOut(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = serializers.IntegerField()
    status = serializers.ChoiceField(["in_progress", "grading", "graded"])
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    keys_seen = serializers.BooleanField(
        help_text="The learner had opened this quiz's keys before submitting."
    )


class GivenOut(serializers.Serializer):
    """An answer as given: one of the three."""

    choices = serializers.ListField(child=serializers.IntegerField(), required=False)
    value = serializers.JSONField(required=False, help_text="A number, or its decimal text.")
    expression = serializers.CharField(required=False)


class ExpectedOut(serializers.Serializer):
    """The right answer: ``{choices}``, ``{value, tolerance}`` or ``{expression}``."""

    choices = serializers.ListField(child=serializers.IntegerField(), required=False)
    value = serializers.FloatField(required=False)
    tolerance = serializers.CharField(required=False)
    expression = serializers.CharField(required=False)


class ResultOut(serializers.Serializer):
    question = serializers.IntegerField()
    answer = GivenOut(allow_null=True, help_text="As given; null if left out.")
    correct = serializers.BooleanField()
    score = serializers.FloatField()
    feedback = serializers.CharField()
    explanation = serializers.CharField()
    expected = ExpectedOut(allow_null=True, help_text="Null when the answer could not be read.")


@extend_schema_serializer(examples=example("Graded", ex.GRADED, response=True))
class AttemptResultOut(AttemptOut):
    results = ResultOut(many=True)


@extend_schema_serializer(examples=example("Grading", ex.GRADING, response=True))
class StatusOut(serializers.Serializer):
    status = serializers.CharField()
    poll = serializers.CharField(required=False, help_text="Where to ask again (check only).")


@extend_schema_serializer(examples=example("Right", ex.VERDICT, response=True))
class VerdictOut(serializers.Serializer):
    correct = serializers.BooleanField()
    feedback = serializers.CharField()


class StatsRowOut(serializers.Serializer):
    attempts = serializers.IntegerField()
    best = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    max_score = serializers.FloatField(allow_null=True)


@extend_schema_serializer(
    examples=example("Two attempts, one after opening the keys", ex.ATTEMPT_STATS, response=True)
)
class StatsOut(serializers.Serializer):
    unseen_keys = StatsRowOut()
    keys_seen = StatsRowOut()


@extend_schema_serializer(examples=example("Typed so far", ex.PREVIEW_IN, request=True))
class PreviewIn(serializers.Serializer):
    expression = serializers.CharField(trim_whitespace=False, allow_blank=True)


class PreviewErrorOut(serializers.Serializer):
    message = serializers.CharField()
    position = serializers.IntegerField(allow_null=True, help_text="The column, when known.")


@extend_schema_serializer(examples=example("Typeset", ex.PREVIEW, response=True))
class PreviewOut(serializers.Serializer):
    latex = serializers.CharField(allow_null=True)
    mathml = serializers.CharField(allow_null=True)
    variables = serializers.ListField(child=serializers.CharField())
    error = PreviewErrorOut(required=False, help_text="The formula cannot be read (yet).")


@extend_schema_serializer(
    examples=example("Only show what would change", ex.REGRADE_IN, request=True)
)
class RegradeIn(serializers.Serializer):
    dry_run = serializers.BooleanField(default=True)


class RegradeChangeOut(serializers.Serializer):
    attempt = serializers.IntegerField()
    user = serializers.CharField()
    score_before = serializers.FloatField(allow_null=True)
    score_after = serializers.FloatField()
    questions = serializers.ListField(child=serializers.IntegerField())


@extend_schema_serializer(examples=example("One attempt gains a point", ex.REGRADE, response=True))
class RegradeOut(serializers.Serializer):
    dry_run = serializers.BooleanField()
    changes = RegradeChangeOut(many=True)


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- attempts --------------------------------------------------------------------------------


class QuizAttemptsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, request=None, responses={201: AttemptOut})
    def post(self, request, pk: int):
        """Start an attempt on a quiz of your own path (staff: any): 201 ``{id, status}``."""
        attempt = attempt_start(
            user=request.user, quiz=quiz_get_for_attempt(quiz_id=pk, user=request.user)
        )
        return Response(attempt_row(attempt), status=status.HTTP_201_CREATED)

    @extend_schema(tags=TAGS, parameters=[PAGE, PAGE_SIZE], responses=paginated(AttemptOut))
    def get(self, request, pk: int):
        """Your attempts on this quiz, newest first."""
        quiz = quiz_get_for_attempt(quiz_id=pk, user=request.user)
        paginator = Pages()
        page = paginator.paginate_queryset(attempts_of(user=request.user, quiz=quiz), request, self)
        return paginator.get_paginated_response([attempt_row(a) for a in page])


class QuizAttemptStatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses=StatsOut)
    def get(self, request, pk: int):
        """Your graded attempts, those made after opening the keys counted apart."""
        quiz = quiz_get_for_attempt(quiz_id=pk, user=request.user)
        return Response(attempt_stats(user=request.user, quiz=quiz))


class AttemptDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses=AttemptResultOut)
    def get(self, request, pk: int):
        """Your attempt; once graded, each question's verdict, explanation and key."""
        return Response(attempt_result(attempt_get_for_user(attempt_id=pk, user=request.user)))


class AttemptSubmitView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "grading"

    @extend_schema(
        tags=TAGS,
        request=SubmitIn,
        responses={
            202: StatusOut,
            400: OpenApiResponse(description="An answer cannot be read; nothing changed."),
            409: OpenApiResponse(description="Already submitted."),
        },
    )
    def post(self, request, pk: int):
        """Submit the answers: stored, then graded in a worker. 202 ``{status: grading}``.
        A question left out scores 0; an answer that cannot be read is a 400 naming it
        (``answers.2.expression``) and costs nothing."""
        attempt = attempt_get_for_user(attempt_id=pk, user=request.user)
        data = _valid(SubmitIn, request.data)
        attempt = attempt_submit(attempt=attempt, answers=data["answers"])
        return Response({"status": attempt.status}, status=status.HTTP_202_ACCEPTED)


# --- practice, preview, regrading -------------------------------------------------------------


def _question(pk: int, user) -> Question:
    return item_get_for_read(Question, pk=pk, user=user)


def _poll(request, task_id: str) -> Response:
    url = request.build_absolute_uri(reverse("api:check-result", args=[task_id]))
    return Response({"status": "grading", "poll": url}, status=status.HTTP_202_ACCEPTED)


def _verdict(result: dict, user) -> Response:
    if result.get("user") != user.pk:
        raise NotFound("No such check of yours.")
    return Response({"correct": result["correct"], "feedback": result["feedback"]})


class QuestionCheckView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "grading"

    @extend_schema(
        tags=TAGS,
        request=GivenIn,
        responses={
            200: VerdictOut,
            202: StatusOut,
            400: OpenApiResponse(description="Unreadable."),
        },
    )
    def post(self, request, pk: int):
        """Practice: check one answer to a question you can read. The answer is parsed
        here (unreadable: 400 saying what is wrong) and graded by a worker; the verdict
        comes within a few seconds, else 202 with ``poll``, a URL to GET."""
        question = _question(pk, request.user)
        given = _valid(GivenIn, request.data)
        result = answer_check_send(question=question, answer=given, user=request.user)
        try:
            verdict = result.get(timeout=settings.GRADING_CHECK_WAIT, interval=0.005)
        except CeleryTimeout:
            return _poll(request, result.id)
        return _verdict(verdict, request.user)


class CheckResultView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: VerdictOut, 202: StatusOut})
    def get(self, request, task_id):
        """The verdict of a practice check that took longer than the wait."""
        result = current_app.AsyncResult(str(task_id))
        if not result.ready():
            return _poll(request, str(task_id))
        if not result.successful():
            raise NotFound("No such check of yours.")
        return _verdict(result.result, request.user)


class QuestionPreviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, request=PreviewIn, responses=PreviewOut)
    def post(self, request, pk: int):
        """The formula as typed so far, as LaTeX and MathML (parsed, never evaluated); a
        formula that cannot be read answers ``error: {message, position}``."""
        question = _question(pk, request.user)
        if question.kind != QuestionKind.EXPRESSION:
            raise InvalidInput(f"Question {pk} is not answered with a formula.")
        text = _valid(PreviewIn, request.data)["expression"]
        variables = list((question.answer or {}).get("variables", {}))
        try:
            latex = formula_latex(text, variables)
        except ExpressionError as error:
            return Response(
                {
                    "latex": None,
                    "mathml": None,
                    "variables": variables,
                    "error": {"message": str(error), "position": error.position},
                }
            )
        return Response({"latex": latex, "mathml": render_formula(latex), "variables": variables})


class QuizRegradeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, request=RegradeIn, responses=RegradeOut)
    def post(self, request, pk: int):
        """Regrade the quiz's graded attempts against its keys as they are now (owner or
        staff). ``dry_run`` (the default) only lists the attempts whose verdicts change."""
        quiz = quiz_get_for_attempt(quiz_id=pk, user=request.user)
        dry_run = _valid(RegradeIn, request.data)["dry_run"]
        regrade = RegradeQuiz(quiz=quiz)
        changes = regrade.check() if dry_run else regrade.execute()
        return Response({"dry_run": dry_run, "changes": [c.as_dict() for c in changes]})


urlpatterns = [
    route("quizzes/<int:pk>/attempts/", QuizAttemptsView.as_view(), name="quiz-attempts"),
    route(
        "quizzes/<int:pk>/attempts/stats/",
        QuizAttemptStatsView.as_view(),
        name="quiz-attempt-stats",
    ),
    route("quizzes/<int:pk>/regrade/", QuizRegradeView.as_view(), name="quiz-regrade"),
    route("attempts/<int:pk>/", AttemptDetailView.as_view(), name="attempt"),
    route("attempts/<int:pk>/submit/", AttemptSubmitView.as_view(), name="attempt-submit"),
    route("questions/<int:pk>/check/", QuestionCheckView.as_view(), name="question-check"),
    route("questions/<int:pk>/preview/", QuestionPreviewView.as_view(), name="question-preview"),
    route("checks/<uuid:task_id>/", CheckResultView.as_view(), name="check-result"),
]
