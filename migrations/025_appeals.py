"""Statements of reasons and appeals: a decision beside each moderation action on a member's content
or account (which Charter clause, what was done, who started it, the content as it was, a reference),
and at most one appeal against each, with its outcome."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    LogEntry = migrator.orm["log_entry"]

    @migrator.create_model
    class Decision(pw.Model):
        id = pw.AutoField()
        entry = pw.ForeignKeyField(LogEntry, on_delete="RESTRICT", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        staff = pw.ForeignKeyField(Member, on_delete="RESTRICT", backref="+")
        action = pw.CharField(max_length=30)
        post_id = pw.IntegerField(null=True, index=True)
        thread_id = pw.IntegerField(null=True)
        group_id = pw.IntegerField(null=True)
        label = pw.CharField(max_length=150, default="")
        reason = pw.CharField(max_length=20, default="")
        clause = pw.TextField(default="")
        note = pw.TextField(default="")
        detail = pw.TextField(default="")
        started_by = pw.CharField(max_length=10, default="staff")
        by_lead = pw.BooleanField(default=False)
        content = pw.TextField(default="")
        reference = pw.CharField(max_length=12, unique=True)
        blocked_email = pw.CharField(max_length=254, default="")
        appeal_until = pw.DateTimeField()
        created_at = pw.DateTimeField(default=now)
        reversed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "decision"
            indexes = ((("member", "action"), False),)

    @migrator.create_model
    class Appeal(pw.Model):
        id = pw.AutoField()
        decision = pw.ForeignKeyField(Decision, unique=True, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        body = pw.TextField()
        support_request_id = pw.IntegerField(null=True, index=True)
        email = pw.CharField(max_length=254, default="")
        status = pw.CharField(max_length=10, default="waiting", index=True)
        created_at = pw.DateTimeField(default=now, index=True)
        decided_by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        decided_at = pw.DateTimeField(null=True)
        outcome = pw.TextField(default="")

        class Meta:
            table_name = "appeal"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("appeal")
    migrator.remove_model("decision")
