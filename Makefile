# The README's commands. Everything runs from a virtualenv in .venv, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@ $(VENV)/.installed

# The outbox sender runs beside the dev server and stops with it. It is killed with TERM because
# a background job of a non-interactive shell ignores the Ctrl-C that stops the server.
run: $(VENV)/.installed
	$(BIN)/flask --app forum db upgrade
	$(BIN)/flask --app forum mail send --watch & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app forum run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test
	@test -x /usr/bin/chromium || echo "Chromium is missing, so the browser tests will be skipped: install it with 'apt-get install chromium'."
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check forum tests migrations

clean:
	rm -rf $(VENV) .pytest_cache
