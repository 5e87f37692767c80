# Studytree: `make run` to use it, `make test` to check it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Real engines used by `make test` when they answer (both configurations must pass).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
TEST_CACHE_URL ?= redis://127.0.0.1:6379/14
# Every worker consumes these (content generation has its own queue).
WORKER_QUEUES := celery,content,grading

.PHONY: run setup install migrate content test test-embedded test-engines lint format bench clean

run: setup ## set up, then serve on http://$(HOST):$(PORT) with one Celery worker until Ctrl-C
	@echo "Studytree on http://$(HOST):$(PORT)/  (API /api/v1/, docs /api/docs/, health /healthz). Ctrl-C stops."
	@# First start: the worker generates figures, verification and audio; the server does not wait.
	$(PY) manage.py generate_content --all --missing --enqueue
	@# When the server stops (Ctrl-C, or it fails) the worker stops too: only this worker,
	@# not the caller's whole process group (`kill 0` took a caller's other jobs with it).
	@trap 'kill $$worker 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=1 --without-mingle --without-gossip \
		--queues=$(WORKER_QUEUES) --beat --schedule=var/celerybeat-schedule & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

setup: install migrate content ## create .venv, install, migrate, load and generate content

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required: set PYTHON=python3.11")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: install
	$(PY) manage.py migrate --no-input

content: migrate ## load the bundled learning paths (idempotent; `make run` then generates them)
	$(PY) manage.py load_paths

test: install ## the whole suite: embedded default always, PostgreSQL + Redis when they answer
	@$(MAKE) --no-print-directory test-embedded
	@if $(PY) -c 'import socket; [socket.create_connection(("127.0.0.1", p), 1).close() for p in (5432, 6379)]' 2>/dev/null; then \
		$(MAKE) --no-print-directory test-engines; \
	else \
		echo "PostgreSQL or Redis not answering on 127.0.0.1: engine run skipped (CI runs it)."; \
	fi

test-embedded: install ## SQLite and the filesystem broker
	@echo "== make test: embedded default (SQLite, filesystem broker) =="
	env -u DATABASE_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u CACHE_URL \
		STUDYTREE_DATA_DIR=$(CURDIR)/var/test-embedded $(PY) -m pytest $(PYTEST_ARGS)

test-engines: install ## PostgreSQL, and Redis as broker and cache
	@echo "== make test: PostgreSQL + Redis =="
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) \
		CELERY_RESULT_BACKEND=$(TEST_BROKER_URL) CACHE_URL=$(TEST_CACHE_URL) \
		STUDYTREE_DATA_DIR=$(CURDIR)/var/test-engines $(PY) -m pytest $(PYTEST_ARGS)

lint: install ## ruff, and the import-direction contracts (pyproject.toml, import-linter)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install ## measure; figures go to benchmarks/RESULTS.md (kernels need torch==2.13.0, CPU; load needs wrk)
	$(PY) benchmarks/kernels.py
	$(PY) benchmarks/clone.py
	$(PY) benchmarks/generate.py
	$(PY) benchmarks/grading.py
	$(PY) benchmarks/reviews.py
	$(PY) benchmarks/load.py

clean:
	rm -rf var $(VENV)
