"""URLs of the REST API v1 (mounted at ``/api/v1/``)."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from learning.api import accounts, paths
from learning.api.items import ITEM_VIEWS

#: The entry points the root lists, each with the URL name it reverses.
ENTRY_POINTS = {
    "register": "api:register",
    "token": "api:token",
    "paths": "api:paths",
    "schema": "schema",
    "docs": "docs",
}


@extend_schema(
    responses=inline_serializer("ApiRoot", {name: serializers.URLField() for name in ENTRY_POINTS}),
    tags=["root"],
    examples=[
        OpenApiExample(
            "The entry points",
            {
                name: f"http://127.0.0.1:8000/api/{where}"
                for name, where in [
                    ("register", "v1/auth/register/"),
                    ("token", "v1/auth/token/"),
                    ("paths", "v1/paths/"),
                    ("schema", "schema/"),
                    ("docs", "docs/"),
                ]
            },
            response_only=True,
        )
    ],
)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):  # noqa: A002 - DRF passes `format`
    """The entry points of the API."""
    return Response({name: reverse(url, request=request) for name, url in ENTRY_POINTS.items()})


item_urls = [
    route
    for kind, (listing, detail) in ITEM_VIEWS.items()
    for route in (
        path(f"paths/<slug:slug>/{kind}/", listing.as_view(), name=f"path-{kind}"),
        path(f"{kind}/<int:pk>/", detail.as_view(), name=f"{kind}-detail"),
    )
]

app_name = "api"
urlpatterns = [
    path("", api_root, name="root"),
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("paths/", paths.PathListView.as_view(), name="paths"),
    path("paths/import/", paths.PathImportView.as_view(), name="path-import"),
    path("paths/<slug:slug>/", paths.PathDetailView.as_view(), name="path"),
    path("paths/<slug:slug>/export/", paths.PathExportView.as_view(), name="path-export"),
    *item_urls,
    path("", include("learning.api.clones")),
    path("", include("learning.api.attempts")),
    path("", include("learning.api.reviews")),
]
