# Kaiyihui — the few commands a newcomer needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test e2e load bootstrap system-deps migrate demo lint messages worker beat clean bench backup restore

help: ## Show this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

.env:
	cp .env.example .env

system-deps: ## Make sure the PDF libraries and a CJK font are installed
	@sh scripts/system-deps.sh

bootstrap: $(STAMP) .env system-deps ## Create .venv, install the project, write .env

migrate: bootstrap ## Apply database migrations
	$(PY) manage.py migrate --no-input -v 0

# Seeded with tasks inline (an empty broker URL beats .env): the demo's history would
# otherwise queue its 400 report PDFs and hundreds of e-mails for the one worker.
demo: migrate ## Load the demo data (only into an empty database)
	CELERY_BROKER_URL= $(PY) manage.py seed_demo --if-empty

run: demo ## Start the platform, a Celery worker and beat (filesystem broker); Ctrl-C stops all
	@echo "凯益荟 platform: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) scripts/run_all.py --host $(HOST) --port $(PORT)

test: bootstrap ## Run the test suite (PostgreSQL when DATABASE_URL is set, else SQLite)
	$(PY) -m pytest $(PYTEST_ARGS)

E2E_STAMP := $(VENV)/.e2e-installed
$(E2E_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,e2e]'
	@touch $(E2E_STAMP)

e2e: bootstrap $(E2E_STAMP) ## Browser journeys (Playwright + /usr/bin/chromium); screenshots in e2e-screenshots/
	@test -x /usr/bin/chromium || { echo "Chromium is missing: sudo apt-get install chromium"; exit 1; }
	$(PY) -m pytest tests/e2e -m e2e -p no:cacheprovider $(PYTEST_ARGS)

lint: bootstrap ## ruff, import layers, no direct saves in admin/views, dead code, types, migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) scripts/check_direct_saves.py
	$(VENV)/bin/vulture
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

messages: bootstrap ## Update locale/*.po from the code and compile them
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=staticfiles --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

worker: bootstrap ## Run a Celery worker (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A kaiyihui worker -l info

beat: bootstrap ## Run Celery beat with the database schedule (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A kaiyihui beat -l info

backup: bootstrap ## Back up the database and media into backups/<timestamp>/ with a manifest
	$(PY) manage.py backup

restore: bootstrap ## Restore BACKUP=backups/<timestamp> into DATABASE_URL and media, then verify
	@test -n "$(BACKUP)" || { echo "Which backup? make restore BACKUP=backups/<timestamp>"; \
		ls -d backups/*/ 2>/dev/null; exit 1; }
	$(PY) manage.py restore "$(BACKUP)"

clean: ## Remove the virtualenv, the SQLite database and collected files
	rm -rf $(VENV) db.sqlite3 staticfiles

LOAD_STAMP := $(VENV)/.load-installed
$(LOAD_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,load]'
	@touch $(LOAD_STAMP)

load: bootstrap $(LOAD_STAMP) ## Deadline-rush capacity curve + 1,000-visitor public surge: gunicorn + locust on PostgreSQL and Redis (bench/load-results.md)
	$(PY) bench/load.py

bench: bootstrap ## Seed a district (or SCALE=province) dataset into PostgreSQL and measure (bench/results.md)
	BENCH_SCALE=$(SCALE) $(PY) bench/run.py
