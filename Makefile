# The two commands: `make run` and `make test` (plus `make bench` and `make load`).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app portal
PORT ?= 5000

.PHONY: run test bench load lint translations extract clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# --no-compile: Python compiles what it imports when it first does; compiling every file of
# every package up front doubled the install (69 s → 33 s here, in every CI run).
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-compile -e ".[dev,analysis]"
	touch $@

# The catalogues besides English (portal/translations/<code>/LC_MESSAGES/messages.po); the
# same codes as PORTAL_LANGUAGES in config.py (a test checks every one has its catalogue).
CATALOGUES := es fr cs de hu fa zh_Hans
# Besides _(), gettext, ngettext: lazy texts and the errors whose message is marked at raise.
BABEL_EXTRACT := --ignore-dirs ".*" -k _l -k lazy_gettext -k N_ -k InvalidLink -k WrongCredentials
POT := $(or $(TMPDIR),/tmp)/portal-messages.pot

## make extract: collect every marked string and add the new ones to every catalogue
## (a missing catalogue is created); translators then fill the empty msgstr lines
extract: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg $(BABEL_EXTRACT) --sort-by-file \
		--project "School portal" -o $(POT) .
	@for code in $(CATALOGUES); do \
		if [ -f portal/translations/$$code/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete \
				-i $(POT) -d portal/translations -l $$code; \
		else $(BIN)/pybabel --quiet init -i $(POT) -d portal/translations -l $$code; fi; \
	done

## make translations: compile the catalogues (every make run / test / bench does it first)
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
## (the two passes run side by side, one per core; the PostgreSQL pass's report follows;
## the tests that use no test database run in the PostgreSQL pass only)
PG_LOG := test-artifacts/pytest-postgresql.log
test: translations
	@if [ -z "$$TEST_DATABASE_URL" ]; then exec $(BIN)/python -m pytest -q; fi; \
	mkdir -p test-artifacts; \
	echo "--- SQLite here; PostgreSQL ($$TEST_DATABASE_URL, browser tests excluded) alongside"; \
	TEST_REDIS_URL=redis://127.0.0.1:6379/14 $(BIN)/python -m pytest -q -p no:cacheprovider \
		-m "not browser" > $(PG_LOG) 2>&1 & postgres=$$!; \
	env -u TEST_DATABASE_URL TEST_POSTGRESQL_PASS_ALONGSIDE=1 $(BIN)/python -m pytest -q; \
		sqlite=$$?; \
	wait $$postgres; pg=$$?; \
	echo "--- the PostgreSQL pass ($(PG_LOG))"; cat $(PG_LOG); \
	[ $$sqlite -eq 0 ] && [ $$pg -eq 0 ]

## make bench: district-scale measurements on PostgreSQL (docs/performance.md), written to
## bench/results.json and bench/results.md; BENCH_SIZES="5000" for a shorter run
BENCH_SIZES ?= 5000 50000
bench: translations
	$(BIN)/python -m bench.run --sizes $(BENCH_SIZES) --output bench/results.json $(BENCH_ARGS)

## make load: 50 simulated staff and parents for 60 s against gunicorn on PostgreSQL
## (DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/portal_load, dropped and
## re-created with the demo school); writes bench/load-results.json and bench/load-results.md
LOAD_DATABASE_URL ?= $(or $(DATABASE_URL),postgresql://postgres@127.0.0.1:5432/portal_load)
load: translations
	$(BIN)/python -m pip install --quiet -e ".[load]"
	$(BIN)/python -m bench.load --database-url "$(LOAD_DATABASE_URL)" --users 50 --seconds 60

lint: $(VENV)/.installed
	$(BIN)/ruff check portal tests bench config.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
