"""Clone and upstream-sync endpoints: ``paths/{slug}/clone/``, ``updates/``, ``sync/``.

Each view parses its input, calls one service (``path_clone``, ``path_sync``) or selector
(``path_updates``) and returns what it answers; the merge rules live in ``learning.merge``.
"""

from django.urls import path as route
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_conventions import errors
from learning.api import examples as ex
from learning.api.examples import example
from learning.api.serializers import ITEM_KINDS, ItemContentOut
from learning.selectors.clones import path_updates
from learning.selectors.paths import path_get_for_read, path_get_for_write
from learning.services.clone_path import path_clone
from learning.services.sync_path import path_sync

MAX_UIDS = 20_000


@extend_schema_serializer(examples=example("Cloned", ex.CLONED, response=True))
class ClonedSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Your clone's slug.")
    cloned_from = serializers.SlugField(help_text="The slug of the path you cloned.")


class ItemEntrySerializer(serializers.Serializer):
    origin_uid = serializers.UUIDField()
    kind = serializers.ChoiceField(ITEM_KINDS)
    title = serializers.CharField(help_text="Title, card front or prompt, cut at 120 characters.")


class ConflictSerializer(ItemEntrySerializer):
    reason = serializers.CharField(
        help_text="both changed; removed upstream, changed by you; removed upstream, still "
        "holds items you keep; deleted by you, changed upstream; no common base; your path "
        "already has a podcast."
    )
    upstream = ItemContentOut(allow_null=True, help_text="Upstream's content, or null.")
    yours = ItemContentOut(
        allow_null=True,
        help_text="Your content, or null (a new upstream item, or one you deleted).",
    )


@extend_schema_serializer(
    examples=example("One change to follow, one conflict", ex.UPDATES, response=True)
)
class UpdatesSerializer(serializers.Serializer):
    added = ItemEntrySerializer(many=True)
    changed = ItemEntrySerializer(many=True)
    removed = ItemEntrySerializer(many=True)
    conflicts = ConflictSerializer(many=True)
    upstream_version = serializers.IntegerField()
    source_version = serializers.IntegerField()


@extend_schema_serializer(examples=example("Keep your card", ex.SYNC_IN, request=True))
class SyncInSerializer(serializers.Serializer):
    decline = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=MAX_UIDS
    )
    take = serializers.ListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=MAX_UIDS
    )


class AppliedSerializer(serializers.Serializer):
    added = ItemEntrySerializer(many=True)
    changed = ItemEntrySerializer(many=True)
    removed = ItemEntrySerializer(many=True)


@extend_schema_serializer(examples=example("Synced", ex.SYNCED, response=True))
class SyncedSerializer(serializers.Serializer):
    applied = AppliedSerializer()
    declined = ItemEntrySerializer(many=True)
    conflicts = ConflictSerializer(many=True)
    source_version = serializers.IntegerField()
    upstream_version = serializers.IntegerField()
    version = serializers.IntegerField(help_text="Your clone's version after the sync.")


class PathCloneView(APIView):
    """Clone a path you can see into your private, complete, editable copy."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={201: ClonedSerializer}, tags=["clones"])
    def post(self, request, slug: str):
        source = path_get_for_read(slug=slug, user=request.user)
        clone = path_clone(path=source, user=request.user)
        return Response(
            {"slug": clone.slug, "cloned_from": source.slug}, status=status.HTTP_201_CREATED
        )


class PathUpdatesView(APIView):
    """Upstream changes since your clone was made or last synced (owner or staff).

    Beyond SPEC §4's ``{added, changed, removed, conflicts}`` (each ``[{origin_uid, kind,
    title}]``), the answer carries ``upstream_version`` and ``source_version`` (the upstream
    version last synced), and each conflict carries ``reason``, ``upstream`` and ``yours``
    (both contents, so both sides can be shown). ``changed`` are items you did not edit
    (they follow upstream), ``removed`` items you did not edit (they go). An upstream item
    you deleted is listed nowhere while upstream leaves it as it was; once upstream changes
    it, it is a conflict (``deleted by you, changed upstream``, ``yours: null``); a new item
    in a section or quiz you deleted goes with it, listed nowhere. A path that is not a
    clone is a 400; a clone whose upstream is gone or no longer shared is a 409.
    """

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            200: UpdatesSerializer,
            **errors(403, _409="Upstream is gone, or no longer shared with you."),
        },
        tags=["clones"],
    )
    def get(self, request, slug: str):
        clone = path_get_for_write(slug=slug, user=request.user)
        return Response(path_updates(path=clone, user=request.user))


class PathSyncView(APIView):
    """Pull upstream's changes (owner or staff), in one transaction; running it twice is
    harmless.

    Body ``{}``, ``{"decline": [origin_uid…]}`` and/or ``{"take": [origin_uid…]}``. Items
    you did not edit follow upstream, new ones arrive after their upstream predecessor,
    removed ones you did not edit go; edited items stay yours and stay listed as conflicts
    until you ``take`` upstream's side or ``decline`` it. Items you deleted stay deleted: one
    upstream changed since is a conflict that ``take`` restores in its place (with the section
    or quiz that held it, if you deleted that too) and ``decline`` leaves deleted until
    upstream changes it again. A new item never lands outside its section or quiz: in one
    you deleted it comes only when you take that back, in one you decline it is declined
    too. An unknown origin_uid is a 400.
    """

    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "sync"

    @extend_schema(
        request=SyncInSerializer,
        responses={
            200: SyncedSerializer,
            **errors(403, _409="Upstream is gone, or no longer shared with you."),
        },
        tags=["clones"],
    )
    def post(self, request, slug: str):
        clone = path_get_for_write(slug=slug, user=request.user)
        data = SyncInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(path_sync(path=clone, user=request.user, **data.validated_data))


urlpatterns = [
    route("paths/<slug:slug>/clone/", PathCloneView.as_view(), name="path-clone"),
    route("paths/<slug:slug>/updates/", PathUpdatesView.as_view(), name="path-updates"),
    route("paths/<slug:slug>/sync/", PathSyncView.as_view(), name="path-sync"),
]
