"""Search: a full-text index of the posts members may find, filled from the posts already there;
and feeds: a revocable private feed token per member, for members-only Atom feeds.

SQLite: an FTS5 table whose rowid is the post's id (title of the thread on opening posts, body).
PostgreSQL: a table of tsvectors (title weighted above body) with a GIN index.
Only visible posts in threads that are not removed are indexed; the application keeps it so.
"""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def _is_postgres(database) -> bool:
    return isinstance(getattr(database, "obj", database), pw.PostgresqlDatabase)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    Member = migrator.orm["member"]

    @migrator.create_model
    class FeedToken(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, unique=True, on_delete="CASCADE", backref="+")
        token = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "feed_token"

    if _is_postgres(database):
        migrator.sql(
            "CREATE TABLE post_search ("
            "post_id INTEGER PRIMARY KEY REFERENCES post (id) ON DELETE CASCADE, "
            "document TSVECTOR NOT NULL)"
        )
        migrator.sql("CREATE INDEX post_search_document ON post_search USING GIN (document)")
        migrator.sql(
            "INSERT INTO post_search (post_id, document) "
            "SELECT p.id, setweight(to_tsvector('english', "
            "CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A') || "
            "setweight(to_tsvector('english', p.body_md), 'B') "
            "FROM post p JOIN thread t ON t.id = p.thread_id "
            "WHERE p.status = 'visible' AND t.status <> 'removed'"
        )
    else:
        migrator.sql(
            "CREATE VIRTUAL TABLE post_search USING fts5("
            "title, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        migrator.sql(
            "INSERT INTO post_search (rowid, title, body) "
            "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md "
            "FROM post p JOIN thread t ON t.id = p.thread_id "
            "WHERE p.status = 'visible' AND t.status <> 'removed'"
        )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.sql("DROP TABLE post_search")
    migrator.remove_model("feed_token")
