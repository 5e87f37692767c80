"""URLs of the REST API v1 (mounted at ``/api/v1/``)."""

from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from learning.api import accounts


@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request, format=None):  # noqa: A002 - DRF passes `format`
    """The entry points of the API."""
    return Response(
        {
            "register": reverse("api:register", request=request),
            "token": reverse("api:token", request=request),
            "schema": reverse("schema", request=request),
            "docs": reverse("docs", request=request),
        }
    )


app_name = "api"
urlpatterns = [
    path("", api_root, name="root"),
    path("auth/register/", accounts.RegisterView.as_view(), name="register"),
    path("auth/token/", accounts.TokenView.as_view(), name="token"),
    path("", include("learning.api.clones")),
]
