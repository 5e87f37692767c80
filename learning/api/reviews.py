"""Spaced-repetition reviews over REST: the due queue, submitting (one or a batch), undo,
suspend, statistics, settings, optimisation on request, and the Anki export.

Every view is for a signed-in learner (401 otherwise) and only ever touches their own
cards: a card or path that is not theirs is a 404. Views parse input, call one service
or selector and shape its answer; the rules are in ``learning.services.reviews`` and
``learning.scheduling``.
"""

from django.http import HttpResponse
from django.urls import path as route
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api_conventions import errors
from config.errors import Forbidden, InvalidInput
from learning.api import examples as ex
from learning.api.examples import example
from learning.selectors.anki import path_apkg
from learning.selectors.paths import path_get_for_read, path_sees_whole
from learning.selectors.reviews import (
    MAX_DUE_LIMIT,
    due_cards,
    review_settings_of,
    review_stats,
    reviewable_path,
    settings_row,
)
from learning.services.review_optimization import review_optimization_request
from learning.services.reviews import (
    BATCH_MAX,
    card_suspend,
    review_decks_refresh,
    review_session_start,
    review_settings_update,
    review_undo,
    reviews_submit,
)

TAGS = ["reviews"]
NO_PATH = "No path of that slug among yours."
NO_CARD = "A flashcard that is not of your paths."
PATH_PARAM = OpenApiParameter(
    "path", OpenApiTypes.STR, description="Only this path's cards (slug)."
)

# --- input ---------------------------------------------------------------------------------


@extend_schema_serializer(examples=example("Good, on the phone", ex.REVIEW_IN, request=True))
class ReviewIn(serializers.Serializer):
    flashcard = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    rating = serializers.IntegerField(
        min_value=1, max_value=4, help_text="1 Again, 2 Hard, 3 Good, 4 Easy."
    )
    client_id = serializers.UUIDField(help_text="Made by the client; a repeat changes nothing.")
    reviewed_at = serializers.DateTimeField(
        required=False, help_text="When it was reviewed (default: now); not in the future."
    )
    duration_ms = serializers.IntegerField(
        min_value=0, max_value=86_400_000, required=False, allow_null=True
    )
    device = serializers.CharField(max_length=100, required=False, allow_blank=True)


@extend_schema_serializer(examples=example("Offline reviews", ex.BATCH_IN, request=True))
class ReviewBatchIn(serializers.Serializer):
    reviews = ReviewIn(many=True, max_length=BATCH_MAX)


@extend_schema_serializer(examples=example("Settings", ex.SETTINGS_IN, request=True))
class ReviewSettingsIn(serializers.Serializer):
    desired_retention = serializers.FloatField(min_value=0.70, max_value=0.97, required=False)
    new_per_day = serializers.IntegerField(min_value=0, max_value=9999, required=False)


# --- output (schema only) ------------------------------------------------------------------


@extend_schema_serializer(examples=example("The card after a Good", ex.CARD_STATE, response=True))
class ReviewCardOut(serializers.Serializer):
    flashcard = serializers.IntegerField()
    state = serializers.ChoiceField(["new", "learning", "review", "relearning"])
    due = serializers.DateTimeField(allow_null=True)
    stability = serializers.FloatField(allow_null=True)
    difficulty = serializers.FloatField(allow_null=True)
    step = serializers.IntegerField(allow_null=True)
    last_review = serializers.DateTimeField(allow_null=True)
    reps = serializers.IntegerField()
    lapses = serializers.IntegerField()
    leech = serializers.BooleanField(help_text="Lapsed 8 times or more.")
    suspended = serializers.BooleanField()


class ReviewBatchRowOut(serializers.Serializer):
    client_id = serializers.UUIDField()
    created = serializers.BooleanField(help_text="False: a repeat, answered as the first time.")
    result = ReviewCardOut()


@extend_schema_serializer(examples=example("Applied", ex.BATCH, response=True))
class ReviewBatchOut(serializers.Serializer):
    results = ReviewBatchRowOut(many=True)


class QueueCardOut(serializers.Serializer):
    id = serializers.IntegerField()
    front = serializers.CharField()
    back = serializers.CharField()
    path = serializers.SlugField()


class NextIntervalsOut(serializers.Serializer):
    again = serializers.IntegerField(help_text="Seconds until due again if rated Again now.")
    hard = serializers.IntegerField()
    good = serializers.IntegerField()
    easy = serializers.IntegerField()


