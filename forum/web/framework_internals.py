"""The private parts of the frameworks the forum relies on, all listed here.

The fast paths (docs/performance.md) and two request-wide filters reach past the frameworks'
public APIs: a peewee model's row dictionary, werkzeug's form parsing, flask-limiter's hooks. A
release may move or rename any of them without notice, and the forum would then break quietly
(a page built without its rows' values, a limiter hook that stays). So each one is named here,
with what uses it and why; tests/test_framework_internals.py checks every entry against the
installed libraries, naming the attribute and the library's version when one has moved. The same
test reads forum/ for private attributes of objects that are not the forum's own and fails on any
that is missing here, and on an entry here that the code no longer uses.

Nothing imports this module at run time: it is the list a framework upgrade is checked against.
"""

from typing import NamedTuple


class Internal(NamedTuple):
    library: str  # the distribution, as pip names it (the test reports its installed version)
    name: str  # what the forum relies on
    attribute: str  # the attribute as the forum's code writes it
    used_by: str  # the forum's modules that rely on it
    why: str


INTERNALS = (
    Internal(
        "peewee",
        "Model(__no_default__=True): an instance with no values, not even its fields' defaults",
        "__no_default__=True",
        "forum/models/prepared.py",
        "every column of a prepared row comes from the row, so defaults would be work thrown away",
    ),
    Internal(
        "peewee",
        "Model.__data__: an instance's column values, by field name",
        ".__data__",
        "forum/models/prepared.py, forum/blueprints/threads/kept_blocks.py and kept_lists.py",
        "a row's columns are set in one assignment; a kept block's key is the columns loaded",
    ),
    Internal(
        "peewee",
        "Model.__rel__: the related instances a join put on an instance, by field name",
        ".__rel__",
        "the pages of posts and of threads in forum/models/, forum/blueprints/threads/kept_*.py",
        "a joined row (a post's author, a thread's category) goes where peewee's own joins put it",
    ),
    Internal(
        "peewee",
        "query._get_cursor_wrapper(cursor): the rows of a cursor, as the query would build them",
        "._get_cursor_wrapper(",
        "forum/models/prepared.py",
        "a prepared query's rows are built by the query that wrote its SQL, as if it had run it",
    ),
    Internal(
        "peewee",
        "ForeignKeyField.rel_field: the field a foreign key points at",
        ".rel_field",
        "forum/models/prepared.py",
        "the type of the column a foreign key holds decides whether its value needs converting",
    ),
    Internal(
        "peewee",
        "Field.python_value returns adapt(value), and the integer, text and boolean fields' adapt "
        "returns a value of their own type unchanged",
        ".python_value",
        "forum/models/prepared.py",
        "a value the driver already gives in the field's type is kept without calling python_value",
    ),
    Internal(
        "peewee",
        "DatabaseProxy.obj: the database a proxy stands for",
        "db.obj",
        "forum/models/prepared.py, forum/models/db.py, forum/models/search.py, forum/commands/bench_rows.py",
        "which engine runs (SQLite or PostgreSQL), and the object prepared queries are kept on",
    ),
    Internal(
        "peewee",
        "Database instances have a __dict__, where the forum keeps an attribute of its own",
        "database.__dict__",
        "forum/models/prepared.py",
        "prepared queries are kept per database, so a test's fresh database starts with none",
    ),
    Internal(
        "peewee",
        "SqliteDatabase._timeout: the seconds Python's sqlite3 waits for a lock",
        "._timeout",
        "forum/models/db.py",
        "kept in step with SQLite's busy_timeout; the pool's own `timeout` argument means another wait",
    ),
    Internal(
        "werkzeug",
        "Request._load_form_data: parses the body the first time request.form or .files is read",
        "._load_form_data",
        "forum/web/__init__.py",
        "form fields lose their control characters once, when werkzeug parses the body",
    ),
    Internal(
        "werkzeug",
        'Request.__dict__["form"]: where _load_form_data leaves the parsed form for request.form',
        '__dict__["form"]',
        "forum/web/__init__.py",
        "the cleaned form replaces the parsed one where request.form reads it",
    ),
    Internal(
        "flask-limiter",
        "Limiter._check_request_limit: the before-request hook init_app registers",
        "._check_request_limit",
        "forum/web/limits.py",
        "dropped while every limit is a route's own: it has nothing to check, on every request",
    ),
    Internal(
        "flask-limiter",
        "Limiter.__inject_headers: the after-request hook init_app registers (as a partial)",
        "._Limiter__inject_headers",
        "forum/web/limits.py",
        "run only in a request that checked a limit: on any other it finds nothing to do",
    ),
    Internal(
        "flask-limiter",
        "Limiter.__release_context: the teardown hook init_app registers",
        "._Limiter__release_context",
        "forum/web/limits.py",
        "run only in a request that checked a limit: on any other it finds nothing to do",
    ),
    Internal(
        "flask-limiter",
        "the request context's _limiter_request_context: where a checked limit leaves its state",
        '"_limiter_request_context"',
        "forum/web/limits.py",
        "tells whether the request checked a limit, so its after-request and teardown hooks run",
    ),
    Internal(
        "flask-limiter",
        "Limiter._meta_limits: the meta limits (RATELIMIT_META)",
        "._meta_limits",
        "forum/web/limits.py",
        "an app-wide limit, which keeps the before-request hook",
    ),
    Internal(
        "flask-limiter",
        "Limiter._in_memory_fallback: the limits used while the storage is down",
        "._in_memory_fallback",
        "forum/web/limits.py",
        "an app-wide limit, which keeps the before-request hook",
    ),
    Internal(
        "flask-limiter",
        "LimitManager._blueprint_limits: the limits decorating whole blueprints",
        "._blueprint_limits",
        "forum/web/limits.py",
        "an app-wide limit, which keeps the before-request hook",
    ),
)
