#!/usr/bin/env bash
# Production set-up on one host: WEB_WORKERS uvicorn workers (ASGI, so pushed updates stream)
# and one Celery worker, the app's data in DATABASE_URL and cache/locks/pub-sub/broker in
# REDIS_URL. Migrates and collects static files first. Stop with Ctrl-C (both go down).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${SECRET_KEY:?SECRET_KEY must be set (DEBUG is off in production)}"
: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL that holds the app data}"
[[ -n ${REDIS_URL:-} ]] || echo "WARNING: REDIS_URL is not set: cache, locks and jobs stay per host" >&2
export DEBUG=${DEBUG:-false} LOG_LEVEL=${LOG_LEVEL:-INFO}
HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000} WEB_WORKERS=${WEB_WORKERS:-2}
PY=.venv/bin/python

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
if [[ -n ${ERD_TASK_BROKER:-${REDIS_URL:-}} ]]; then
  $PY -m celery -A designer.worker worker --concurrency "${TASK_CONCURRENCY:-2}" \
    --without-gossip --without-mingle -l warning &
  pids+=($!)
fi
$PY -m uvicorn designer.asgi:application --host "$HOST" --port "$PORT" \
  --workers "$WEB_WORKERS" --no-access-log --timeout-graceful-shutdown 5 &
pids+=($!)
echo "==> ERD Designer on http://$HOST:$PORT/ ($WEB_WORKERS web workers, health: /healthz)"
wait -n
