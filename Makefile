# Springboard — `make demo` runs the site with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python 3.12+ interpreter: $(PYTHON) if given, then python3.13 / python3.12 that actually run,
# then pyenv's installed versions.
PYTHON ?= $(shell for c in python3.13 python3.12 $$(ls -d /root/.pyenv/versions/3.1[2-9]*/bin/python3 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then echo $$c; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/springboard
# The demo's port: `make demo PORT=8080`; links in e-mails, PDFs and QR codes follow it.
PORT ?= 8000
DEMO_ENV := SPRINGBOARD_DEMO=1 DEBUG=1 PORT=$(PORT)
REFERENCE_DATA ?= ../shared/data
XDIST ?= -n 2

.PHONY: help demo test lint typecheck test-sqlite test-postgres bench messages assets install install-site upgrade clean

help:
	@echo "make demo   — install, migrate, load demo data and run http://127.0.0.1:8000 (PORT=...) with a task worker"
	@echo "make test   — ruff, import-linter, mypy, then the test suite on SQLite and on PostgreSQL"
	@echo "make bench  — benchmarks (make bench B=P4 for one)"
	@echo "make upgrade — refresh uv.lock within pyproject.toml's ranges, then run the suite"

# uv installs exactly what uv.lock pins (with hashes); it is itself installed from a hashed pin into
# a small venv of its own, so that `uv sync` (which removes what the lock does not name) never
# removes it. UV_PYTHON_DOWNLOADS=never: use the interpreter found above, never fetch one.
UV_HOME := .uv
UV := UV_PROJECT_ENVIRONMENT=$(VENV) UV_PYTHON_DOWNLOADS=never $(UV_HOME)/bin/uv

$(UV_HOME)/bin/uv: requirements/uv.txt
	@if [ -z "$(PYTHON)" ]; then echo "Springboard needs Python 3.12 or newer. Install it, or run: make PYTHON=/path/to/python3.12 ..." >&2; exit 1; fi
	rm -rf $(UV_HOME)
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --require-hashes --no-deps -r requirements/uv.txt
	@touch $@

# The site's dependencies only (what `make demo` runs); `uv sync` is exact, so a venv that had the
# dev tools loses them here and gets them back, from uv's cache, at the next `make test`.
install-site: $(UV_HOME)/bin/uv
	$(UV) sync --frozen --no-dev --python "$(PYTHON)" --quiet

# The site plus the dev tools (ruff, mypy, pytest, Playwright, schemathesis, ...).
install: $(UV_HOME)/bin/uv
	$(UV) sync --frozen --python "$(PYTHON)" --quiet

# A deliberate upgrade: refresh uv.lock within the ranges in pyproject.toml, install it, and run the
# suite, which is the gate. Commit uv.lock only when `make test` passes.
upgrade: $(UV_HOME)/bin/uv
	$(UV) lock --upgrade --python "$(PYTHON)"
	$(MAKE) test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json

demo: install-site assets
	$(DEMO_ENV) $(BIN)/springboard migrate --no-input
	$(DEMO_ENV) $(BIN)/springboard createcachetable
	$(DEMO_ENV) $(BIN)/springboard compilemessages --ignore=.venv --ignore=node_modules -v0
	$(DEMO_ENV) $(BIN)/springboard collectstatic --no-input --clear -v0
	@if [ -d "$(REFERENCE_DATA)" ]; then \
		$(DEMO_ENV) $(BIN)/springboard import-reference-data "$(REFERENCE_DATA)"; \
	else \
		$(DEMO_ENV) $(BIN)/springboard import-reference-data --sample; \
	fi
	$(DEMO_ENV) $(BIN)/springboard demo-data
	@echo "Starting the task worker and the web server on http://127.0.0.1:$(PORT) (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/springboard db_worker & \
	$(DEMO_ENV) $(BIN)/springboard runserver --nostatic 127.0.0.1:$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: install
	DEBUG=1 $(BIN)/mypy config springboard tests $(wildcard bench)

messages: install
	DEBUG=1 $(BIN)/springboard compilemessages --ignore=.venv --ignore=node_modules -v0

test: install assets messages lint typecheck test-sqlite test-postgres

test-sqlite: install assets messages
	$(BIN)/python tests/run_pytest.py $(XDIST)

test-postgres: install assets messages
	@if $(BIN)/python tests/pg_available.py "$(PG_URL)"; then \
		DATABASE_URL="$(PG_URL)" $(BIN)/python tests/run_pytest.py $(XDIST) -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_URL) is unreachable, and CI requires the PostgreSQL pass." >&2; exit 1; \
	else \
		echo "PostgreSQL at $(PG_URL) is unreachable: skipping the PostgreSQL pass (CI runs it)."; \
	fi

bench: install
	$(BIN)/python -m bench.run $(B)

clean:
	rm -rf $(VENV) $(UV_HOME) node_modules staticfiles var
