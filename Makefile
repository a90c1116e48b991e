# SOP Portal: `make run` serves the demo, `make test` runs the whole suite (both set up first).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
DEV_ENV := DJANGO_DEBUG=1
STAMP := $(VENV)/.installed

.PHONY: install run test test-fast e2e lint format bench check-system clean

install: $(STAMP) node_modules/.package-lock.json

check-system:
	@scripts/check-system.sh "$(PYTHON)"

$(STAMP): pyproject.toml | check-system
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json | check-system
	npm ci --no-audit --no-fund --loglevel=error

run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py create_signing_cert
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(DEV_ENV) $(PY) -m pytest

test-fast: install
	$(DEV_ENV) $(PY) -m pytest -m "not e2e"

e2e: install
	$(DEV_ENV) REQUIRE_BROWSER=1 $(PY) -m pytest -m e2e

lint: install
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

bench: install
	$(DEV_ENV) $(PY) bench/run_all.py

clean:
	rm -rf $(VENV) node_modules var/staticfiles
