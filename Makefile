# NMT CE platform. `make run` serves the demo site; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DEBUG ?= true

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required (set PYTHON=python3.x)")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

JS_VERIFIER := tests/verifiers/js
JS_STAMP := $(JS_VERIFIER)/node_modules/.package-lock.json

# Digital Bazaar's JavaScript verifier for tests/certificates/test_third_party_verifier.py,
# exactly as pinned by its package-lock.json. Skipped (and so the test) when npm is missing.
$(JS_STAMP): $(JS_VERIFIER)/package.json $(JS_VERIFIER)/package-lock.json
	@if command -v npm >/dev/null; then \
		cd $(JS_VERIFIER) && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "npm not found: the third-party verifier test will skip (apt-get install nodejs npm)"; \
	fi

install: $(STAMP) ## Create .venv and install the project with its dev tools

setup: install ## Migrate the database and load the demo course and accounts
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py setup_demo

run: setup ## Set everything up and serve the demo site on http://127.0.0.1:8000
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install $(JS_STAMP) ## Run the whole test suite (DATABASE_URL picks the database; SQLite by default)
	$(BIN)/python -m pytest

lint: install ## Check code style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

BENCH_SIZE ?= small
bench: install ## Load-test on PostgreSQL + Redis with gunicorn and wrk (BENCH_SIZE=small|medium|full)
	$(BIN)/python -m bench.run --size $(BENCH_SIZE)

screenshots: install ## Retake the README screenshots (docs/img/) from the real pages in Chromium
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest -q tests/e2e/test_screenshots.py

.PHONY: help install setup run test lint format bench screenshots
