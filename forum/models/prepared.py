"""Prepared queries: the SQL of the queries every page view runs is written by peewee once per
shape, and their rows become model instances without peewee's general row machinery.

For these queries peewee spends longer writing the SQL and building the rows than the database
spends running them, and PostgreSQL longer planning them than running them (they are prepared
there once per connection); docs/performance.md has what was measured. Everything here leans
on a few of peewee's private attributes (Model.__data__ and __no_default__, a query's
_get_cursor_wrapper, ForeignKeyField.rel_field, DatabaseProxy.obj), listed with the forum's other
uses of framework internals in forum/web/framework_internals.py and checked by
tests/test_framework_internals.py.
"""

import hashlib
import re
import weakref
from datetime import datetime

from peewee import (
    CharField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
    TextField,
)

from .db import db

try:  # a dependency of the forum; without it PostgreSQL is reached through psycopg 3
    from psycopg2 import Error as DriverError
    from psycopg2.extensions import TRANSACTION_STATUS_IDLE
    from psycopg2.extensions import connection as Psycopg2Connection
except ImportError:  # pragma: no cover
    Psycopg2Connection, TRANSACTION_STATUS_IDLE, DriverError = (), 0, Exception


def model_from_row(model, fields, values):
    """A model instance holding exactly these columns, as peewee builds it from a row (values
    through each field's python_value), without its general row machinery.

    A value the driver already gives in the field's own Python type (an int for an integer or a
    foreign key, a str for text, a bool) is what python_value would return, so it is kept as it
    is rather than converted again."""
    names, converters, kinds = _row_plan(fields)
    instance = model(__no_default__=True)
    instance.__data__ = {
        name: value if value is None or type(value) is kind else convert(value)
        for name, convert, kind, value in zip(names, converters, kinds, values, strict=True)
    }
    return instance


# id(fields) -> (fields, plan): the list is kept, so its id names it for as long as it is cached.
_ROW_PLANS: dict = {}


def _row_plan(fields):
    entry = _ROW_PLANS.get(id(fields))
    if entry is None or entry[0] is not fields:
        plan = ([f.name for f in fields], [_converter(f) for f in fields], [_passes_as(f) for f in fields])
        entry = _ROW_PLANS[id(fields)] = (fields, plan)
    return entry[1]


# Times as SQLite stores them (text) -> datetime: the same rows come back page after page, and
# parsing their times was a sixth of building a page of threads (docs/performance.md).
_TIMES: dict = {}
TIMES_KEPT = 50_000


def _converter(field):
    if type(field).python_value is not Field.python_value or type(field).adapt is not DateTimeField.adapt:
        return field.python_value
    convert = field.python_value

    def parse(value):
        parsed = _TIMES.get(value)
        if parsed is None:
            if len(_TIMES) >= TIMES_KEPT:
                _TIMES.clear()
            parsed = _TIMES[value] = convert(value)
        return parsed

    return parse


def _passes_as(field):
    """The Python type whose values this field's python_value returns unchanged (None: convert
    every value). Only peewee's own conversions are trusted: a field class that overrides them
    always converts."""
    while isinstance(field, ForeignKeyField):
        field = field.rel_field
    kind = type(field)
    if kind.python_value is not Field.python_value:
        return None
    if kind.adapt is IntegerField.adapt:
        return int
    if kind.adapt is CharField.adapt and issubclass(kind, (CharField, TextField)):
        return str
    if kind.adapt is bool:
        return bool
    if kind.adapt is DateTimeField.adapt:
        return datetime  # as PostgreSQL's driver gives them; SQLite's text is parsed (_converter)
    return None


def whole_rows(model):
    """For prepared(rows=...): instances of `model` from a query of `model.select()`, all its columns."""
    fields = model._meta.sorted_fields
    return lambda cursor: [model_from_row(model, fields, row) for row in cursor.fetchall()]


# Stand-ins for a prepared query's values while peewee writes its SQL: numbers no id or page
# ever takes (text that nobody types, for text), each found again in the parameters peewee produced.
_MARK = -1_987_654_000


def _mark(i: int, value):
    if isinstance(value, str):
        return f"\x00prepared {i}\x00"
    if isinstance(value, datetime):
        return datetime(1, 1, 1, microsecond=i + 1)
    return _MARK - i


