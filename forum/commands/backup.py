"""Backups while the forum runs, and restoring one.

SQLite: the online backup API copies the database page by page inside one read transaction, so
the copy is the database as it was at one moment, whatever is being written meanwhile (WAL lets
writers go on). PostgreSQL: pg_dump's custom format, also one consistent snapshot; pg_restore
puts it back in one transaction, so a failed restore leaves the database as it was.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from ..models.db import POSTGRES_SCHEMES, SQLITE_SCHEMES


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why, for the command line."""


def _kind(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in SQLITE_SCHEMES:
        return "sqlite"
    if scheme in POSTGRES_SCHEMES:
        return "postgres"
    raise BackupError(f"Cannot back up a database of scheme {scheme!r}.")


def _sqlite_path(url: str) -> Path:
    return Path(url.split("://", 1)[1][1:])


def _libpq_url(url: str) -> str:
    """pg_dump reads postgresql:// URIs; peewee also accepts postgres:// and psycopg3://."""
    return urlunsplit(urlsplit(url)._replace(scheme="postgresql"))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed: it comes with PostgreSQL's client tools.")
    return found


def integrity(path: Path) -> str:
    """SQLite's own check of a database file: "ok", or what it found wrong."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()
    return "; ".join(r[0] for r in rows)


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at `url` to `target` (which must not exist yet)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists already: choose a new file, so no backup is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    if _kind(url) == "sqlite":
        source = sqlite3.connect(_sqlite_path(url), timeout=30)
        copy = sqlite3.connect(target)
        try:
            # pages=-1: the whole database in one step, inside one read transaction.
            source.backup(copy, pages=-1)
        finally:
            copy.close()
            source.close()
        found = integrity(target)
        if found != "ok":
            target.unlink()
            raise BackupError(f"The copy failed SQLite's integrity check: {found}")
        return target
    result = subprocess.run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            f"--dbname={_libpq_url(url)}",
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return target


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source`. Stop the app servers first: a
    restore takes the database back to the moment of the backup."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    if _kind(url) == "sqlite":
        found = integrity(source)
        if found != "ok":
            raise BackupError(f"The backup failed SQLite's integrity check, so nothing was restored: {found}")
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        live = sqlite3.connect(_sqlite_path(url), timeout=30)
        try:
            backup_db.backup(live, pages=-1)
        finally:
            live.close()
            backup_db.close()
        return
    result = subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            str(source),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, and the database is as it was: {result.stderr.strip()}")
