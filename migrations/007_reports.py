"""Reports: members telling the team what breaks the Charter; trusted reporters."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    migrator.add_fields(
        "member", trusted=pw.BooleanField(default=False), report_count=pw.IntegerField(default=0)
    )

    @migrator.create_model
    class Report(pw.Model):
        id = pw.AutoField()
        reporter = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        target_type = pw.CharField(max_length=10)
        target_id = pw.IntegerField()
        subject = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        reason = pw.CharField(max_length=20)
        note = pw.TextField(default="")
        urgent = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="open")
        counted = pw.BooleanField(default=True)
        hid_target = pw.BooleanField(default=False)
        outcome_note = pw.TextField(default="")
        decided_by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        decided_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField(default=now)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "report"
            indexes = (
                (("reporter", "target_type", "target_id"), True),
                (("target_type", "target_id", "status"), False),
                (("status", "urgent", "created_at"), False),
                (("reporter", "created_at"), False),
            )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("report")
    migrator.remove_fields("member", "trusted", "report_count")
