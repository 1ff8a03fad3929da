"""The one database proxy, opened from FORUM_DATABASE_URL, and the migrations that shape it."""

import logging
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from peewee import DatabaseProxy, InterfaceError, OperationalError, SqliteDatabase
from peewee_migrate import Router
from playhouse.db_url import connect as connect_url

from ..config import ConfigError

db = DatabaseProxy()

# What a broken or busy database raises; answered with 503 and never a traceback.
UNAVAILABLE = (OperationalError, InterfaceError)

SQLITE_SCHEMES = {"sqlite"}
POSTGRES_SCHEMES = {"postgres", "postgresql", "psycopg3"}


def database_from_url(url: str, busy_timeout_ms: int = 5000, sqlite_synchronous: str = "full"):
    """A peewee database for a URL, or ConfigError naming FORUM_DATABASE_URL."""
    scheme = urlsplit(url).scheme
    if scheme in SQLITE_SCHEMES:
        path = url.split("://", 1)[1][1:]
        if not path or path == ":memory:":
            raise ConfigError("FORUM_DATABASE_URL needs a file: sqlite:///PATH")
        # A pool of one connection per worker thread, kept between requests: opening the file and
        # setting the four pragmas on every request was a tenth of a small page's time
        # (docs/performance.md). db.close() at the end of a request hands the connection back to
        # the pool, and each request still reads the latest commit (no transaction is held
        # between requests).
        database = connect_url(
            "sqlite+pool" + url[len(scheme) :],
            max_connections=None,
            # synchronous=full: each commit is on disk before it is acknowledged, so a crash of the
            # machine, not only of the process, loses no post (SQLite's default, said out loud).
            pragmas={
                "journal_mode": "wal",
                "synchronous": sqlite_synchronous,
                "foreign_keys": 1,
                "busy_timeout": busy_timeout_ms,
            },
            # A transaction takes the write lock when it begins. A deferred one that read first
            # could not upgrade once another writer had committed: SQLite answers "database is
            # locked" at once, without waiting out busy_timeout, and concurrent replies failed.
            lock_type="IMMEDIATE",
        )
        # Python's own wait for a lock, in seconds, kept in step with SQLite's (set here: the
        # pool's own `timeout` argument is how long to wait for a free connection). A peewee
        # internal, listed in forum/web/framework_internals.py.
        database._timeout = busy_timeout_ms / 1000
        # A pooled connection may serve another thread next (threaded servers, tests with
        # threads); only one thread holds it at a time, which is what SQLite needs.
        database.connect_params["check_same_thread"] = False
        return database
    if scheme in POSTGRES_SCHEMES:
        extra = {}
        if "options=" not in urlsplit(url).query:
            extra["options"] = f"-c lock_timeout={int(busy_timeout_ms)}"
        # A pool keeps each worker thread's connection between requests: a new connection cost
        # a request a few milliseconds to start a server process, and its first queries as much
        # again to plan on cold catalog caches (docs/performance.md). The pool checks a
        # connection with a round trip before handing it out and throws away one the server
        # dropped (a restart, say), so a request never gets a dead one; a connection older than
        # five minutes is replaced when handed back.
        # gunicorn's sync workers hold one each, so the server sees one per worker.
        url = ("psycopg3" if scheme == "psycopg3" else "postgresql") + "+pool" + url[len(scheme) :]
        extra.update(max_connections=None, stale_timeout=300)
        try:
            return connect_url(url, **extra)
        except Exception as exc:  # a bad port or query string; keep the password out of the message
            raise ConfigError(f"FORUM_DATABASE_URL could not be read: {type(exc).__name__}") from None
    raise ConfigError(
        f"FORUM_DATABASE_URL has an unsupported scheme {scheme or '(none)'!r}: "
        "use sqlite:///PATH or postgresql://USER@HOST:PORT/NAME"
    )


def init_app(app):
    config = app.config
    database = database_from_url(
        config["DATABASE_URL"], config["DATABASE_BUSY_TIMEOUT_MS"], config["DATABASE_SQLITE_SYNCHRONOUS"]
    )
    database.prepare_on_server = config.get("DATABASE_PREPARE", True)  # models/prepared.py
    db.initialize(database)

    # peewee connects lazily on the first query, so static files and cached pages never
    # open a connection; whatever a request opened is closed when it ends.
    @app.teardown_appcontext
    def close_connection(exc):
        if not db.is_closed():
            db.close()


