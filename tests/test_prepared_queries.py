"""The queries every page view runs, prepared: written by peewee once per shape, and on
PostgreSQL prepared on the server once per connection (forum/models/prepared.py)."""

import os

import pytest
from helpers import signed_in

from forum.models import Category, Post, Thread
from forum.models.db import close_all, db, written
from forum.models.prepared import prepared

POSTGRES = bool(os.environ.get("FORUM_TEST_DATABASE_URL"))
on_postgres = pytest.mark.skipif(not POSTGRES, reason="statements are prepared on PostgreSQL's server only")


@pytest.fixture
def thread(app, cast):
    from forum.services import posting

    cast("author", "member")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice", description="Sharing what works")
        first = posting.start_thread(cast.author, category, {"title": "Evening classes",
                                                              "message": "Who runs the evening classes?"})
        posting.reply(cast.member, Thread.get_by_id(first.thread_id), {"message": "Our library does."})
        return Thread.with_category(first.thread_id)


def held_statements() -> set[str]:
    """The statements prepared on the connection this app context holds."""
    return {row[0] for row in db.execute_sql("SELECT name FROM pg_prepared_statements")}


def sent_by(client, path: str, monkeypatch) -> list[str]:
    """The statements a GET of `path` sends, as sent (count_queries names an EXECUTE by its SQL)."""
    queries, send = [], db.obj.execute_sql
    monkeypatch.setattr(db.obj, "execute_sql", lambda sql, *a, **k: queries.append(sql) or send(sql, *a, **k))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(db.obj, "execute_sql", send)
    return queries


def test_a_prepared_query_gives_the_rows_peewee_gives(app, cast, thread):
    with app.app_context():
        for reader in (None, cast.member):
            page = Post.page_of_thread(thread, 1, reader=reader)
            query = Post._page_of_thread(thread.id, 1, 20, *((reader.id,) if reader else ()),
                                         reader=reader, open_reports=False)
            expected = db.execute_sql(*query.sql()).fetchall()
            assert len(expected) == 2
            assert [tuple(row) for row in page.rows] == [tuple(row) for row in expected]
            again = Post.page_of_thread(thread, 1, reader=reader)  # the second time, as kept
            assert [tuple(row) for row in again.rows] == [tuple(row) for row in expected]


def test_the_page_caches_write_hook_takes_an_execute_for_a_read():
    assert written("EXECUTE forum_prepared_3 (1, 2)") is None
    assert written('UPDATE "thread" SET "title" = %s WHERE ("id" = %s)') == ("thread", ("title",))


@on_postgres
def test_on_postgresql_each_page_query_is_prepared_once_per_connection(app, cast, thread, monkeypatch):
    client = signed_in(app, cast.member)
    assert client.get(f"/t/{thread.id}").status_code == 200
    queries = sent_by(client, f"/t/{thread.id}", monkeypatch)
    sent = [q.split()[0] for q in queries]
    assert sent and all(word == "EXECUTE" for word in sent), queries
    with app.app_context():
        assert {q.split()[1] for q in queries} <= held_statements()


@on_postgres
def test_on_postgresql_a_new_connection_prepares_again(app, cast, thread):
    client = signed_in(app, cast.member)
    assert client.get(f"/t/{thread.id}").status_code == 200
    close_all()  # the pool's connections go: the server forgets what they had prepared
    assert client.get(f"/t/{thread.id}").status_code == 200
    with app.app_context():
        assert held_statements()


@on_postgres
def test_on_postgresql_nothing_is_prepared_inside_a_transaction(app, thread):
    def title():
        return prepared(("thread title",), lambda i: Thread.select(Thread.title).where(Thread.id == i),
                        thread.id, rows=lambda cursor: cursor.fetchall())

    with app.app_context():
        close_all()
        with db.atomic():
            assert title() == [("Evening classes",)]
            assert not held_statements()
        assert title() == [("Evening classes",)]
        assert held_statements()


@on_postgres
def test_on_postgresql_a_query_the_server_cannot_prepare_is_sent_as_it_is(app, thread):
    from peewee import SQL

    def untyped(i):  # PostgreSQL cannot tell the type of a parameter that is only selected
        nothing = SQL("%s IS NULL", [i]).alias("nothing")
        return Thread.select(Thread.title, nothing).where(Thread.id == thread.id)

    with app.app_context():
        for _ in range(2):
            rows = prepared(("untyped",), untyped, 5, rows=lambda cursor: cursor.fetchall())
            assert rows == [("Evening classes", False)]
        name = next(n for sql, n in vars(db.obj)["_forum_statement_names"].items() if "IS NULL" in sql)
        assert name not in held_statements()


def test_preparing_on_the_server_is_turned_off_by_its_setting(make_app, monkeypatch):
    monkeypatch.setenv("FORUM_DATABASE_PREPARE", "off")
    assert make_app().config["DATABASE_PREPARE"] is False and db.obj.prepare_on_server is False
    monkeypatch.delenv("FORUM_DATABASE_PREPARE")
    assert make_app().config["DATABASE_PREPARE"] is True and db.obj.prepare_on_server is True


@on_postgres
def test_on_postgresql_nothing_is_prepared_when_turned_off(app, cast, thread, monkeypatch):
    client = signed_in(app, cast.member)
    close_all()
    monkeypatch.setattr(db.obj, "prepare_on_server", False)
    vars(db.obj).pop("_forum_prepared", None)  # the shapes as written with preparing on
    queries = sent_by(client, f"/t/{thread.id}", monkeypatch)
    assert queries and not any(q.startswith(("EXECUTE", "PREPARE")) for q in queries)
    with app.app_context():
        assert not held_statements()


@on_postgres
def test_on_postgresql_a_statement_is_named_by_its_sql(app):
    """Whichever thread writes a shape first, the same SQL has one name and two have two: a name
    counted out could be given twice by two threads at once, and one statement run for another."""
    from concurrent.futures import ThreadPoolExecutor

    from forum.models.prepared import _statement_name

    texts = [f"SELECT {i} AS shape" for i in range(40)]
    with app.app_context(), ThreadPoolExecutor(8) as pool:
        names = list(pool.map(lambda sql: _statement_name(db.obj, sql), texts))
        vars(db.obj).pop("_forum_statement_names")  # as a new process would: met in another order
        again = list(pool.map(lambda sql: _statement_name(db.obj, sql), reversed(texts)))
    assert again[::-1] == names and len(set(names)) == 40
