# The README's commands. Everything runs from a virtualenv in .venv, made on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
# One test worker per core (pytest-xdist); PYTEST_ARGS= runs them in one process.
PYTEST_ARGS ?= -n auto
PORT ?= 5000

.PHONY: run demo test lint clean check-load bench

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

# The demo network in a folder of its own (instance/demo: database, uploads, secret key), made
# afresh on each run, so it never touches the forum `make run` serves and running it twice works.
# Mail stays in the outbox and the log whatever FORUM_MAIL_URL says: the demo addresses are made up.
DEMO := $(CURDIR)/instance/demo
demo: export FORUM_INSTANCE_PATH = $(DEMO)
demo: export FORUM_DATABASE_URL = sqlite:///$(DEMO)/forum.sqlite3
demo: export FORUM_UPLOAD_PATH = $(DEMO)/uploads
demo: export FORUM_MAIL_URL =
demo: $(VENV)/.installed
	rm -rf "$(DEMO)/forum.sqlite3" "$(DEMO)/forum.sqlite3-wal" "$(DEMO)/forum.sqlite3-shm" "$(DEMO)/uploads"
	$(BIN)/flask --app forum db upgrade
	$(BIN)/flask --app forum seed-demo
	$(BIN)/flask --app forum mail send --watch & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask --app forum run --host $(HOST) --port $(PORT)

# The audits' tools (axe-core, the Nu HTML checker) come from npm, pinned in tests/browser/package.json;
# without npm the audits are skipped with a line saying so. --ignore-scripts: vnu-jar's install script
# would download a Java of its own, and the machine's is used. Runs again when the lock file changes.
test: $(VENV)/.installed-test
	@test -x /usr/bin/chromium || echo "Chromium is missing, so the browser tests will be skipped: install it with 'apt-get install chromium'."
	@test -x /usr/sbin/dovecot || command -v dovecot >/dev/null || echo "Dovecot is missing, so the reply-by-email IMAP tests will be skipped: install it with 'apt-get install dovecot-imapd'."
	@if command -v npm >/dev/null 2>&1 && [ ! tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ]; then \
	  npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null \
	  || echo "Could not install the audit tools with 'npm ci --prefix tests/browser': the audits will be skipped."; \
	fi
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Not in `make test`: minutes of load through gunicorn, and a SIGKILL in the middle of it, on SQLite
# and then on the PostgreSQL server in CHECK_DATABASE_URL (skipped when that server does not answer).
CHECK_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test
check-load: $(VENV)/.installed
	$(BIN)/python checks/load.py --database sqlite
	@if $(BIN)/python -c "import psycopg2,sys; psycopg2.connect(sys.argv[1]).close()" "$(CHECK_DATABASE_URL)" 2>/dev/null; then \
	  $(BIN)/python checks/load.py --database "$(CHECK_DATABASE_URL)"; \
	else echo "PostgreSQL at $(CHECK_DATABASE_URL) does not answer: the PostgreSQL load check is skipped."; fi

# Throughput, latency, queries and weight of the main pages on benchmark data, against the floor
# (a bare Flask app serving the same bytes). BENCH_SIZE=full for the issue's million posts (about
# 20 minutes); FORUM_DATABASE_URL=postgresql://... to run it on PostgreSQL. Not part of `make test`.
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[bench]'
	@touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check forum tests migrations checks bench

clean:
	rm -rf $(VENV) .pytest_cache
