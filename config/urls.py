"""Top-level URLs: the API, its schema and docs, health, the admin, media and the pages."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from config.media import media_serve

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("learning.api.urls", namespace="api")),
    path("api/v1/", include("content.urls", namespace="content")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (config.csp).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    # Media with byte ranges and ETags, so podcast players seek (config.media).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_serve, name="media"),
    path("", include("learning.web.urls")),
]
