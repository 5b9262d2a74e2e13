"""schemathesis against the live server's OpenAPI document: generated calls to every route
(bodies, queries and headers from the schema; path parameters pinned to real objects so the
calls reach the code behind the gate), asserting no server error and that every response
matches its declared schema.

Bounded for CI: ``EXAMPLES`` per route and mode (positive and negative), derandomized. The run prints the figures (routes,
cases, status codes) with ``-s``; ``SCHEMATHESIS_EXAMPLES=50`` explores further.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from designer.models import DesignConstraint
from designer.services.indexes import index_save
from projects.models import Version
from projects.services import api_token_create, comment_add, review_request_create

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 5))
# Valid calls (positive) and calls that break the schema on purpose (negative): both must
# answer without a server error and with a documented shape.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
pytestmark = pytest.mark.django_db(transaction=True)


def _order(operation) -> tuple[bool, int]:
    # Deletes go last, the deepest first (a column before its table, the project at the very
    # end), so the other routes still find the objects they are pinned to.
    delete = operation.method.upper() == "DELETE"
    return delete, -operation.path.count("/") if delete else 0


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(live_server, team, settings_):
    index, _ = index_save(table=team.posts, name="posts_author_idx", parts="author_id")
    review = review_request_create(
        project=team.project, author=team.people["editor"], title="t",
        version=Version.objects.get(name="v1"), reviewers=[team.people["reviewer"]],
    )  # fmt: skip
    comment = comment_add(project=team.project, author=team.people["reviewer"], body="hi")
    _, secret = api_token_create(user=team.people["owner"], name="schemathesis")
    pinned = {
        "slug": "shop",
        "uid": team.posts.uid,
        "cuid": team.author_id.uid,
        "kuid": DesignConstraint.objects.get(table=team.posts, kind="foreign").uid,
        "iuid": index.uid,
    }
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")
    operations = sorted((r.ok() for r in schema.get_all_operations()), key=_order)
    statuses: Counter[int] = Counter()

    plan = [(op, mode) for op in operations for mode in MODES]
    for operation, mode in plan:

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            params = case.path_parameters or {}
            for name in params:
                if name in pinned:
                    params[name] = pinned[name]
                elif name == "name":
                    params[name] = "postgres" if "/export/" in case.path else "v1"
                elif name == "pk":
                    params[name] = review.pk if "/reviews/" in case.path else comment.pk
            response = case.call_and_validate(
                headers={"Authorization": f"Bearer {secret}"},
                checks=[not_a_server_error, response_schema_conformance],
            )
            statuses[response.status_code] += 1

        check()

    cases = sum(statuses.values())
    print(
        f"\nschemathesis: {len(operations)} routes × {len(MODES)} modes, {cases} cases, "
        f"status codes {dict(sorted(statuses.items()))}"
    )
    assert not any(code >= 500 for code in statuses)
    assert cases >= len(operations)


@pytest.fixture
def settings_(settings):
    settings.ERD_API_RATE_LIMIT = 100_000
    return settings
