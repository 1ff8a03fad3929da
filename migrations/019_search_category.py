"""Search on PostgreSQL: each indexed post carries its category as a plain column too, with a
btree index on (category, post), so a search within one category can walk that category's newest
posts and test each one's words, instead of intersecting the whole of a common word's entries in
the GIN index with the category's (121 ms for a common word in a small category at a million
posts; see forum/models/search.py). SQLite's FTS5 narrows by its tags already: nothing changes.
"""

import peewee as pw
from peewee_migrate import Migrator


def _is_postgres(database) -> bool:
    return isinstance(getattr(database, "obj", database), pw.PostgresqlDatabase)


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not _is_postgres(database):
        return
    migrator.sql("ALTER TABLE post_search ADD COLUMN category_id INTEGER")
    migrator.sql(
        "UPDATE post_search s SET category_id = t.category_id "
        "FROM post p JOIN thread t ON t.id = p.thread_id WHERE p.id = s.post_id"
    )
    migrator.sql("ALTER TABLE post_search ALTER COLUMN category_id SET NOT NULL")
    migrator.sql("CREATE INDEX post_search_category_post ON post_search (category_id, post_id)")
    # The planner chooses between the two indexes by how many rows each would read: it needs
    # the column's statistics before the first search, not after autovacuum gets to them.
    migrator.sql("ANALYZE post_search")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not _is_postgres(database):
        return
    migrator.sql("DROP INDEX post_search_category_post")
    migrator.sql("ALTER TABLE post_search DROP COLUMN category_id")
