"""The site's pages, one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("enterprises.urls")),
    path("", include("cloud.urls")),
    path("", include("assessments.urls")),
    path("", include("plan.urls")),
]
