from datetime import UTC, datetime

from peewee import Model

from ..db import db


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; templates mark it as UTC for the reader."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def model_from_row(model, fields, values):
    """A model instance holding exactly these columns, as peewee builds it from a row (values
    through each field's python_value), without its general row machinery: for twenty posts
    with their authors, that machinery was a fifth of the thread page's time (note on #12)."""
    instance = model(__no_default__=True)
    instance.__data__ = {f.name: f.python_value(v) for f, v in zip(fields, values, strict=True)}
    return instance


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


def prepared(key, build, *values, rows=None) -> list:
    """The rows of `build(*values)`, with its SQL written by peewee once per shape and database.

    For the queries every page view runs (the member of the session, the thread page's thread and
    posts): peewee spends longer writing a query's SQL than SQLite spends running it (profile in
    the note on #12). `build` is called once, with stand-ins for `values`; `key` names the query's
    shape (whatever else changes its SQL: which columns, how many ids). Rows are the models peewee
    would have built from `build(*values)` itself, or what `rows(cursor)` makes of the cursor."""
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
        entry = cache[key] = (query, sql, params, slots)
    query, sql, params, slots = entry
    bound = [p if s is None else values[s] for p, s in zip(params, slots, strict=True)]
    cursor = database.execute_sql(sql, bound)
    if rows is not None:
        return rows(cursor)
    return list(query._get_cursor_wrapper(cursor))
