"""The pipeline's REST endpoints: generate a path's content, follow the job, read figures
and verification. Views parse input, call one service or selector and shape output."""

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_conventions import errors
from content.selectors import (
    job_get,
    job_row,
    path_figures,
    path_get_for_edit_read,
    path_verifications,
)
from content.services import path_generate
from learning.api import examples as ex
from learning.api.examples import example
from learning.selectors.paths import path_get_for_read

TAGS = ["content"]


class JobStepOut(serializers.Serializer):
    state = serializers.ChoiceField(["pending", "running", "succeeded", "failed"])
    error = serializers.CharField(allow_blank=True)


class JobStepsOut(serializers.Serializer):
    """Each step once the job has been set up (``{}`` before)."""

    figures = JobStepOut(required=False)
    verification = JobStepOut(required=False)
    podcast = JobStepOut(required=False)


@extend_schema_serializer(
    examples=example(
        "Figures drawn, verification running",
        {
            "id": 3,
            "path": ex.CLONE,
            "state": "running",
            "progress": 45,
            "step": "verification",
            "error": "",
            "steps": {
                "figures": {"state": "succeeded", "error": ""},
                "verification": {"state": "running", "error": ""},
                "podcast": {"state": "pending", "error": ""},
            },
            "created_at": "2026-11-30T09:00:00Z",
            "started_at": "2026-11-30T09:00:01Z",
            "finished_at": None,
        },
        response=True,
    )
)
class JobOut(serializers.Serializer):
    id = serializers.IntegerField()
    path = serializers.CharField()
    state = serializers.ChoiceField(["queued", "running", "succeeded", "failed"])
    progress = serializers.IntegerField(min_value=0, max_value=100)
    step = serializers.CharField()
    error = serializers.CharField()
    steps = JobStepsOut()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(
    examples=example(
        "The sigmoid and its derivative",
        {
            "kernel": "sigmoid",
            "title": "sigmoid and its derivative",
            "png_url": "http://127.0.0.1:8000/media/figures/sigmoid.png",
            "svg_url": "http://127.0.0.1:8000/media/figures/sigmoid.svg",
            "section_uid": ex.SECTION_UID,
        },
        response=True,
    )
)
class FigureOut(serializers.Serializer):
    kernel = serializers.CharField()
    title = serializers.CharField()
    png_url = serializers.CharField()
    svg_url = serializers.CharField()
    section_uid = serializers.CharField(
        allow_null=True, help_text="The article section it belongs beside (origin_uid)."
    )


@extend_schema_serializer(
    examples=example(
        "The sigmoid card's claim, verified",
        {
            "item_kind": "flashcard",
            "item_id": 31,
            "origin_uid": ex.CARD_UID,
            "claim": "sigmoid.derivative(0)",
            "status": "verified",
            "expected": 0.25,
            "computed": 0.25,
            "message": "",
        },
        response=True,
    )
)
class VerificationOut(serializers.Serializer):
    item_kind = serializers.ChoiceField(["section", "flashcard", "question", "choice"])
    item_id = serializers.IntegerField(allow_null=True)
    origin_uid = serializers.CharField()
    claim = serializers.CharField()
    status = serializers.ChoiceField(["verified", "failed", "uncheckable"])
    expected = serializers.JSONField(allow_null=True)
    computed = serializers.JSONField(allow_null=True)
    message = serializers.CharField()


class GenerateView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "generate"

    @extend_schema(tags=TAGS, request=None, responses={202: JobOut, **errors(403)})
    def post(self, request, slug: str):
        """Generate figures, verification and podcast audio (owner or staff): 202 with the
        job; while one is queued or running, that job."""
        path = path_get_for_read(slug=slug, user=request.user)
        job = path_generate(path=path, user=request.user)
        return Response(job_row(job), status=status.HTTP_202_ACCEPTED)


class JobView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses=JobOut)
    def get(self, request, pk: int):
        """A generation job: state, progress 0–100 (only grows), current step, errors."""
        return Response(job_row(job_get(job_id=pk, user=request.user)))


class FiguresView(APIView):
    @extend_schema(tags=TAGS, responses=FigureOut(many=True))
    def get(self, request, slug: str):
        """The path's figures: each covered catalog function with its derivative, and the
        section of the article it belongs beside."""
        path = path_get_for_read(slug=slug, user=request.user)
        url = request.build_absolute_uri
        return Response(
            [
                {
                    "kernel": figure.kernel,
                    "title": figure.title,
                    "png_url": url(figure.png.url),
                    "svg_url": url(figure.svg.url),
                    "section_uid": section_uid,
                }  # fmt: skip
                for figure, section_uid in path_figures(path)
            ]
        )


class VerificationView(APIView):
    @extend_schema(tags=TAGS, responses=VerificationOut(many=True))
    def get(self, request, slug: str):
        """Every checked key, claim and number of the path (owner or staff; others 404)."""
        path = path_get_for_edit_read(slug=slug, user=request.user)
        return Response(VerificationOut(path_verifications(path), many=True).data)
