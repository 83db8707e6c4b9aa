# The two commands the README promises: `make run` and `make test`. Both set up a fresh machine.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
UV := python$(PYTHON_VERSION) -m uv
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python$(PYTHON_VERSION)
RUN := $(UV) run --frozen
PORT ?= 8000
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/comparator
AXE_VERSION := 4.14.1
LIGHTHOUSE_VERSION := 13.5.0

.PHONY: run test install install-dev browser test-sqlite test-postgres lint bench audit screenshots mutation clean

install:
	@python$(PYTHON_VERSION) -m uv --version >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv
	$(UV) sync --frozen --no-dev

install-dev:
	@python$(PYTHON_VERSION) -m uv --version >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv
	$(UV) sync --frozen

run: install
	DJANGO_DEBUG=1 $(RUN) --no-dev python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(RUN) --no-dev python manage.py loadcatalog
	DJANGO_DEBUG=1 $(RUN) --no-dev python manage.py ensure_admin
	DJANGO_DEBUG=1 $(RUN) --no-dev python manage.py runserver 127.0.0.1:$(PORT)

# Debian's Chromium for the end-to-end tests, and axe-core from npm for accessibility checks.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm install --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

lint: install-dev
	$(RUN) ruff check .
	DJANGO_DEBUG=1 $(RUN) python manage.py makemigrations --check --dry-run

test: install-dev browser lint test-sqlite test-postgres

test-sqlite:
	$(RUN) pytest

test-postgres:
	DATABASE_URL=$(POSTGRES_URL) $(RUN) pytest -m "not browser and not servers"

bench: install-dev
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(RUN) python bench/run.py

# Mutation testing of the scoring engine (frameworks/scoring.py) against the fast, database-free
# tests; configured in pyproject.toml's [tool.mutmut]. Prints the kill rate and every surviving
# mutant, and fails under MUTATION_MIN percent caught. Slow (25 minutes on a busy 2-core machine), so
# not part of `make test`. Fewer hypothesis examples per mutant: SCORING_EXAMPLES_SCALE.
MUTATION_MIN ?= 90
mutation: install-dev
	rm -rf mutants
	SCORING_EXAMPLES_SCALE=0.1 $(RUN) mutmut run --max-children $$(nproc) >/dev/null
	$(RUN) mutmut export-cicd-stats >/dev/null
	$(RUN) python tests/mutation_report.py --min $(MUTATION_MIN)

audit: install-dev browser
	$(RUN) python bench/audit.py

# The README's screenshots; Debian's emoji font so that the frameworks' symbols show.
screenshots: install-dev browser
	@fc-list 2>/dev/null | grep -qi "color emoji" || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null
	$(RUN) python bench/audit.py --screenshots --no-lighthouse

clean:
	rm -rf .venv node_modules staticfiles .pytest_cache mutants
