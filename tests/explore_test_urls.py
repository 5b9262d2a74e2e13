"""The site's URLs plus the Explorer, for the Explorer's tests."""

from django.urls import include, path

urlpatterns = [path("", include("designer.urls_explore")), path("", include("designer.urls"))]
