"""Every URL of the site. Project URLs live under /p/<slug>/ and all pass projects.access."""

from importlib.util import find_spec

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from designer.views import (
    advisor,
    columns,
    constraints,
    diagram,
    docs,
    enums,
    export,
    indexes,
    tables,
)
from designer.views import projects as editor_views
from projects import views as project_views

TABLE = "p/<slug:slug>/tables/<str:uid>/"

table_patterns = [
    path("", tables.table_panel, name="table_panel"),
    path("edit/", tables.table_update, name="table_update"),
    path("delete/", tables.table_delete, name="table_delete"),
    path("columns/", columns.column_add, name="column_add"),
    path("columns/<str:cuid>/", columns.column_update, name="column_update"),
    path("columns/<str:cuid>/delete/", columns.column_delete, name="column_delete"),
    re_path(
        r"^columns/(?P<cuid>[^/]+)/move/(?P<direction>up|down)/$",
        columns.column_move,
        name="column_move",
    ),
    path("foreign-keys/", constraints.foreign_key_create, name="foreign_key_create"),
    path("foreign-keys/targets/", constraints.foreign_key_targets, name="foreign_key_targets"),
    path("checks/", constraints.check_create, name="check_create"),
    path("uniques/", constraints.unique_create, name="unique_create"),
    path("constraints/<str:kuid>/delete/", constraints.constraint_delete, name="constraint_delete"),
    path("indexes/", indexes.index_create, name="index_create"),
    path("indexes/<str:iuid>/", indexes.index_update, name="index_update"),
    path("indexes/<str:iuid>/delete/", indexes.index_delete, name="index_delete"),
]

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", project_views.project_list, name="project_list"),
    path("projects/new/", project_views.project_create_view, name="project_create"),
    path("p/<slug:slug>/", editor_views.editor, name="editor"),
    path("p/<slug:slug>/tables/", tables.table_list, name="table_list"),
    path(TABLE, include(table_patterns)),
    path("p/<slug:slug>/enums/", enums.enum_list, name="enum_list"),
    path("p/<slug:slug>/enums/<str:uid>/", enums.enum_update, name="enum_update"),
    path("p/<slug:slug>/enums/<str:uid>/delete/", enums.enum_delete, name="enum_delete"),
    path("p/<slug:slug>/diagram.<str:fmt>", diagram.diagram, name="diagram"),
    path("p/<slug:slug>/export/", export.export_page, name="export"),
    path(
        "p/<slug:slug>/export/<str:format_name>/download/",
        export.export_download,
        name="export_download",
    ),
    path("p/<slug:slug>/indexes/", docs.index_table_page, name="index_table"),
    path("p/<slug:slug>/document/", docs.document_page, name="document"),
    path("p/<slug:slug>/document.md", docs.document_markdown, name="document_markdown"),
    path("p/<slug:slug>/advisor/", advisor.advisor_page, name="advisor"),
    path("p/<slug:slug>/advisor/counter/", advisor.advisor_counter, name="advisor_counter"),
    path("p/<slug:slug>/advisor/fix/", advisor.finding_fix, name="finding_fix"),
    path("p/<slug:slug>/advisor/dismiss/", advisor.finding_dismiss, name="finding_dismiss"),
    path("p/<slug:slug>/advisor/restore/", advisor.finding_restore, name="finding_restore"),
    path("p/<slug:slug>/advisor/rules/<str:rule>/", advisor.rule_setting, name="rule_setting"),
]


def _optional(module: str) -> bool:
    """True when ``module`` exists: pages built alongside this file plug in once they land."""
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:
        return False


urlpatterns += [
    path("p/<slug:slug>/patterns/", include("designer.urls_patterns")),
    path("", include("designer.urls_import")),
]
if _optional("designer.urls_explore"):
    urlpatterns.append(path("", include("designer.urls_explore")))
# Last, so the routes above win over anything the projects app declares at the root.
if _optional("projects.urls"):
    urlpatterns.append(path("", include("projects.urls")))
