"""Every route of the API, called as a user would: what it answers and what it changes."""

from __future__ import annotations

import pytest
from fixtures.api import API, ApiClient

from designer.models import DesignColumn, DesignConstraint, DesignIndex, DesignTable
from designer.selectors.design import project_schema
from designer.services.versions import snapshot_create
from projects.models import Comment, Project, ReviewRequest, Version
from projects.services import review_decide, review_request_create

pytestmark = pytest.mark.django_db


# -- projects ---------------------------------------------------------------------------------


def test_projects_list_create_rename_delete(team, api_as):
    api = api_as("owner")
    listed = api.call("GET", "projects").json()
    assert [p["slug"] for p in listed] == ["shop"]
    assert listed[0]["role"] == "owner"

    created = api.call("POST", "projects", {"name": "Billing"})
    assert created.status_code == 201
    assert created.json()["slug"] == "billing"

    renamed = api.call("PATCH", "projects/billing", {"name": "Billing v2"})
    assert renamed.status_code == 200, renamed.content
    assert Project.objects.get(slug="billing").name == "Billing v2"

    assert api.call("DELETE", "projects/billing").status_code == 204
    assert not Project.objects.filter(slug="billing").exists()


def test_the_project_list_costs_the_same_for_many_projects(
    team, api_as, django_assert_max_num_queries
):
    from projects.services import project_create

    for n in range(20):
        project_create(owner=team.people["owner"], name=f"P{n}")
    api = api_as("owner")
    with django_assert_max_num_queries(4):  # token, its last use, the rate limit is the cache
        assert len(api.call("GET", "projects").json()) == 21


def test_project_create_refuses_an_empty_name_with_the_field(team, api_as):
    answer = api_as("owner").call("POST", "projects", {"name": "  "})
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "invalid",
        "message": "Give the project a name.",
        "field": "name",
    }


def test_project_with_reviews_can_be_deleted(team, api_as):
    version = Version.objects.get(project=team.project, name="v1")
    review_request_create(
        project=team.project, author=team.people["editor"], title="t", version=version,
        reviewers=[team.people["reviewer"]],
    )  # fmt: skip
    assert api_as("owner").call("DELETE", "projects/shop").status_code == 204


# -- the design -----------------------------------------------------------------------------------


def test_design_round_trips_and_put_keeps_identity(team, api_as):
    api = api_as("editor")
    got = api.call("GET", "projects/shop/design")
    assert got.status_code == 200 and got["ETag"]
    document = got.json()
    tables = document["schema"]["tables"]
    posts = next(t for t in tables if t["name"] == "posts")
    # an edit from a file: no ids at all, one column renamed by hand
    for t in tables:
        t.pop("id", None)
        for c in t["columns"]:
            c.pop("id", None)
    posts["columns"].append({"name": "title", "type": "text", "nullable": False})
    put = api.call("PUT", "projects/shop/design", document, if_match=got["ETag"])
    assert put.status_code == 200, put.content
    assert put["ETag"] != got["ETag"]
    after = project_schema(team.project)
    stored = after.table("posts")
    assert stored.id == team.posts.uid  # the same table, not a new one
    assert stored.column("author_id").id == team.author_id.uid
    assert stored.column("title").type == "text"


def test_stale_put_is_refused_with_412_and_the_current_state(team, api_as):
    api = api_as("editor")
    got = api.call("GET", "projects/shop/design")
    api.call("POST", "projects/shop/tables", {"name": "tags"})  # someone else's edit
    answer = api.call("PUT", "projects/shop/design", got.json(), if_match=got["ETag"])
    assert answer.status_code == 412
    body = answer.json()
    assert body["error"] == "stale"
    assert "tags" in {t["name"] for t in body["current"]["schema"]["tables"]}
    assert project_schema(team.project).table("tags") is not None  # nothing lost


def test_put_design_refuses_a_broken_document(team, api_as):
    answer = api_as("editor").call(
        "PUT", "projects/shop/design", {"format": 1, "schema": {"tables": "nope", "extra": 1}}
    )
    assert answer.status_code == 422
    assert answer.json()["field"] == "schema"


# -- tables and what is in them --------------------------------------------------------------------