# Shapes kept per database. A reader's groups are part of a shape (what they read), so the shapes
# grow with the sets of groups members are in; past this many, they are written again.
PREPARED_LIMIT = 4096


def prepared(key, build, *values, rows=None) -> list:
    """The rows of `build(*values)`, with its SQL written by peewee once per shape and database.

    For the queries every page view runs (the member of the session, the thread page's thread and
    posts, a category's page of threads). `build` is called once, with stand-ins for `values`;
    `key` names the query's shape (whatever else changes its SQL: which columns, how many ids).
    Rows are the models peewee would have built from `build(*values)` itself, or what
    `rows(cursor)` makes of the cursor. On PostgreSQL the query is also prepared on the server,
    once per connection (server_side)."""
    database = db.obj
    cache = database.__dict__.setdefault("_forum_prepared", {})
    entry = cache.get(key)
    if entry is None:
        marks = [_mark(i, value) for i, value in enumerate(values)]
        query = build(*marks)
        sql, params = query.sql()
        slots = [marks.index(p) if type(p) in (int, str, datetime) and p in marks else None for p in params]
        if sorted({s for s in slots if s is not None}) != list(range(len(values))):
            raise ValueError(f"prepared query {key!r}: a value did not reach the SQL as given")
        if len(cache) >= PREPARED_LIMIT:
            cache.clear()
        entry = cache[key] = (query, sql, params, slots, _statement_name(database, sql))
    query, sql, params, slots, name = entry
    bound = [p if s is None else values[s] for p, s in zip(params, slots, strict=True)]
    if name is not None:
        sql = server_side(database, name, sql, len(bound))
    cursor = database.execute_sql(sql, bound)
    if rows is not None:
        return rows(cursor)
    return list(query._get_cursor_wrapper(cursor))


# -- prepared on the server (PostgreSQL) -------------------------------------------------------

# PostgreSQL plans a statement each time it is sent: for the thread page's posts (three joins and
# three subqueries) planning took longer than running it. A statement PREPAREd on a connection is
# planned there once (PostgreSQL plans again by itself when a table it reads changes), and each
# page then sends EXECUTE with its values. Names are per statement; which of them a
# connection holds is kept beside it, so a new connection (the pool replaced one) prepares again.
# psycopg 3 prepares repeated statements by itself, so this is for psycopg2's connections only.
# FORUM_DATABASE_PREPARE=off turns it off (behind PgBouncer in transaction mode).
_PLACEHOLDER = re.compile(r"%[s%]")
# Statements prepared per database at most (a reader's groups are part of some shapes): past
# this many, a new shape is sent as it is.
SERVER_STATEMENTS_LIMIT = 256


def _statement_name(database, sql: str) -> str | None:
    if not isinstance(database, PostgresqlDatabase) or not getattr(database, "prepare_on_server", True):
        return None  # FORUM_DATABASE_PREPARE=off: a pooler in front may not keep the connection
    if sql.lstrip()[:6].upper() != "SELECT":
        return None  # reads only: the page cache's write hook takes EXECUTE for a read (db.READING)
    names = database.__dict__.setdefault("_forum_statement_names", {})
    if sql not in names and len(names) >= SERVER_STATEMENTS_LIMIT:
        return None
    # Named by a digest of the SQL, not by a count: two threads writing new shapes at once could
    # otherwise give two statements one name, and a connection would run one for the other.
    return names.setdefault(sql, "forum_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest())


def server_side(database, name: str, sql: str, count: int) -> str:
    """What to send for `sql` on this request's connection: EXECUTE of its prepared statement,
    preparing it first if the connection has not yet; `sql` itself on a connection that cannot
    (not psycopg2's) or in a transaction (a PREPARE that failed there would abort it)."""
    connection = database.connection()
    held = database.__dict__.setdefault("_forum_held_statements", weakref.WeakKeyDictionary())
    names = held.get(connection)
    if names is None:
        if not isinstance(connection, Psycopg2Connection):
            return sql
        names = held[connection] = set()
    if name not in names:
        refused = database.__dict__.setdefault("_forum_refused_statements", set())
        if name in refused or connection.info.transaction_status != TRANSACTION_STATUS_IDLE:
            return sql
        numbers = iter(range(1, count + 1))
        text = _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PREPARE {name} AS {text}")
        except DriverError:  # a parameter whose type PostgreSQL cannot tell, say: sent as it is
            refused.add(name)
            return sql
        names.add(name)
    return f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
