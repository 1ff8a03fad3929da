"""Feeds: a revocable private feed token per member, for members-only Atom feeds."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


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


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("feed_token")
