#!/usr/bin/env bash
# A CI step for a schema kept in git: push schema.sql to an ERD Designer project as a new
# version, fail on advisor errors, plan the migration from the last approved version, and ask
# for a review with the plan attached. Needs only bash, curl and python3 (for JSON).
#
#   ERD_URL       the server, e.g. https://erd.example.com            (required)
#   ERD_TOKEN     a personal API token with the editor role            (required)
#                 (settings → API tokens, or `manage.py api_token USER --project P --role editor`)
#   ERD_PROJECT   the project's slug                                   (required)
#   SCHEMA_FILE   the file to push                       (default: schema.sql)
#   VERSION_NAME  the version to create     (default: ci-<git commit> or ci-<UTC time>)
#   REVIEWERS     comma-separated usernames to ask; empty: no review request
#   FAIL_ON       error|warning|info: the advisor severity that fails the step (default: error)
#   ALLOW_DESTRUCTIVE  1 to accept a plan that drops data (default: refuse, exit 3)
#
# Exit status: 0 done; 1 advisor findings at or above FAIL_ON; 2 bad input or an API error;
# 3 the plan is destructive and ALLOW_DESTRUCTIVE is not 1.
set -euo pipefail

: "${ERD_URL:?set ERD_URL}" "${ERD_TOKEN:?set ERD_TOKEN}" "${ERD_PROJECT:?set ERD_PROJECT}"
SCHEMA_FILE=${SCHEMA_FILE:-schema.sql}
FAIL_ON=${FAIL_ON:-error}
REVIEWERS=${REVIEWERS:-}
ALLOW_DESTRUCTIVE=${ALLOW_DESTRUCTIVE:-0}
if [[ -z "${VERSION_NAME:-}" ]]; then
  VERSION_NAME="ci-$(git rev-parse --short HEAD 2>/dev/null || date -u +%Y%m%d-%H%M%S)"
fi
BASE="${ERD_URL%/}/api/v1/projects/${ERD_PROJECT}"
[[ -f "$SCHEMA_FILE" ]] || { echo "ci.sh: no file $SCHEMA_FILE" >&2; exit 2; }

# json EXPR: evaluate a Python expression over the JSON document on stdin (bound to `d`).
json() { python3 -c 'import json, sys; d = json.load(sys.stdin); r = eval(sys.argv[1]); print(r if isinstance(r, str) else json.dumps(r))' "$1"; }
# api METHOD PATH [JSON]: call the API; the body goes to $BODY, the status to $STATUS.
api() {
  local out
  out=$(curl -sS -X "$1" "$BASE$2" -H "Authorization: Bearer $ERD_TOKEN" \
        -H "Content-Type: application/json" ${3:+--data-binary "$3"} -w $'\n%{http_code}')
  STATUS=${out##*$'\n'}
  BODY=${out%$'\n'*}
}
# must: fail the step with the API's message unless the last call succeeded.
must() {
  if [[ "$STATUS" -ge 400 ]]; then
    echo "ci.sh: $1 failed ($STATUS): $(printf '%s' "$BODY" | json 'd.get("message", d)')" >&2
    exit 2
  fi
}

echo "==> pushing $SCHEMA_FILE to $ERD_PROJECT as $VERSION_NAME"
payload=$(python3 -c 'import json, sys; print(json.dumps({"text": open(sys.argv[1], encoding="utf-8").read(), "filename": sys.argv[1]}))' "$SCHEMA_FILE")
api POST /import "$payload"; must "import preview"
printf '%s' "$BODY" | json '"\n".join("    " + c for c in d["changes"]) or "    (no changes)"'
token=$(printf '%s' "$BODY" | json 'd["token"]')
api POST "/import/$token/apply"; must "import"
version=$(python3 -c 'import json, sys; print(json.dumps({"name": sys.argv[1], "message": "pushed by CI"}))' "$VERSION_NAME")
api POST /versions "$version"; must "creating the version"

echo "==> advisor (failing on $FAIL_ON and above)"
api GET "/lint?fail_on=$FAIL_ON"; must "lint"
printf '%s' "$BODY" | json '"\n".join("    %-7s %s  %s  %s" % (f["severity"], f["rule"], f["object"], f["message"]) for f in d["findings"]) or "    no findings"'
if [[ $(printf '%s' "$BODY" | json 'd["exit_code"]') != 0 ]]; then
  echo "ci.sh: $(printf '%s' "$BODY" | json 'd["failing"]') finding(s) at or above $FAIL_ON" >&2
  exit 1
fi

echo "==> migration plan from the last approved version"
base="@approved"
api GET "/versions/@approved"
if [[ "$STATUS" == 422 ]]; then
  echo "    no approved version yet: planning from an empty design"
  base=""
else
  must "finding the approved version"
fi
allow=false; [[ "$ALLOW_DESTRUCTIVE" == 1 ]] && allow=true
status=changes plan="A first version: no approved version to compare with."
if [[ -n "$base" ]]; then
  to=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$VERSION_NAME")
  api GET "/plan?from=@approved&to=$to&format=markdown&allow_destructive=$allow"; must "planning"
  status=$(printf '%s' "$BODY" | json 'd["status"]')
  if [[ $(printf '%s' "$BODY" | json 'd["exit_code"]') == 3 ]]; then
    printf '%s' "$BODY" | json '"\n".join("    destructive: " + s for s in d["destructive_steps"])' >&2
    echo "ci.sh: the plan drops data; set ALLOW_DESTRUCTIVE=1 to accept it" >&2
    exit 3
  fi
  plan=$(printf '%s' "$BODY" | json 'd["output"]')
fi
echo "    $status"

if [[ -n "$REVIEWERS" && "$status" != unchanged ]]; then
  echo "==> asking $REVIEWERS for a review"
  review=$(python3 -c '
import json, sys
name, base, reviewers, plan = sys.argv[1:5]
print(json.dumps({"title": f"Schema {name}", "version": name, "base_version": base or None,
                  "reviewers": [r.strip() for r in reviewers.split(",") if r.strip()],
                  "description": plan}))' "$VERSION_NAME" "$base" "$REVIEWERS" "$plan")
  api POST /reviews "$review"; must "the review request"
  echo "    review #$(printf '%s' "$BODY" | json 'd["id"]'): ${ERD_URL%/}/p/$ERD_PROJECT/reviews/$(printf '%s' "$BODY" | json 'd["id"]')/"
fi
echo "==> done"
