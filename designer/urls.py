"""Every URL of the site, grouped by page.

Project URLs live under /p/<slug>/ and every view behind them passes projects.access;
the /s/<token>/ views are public (no login) and open only the one project the token names.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from designer.api.app import urls as api_urls
from designer.security import login
from designer.views import (
    advisor,
    canvas,
    code,
    columns,
    constraints,
    diagram,
    docs,
    editor,
    enums,
    explore,
    export,
    health,
    history,
    imports,
    indexes,
    jobs,
    live,
    patterns,
    tables,
    workbench,
)
from projects.views import (
    activity,
    comments,
    compare_live,
    members,
    reviews,
    settings,
    share,
    tokens,
    versions,
    webhooks,
)
from projects.views import projects as project_views

P = "p/<slug:slug>/"

table_patterns = [
    path("", tables.table_panel, name="table_panel"),
    path("edit/", tables.table_update, name="table_update"),
    path("scale/", tables.table_scale, name="table_scale"),
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
    path("foreign-keys/drawn/", canvas.draw_foreign_key, name="foreign_key_drawn"),
    path(
        "foreign-keys/<str:kuid>/settings/",
        canvas.foreign_key_settings,
        name="foreign_key_settings",
    ),
    path("indexes/", indexes.index_create, name="index_create"),
    path("indexes/<str:iuid>/", indexes.index_update, name="index_update"),
    path("indexes/<str:iuid>/delete/", indexes.index_delete, name="index_delete"),
]

# The editor: the design itself, its tables, enums and diagram.
editor_patterns = [
    path("", editor.editor, name="editor"),
    path("revision/", project_views.revision, name="revision"),
    path("events/", live.events_stream, name="events"),
    path("presence/", live.presence, name="presence"),
    path("tables/", tables.table_list, name="table_list"),
    path("tables/<str:uid>/", include(table_patterns)),
    path("enums/", enums.enum_list, name="enum_list"),
    path("enums/<str:uid>/", enums.enum_update, name="enum_update"),
    path("enums/<str:uid>/delete/", enums.enum_delete, name="enum_delete"),
    path("diagram.<str:fmt>", diagram.diagram, name="diagram"),
    path("canvas/positions/", canvas.place, name="canvas_place"),
    path("canvas/arrange/", canvas.arrange, name="canvas_arrange"),
    path("canvas/viewport/", canvas.viewport, name="canvas_viewport"),
    path("undo/", history.undo, name="undo"),
    path("redo/", history.redo, name="redo"),
    path("code/", code.code_text, name="code_text"),
    path("code/check/", code.code_check, name="code_check"),
    path("code/apply/", code.code_apply, name="code_apply"),
]

explore_patterns = [
    path("", explore.explore, name="explore"),
    path("diagram/", explore.explore_diagram, name="explore_diagram"),
    path("search/", explore.explore_search, name="explore_search"),
    path("tables/", explore.explore_tables, name="explore_tables"),
    path("views/", explore.saved_view_list, name="saved_views"),
    path("views/<int:pk>/delete/", explore.saved_view_delete, name="saved_view_delete"),
]

advisor_patterns = [
    path("", advisor.advisor_page, name="advisor"),
    path("counter/", advisor.advisor_counter, name="advisor_counter"),
    path("fix/", advisor.finding_fix, name="finding_fix"),
    path("dismiss/", advisor.finding_dismiss, name="finding_dismiss"),
    path("restore/", advisor.finding_restore, name="finding_restore"),
    path("rules/<str:rule>/", advisor.rule_setting, name="rule_setting"),
]

pattern_patterns = [
    path("", patterns.pattern_page, name="pattern_page"),
    path("<str:pattern_id>/preview/", patterns.pattern_preview_view, name="pattern_preview"),
    path("<str:pattern_id>/apply/", patterns.pattern_apply_view, name="pattern_apply"),
]

# What leaves the project: exports, the index table, the design document.
output_patterns = [
    path("export/", export.export_page, name="export"),
    path(
        "export/<str:format_name>/download/",
        export.export_download,
        name="export_download",
    ),
    path("indexes/", docs.index_table_page, name="index_table"),
    path("document/", docs.document_page, name="document"),
    path("document.md", docs.document_markdown, name="document_markdown"),
]

import_patterns = [
    path("import/", imports.import_page, name="import_project"),
    path("import/confirm/", imports.import_confirm, name="import_project_confirm"),
]

workbench_patterns = [
    path("", workbench.workbench, name="workbench"),
    path("queries/", workbench.key_query_add, name="key_query_add"),
    path("queries/<int:pk>/delete/", workbench.key_query_delete, name="key_query_delete"),
    path("runs/", workbench.run_start, name="workbench_run_start"),
    path("runs/<int:pk>/", workbench.run_status, name="workbench_run"),
    path("runs/<int:pk>/apply/", workbench.suggestion_apply, name="workbench_apply"),
]

member_patterns = [
    path("", members.members, name="members"),
    path("<int:user_id>/role/", members.member_role, name="member_role"),
    path("<int:user_id>/remove/", members.member_remove_view, name="member_remove"),
    path(
        "<int:user_id>/transfer/",
        members.ownership_transfer_view,
        name="ownership_transfer",
    ),
]

version_patterns = [
    path("", versions.versions, name="versions"),
    path("compare/", versions.version_compare, name="version_compare"),
    path(
        "compare/<str:direction>.sql",
        versions.version_migration,
        name="version_migration",
    ),
    path("<int:pk>/restore/", versions.version_restore_view, name="version_restore"),
    path("compare-live/", compare_live.compare_live, name="version_compare_live"),
    path("rehearse/", compare_live.version_rehearse, name="version_rehearse"),
]

review_patterns = [
    path("comments/", comments.comments, name="comments"),
    path("comments/<int:pk>/reply/", comments.comment_reply, name="comment_reply"),
    path("comments/<int:pk>/resolve/", comments.comment_resolve, name="comment_resolve"),
    path("reviews/", reviews.reviews, name="reviews"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review_detail"),
    path("reviews/<int:pk>/decide/", reviews.review_decide_view, name="review_decide"),
    path("activity/", activity.activity, name="activity"),
    path("share/", share.share_links, name="share_links"),
    path("share/<int:pk>/revoke/", share.share_link_revoke_view, name="share_link_revoke"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/<int:pk>/remove/", webhooks.webhook_remove, name="webhook_remove"),
]

# The project itself: rename, delete (owner only).
settings_patterns = [
    path("", settings.project_settings, name="project_settings"),
    path("delete/", settings.project_delete_view, name="project_delete"),
]

# Opened by anyone holding a share link's token.
shared_patterns = [
    path("", share.shared, name="shared"),
    path("diagram.svg", share.shared_diagram, name="shared_diagram"),
    path("schema.sql", share.shared_schema, name="shared_schema"),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", login.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", project_views.project_list, name="project_list"),
    path("projects/new/", project_views.project_create_view, name="project_create"),
    path("import/", imports.import_page, name="import_new"),
    path("import/confirm/", imports.import_confirm, name="import_new_confirm"),
    # a background job's progress, for the user who started it (rehearsals, big imports)
    path("jobs/<uuid:job_id>/", jobs.job_status, name="job_status"),
    path(P, include(editor_patterns)),
    path(P + "explore/", include(explore_patterns)),
    path(P + "advisor/", include(advisor_patterns)),
    path(P + "patterns/", include(pattern_patterns)),
    path(P, include(output_patterns)),
    path(P, include(import_patterns)),
    path(P + "workbench/", include(workbench_patterns)),
    path(P + "members/", include(member_patterns)),
    path(P + "versions/", include(version_patterns)),
    path(P, include(review_patterns)),
    path(P + "settings/", include(settings_patterns)),
    path("s/<str:token>/", include(shared_patterns)),
    # The JSON API (designer/api/): its own authentication, OpenAPI and docs.
    path("api/v1/", api_urls()),
    path("settings/tokens/", tokens.token_list, name="api_tokens"),
    path("settings/tokens/<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
]
