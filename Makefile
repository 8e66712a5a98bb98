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

## make test: the whole suite on SQLite, and again on PostgreSQL when TEST_DATABASE_URL is set
test: translations
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- again on PostgreSQL ($$TEST_DATABASE_URL), browser tests excluded"; \
		$(BIN)/python -m pytest -q -m "not browser"; fi

## make bench: speed and memory measurements, written to bench-results.json
bench: translations
	$(BIN)/python -m bench.run --output bench-results.json

lint: $(VENV)/.installed
	$(BIN)/ruff check portal tests bench config.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
