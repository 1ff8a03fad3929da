"""Every error answers with its own status and a clear page (or an in-place fragment for htmx)."""

import sqlite3
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from flask import request
from helpers import signed_in

from forum.models import DocumentVersion
from forum.models.db import db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def app(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False, MAX_CONTENT_LENGTH=1000)

    # Routes that exist only in these tests, to reach each kind of failure.
    @app.post("/_test/echo")
    def echo():
        return {"text": request.form.get("text", "")}

    @app.get("/_test/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.get("/_test/bad-sql")
    def bad_sql():
        db.execute_sql("SELECT no_such_column FROM document_version")

    @app.post("/_test/write")
    def write():
        DocumentVersion.update(summary="x").execute()
        return "written"

    return app


def test_unknown_url_is_a_friendly_404_in_the_layout(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in html and 'class="skip-link"' in html


def test_htmx_error_is_a_fragment_for_the_message_region(client):
    response = client.get("/no/such/page", headers=HTMX)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#messages"
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="message message-error" role="alert">')
    assert "<html" not in html


def test_post_without_csrf_token_is_refused(client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/_test/echo", data={"text": "hello"})
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)
    assert client.post("/_test/echo", data={"text": "x", "csrf_token": "forged"}).status_code == 400


def test_post_with_the_token_from_the_page_header_is_accepted(app, cast):
    cast("member")
    client = signed_in(app, "member@example.org")
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/").get_data(as_text=True)
    token = html.split('"X-CSRFToken": "', 1)[1].split('"', 1)[0]
    # A visitor's page has no header token (it is shared: forum/web/page_cache.py).
    assert "X-CSRFToken" not in app.test_client().get("/").get_data(as_text=True)
    response = client.post("/_test/echo", data={"text": "hi"}, headers={"X-CSRFToken": token, **HTMX})
    assert response.status_code == 200 and response.json == {"text": "hi"}


def test_wrong_method_is_405_with_allow(client):
    response = client.post("/charter")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert "<h1>That can&#39;t be done this way</h1>" in response.get_data(as_text=True)


def test_oversized_body_is_413(client):
    response = client.post("/_test/echo", data={"text": "x" * 5000})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_internals(client):
    response = client.get("/_test/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html and "Traceback" not in html


def test_database_gone_is_503(make_app, tmp_path):
    from forum.models.db import database_from_url

    app = make_app(PROPAGATE_EXCEPTIONS=False)
    broken = (
        "sqlite:///" + str(tmp_path / "no" / "such" / "dir" / "forum.db")
        if db.obj.__class__.__name__.startswith("Sqlite")
        else "postgresql://postgres@127.0.0.1:1/test"
    )
    db.initialize(database_from_url(broken))
    response = app.test_client().get("/charter")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "Nothing you wrote has been lost" in response.get_data(as_text=True)


@contextmanager
def database_locked(url):
    """Another connection holding the lock a write needs, as a long transaction would."""
    if url.startswith("sqlite"):
        holder = sqlite3.connect(url.split(":///", 1)[1], isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
    else:
        import psycopg2

        holder = psycopg2.connect(url)
        holder.cursor().execute("LOCK TABLE document_version IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback() if not url.startswith("sqlite") else holder.execute("ROLLBACK")
        holder.close()


def test_locked_database_is_503_not_500(app, client):
    with database_locked(app.config["DATABASE_URL"]):
        response = client.post("/_test/write")
    assert response.status_code == 503
    assert "Nothing you wrote has been lost" in response.get_data(as_text=True)
    assert client.post("/_test/write").status_code == 200


def test_a_mistake_in_sql_is_a_500_not_a_busy_database(client):
    # Logged as itself, once: not by way of a RecursionError between the two handlers.
    with patch("forum.errors.log") as log:
        response = client.get("/_test/bad-sql")
    assert log.error.call_count == 1
    assert "no_such_column" in str(log.error.call_args.kwargs["exc_info"])
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_a_connection_the_server_dropped_is_replaced_not_answered_503(app, client):
    """A pooled connection the database ended (a restart, an administrator) is noticed when the
    pool hands it out, and the request gets a new one; SQLite's file connections cannot drop."""
    if not app.config["DATABASE_URL"].startswith("postgres"):
        pytest.skip("PostgreSQL closes connections from its side; a SQLite connection is a file")
    import psycopg2

    assert client.get("/charter").status_code == 200
    with app.app_context():
        pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
    with app.app_context():  # the pool keeps the connection between requests
        assert db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] == pid
    killer = psycopg2.connect(app.config["DATABASE_URL"])
    try:
        killer.autocommit = True
        killer.cursor().execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        killer.close()
    assert client.get("/charter").status_code == 200
    with app.app_context():
        assert db.execute_sql("SELECT pg_backend_pid()").fetchone()[0] != pid