def test_table_crud(team, api_as):
    api = api_as("editor")
    listed = api.call("GET", "projects/shop/tables").json()
    assert {t["name"] for t in listed} == {"users", "posts"}
    made = api.call("POST", "projects/shop/tables", {"name": "tags", "comment": "labels"})
    assert made.status_code == 201
    uid = made.json()["uid"]
    assert made.json()["table"]["columns"][0]["name"] == "id"
    got = api.call("GET", f"projects/shop/tables/{uid}")
    renamed = api.call(
        "PATCH", f"projects/shop/tables/{uid}", {"name": "labels", "schema": "sales"},
        if_match=got["ETag"],
    )  # fmt: skip
    assert renamed.status_code == 200, renamed.content
    row = DesignTable.objects.get(uid=uid)
    assert (row.schema_name, row.name, row.comment) == ("sales", "labels", "labels")
    assert api.call("DELETE", f"projects/shop/tables/{uid}").status_code == 204
    assert not DesignTable.objects.filter(uid=uid).exists()
    assert api.call("GET", f"projects/shop/tables/{uid}").status_code == 404


def test_stale_table_edit_is_refused(team, api_as):
    api = api_as("editor")
    path = f"projects/shop/tables/{team.posts.uid}"
    etag = api.call("GET", path)["ETag"]
    api.call("POST", f"{path}/columns", {"name": "body", "data_type": "text"})
    answer = api.call("PATCH", path, {"name": "articles"}, if_match=etag)
    assert answer.status_code == 412
    assert {c["name"] for c in answer.json()["current"]["table"]["columns"]} >= {"body"}
    assert DesignTable.objects.get(pk=team.posts.pk).name == "posts"


def test_columns_add_edit_delete(team, api_as):
    api = api_as("editor")
    path = f"projects/shop/tables/{team.posts.uid}/columns"
    added = api.call(
        "POST", path, {"name": "title", "data_type": "varchar(200)", "nullable": False}
    )
    assert added.status_code == 201, added.content
    cuid, data_type = DesignColumn.objects.values_list("uid", "data_type").get(name="title")
    edited = api.call("PATCH", f"{path}/{cuid}", {"name": "headline"})
    assert edited.status_code == 200, edited.content
    column = DesignColumn.objects.get(uid=cuid)
    assert (column.name, column.data_type, column.nullable) == ("headline", data_type, False)
    assert api.call("DELETE", f"{path}/{cuid}").status_code == 200
    assert not DesignColumn.objects.filter(uid=cuid).exists()


def test_a_bad_type_names_the_field(team, api_as):
    path = f"projects/shop/tables/{team.posts.uid}/columns"
    answer = api_as("editor").call("POST", path, {"name": "x", "data_type": "integr("})
    assert answer.status_code == 422
    assert answer.json()["field"] == "data_type"


def test_foreign_keys_constraints_and_indexes(team, api_as):
    api = api_as("editor")
    path = f"projects/shop/tables/{team.posts.uid}"
    DesignConstraint.objects.filter(table=team.posts, kind="foreign").delete()
    fk = api.call(
        "POST", f"{path}/foreign-keys",
        {"columns": ["author_id"], "ref_table": "public.users", "ref_columns": ["id"],
         "on_delete": "CASCADE"},
    )  # fmt: skip
    assert fk.status_code == 201, fk.content
    kuid = DesignConstraint.objects.get(table=team.posts, kind="foreign").uid
    check = api.call("POST", f"{path}/constraints", {"kind": "check", "expression": "id > 0"})
    assert check.status_code == 201, check.content
    unique = api.call("POST", f"{path}/constraints", {"kind": "unique", "columns": ["author_id"]})
    assert unique.status_code == 201, unique.content
    index = api.call(
        "POST", f"{path}/indexes", {"name": "posts_author_idx", "parts": ["author_id DESC"]}
    )
    assert index.status_code == 201, index.content
    iuid = DesignIndex.objects.get(table=team.posts).uid
    replaced = api.call(
        "PUT", f"{path}/indexes/{iuid}", {"name": "posts_author_idx", "parts": ["author_id"],
                                          "where": "author_id IS NOT NULL"},
    )  # fmt: skip
    assert replaced.status_code == 200, replaced.content
    assert DesignIndex.objects.get(uid=iuid).where == "author_id IS NOT NULL"
    table = replaced.json()["table"]
    assert table["foreign_keys"][0]["on_delete"] == "CASCADE"
    for kind in ("check", "unique"):
        k = DesignConstraint.objects.get(table=team.posts, kind=kind)
        assert api.call("DELETE", f"{path}/constraints/{k.uid}").status_code == 200
    assert api.call("DELETE", f"{path}/foreign-keys/{kuid}").status_code == 200
    assert api.call("DELETE", f"{path}/indexes/{iuid}").status_code == 200
    assert not DesignConstraint.objects.filter(table=team.posts).exclude(kind="primary").exists()
    assert not DesignIndex.objects.filter(table=team.posts).exists()


