# Two commands set everything up: `make run` and `make test`. See README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONWARNINGS ?= ignore::UserWarning:platformdirs.api

# Use DATABASE_URL when it is set; otherwise start the embedded PostgreSQL (pgserver, data under
# .data/) and stop it again when the command ends.
define with_database
if [ -z "$${DATABASE_URL:-}" ]; then \
  export DATABASE_URL="$$($(PY) scripts/devdb.py start)" EMBEDDED_DATABASE=1; \
  trap '$(PY) scripts/devdb.py stop' EXIT; \
fi;
endef

.PHONY: help install install-dev lock run test lint format bench loadtest backup restore clean

help:
	@echo "make run    install, migrate, load the NET trials, start the task worker and serve http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite"
	@echo "make lint   ruff, mypy, template lint and the migrations check"
	@echo "make lock   re-pin and re-hash every dependency into requirements*.lock after editing requirements*.txt"
	@echo "make bench  seed BENCH_TRIALS synthetic trials (default 100000) and time every scenario"
	@echo "make loadtest  gunicorn under locust on 127.0.0.1 (20 and 50 users, 60 s each)"
	@echo "make backup    pg_dump the database into BACKUP_FILE (default backups/trialsearch-<UTC time>.dump)"
	@echo "make restore BACKUP_FILE=...  replace the database's contents with that backup"

# The lock files pin every package, transitive ones included, with their hashes: pip refuses anything
# else. requirements*.txt name what we depend on; `make lock` compiles them into requirements*.lock.
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# After changing requirements*.txt: re-pin and re-hash (pip-tools), then `make install-dev`.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: install-dev
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

run: install
	@$(with_database) \
	export DEBUG="$${DEBUG:-1}"; \
	$(PY) manage.py migrate --no-input; \
	$(PY) manage.py load_net_trials; \
	$(PY) manage.py db_worker --no-reload --interval 1 & \
	worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; if [ -n "$${EMBEDDED_DATABASE:-}" ]; then $(PY) scripts/devdb.py stop; fi' EXIT; \
	echo "TrialSearch is at http://$(HOST):$(PORT)/ (Ctrl-C stops it, the task worker and the database)"; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

test: install-dev
	@$(with_database) \
	DJANGO_SETTINGS_MODULE=trialsearch.settings.test $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --lint
	@$(with_database) \
	DJANGO_SETTINGS_MODULE=trialsearch.settings.test $(VENV)/bin/mypy . && \
	DJANGO_SETTINGS_MODULE=trialsearch.settings.test $(PY) manage.py makemigrations --check --dry-run

# The benchmark runs with DEBUG off, as in production (test settings: static files unhashed).
BENCH_TRIALS ?= 100000
bench: install-dev
	@$(with_database) \
	export DJANGO_SETTINGS_MODULE=trialsearch.settings.test ALLOWED_HOSTS="testserver,127.0.0.1"; \
	$(PY) manage.py migrate --no-input; \
	$(PY) manage.py bench --trials $(BENCH_TRIALS) $(BENCH_ARGS)

loadtest: install-dev
	@$(with_database) \
	scripts/loadtest.sh

# DATABASE_URL's database, or the embedded one (scripts/backup.py: pg_dump/pg_restore, custom format).
BACKUP_DIR ?= backups
backup: install
	@$(with_database) \
	$(PY) scripts/backup.py dump "$${BACKUP_FILE:-$(BACKUP_DIR)/trialsearch-$$(date -u +%Y%m%dT%H%M%SZ).dump}"

restore: install
	@test -n "$(BACKUP_FILE)" || { echo "Set BACKUP_FILE: make restore BACKUP_FILE=backups/trialsearch-....dump"; exit 2; }
	@$(with_database) \
	$(PY) scripts/backup.py restore "$(BACKUP_FILE)"

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	-$(PY) scripts/devdb.py stop
	rm -rf $(VENV) .data staticfiles artifacts .pytest_cache .mypy_cache .ruff_cache
