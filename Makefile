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

.PHONY: run test install install-dev browser test-sqlite test-postgres lint bench audit audit-dependencies audit-pages screenshots mutation clean

MANAGE := DJANGO_DEBUG=1 $(RUN) --no-dev python manage.py

.PHONY: python editor password

# Say what to install rather than fail on a missing command.
python:
	@command -v python$(PYTHON_VERSION) >/dev/null || { \
	  echo "This project needs Python $(PYTHON_VERSION) as python$(PYTHON_VERSION) on the PATH."; \
	  echo "Install it (Debian/Ubuntu: apt-get install python$(PYTHON_VERSION) python$(PYTHON_VERSION)-venv;"; \
	  echo "macOS: brew install python@$(PYTHON_VERSION); or pyenv install $(PYTHON_VERSION)) and run make again."; \
	  exit 1; }
	@python$(PYTHON_VERSION) -m uv --version >/dev/null 2>&1 || python$(PYTHON_VERSION) -m pip install --quiet uv

install: python
	$(UV) sync --frozen --no-dev --inexact

install-dev: python
	$(UV) sync --frozen

run: install
	@$(MANAGE) migrate --noinput --verbosity 0
	@$(MANAGE) loadcatalog
	@$(MANAGE) ensure_admin --site-url http://127.0.0.1:$(PORT)
	@$(MANAGE) runserver 127.0.0.1:$(PORT)

# `make editor NAME=alice`: a staff account in the Editors group, with a generated password.
editor: install
	@$(MANAGE) addeditor "$(NAME)"

# `make password NAME=admin`: set a new password for an existing account.
password: install
	@$(MANAGE) changepassword "$(NAME)"

# Debian's Chromium for the end-to-end tests, and axe-core from npm for accessibility checks.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm install --no-save --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

lint: install-dev
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	DJANGO_DEBUG=1 $(RUN) python manage.py makemigrations --check --dry-run

test: install-dev browser lint test-sqlite test-postgres

test-sqlite:
	$(RUN) pytest

# The server and fault tests start their own servers and databases (PostgreSQL included):
# they run once, in the SQLite pass.
test-postgres:
	DATABASE_URL=$(POSTGRES_URL) $(RUN) pytest -m "not browser and not servers and not faults"

bench: install-dev
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(RUN) python bench/run.py

# Mutation testing of the scoring engine (frameworks/scoring.py) against the fast, database-free
# tests; configured in pyproject.toml's [tool.mutmut]. Prints the kill rate and every surviving
# mutant, and fails under MUTATION_MIN percent caught. Slow (docs/testing.md), so
# not part of `make test`. Fewer hypothesis examples per mutant: SCORING_EXAMPLES_SCALE.
MUTATION_MIN ?= 90
mutation: install-dev
	rm -rf mutants
	SCORING_EXAMPLES_SCALE=0.1 $(RUN) mutmut run --max-children $$(nproc) >/dev/null
	$(RUN) mutmut export-cicd-stats >/dev/null
	$(RUN) python tests/mutation_report.py --min $(MUTATION_MIN)

# Both audits run even when the first fails; `make audit` fails if either does.
audit: install-dev browser
	@status=0; \
	$(MAKE) --no-print-directory audit-dependencies || status=1; \
	$(MAKE) --no-print-directory audit-pages || status=1; \
	exit $$status

# pip-audit over uv.lock's export: exit 2 when the vulnerability source cannot vouch for a package.
audit-dependencies: install-dev
	$(RUN) python bench/dependency_audit.py

# Lighthouse scores of the home and results pages under gunicorn.
audit-pages: install-dev browser
	$(RUN) python bench/audit.py

# The README's screenshots; Debian's emoji font so that the frameworks' symbols show.
screenshots: install-dev browser
	@fc-list 2>/dev/null | grep -qi "color emoji" || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null
	$(RUN) python bench/audit.py --screenshots --no-lighthouse

clean:
	rm -rf .venv node_modules staticfiles .pytest_cache mutants
