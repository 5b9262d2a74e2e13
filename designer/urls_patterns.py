"""Design-pattern URLs, included under ``p/<slug:slug>/patterns/`` by designer/urls.py."""

from django.urls import path

from designer.views import patterns

urlpatterns = [
    path("", patterns.pattern_page, name="pattern_page"),
    path("<str:pattern_id>/preview/", patterns.pattern_preview_view, name="pattern_preview"),
    path("<str:pattern_id>/apply/", patterns.pattern_apply_view, name="pattern_apply"),
]