def test_a_foreign_key_to_a_missing_table_is_refused(team, api_as):
    path = f"projects/shop/tables/{team.posts.uid}/foreign-keys"
    body = {"columns": ["author_id"], "ref_table": "nowhere", "ref_columns": ["id"]}
    answer = api_as("editor").call("POST", path, body)
    assert answer.status_code == 422
    assert answer.json()["field"] == "ref_table"


# -- versions and plans --------------------------------------------------------------------------


def test_versions_list_create_get_restore(team, api_as):
    api = api_as("editor")
    assert [v["name"] for v in api.call("GET", "projects/shop/versions").json()] == ["v1"]
    api.call("POST", "projects/shop/tables", {"name": "tags"})
    made = api.call("POST", "projects/shop/versions", {"name": "v2", "message": "tags"})
    assert made.status_code == 201
    got = api.call("GET", "projects/shop/versions/@latest").json()
    assert got["name"] == "v2"
    assert "tags" in {t["name"] for t in got["design"]["schema"]["tables"]}
    restored = api.call("POST", "projects/shop/versions/v1/restore")
    assert restored.status_code == 200
    assert project_schema(team.project).table("tags") is None
    taken = api.call("POST", "projects/shop/versions", {"name": "v1"})
    assert taken.status_code == 422 and taken.json()["field"] == "name"


def test_plan_in_every_format_with_status(team, api_as):
    api = api_as("viewer")
    same = api.call("GET", "projects/shop/plan?from=v1&to=working").json()
    assert (same["status"], same["exit_code"], same["changes"]) == ("unchanged", 0, [])
    DesignColumn.objects.filter(table=team.posts, name="author_id").delete()
    refused = api.call("GET", "projects/shop/plan?from=v1").json()
    assert (refused["status"], refused["exit_code"]) == ("refused", 3)
    assert refused["destructive_steps"] and not refused["output"]
    for fmt, marker in (("sql", "ALTER TABLE"), ("markdown", "#"), ("json", "{")):
        plan = api.call(
            "GET", f"projects/shop/plan?from=v1&format={fmt}&allow_destructive=true"
        ).json()
        assert (plan["status"], plan["exit_code"]) == ("destructive", 0)
        assert marker in plan["output"]
    down = api.call("GET", "projects/shop/plan?from=v1&direction=down&allow_destructive=true")
    assert "ADD COLUMN" in down.json()["output"]


def test_plan_against_approved(team, api_as):
    api = api_as("viewer")
    none = api.call("GET", "projects/shop/plan?from=@approved")
    assert none.status_code == 422
    assert "@approved" in none.json()["message"]
    review = review_request_create(
        project=team.project, author=team.people["editor"], title="t",
        version=Version.objects.get(name="v1"), reviewers=[team.people["reviewer"]],
    )  # fmt: skip
    review_decide(review=review, reviewer=team.people["reviewer"], decision="approved")
    snapshot_create(project=team.project, name="v2")
    ok = api.call("GET", "projects/shop/plan?from=@approved&to=@latest").json()
    assert ok["status"] == "unchanged"


# -- lint, export, diagram ----------------------------------------------------------------------


def test_lint_counts_and_exit_code(team, api_as):
    api = api_as("viewer")
    lint = api.call("GET", "projects/shop/lint?fail_on=info").json()
    assert lint["findings"] and lint["exit_code"] == 1
    assert lint["failing"] == sum(lint["counts"].values())
    rules = {f["rule"] for f in lint["findings"]}
    assert "fk-missing-index" in rules or any("index" in r for r in rules)


