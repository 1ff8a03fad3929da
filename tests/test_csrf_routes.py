"""Every route that takes a POST refuses one without a CSRF token, or with a forged one, before
anything happens: walked from app.url_map, so a new POST route is covered the day it is added."""

import tempfile

import pytest
from conftest import TEST_CONFIG
from helpers import PASSWORD
from werkzeug.routing import AnyConverter, IntegerConverter

from forum import create_app
from forum.models import GroupMember, GroupRequest, LogEntry, Member, OutboxMessage
from forum.services import groups

# Routes that must take a POST from outside a signed-in browser: the one-click unsubscribe
# (RFC 8058), which a mail client posts without cookies; it proves itself with its signed token.
EXEMPT: set[str] = {"/notifications/unsubscribe/<token>"}


def _post_rules():
    # Only the URL map is read: no database is opened.
    folder = tempfile.mkdtemp()
    app = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{folder}/walk.db", "INSTANCE_PATH": folder})
    return sorted(r.rule for r in app.url_map.iter_rules() if "POST" in r.methods and r.rule not in EXEMPT)


def _concrete(app, rule) -> str:
    """The rule with each part filled: the first choice of an any(), 1 for an int, else "x"."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return app.url_map.bind("localhost").build(rule.endpoint, values, method="POST")


@pytest.fixture
def admin_client(make_app, cast):
    app = make_app(WTF_CSRF_ENABLED=True)
    admin = cast("admin").admin
    # An open group at /groups/x, where the walk's paths point: a forged join would join it.
    with app.app_context():
        groups.create_group("X", join_rule="open")
    client = app.test_client()
    # Sign in with a real token from the form, as a browser would.
    html = client.get("/sign-in").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    data = {"email": admin.email, "password": PASSWORD, "csrf_token": token}
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302
    return app, client


def test_the_walk_finds_the_post_routes():
    rules = _post_rules()
    assert (
        "/sign-in" in rules and "/moderation/posts/<int:post_id>/<any(hide, restore, remove):action>" in rules
    )
    assert len(rules) > 30


@pytest.mark.parametrize("rule", _post_rules())
def test_post_without_or_with_a_forged_token_is_refused(admin_client, rule):
    app, client = admin_client
    werkzeug_rule = next(r for r in app.url_map.iter_rules() if r.rule == rule and "POST" in r.methods)
    path = _concrete(app, werkzeug_rule)
    with app.app_context():
        before = _counts()
    for data in ({}, {"csrf_token": "forged"}):
        response = client.post(path, data={**data, "reason": "other", "note": "x", "message": "x"})
        assert response.status_code == 400, f"POST {path} with {data or 'no token'}: {response.status_code}"
        assert "CSRF" in response.get_data(as_text=True)
    with app.app_context():
        assert _counts() == before


def _counts() -> tuple:
    tables = (Member, OutboxMessage, GroupMember, GroupRequest, LogEntry)
    return tuple(table.select().count() for table in tables)
