# PluginStore. The two commands: `make run` to try it, `make test` to check it (README.md).
#
# Everything runs from .venv, created with Python 3.11 on first use. Requirements are
# installed again only when requirements*.txt or constraints.txt change (a stamp file).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
REQUIREMENTS := requirements.txt requirements-dev.txt constraints.txt
# manage.py defaults to local settings; pytest is told its own explicitly, so a
# DJANGO_SETTINGS_MODULE left in the shell cannot point the tests at the dev database.
MANAGE := $(PY) manage.py
TEST_SETTINGS := config.settings.test

.PHONY: help install run test lint format migrate seed clean distclean

help:
	@echo "make run        set up .venv, migrate, seed demo data, run web + worker + beat (Ctrl-C stops all)"
	@echo "make test       make lint, then pytest; REQUIRE_SERVICES=1 to fail on skips"
	@echo "make lint       ruff check, ruff format --check, and lint-imports (floors, no cycles)"
	@echo "make format     ruff format and ruff check --fix"
	@echo "make migrate    apply migrations (DATABASE_URL, else db.sqlite3)"
	@echo "make seed       create or reset the demo accounts (and catalogue)"
	@echo "make clean      remove generated files (.run/, staticfiles/, caches); keeps .venv and db"
	@echo "make distclean  clean, and remove .venv and db.sqlite3 too"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(REQUIREMENTS) | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) scripts/run.py $(RUN_ARGS)

test: lint
	$(VENV)/bin/pytest --ds=$(TEST_SETTINGS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(STAMP)
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo

clean:
	rm -rf .run staticfiles test-artifacts .pytest_cache .ruff_cache .import_linter_cache test.sqlite3* test_pluginstore_*
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) db.sqlite3*
