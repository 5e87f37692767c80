"""Top-level URLs: the API, its schema and docs, health, the admin and the learner pages."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.health import healthz
from config.media import media

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("learning.api.urls", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (config.csp).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("admin/", admin.site.urls),
    path("media/<path:path>", media),
    path("", include("learning.web.urls")),
]
