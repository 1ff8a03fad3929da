"""The outbox of emails, written in the same transaction as the change that caused each one."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class OutboxMessage(pw.Model):
        id = pw.AutoField()
        to_address = pw.CharField(max_length=320)
        subject = pw.TextField()
        body_text = pw.TextField()
        headers = pw.TextField(default="{}")
        kind = pw.CharField(max_length=40)
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField(null=True, default=datetime.datetime.utcnow, index=True)
        sent_at = pw.DateTimeField(null=True)
        last_error = pw.TextField(default="")

        class Meta:
            table_name = "outbox_message"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("outbox_message")
