"""Staff insights (#26): library downloads were counted nowhere, so each resource gets a counter
that a download moves; and posts and threads get an index on when they were made, so the
insights page counts a period's posts by reading that period alone, not the whole table."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("resource", download_count=pw.IntegerField(default=0))
    migrator.add_index("post", "created_at")
    migrator.add_index("thread", "created_at")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index("thread", "created_at")
    migrator.drop_index("post", "created_at")
    migrator.remove_fields("resource", "download_count")