def test_export_every_format(team, api_as):
    api = api_as("viewer")
    formats = [f["name"] for f in api.call("GET", "projects/shop/export").json()]
    assert {"postgres", "dbml", "mermaid", "sqlalchemy"} <= set(formats)
    for name in formats:
        answer = api.call("GET", f"projects/shop/export/{name}")
        assert answer.status_code == 200, name
        assert answer.json()["text"], name
    pg = api.call("GET", "projects/shop/export/postgres/file")
    assert pg["Content-Type"].startswith("application/sql")
    assert b"CREATE TABLE" in pg.content
    assert api.call("GET", "projects/shop/export/nope").json()["error"] == "not_found"


def test_diagram_svg_and_dot(team, api_as):
    api = api_as("viewer")
    svg = api.call("GET", "projects/shop/diagram")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    dot = api.call("GET", "projects/shop/diagram?format=dot&mode=keys")
    assert b"digraph" in dot.content
    assert api.call("GET", "projects/shop/diagram?format=gif").status_code == 422


# -- import ---------------------------------------------------------------------------------------


def test_import_preview_then_apply_keeps_identity(team, api_as):
    api = api_as("editor")
    sql = (
        "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
        "CREATE TABLE posts (id bigint PRIMARY KEY, author_id bigint REFERENCES users);\n"
        "INSERT INTO users VALUES (1, 'a');\n"
    )
    preview = api.call("POST", "projects/shop/import", {"text": sql})
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert body["tables"] == 2 and body["skipped"][0]["line"] == 3
    assert any("email" in c for c in body["changes"])
    assert project_schema(team.project).table("users").column("email") is None  # not yet
    applied = api.call("POST", f"projects/shop/import/{body['token']}/apply")
    assert applied.status_code == 200, applied.content
    users = project_schema(team.project).table("users")
    assert users.id == team.users.uid and users.column("email") is not None
    again = api.call("POST", f"projects/shop/import/{body['token']}/apply")
    assert again.status_code == 404


