#!/usr/bin/env bash
# Run the whole suite twice: the app's own data on SQLite (everything), then on PostgreSQL
# (scripts/test_on_postgres.py: the machine's server at 127.0.0.1:5432, else an embedded one)
# for the tests that touch the app's database; the browser tests and the pure packages, which
# never read it, run once. With arguments, one pytest run with those arguments on SQLite.
# pytest's exit 5 ("no tests ran") is reported as such, never silently taken for a pass or a
# failure of the code. ERD_TEST_APP_PG=0 skips the PostgreSQL pass.
set -uo pipefail
cd "$(dirname "$0")/.."

run() {
  "$@"
  local status=$?
  if [[ $status == 5 ]]; then
    echo "NO TESTS RAN: pytest collected no tests (exit 5)." >&2
    return 0
  fi
  return $status
}

if (($#)); then
  run .venv/bin/python -m pytest "$@"
  exit $?
fi

echo "==> the whole suite, the app's data on SQLite"
run .venv/bin/python -m pytest
sqlite_status=$?
pg_status=0
if [[ ${ERD_TEST_APP_PG:-1} != 0 ]]; then
  echo "==> the tests that touch the app's database, on PostgreSQL"
  run .venv/bin/python scripts/test_on_postgres.py -m "not e2e" \
    --ignore=tests/e2e --ignore=tests/designer/advisor --ignore=tests/designer/diagram \
    --ignore=tests/designer/export --ignore=tests/designer/patterns \
    --ignore=tests/designer/schema --ignore=tests/designer/sql \
    --ignore=tests/designer/test_generative.py
  pg_status=$?
fi
((sqlite_status)) && exit $sqlite_status
exit $pg_status
