"""The frameworks' private parts the forum relies on (forum/web/framework_internals.py) are where the
installed libraries keep them, and the list is complete: a library upgrade that moves one fails
here, naming it and the library's version, instead of breaking a page quietly."""

import ast
import re
from functools import partial
from importlib.metadata import version
from pathlib import Path

import pytest
from flask import Blueprint, Flask
from flask.globals import request_ctx
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from peewee import (
    BooleanField,
    CharField,
    DatabaseProxy,
    Field,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.wrappers import Request

from forum.models.db import database_from_url
from forum.models.prepared import _passes_as
from forum.web.framework_internals import INTERNALS

FORUM = Path(__file__).resolve().parent.parent / "forum"


def _models():
    """Two throwaway models on an in-memory database: a row with a default, and one pointing at it."""
    database = SqliteDatabase(":memory:")

    class Owner(Model):
        name = CharField(default="someone")

    class Item(Model):
        owner = ForeignKeyField(Owner)
        count = IntegerField(default=3)
        done = BooleanField(default=False)
        note = TextField(default="")

    database.bind([Owner, Item])
    return database, Owner, Item


# -- one check per entry: what the forum's code assumes of it ------------------------------------


def _no_default():
    _, _, Item = _models()
    return Item(__no_default__=True).__data__ == {} and Item().__data__["count"] == 3


def _data():
    _, _, Item = _models()
    item = Item(__no_default__=True)
    item.__data__ = {"count": 7, "note": "seven"}
    return item.count == 7 and item.note == "seven" and Item(count=5).__data__["count"] == 5


def _rel():
    _, Owner, Item = _models()  # no tables: a query for the owner would fail
    owner = Owner(id=1, name="Ada")
    item = Item(__no_default__=True)
    item.__data__ = {"owner": 1}
    item.__rel__["owner"] = owner
    return item.owner is owner


def _cursor_wrapper():
    database, Owner, Item = _models()
    with database:
        database.create_tables([Owner, Item])
        owner = Owner.create(name="Ada")
        Item.create(owner=owner, count=4)
        query = Item.select()
        cursor = database.execute_sql(*query.sql())
        rows = list(query._get_cursor_wrapper(cursor))
    return len(rows) == 1 and isinstance(rows[0], Item) and rows[0].count == 4


def _rel_field():
    _, Owner, Item = _models()
    return Item.owner.rel_field is Owner.id


def _python_value():
    """For every peewee field type that prepared.py lets a value pass unconverted, python_value
    returns such a value unchanged."""
    samples = {int: 12, str: "twelve", bool: True}
    fields = [IntegerField(), CharField(), TextField(), BooleanField()]
    passes = [_passes_as(field) for field in fields]
    unchanged = all(
        field.python_value(samples[kind]) is samples[kind] for field, kind in zip(fields, passes, strict=True)
    )
    return passes == [int, str, str, bool] and unchanged and Field.python_value(IntegerField(), "5") == 5


def _proxy_obj():
    database, proxy = SqliteDatabase(":memory:"), DatabaseProxy()
    proxy.initialize(database)
    return proxy.obj is database


def _database_dict(tmp_path):
    database = database_from_url(f"sqlite:///{tmp_path / 'forum.db'}")
    database.__dict__.setdefault("_forum_prepared", {})["shape"] = "kept"
    return database._forum_prepared == {"shape": "kept"}


def _sqlite_timeout(tmp_path):
    database = database_from_url(f"sqlite:///{tmp_path / 'forum.db'}", busy_timeout_ms=2500)
    return SqliteDatabase(":memory:", timeout=7)._timeout == 7 and database.timeout == 2.5


class _Recorded(Request):
    parsed = 0

    def _load_form_data(self) -> None:
        type(self).parsed += 1
        super()._load_form_data()


def _load_form_data():
    request = _Recorded.from_values(method="POST", data={"name": "Ada"})
    return request.form["name"] == "Ada" and _Recorded.parsed == 1


def _form_in_dict():
    request = Request.from_values(method="POST", data={"name": "Ada"})
    request._load_form_data()
    parsed = request.__dict__["form"]
    request.__dict__["form"] = ImmutableMultiDict({"name": "Grace"})
    return parsed["name"] == "Ada" and request.form["name"] == "Grace"


def _limiter(**options):
    app = Flask(__name__)
    limiter = Limiter(get_remote_address, app=app, storage_uri="memory://", **options)
    return app, limiter


def _check_request_limit():
    app, limiter = _limiter()
    return limiter._check_request_limit in app.before_request_funcs[None]


def _meta_limits():
    return not _limiter()[1]._meta_limits and _limiter(meta_limits=["2/hour"])[1]._meta_limits


def _in_memory_fallback():
    fallback = _limiter(in_memory_fallback=["2/hour"])[1]._in_memory_fallback
    return not _limiter()[1]._in_memory_fallback and fallback


def _blueprint_limits():
    app, limiter = _limiter()
    blueprint = Blueprint("somewhere", __name__)
    limiter.limit("2/hour")(blueprint)
    return not _limiter()[1].limit_manager._blueprint_limits and bool(limiter.limit_manager._blueprint_limits)


def _inject_headers():
    app, _ = _limiter()
    hooks = app.after_request_funcs[None]
    return any(isinstance(h, partial) and h.func is Limiter._Limiter__inject_headers for h in hooks)


def _release_context():
    app, limiter = _limiter()
    return limiter._Limiter__release_context in app.teardown_request_funcs[None]


def _request_context_state():
    """With the before-request hook dropped (as the forum does): a limited route leaves the state,
    a route with no limit none."""
    app, limiter = _limiter()
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    seen = {}

    @app.get("/limited")
    @limiter.limit("5/minute")
    def limited():
        seen["limited"] = hasattr(request_ctx._get_current_object(), "_limiter_request_context")
        return ""

    @app.get("/free")
    def free():
        seen["free"] = hasattr(request_ctx._get_current_object(), "_limiter_request_context")
        return ""

    client = app.test_client()
    client.get("/limited"), client.get("/free")
    return seen == {"limited": True, "free": False}


CHECKS = {
    "__no_default__=True": _no_default,
    ".__data__": _data,
    ".__rel__": _rel,
    "._get_cursor_wrapper(": _cursor_wrapper,
    ".rel_field": _rel_field,
    ".python_value": _python_value,
    "db.obj": _proxy_obj,
    "database.__dict__": _database_dict,
    "._timeout": _sqlite_timeout,
    "._load_form_data": _load_form_data,
    '__dict__["form"]': _form_in_dict,
    "._check_request_limit": _check_request_limit,
    "._meta_limits": _meta_limits,
    "._in_memory_fallback": _in_memory_fallback,
    "._blueprint_limits": _blueprint_limits,
    "._Limiter__inject_headers": _inject_headers,
    "._Limiter__release_context": _release_context,
    '"_limiter_request_context"': _request_context_state,
}


def test_every_listed_internal_has_a_check():
    assert sorted(CHECKS) == sorted(internal.attribute for internal in INTERNALS)


@pytest.mark.parametrize("internal", INTERNALS, ids=lambda internal: internal.attribute)
def test_each_internal_is_where_the_forum_expects_it(internal, tmp_path):
    check = CHECKS[internal.attribute]
    try:
        works = check(tmp_path) if "tmp_path" in check.__code__.co_varnames else check()
        problem = "it no longer behaves as the forum expects"
    except Exception as exc:  # noqa: BLE001 (any failure is the news: say which and why)
        works, problem = False, f"{type(exc).__name__}: {exc}"
    if not works:
        pytest.fail(
            f"{internal.library} {version(internal.library)} moved or changed {internal.name!r} "
            f"({problem}). {internal.used_by} relies on it: {internal.why}. "
            "Adapt them, then the entry in forum/web/framework_internals.py.",
            pytrace=False,
        )


# -- the list is complete, and nothing in it is stale ------------------------------------------------

# Underscored, yet public and documented: werkzeug's LocalProxy._get_current_object, peewee's
# Model._meta (its documented metadata), namedtuple's _replace.
PUBLIC = {"_get_current_object", "_meta", "_replace"}
# Python's own dunders.
PYTHON = set(dir(object)) | {"__dict__", "__name__", "__iter__", "__wrapped__", "__func__", "__self__"}


def _sources():
    for path in sorted(FORUM.rglob("*.py")):
        if path.name != "framework_internals.py":
            yield path, path.read_text()


def _private_uses(tree):
    """(name, line) for each underscored attribute of an object that is not `self` or `cls`, and
    each dunder keyword argument; and the names the code assigns as attributes (its own)."""
    uses, assigned = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            owner = ast.unparse(node.value)
            if isinstance(node.ctx, ast.Store):
                assigned.add(node.attr)
            # self._x is the forum's own; super()._x (overriding a private method) is not.
            if node.attr in PYTHON or (owner in ("self", "cls") and not node.attr.startswith("__")):
                continue
            uses.append((node.attr, node.lineno))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("__"):
            uses.append((node.arg, node.value.lineno))
    return uses, assigned


def test_every_private_attribute_the_forum_reaches_is_listed():
    """An underscored attribute of another library's object, read or called anywhere in forum/,
    must be in the list. Underscored attributes the forum sets on objects of its own (member
    state kept for a request, say) are its own and pass."""
    listed = {token for internal in INTERNALS for token in re.findall(r"_\w+", internal.attribute)}
    uses, assigned = [], set()
    for path, source in _sources():
        found, own = _private_uses(ast.parse(source))
        uses += [(name, f"{path.relative_to(FORUM.parent)}:{line}") for name, line in found]
        assigned |= own
    unlisted = sorted(
        f"{where}: .{name}" for name, where in uses if name not in listed | PUBLIC | (assigned - listed)
    )
    assert not unlisted, (
        "Private framework attributes not listed in forum/web/framework_internals.py (add them there, "
        "with a check in this file): " + ", ".join(unlisted)
    )


def test_every_listed_internal_is_still_used():
    sources = "\n".join(source for _, source in _sources())
    stale = [internal.attribute for internal in INTERNALS if internal.attribute not in sources]
    assert not stale, f"Listed in forum/web/framework_internals.py but no longer used: {stale}"
