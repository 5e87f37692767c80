"""``GET /bare/`` answering ``{}`` (the SPEC §8 peer), then every URL of the product."""

from django.http import JsonResponse
from django.urls import path

import config.urls


def bare(request):
    """A Django view with nothing to do: the ceiling of the server, project and middleware."""
    return JsonResponse({})


urlpatterns = [path("bare/", bare, name="bare"), *config.urls.urlpatterns]
