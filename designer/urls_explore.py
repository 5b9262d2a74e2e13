"""The Explorer's URLs, relative to the site root (included by designer.urls)."""

from django.urls import path

from designer.views import explore

EXPLORE = "p/<slug:slug>/explore/"

urlpatterns = [
    path(EXPLORE, explore.explore, name="explore"),
    path(EXPLORE + "diagram/", explore.explore_diagram, name="explore_diagram"),
    path(EXPLORE + "search/", explore.explore_search, name="explore_search"),
    path(EXPLORE + "tables/", explore.explore_tables, name="explore_tables"),
    path(EXPLORE + "views/", explore.saved_view_list, name="saved_views"),
    path(EXPLORE + "views/<int:pk>/delete/", explore.saved_view_delete, name="saved_view_delete"),
]
