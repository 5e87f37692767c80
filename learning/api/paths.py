"""Paths: the list, the tree (whole or preview, cached, with an ETag), edits, and bundles.

``GET paths/``, ``GET/PATCH/DELETE paths/{slug}/``, ``GET paths/{slug}/export/`` and
``POST paths/import/``. Views parse input, call one selector or service and shape output.
"""

import json
import re

from django.http import HttpResponse
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from config.api_conventions import PAGE, PAGE_SIZE, Pages, errors, paginated, parse_flag
from learning.api.serializers import Bundle, PathSummaryOut, PathWrite, TreeOut
from learning.selectors.bundles import path_export
from learning.selectors.paths import (
    path_get_for_write,
    path_head_for_read,
    path_sees_whole,
    path_summaries,
    paths_listed,
)
from learning.selectors.trees import path_tree_bytes, path_tree_gzip, tree_etag
from learning.services.attempts import key_views_record
from learning.services.bundles import path_import
from learning.services.paths import path_delete, path_update

TAGS = ["paths"]
ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as django.middleware.gzip has it


def _summary_of(path) -> dict:
    [row] = path_summaries([path])
    return row


class PathListView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            PAGE,
            PAGE_SIZE,
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only your own paths."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Words in title or summary."),
        ],
        responses=paginated(PathSummaryOut),
        operation_id="v1_paths_list",
    )
    def get(self, request):
        """Public paths and your own (staff: all), paginated, light rows with counts."""
        mine = parse_flag(request.query_params.get("mine"), "mine")
        if mine and not request.user.is_authenticated:
            raise NotAuthenticated("Sign in to list your own paths.")
        paths = paths_listed(
            user=request.user, mine=mine, q=request.query_params.get("q", "").strip()
        )
        paginator = Pages()
        page = paginator.paginate_queryset(paths, request, view=self)
        return paginator.get_paginated_response(path_summaries(page))


class PathDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        responses={200: TreeOut, 304: OpenApiResponse(description="Not modified (ETag).")},
    )
    def get(self, request, slug: str):
        """The tree: whole for the owner and staff, the preview for everyone else.

        Served from the cache keyed by the path's version; ``ETag`` changes with the
        version and ``If-None-Match`` with the current one answers 304. Gzipped (compressed
        once per version) when the client accepts it.
        """
        path = path_head_for_read(slug=slug, user=request.user)
        preview = not path_sees_whole(path, request.user)
        gzipped = bool(ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")))
        etag = tree_etag(path, preview=preview)
        headers = {
            # A strong ETag names one encoding; If-None-Match may carry either.
            "ETag": etag.removesuffix('"') + '+gzip"' if gzipped else etag,
            "Cache-Control": "private, no-cache",
            "Vary": "Authorization, Cookie, Accept-Encoding",
        }
        asked = request.headers.get("If-None-Match", "")
        if asked and (
            asked.strip() == "*"
            or etag in {e.removeprefix("W/").replace("+gzip", "") for e in parse_etags(asked)}
        ):
            return HttpResponse(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        if gzipped:
            headers["Content-Encoding"] = "gzip"
            body = path_tree_gzip(path, preview=preview)
        else:
            body = path_tree_bytes(path, preview=preview)
        return HttpResponse(body, content_type="application/json", headers=headers)

    @extend_schema(tags=TAGS, request=PathWrite, responses={200: PathSummaryOut, **errors(403)})
    def patch(self, request, slug: str):
        """Change title, summary, key_points or visibility (owner or staff); bumps the version."""
        path = path_get_for_write(slug=slug, user=request.user)
        data = PathWrite(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        path_update(path=path, data=data.validated_data)
        return Response(_summary_of(path))

    @extend_schema(tags=TAGS, responses={204: None, **errors(403)})
    def delete(self, request, slug: str):
        """Delete the path and everything in it (owner or staff)."""
        path_delete(path=path_get_for_write(slug=slug, user=request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PathExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAGS, responses={200: Bundle, **errors(403)})
    def get(self, request, slug: str):
        """The whole path as a JSON bundle file, keys included (owner or staff); marks
        the path's quizzes as having had their keys seen by you."""
        path = path_get_for_write(slug=slug, user=request.user)
        key_views_record(user=request.user, quiz_ids=path.quizzes.values_list("pk", flat=True))
        return HttpResponse(
            json.dumps(path_export(path), ensure_ascii=False, indent=1),
            content_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="{path.slug}.studytree.json"'},
        )


class PathImportView(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "import"

    @extend_schema(tags=TAGS, request=Bundle, responses={201: PathSummaryOut})
    def post(self, request):
        """A new private path of yours from a bundle: all of it, or nothing and a 400."""
        path = path_import(data=request.data, owner=request.user, visibility="private")
        return Response(_summary_of(path), status=status.HTTP_201_CREATED)
