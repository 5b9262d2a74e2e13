"""The site's URLs plus the import pages, for the import view tests."""

from django.urls import include, path

urlpatterns = [path("", include("designer.urls_import")), path("", include("designer.urls"))]
