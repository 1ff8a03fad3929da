"""Search: each indexed post also carries its category, author and month as tags, so the
full-text index itself narrows a search to one category, author or date range instead of reading
every match of the words and then throwing most of them away (see forum/models/search.py).

SQLite: the FTS5 table gains a third column, `tags` ("c<category id> a<author id> m<YYYYMM>");
FTS5 cannot add a column, so the table is made again and filled from the posts.
PostgreSQL: the tags are lexemes ("#c<id>", "#a<id>", "#m<YYYYMM>") added to each post's
tsvector; no word a person types can become one, as the parser drops the "#".
"""

import peewee as pw
from peewee_migrate import Migrator


def _is_postgres(database) -> bool:
    return isinstance(getattr(database, "obj", database), pw.PostgresqlDatabase)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if _is_postgres(database):
        migrator.sql(
            "UPDATE post_search s SET document = s.document || "
            "array_to_tsvector(ARRAY['#c' || t.category_id, '#a' || p.author_id, "
            "'#m' || to_char(p.created_at, 'YYYYMM')]) "
            "FROM post p JOIN thread t ON t.id = p.thread_id WHERE p.id = s.post_id"
        )
        return
    migrator.sql("DROP TABLE post_search")
    migrator.sql(
        "CREATE VIRTUAL TABLE post_search USING fts5("
        "title, body, tags, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    migrator.sql(
        "INSERT INTO post_search (rowid, title, body, tags) "
        "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md, "
        "'c' || t.category_id || ' a' || p.author_id || ' m' || strftime('%Y%m', p.created_at) "
        "FROM post p JOIN thread t ON t.id = p.thread_id "
        "WHERE p.status = 'visible' AND t.status <> 'removed'"
    )
    # One segment instead of the many a bulk fill leaves: every search reads each segment.
    migrator.sql("INSERT INTO post_search (post_search) VALUES ('optimize')")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if _is_postgres(database):
        migrator.sql(
            "UPDATE post_search SET document = ts_delete(document, "
            "ARRAY(SELECT lexeme FROM unnest(document) WHERE lexeme LIKE '#%'))"
        )
        return
    migrator.sql("DROP TABLE post_search")
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