@extend_schema_serializer(examples=example("A new card", ex.DUE, response=True))
class DueCardOut(serializers.Serializer):
    flashcard = QueueCardOut()
    due = serializers.DateTimeField(allow_null=True, help_text="Null for a new card.")
    state = serializers.ChoiceField(["new", "learning", "review", "relearning"])
    leech = serializers.BooleanField()
    intervals = NextIntervalsOut()


class UndoneReviewOut(serializers.Serializer):
    client_id = serializers.UUIDField()
    flashcard = serializers.IntegerField()
    rating = serializers.IntegerField()
    reviewed_at = serializers.DateTimeField()


@extend_schema_serializer(examples=example("Undone", ex.UNDONE, response=True))
class ReviewUndoOut(serializers.Serializer):
    undone = UndoneReviewOut()
    card = ReviewCardOut()


class StateCountsOut(serializers.Serializer):
    new = serializers.IntegerField()
    learning = serializers.IntegerField()
    review = serializers.IntegerField()
    relearning = serializers.IntegerField()


class ForecastDayOut(serializers.Serializer):
    date = serializers.DateField()
    due = serializers.IntegerField()


@extend_schema_serializer(examples=example("A week in", ex.REVIEW_STATS, response=True))
class ReviewStatsOut(serializers.Serializer):
    counts = StateCountsOut(help_text="Cards by state, suspended ones apart.")
    suspended = serializers.IntegerField()
    leeches = serializers.IntegerField()
    reviews_total = serializers.IntegerField()
    retention = serializers.FloatField(
        allow_null=True, help_text="Share of the last 30 days' reviews not rated Again."
    )
    forecast = ForecastDayOut(many=True)
    streak = serializers.IntegerField(help_text="Days in a row with a review, up to today.")


class OptimizationOut(serializers.Serializer):
    at = serializers.DateTimeField()
    reviews = serializers.IntegerField()
    log_loss_before = serializers.FloatField(allow_null=True)
    log_loss_after = serializers.FloatField(allow_null=True)
    adopted = serializers.BooleanField()
    reason = serializers.CharField()


@extend_schema_serializer(examples=example("The defaults", ex.SETTINGS, response=True))
class ReviewSettingsOut(serializers.Serializer):
    desired_retention = serializers.FloatField()
    new_per_day = serializers.IntegerField()
    parameters = serializers.ListField(child=serializers.FloatField(), help_text="FSRS-6, 21.")
    default_parameters = serializers.BooleanField(help_text="True until the learner's own.")
    last_optimization = OptimizationOut(allow_null=True)


@extend_schema_serializer(examples=example("Queued", ex.QUEUED, response=True))
class OptimizeQueuedOut(serializers.Serializer):
    status = serializers.CharField(help_text='Always "queued".')


# --- views ---------------------------------------------------------------------------------


def _path_of(request):
    slug = request.query_params.get("path")
    return reviewable_path(user=request.user, slug=slug) if slug else None


def _limit_of(request) -> int:
    raw = request.query_params.get("limit", "20")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_DUE_LIMIT):
        raise InvalidInput(
            f"limit: a whole number from 1 to {MAX_DUE_LIMIT}.",
            fields={"limit": [f"A whole number from 1 to {MAX_DUE_LIMIT}."]},
        )
    return int(raw)


class _ReviewsView(APIView):
    permission_classes = [IsAuthenticated]


class DueView(_ReviewsView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            PATH_PARAM,
            OpenApiParameter("limit", OpenApiTypes.INT, description="1–500, default 20."),
        ],
        responses={200: DueCardOut(many=True), **errors(_404=NO_PATH)},
    )
    def get(self, request):
        """The cards to review now: due ones, oldest first, then new ones up to your daily
        limit. Each carries the interval (seconds) each rating would give now."""
        slug, limit, now = request.query_params.get("path"), _limit_of(request), timezone.now()
        if slug:
            _, queue = review_session_start(user=request.user, slug=slug, now=now, limit=limit)
            return Response(queue)
        review_decks_refresh(user=request.user)
        return Response(due_cards(user=request.user, limit=limit, now=now))


class ReviewView(_ReviewsView):
    @extend_schema(
        tags=TAGS,
        request=ReviewIn,
        responses={
            201: ReviewCardOut,
            200: OpenApiResponse(ReviewCardOut, description="A repeat."),
            **errors(_404=NO_CARD),
        },
    )
    def post(self, request):
        """Review one card. 201 with the card's state; a repeated ``client_id`` is a 200
        with the first answer, and nothing changes."""
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        [row] = reviews_submit(user=request.user, reviews=[data.validated_data], batch=False)
        code = status.HTTP_201_CREATED if row["created"] else status.HTTP_200_OK
        return Response(row["result"], status=code)


