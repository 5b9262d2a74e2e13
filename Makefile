# ERD Designer. `make run` and `make test` set everything up themselves.
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run run-prod test lint bench bench-quick bench-load doctor setup setup-test migrate fuzz

setup:
	@scripts/bootstrap.sh

setup-test:
	@scripts/bootstrap.sh --browser

migrate: setup
	@$(PY) manage.py migrate --noinput -v0

## Set up, load the demo project and an admin account, serve on 127.0.0.1:8000.
run: migrate
	@$(PY) manage.py ensure_admin
	@$(PY) manage.py seed_demo
	@echo "==> ERD Designer on http://$(HOST):$(PORT)/  (demo project: http://$(HOST):$(PORT)/p/demo/)"
	@$(PY) manage.py runserver $(HOST):$(PORT)

## Production on one host: uvicorn x WEB_WORKERS (2) + one Celery worker, from DATABASE_URL,
## REDIS_URL and SECRET_KEY (see README, Production).
run-prod: setup
	@scripts/run-prod.sh

## Set up (with Chromium), lint, and run the whole test suite.
test: setup-test
	@$(MAKE) --no-print-directory lint
	@ERD_REQUIRE_SERVICES=$${ERD_REQUIRE_SERVICES:-1} scripts/run-tests.sh

lint: setup
	@$(PY) -m ruff check .
	@$(PY) -m ruff format --check .
	@$(PY) -m mypy
	@.venv/bin/lint-imports --no-cache

## Benchmarks: print figures and ratios against baselines measured in the same run.
bench: setup
	@for b in benchmarks/bench_*.py; do echo "==> $$b"; $(PY) $$b || exit 1; done

bench-quick: setup
	@for b in benchmarks/bench_*.py; do echo "==> $$b"; $(PY) $$b --quick || exit 1; done

## Generative properties with random seeds for FUZZ_MINUTES (default 10); prints examples tried.
fuzz: setup-test
	@scripts/fuzz.sh

## Load and faults on the production set-up (2 uvicorn + 1 Celery worker, the machine's
## PostgreSQL and Redis): figures per request kind, errors, lost updates. BENCH_ARGS=--quick.
bench-load: setup
	@$(PY) benchmarks/load_test.py $(BENCH_ARGS)

## Check the real parts: dot, PostgreSQL (embedded or ERD_PG_DSN), Chromium.
doctor: setup
	@$(PY) manage.py doctor
