"""The site's URLs plus projects.urls, until designer.urls includes it at the root."""

from django.urls import include, path

urlpatterns = [
    path("", include("designer.urls")),
    path("", include("projects.urls")),
]
