"""URLs of the content pipeline, mounted under ``/api/v1/`` beside learning's."""

from django.urls import path

from content import api

app_name = "content"
urlpatterns = [
    path("paths/<slug:slug>/generate/", api.GenerateView.as_view(), name="path-generate"),
    path("paths/<slug:slug>/figures/", api.FiguresView.as_view(), name="path-figures"),
    path(
        "paths/<slug:slug>/verification/", api.VerificationView.as_view(), name="path-verification"
    ),
    path("jobs/<int:pk>/", api.JobView.as_view(), name="job"),
]