# -- who is told of committed writes (the visitors' page cache: forum/web/page_cache.py) -------------

# The table a write statement changes, as peewee writes it (INSERT INTO "post", UPDATE "thread",
# DELETE FROM "member", INSERT OR IGNORE INTO ...) and as the search index's own SQL does (unquoted).
WRITTEN_TABLE = re.compile(
    r'\s*(?:INSERT|REPLACE|UPDATE|DELETE)(?:\s+OR\s+\w+)?(?:\s+INTO|\s+FROM)?\s+"?(\w+)"?', re.IGNORECASE
)
# The columns an UPDATE sets: each appears as `"name" = ` (peewee quotes every column it sets).
SET_COLUMN = re.compile(r'"(\w+)" = ')
# Statements that change no row: reads, and the transaction's own.
READING = ("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA", "SET", "SHOW",
           "EXPLAIN", "VALUES", "EXECUTE")  # EXECUTE: only reads are prepared (models/prepared.py)


def written(sql: str) -> tuple[str, tuple[str, ...] | None] | None:
    """What a statement writes: None for a statement that changes no row, else (table, the columns an
    UPDATE sets, or None for an INSERT, a DELETE or a statement not understood: every column). A
    statement of any other kind (DDL, a CTE that writes) is ("", None): an unknown table."""
    head = sql.lstrip()[:10].upper()
    if head.startswith(READING):
        return None
    if head.startswith("WITH") and not re.search(r"\b(INSERT|UPDATE|DELETE)\b", sql, re.IGNORECASE):
        return None
    match = WRITTEN_TABLE.match(sql)
    if match is None:
        return ("", None)
    table = match.group(1).lower()
    if not head.startswith("UPDATE"):
        return (table, None)
    setting = sql[match.end():]
    setting = setting[: setting.find(" WHERE ")] if " WHERE " in setting else setting
    return (table, tuple(SET_COLUMN.findall(setting)) or None)


def tell_commits(database, matters: Callable[[str, tuple | None], bool], changed: Callable[[], None]):
    """Call `changed()` once each transaction that wrote something that `matters(table, columns)`
    has committed, or at once for such a statement outside a transaction (the forum's connections
    run in autocommit mode between transactions). One place every write passes through, whichever
    service, command or test made it: peewee's query hooks see every statement this database runs,
    and its after_commit runs `changed` only once the transaction's COMMIT succeeded (a rolled back
    transaction changed nothing, so it is forgotten). After the commit, never before: a page drawn
    between the two would be kept as current."""
    told = threading.local()

    def once_committed():
        told.transaction = None
        try:
            changed()
        except Exception:  # the write is committed: a failure to tell must not make it look failed
            logging.getLogger("forum").exception("Could not tell the page cache of a committed write")

    def hook(event) -> None:
        if event.exception is not None:
            return
        change = written(event.sql)
        if change is None or not matters(*change):
            return
        transaction = database.top_transaction()
        if transaction is None:
            once_committed()
        elif getattr(told, "transaction", None) is not transaction:
            told.transaction = transaction
            try:
                database.after_commit(once_committed)
            except ValueError:  # a manual_commit block, which the forum never opens: tell at once
                once_committed()

    database.query_hooks.append(hook)
    return hook


def close_all() -> None:
    """Close every connection this process holds, pooled ones too: before copying the database
    file (the last connection to close folds the WAL into it) or throwing the database away."""
    if not db.is_closed():
        db.close()
    if hasattr(db.obj, "close_all"):
        db.obj.close_all()


def upgrade(migrations_dir: Path, name: str | None = None) -> list[str]:
    """Apply pending migrations (up to `name`, if given); running it again applies nothing.

    On SQLite, foreign keys are off while migrations run. SQLite cannot alter a column in place,
    so peewee-migrate rebuilds the table (copy, DROP, rename) when a migration adds a NOT NULL
    column; with foreign keys on, the DROP deletes the old rows first, and ON DELETE CASCADE
    deleted every thread and post of a forum when migration 011 added member.low_data. SQLite's
    documented procedure for such changes is to switch foreign keys off around them; the pragma
    does nothing inside a transaction, so it is set before the router opens one."""
    router = Router(db, migrate_dir=Path(migrations_dir), logger=logging.getLogger("forum.migrations"))
    if not isinstance(db.obj, SqliteDatabase):
        return router.run(name)
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        return router.run(name)
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
