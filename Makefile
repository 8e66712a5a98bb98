# The two commands: `make run` and `make test` (plus `make bench`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PORT ?= 5000

.PHONY: run test bench lint translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,analysis]"
	touch $@

translations: $(VENV)/.installed
	@if ls portal/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel --quiet compile -d portal/translations; fi

## make run: install, migrate, load the demo school if empty, serve on 127.0.0.1:5000
run: translations
	$(FLASK) db upgrade
	$(FLASK) demo-data --if-empty
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) mail-sink & \
	$(FLASK) outbox work & \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## make test: the whole suite on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set
## (the two passes run side by side, one per core; the PostgreSQL pass's report follows)
PG_LOG := test-artifacts/pytest-postgresql.log
test: translations
	@if [ -z "$$TEST_DATABASE_URL" ]; then exec $(BIN)/python -m pytest -q; fi; \
	mkdir -p test-artifacts; \
	echo "--- SQLite here; PostgreSQL ($$TEST_DATABASE_URL, browser tests excluded) alongside"; \
	TEST_REDIS_URL=redis://127.0.0.1:6379/14 $(BIN)/python -m pytest -q -p no:cacheprovider \
		-m "not browser" > $(PG_LOG) 2>&1 & postgres=$$!; \
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q; sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo "--- the PostgreSQL pass ($(PG_LOG))"; cat $(PG_LOG); \
	[ $$sqlite -eq 0 ] && [ $$pg -eq 0 ]

## make bench: district-scale measurements on PostgreSQL (docs/performance.md), written to
## bench/results.json and bench/results.md; BENCH_SIZES="5000" for a shorter run
BENCH_SIZES ?= 5000 50000
bench: translations
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES) --output bench/results.json

lint: $(VENV)/.installed
	$(BIN)/ruff check portal tests bench config.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
