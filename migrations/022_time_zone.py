"""Each member's own time zone (an IANA name such as America/New_York); "" follows the forum's
(FORUM_TIMEZONE)."""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields("member", time_zone=pw.CharField(max_length=64, default=""))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("member", "time_zone")
