"""Moderation: the append-only log, staff notes, blocked emails, and suspensions on members."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    @migrator.create_model
    class LogEntry(pw.Model):
        id = pw.AutoField()
        staff = pw.ForeignKeyField(Member, on_delete="RESTRICT", backref="+")
        action = pw.CharField(max_length=30, index=True)
        target_type = pw.CharField(max_length=10)
        target_id = pw.IntegerField()
        target_label = pw.CharField(max_length=150, default="")
        thread_id = pw.IntegerField(null=True)
        reason = pw.CharField(max_length=20, default="")
        note = pw.TextField(default="")
        created_at = pw.DateTimeField(default=now, index=True)

        class Meta:
            table_name = "log_entry"
            indexes = ((("target_type", "target_id"), False),)

    @migrator.create_model
    class StaffNote(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE")
        staff = pw.ForeignKeyField(Member, on_delete="RESTRICT", backref="+")
        body = pw.TextField()
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "staff_note"

    @migrator.create_model
    class BlockedEmail(pw.Model):
        id = pw.AutoField()
        email = pw.CharField(max_length=254, unique=True)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "blocked_email"

    migrator.add_fields(
        "member",
        suspended_until=pw.DateTimeField(null=True),
        suspension_reason=pw.TextField(default=""),
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("member", "suspended_until", "suspension_reason")
    for table in ("blocked_email", "staff_note", "log_entry"):
        migrator.remove_model(table)
