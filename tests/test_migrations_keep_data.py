"""Upgrading a forum that has data keeps it: a migration that rebuilds a table on SQLite (to add a
NOT NULL column) must not cascade-delete the rows that refer to it."""

import os

import pytest

from forum.models import Post, Thread
from forum.models.db import db, upgrade


def insert(table: str, **values) -> int:
    """A row in the schema as it is now (the models may be ahead of it): NOT NULL columns not
    given get 0, which every column here accepts."""
    for _, name, _, notnull, default, pk in db.execute_sql(f'PRAGMA table_info("{table}")').fetchall():
        if notnull and not pk and default is None:
            values.setdefault(name, 0)
    columns = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join("?" for _ in values)
    sql = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'
    return db.execute_sql(sql, list(values.values())).lastrowid


def test_upgrading_a_forum_with_threads_keeps_them(make_app):
    app = make_app()
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PostgreSQL alters tables in place: the cascade happened only on SQLite")
    with app.app_context():
        # Back to the schema before migration 011 (which added member.low_data) ...
        db.obj.close()
        os.remove(app.config["DATABASE_URL"].split("///", 1)[1])
        upgrade(app.config["MIGRATIONS_DIR"], "010_support")
        member = insert("member", email="a@example.org", name="Ann", status="active")
        category = insert("category", name="Practice", slug="practice")
        thread = insert("thread", category_id=category, author_id=member, title="Hello", post_count=1)
        insert("post", thread_id=thread, author_id=member, number=1, body_md="Hi", body_html="<p>Hi</p>")
        # ... then up to date, as `flask db upgrade` does on a running forum.
        upgrade(app.config["MIGRATIONS_DIR"])
        assert Thread.select().count() == 1 and Post.select().count() == 1
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