class BatchView(_ReviewsView):
    @extend_schema(
        tags=TAGS, request=ReviewBatchIn, responses={200: ReviewBatchOut, **errors(_404=NO_CARD)}
    )
    def post(self, request):
        """Offline reviews (up to 1,000), merged in ``reviewed_at`` order, idempotent per
        ``client_id``; one bad review refuses the whole batch and stores nothing."""
        data = ReviewBatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"results": reviews_submit(user=request.user, reviews=data.validated_data["reviews"])}
        )


class UndoView(_ReviewsView):
    @extend_schema(
        tags=TAGS,
        request=None,
        responses={200: ReviewUndoOut, **errors(_404="Nothing left to undo.")},
    )
    def post(self, request):
        """Undo your last review (the last received): kept in the log, marked undone, its
        card replayed without it. 404 when there is nothing to undo."""
        return Response(review_undo(user=request.user))


class StatsView(_ReviewsView):
    @extend_schema(
        tags=TAGS,
        parameters=[PATH_PARAM],
        responses={200: ReviewStatsOut, **errors(_404=NO_PATH)},
    )
    def get(self, request):
        """Counts by state, reviews, measured retention, a 30-day forecast, the streak."""
        path = _path_of(request)
        review_decks_refresh(user=request.user, path=path)
        return Response(review_stats(user=request.user, path=path, now=timezone.now()))


class SettingsView(_ReviewsView):
    @extend_schema(tags=TAGS, responses=ReviewSettingsOut)
    def get(self, request):
        """Your scheduler: retention, daily new cards, parameters and their last evaluation."""
        return Response(settings_row(review_settings_of(user=request.user)))

    @extend_schema(tags=TAGS, request=ReviewSettingsIn, responses=ReviewSettingsOut)
    def patch(self, request):
        """Change desired retention (0.70–0.97) and/or the daily new-card limit."""
        data = ReviewSettingsIn(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(review_settings_update(user=request.user, data=data.validated_data))


class OptimizeView(_ReviewsView):
    @extend_schema(tags=TAGS, request=None, responses={202: OptimizeQueuedOut})
    def post(self, request):
        """Queue an optimisation of your parameters now; see ``settings`` for the outcome."""
        review_optimization_request(user=request.user)
        return Response({"status": "queued"}, status=status.HTTP_202_ACCEPTED)


class SuspendView(_ReviewsView):
    suspended = True

    @extend_schema(tags=TAGS, request=None, responses=ReviewCardOut)
    def post(self, request, flashcard: int):
        """Take one of your cards out of (or back into) every queue."""
        return Response(
            card_suspend(user=request.user, flashcard=flashcard, suspended=self.suspended)
        )


class UnsuspendView(SuspendView):
    suspended = False


class ExportApkgView(APIView):
    @extend_schema(
        tags=["paths"],
        # The answer is ``application/apkg``; generated clients know no such type, so the
        # generic binary type is declared beside it (they download it as a file).
        responses={
            (200, "application/apkg"): OpenApiTypes.BINARY,
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            **errors(403),
        },
    )
    def get(self, request, slug: str):
        """The path's flashcards as an Anki package (owner and staff): importing a newer
        export updates the notes instead of duplicating them."""
        path = path_get_for_read(slug=slug, user=request.user)
        if not path_sees_whole(path, request.user):
            raise Forbidden("The Anki export is for the path's owner and staff; clone it first.")
        return HttpResponse(
            path_apkg(path=path),
            content_type="application/apkg",
            headers={"Content-Disposition": f'attachment; filename="{path.slug}.apkg"'},
        )


urlpatterns = [
    route("reviews/", ReviewView.as_view(), name="reviews"),
    route("reviews/due/", DueView.as_view(), name="reviews-due"),
    route("reviews/batch/", BatchView.as_view(), name="reviews-batch"),
    route("reviews/undo/", UndoView.as_view(), name="reviews-undo"),
    route("reviews/stats/", StatsView.as_view(), name="reviews-stats"),
    route("reviews/settings/", SettingsView.as_view(), name="reviews-settings"),
    route("reviews/optimize/", OptimizeView.as_view(), name="reviews-optimize"),
    route("reviews/cards/<int:flashcard>/suspend/", SuspendView.as_view(), name="reviews-suspend"),
    route(
        "reviews/cards/<int:flashcard>/unsuspend/",
        UnsuspendView.as_view(),
        name="reviews-unsuspend",
    ),
    route("paths/<slug:slug>/export.apkg", ExportApkgView.as_view(), name="path-export-apkg"),
]
