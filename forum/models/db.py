"""The one database proxy, opened from FORUM_DATABASE_URL, and the migrations that shape it."""

import logging
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
    db.initialize(
        database_from_url(
            config["DATABASE_URL"], config["DATABASE_BUSY_TIMEOUT_MS"], config["DATABASE_SQLITE_SYNCHRONOUS"]
        )
    )

    # peewee connects lazily on the first query, so static files and cached pages never
    # open a connection; whatever a request opened is closed when it ends.
    @app.teardown_appcontext
    def close_connection(exc):
        if not db.is_closed():
            db.close()


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
