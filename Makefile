# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := rfcs_site.settings

.PHONY: install run test lint format bench bench-http bench-imports bench-notes bench-decided bench-hostile bench-sync loadtest clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## install: virtualenv, pinned dependencies, database tables and the demo data
install: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py loaddata fixtures/demo.json
	$(BIN)/python manage.py demo_signoff

## run: install, then serve on http://127.0.0.1:$(PORT)
run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite (browser journeys need /usr/bin/chromium), in TEST_WORKERS processes
## (pytest-xdist; 2 unless given, TEST_WORKERS=0 for one process): each has its own test database.
TEST_WORKERS ?= 2
test: $(VENV)/.dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## bench: seed a throwaway database (SQLite, or a new one on DATABASE_URL's PostgreSQL server) at
## SCALE=default|small|tiny|large, time the main pages in-process (RUNS per page; PAGES=name,name for some);
## each built page as a visitor and as a signed-in writer (against a floor that reads the session). JSON last.
## Exits 1 when a page runs more than 10 queries or its count grows with the data. BENCH_ARGS=--seed-only: seed, time each part, stop.
SCALE ?=
RUNS ?=
bench: $(VENV)/.runtime
	$(BIN)/python -m bench.run --scale $(or $(SCALE),default) $(if $(RUNS),--runs $(RUNS)) $(BENCH_ARGS)

## bench-imports: time import_rfcs on a throwaway database: the Bytecode Alliance corpus (from
## ../shared), RUST generated Rust-style RFCs (650 unless given), and their re-import. Then import_meetings on the meeting notes corpus, twice.
bench-imports: $(VENV)/.runtime
	$(BIN)/python -m bench.imports $(if $(RUST),--rust $(RUST)) $(BENCH_ARGS)

## bench-sync: time sync_sources on a throwaway database: a git repository of RUST generated Rust-style
## RFCs (650 unless given), the first sync, a sync after one changed file (target: under 1 s), and
## one with nothing new. JSON on the last line; exits 1 when the sync after one change is slower.
bench-sync: $(VENV)/.runtime
	$(BIN)/python -m bench.sync $(if $(RUST),--rust $(RUST)) $(BENCH_ARGS)

## bench-notes: precision and recall of the meeting notes parser against the hand-labelled notes in
## tests/data/meetings-truth (SET=dev|check|holdout|fresh|blind|sealed|untouched|all|agreement, dev unless given); needs ../shared. JSON last line.
bench-notes: $(VENV)/.runtime
	$(BIN)/python -m bench.notes --set $(or $(SET),dev) $(BENCH_ARGS)

## bench-decided: precision and recall of the decisions found in notes against the hand labels in
## tests/data/decisions-in-notes (SET=dev|check, dev unless given); needs ../shared. JSON last line.
bench-decided: $(VENV)/.runtime
	$(BIN)/python -m bench.decided --set $(or $(SET),dev) $(BENCH_ARGS)

## bench-hostile: every hostile input (generated, ../shared/security/hostile-inputs, 30,000 equal
## headings, a search over 80,000 repeats) rendered or searched RUNS times (3 unless given); exits 1
## when a median is over its limit (a second for a render). JSON on the last line.
bench-hostile: $(VENV)/.dev
	$(BIN)/python -m bench.hostile $(if $(RUNS),--runs $(RUNS)) $(BENCH_ARGS)

## bench-http: gunicorn (sync workers, 2 per core) on loopback driven by wrk for DURATION seconds
## per page (10 unless given), on a throwaway database seeded at SCALE (small unless given).
bench-http: $(VENV)/.runtime
	@command -v wrk >/dev/null || { as_root() { if [ "$$(id -u)" = 0 ]; then "$$@"; else sudo "$$@"; fi; }; \
	  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.http_load --scale $(or $(SCALE),small) \
	  --duration $(if $(filter command line environment,$(origin DURATION)),$(DURATION),10) $(BENCH_ARGS)

## loadtest: two gunicorn servers on a throwaway PostgreSQL database (DATABASE_URL's server) under
## 32 Locust users for DURATION seconds; FAULT=1 restarts PostgreSQL midway (default on from 30 s).
## `make loadtest DURATION=10` is the CI version. The last stdout line is the JSON result.
DURATION ?= 60
FAULT ?=
loadtest: $(VENV)/.dev
	DURATION=$(DURATION) FAULT=$(FAULT) $(BIN)/python -m loadtest.run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