def test_import_reports_the_line_of_a_syntax_error(team, api_as):
    answer = api_as("editor").call(
        "POST",
        "projects/shop/import",
        {"text": "CREATE TABLE a (id int);\nCREATE TABLE (;", "format": "postgres"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "import_failed" and body["line"] == 2


def test_import_a_file(team, api_as):
    api = api_as("editor")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("schema.sql", b"CREATE TABLE tags (id int PRIMARY KEY);")
    answer = api.post(
        f"{API}/projects/shop/import/file",
        {"file": upload, "format": "auto"},
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["tables"] == 1


# -- comments and reviews -------------------------------------------------------------------------


def test_comments_thread_reply_resolve(team, api_as):
    api = api_as("reviewer")
    made = api.call(
        "POST", "projects/shop/comments",
        {"body": "Why bigint?", "anchor_kind": "column", "anchor": team.author_id.uid},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    thread = made.json()["id"]
    reply = api.call("POST", "projects/shop/comments", {"body": "Room", "thread": thread})
    assert reply.json()["thread"] == thread
    resolved = api.call("PATCH", f"projects/shop/comments/{thread}", {"resolved": True})
    assert resolved.json()["resolved"] is True
    assert Comment.objects.get(pk=thread).anchor_label == "public.posts.author_id"
    listed = api.call("GET", "projects/shop/comments").json()
    assert [c["body"] for c in listed] == ["Why bigint?", "Room"]
    nothing = api.call("POST", "projects/shop/comments", {"body": "  "})
    assert nothing.status_code == 422 and nothing.json()["field"] == "body"


def test_review_request_and_decision(team, api_as):
    editor, reviewer = api_as("editor"), api_as("reviewer")
    made = editor.call(
        "POST", "projects/shop/reviews",
        {"title": "Posts", "version": "@latest", "reviewers": ["reviewer"]},
    )  # fmt: skip
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert made.json()["reviewers"] == [{"username": "reviewer", "decision": "pending", "note": ""}]
    decided = reviewer.call(
        "POST", f"projects/shop/reviews/{pk}/decision", {"decision": "approved", "note": "ok"}
    )
    assert decided.json()["state"] == "approved"
    assert editor.call("GET", f"projects/shop/reviews/{pk}").json()["state"] == "approved"
    assert [r["id"] for r in editor.call("GET", "projects/shop/reviews").json()] == [pk]
    viewer_review = editor.call(
        "POST", "projects/shop/reviews", {"title": "x", "version": "v1", "reviewers": ["viewer"]}
    )
    assert viewer_review.status_code == 422
    assert viewer_review.json()["field"] == "reviewers"
    assert ReviewRequest.objects.count() == 1


# -- the envelope ------------------------------------------------------------------------------


def test_without_credentials_401_json(team):
    answer = ApiClient().call("GET", "projects")
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthenticated"
    assert answer["WWW-Authenticate"] == "Bearer"


def test_a_revoked_or_made_up_token_is_refused(team, api_as):
    from projects.models import ApiToken
    from projects.services import api_token_revoke

    api = api_as("owner")
    assert api.call("GET", "projects").status_code == 200
    api_token_revoke(token=ApiToken.objects.get())
    assert api.call("GET", "projects").status_code == 401
    assert ApiClient("erd_made-up").call("GET", "projects").status_code == 401


def test_the_token_records_its_last_use(team, api_as):
    from projects.models import ApiToken

    api_as("viewer").call("GET", "projects")
    assert ApiToken.objects.get().last_used_at is not None


def test_session_writes_need_the_csrf_token(team):
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(team.people["editor"])
    assert client.call("GET", "projects/shop/tables").status_code == 200
    refused = client.call("POST", "projects/shop/tables", {"name": "tags"})
    assert refused.status_code == 403


def test_rate_limit_answers_429_with_retry_after(team, api_as, settings):
    settings.ERD_API_RATE_LIMIT = 3
    api = api_as("viewer")
    codes = [api.call("GET", "projects").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = api.call("GET", "projects")
    assert int(last["Retry-After"]) >= 1
    assert last.json()["error"] == "rate_limited"
    assert api_as("viewer").call("GET", "projects").status_code == 200  # another token


def test_openapi_is_3_1_and_docs_load_under_the_csp(client):
    spec = client.get(f"{API}/openapi.json")
    assert spec.status_code == 200 and spec.json()["openapi"].startswith("3.1")
    docs = client.get(f"{API}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "/static/ninja/swagger-ui-init.js" in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_unknown_addresses_and_unparsable_bodies_answer_json(team, api_as):
    api = api_as("owner")
    missing = api.call("GET", "projects/shop/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    broken = api.post(
        f"{API}/projects", "{not json", content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api.secret}",
    )  # fmt: skip
    assert broken.status_code == 400 and broken.json()["error"] == "bad_request"
    wrong = api.call("PUT", "projects/shop")
    assert wrong.status_code == 405 and wrong.json()["error"] == "method_not_allowed"
    assert "PATCH" in wrong["Allow"]


@pytest.mark.parametrize(
    ("read", "write", "body"),
    [
        ("projects", "projects", {"name": "Billing"}),
        ("projects/shop/comments", "projects/shop/comments", {"body": "hello"}),
        ("projects/shop/reviews", "projects/shop/reviews",
         {"title": "t", "version": "v1", "reviewers": ["reviewer"]}),
        ("projects/shop/design", "projects/shop/versions", {"name": "v2"}),
        ("projects/shop/design", "projects/shop/versions/v1/restore", None),
    ],
)  # fmt: skip
def test_every_collection_write_honours_if_match(team, api_as, read, write, body):
    api = api_as("owner")
    stale = '"0000"'
    refused = api.call("POST", write, body, if_match=stale)
    assert refused.status_code == 412, refused.content
    assert refused.json()["error"] == "stale"
    assert isinstance(refused.json()["current"], dict)  # a list comes as {"items": [...]}
    fresh = api.call("GET", read)["ETag"]
    assert api.call("POST", write, body, if_match=fresh).status_code in (200, 201)


def test_a_read_the_client_already_holds_is_304(team, api_as):
    api = api_as("viewer")
    first = api.call("GET", "projects/shop/design")
    again = api.call("GET", "projects/shop/design", if_none_match=first["ETag"])
    assert again.status_code == 304 and not again.content
    assert again["ETag"] == first["ETag"]
    api_as("editor").call("POST", "projects/shop/tables", {"name": "tags"})
    changed = api.call("GET", "projects/shop/design", if_none_match=first["ETag"])
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]
