"""Requests to the team (Contact the team), with staff answers and internal notes."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    @migrator.create_model
    class SupportRequest(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        email = pw.CharField(max_length=254)
        topic = pw.CharField(max_length=20, index=True)
        message = pw.TextField()
        link = pw.CharField(max_length=500, default="")
        status = pw.CharField(max_length=10, default="new", index=True)
        admins_only = pw.BooleanField(default=False)
        assigned_to = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        created_at = pw.DateTimeField(default=now, index=True)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "support_request"

    @migrator.create_model
    class SupportReply(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(SupportRequest, on_delete="CASCADE", backref="replies")
        author = pw.ForeignKeyField(Member, on_delete="RESTRICT", backref="+")
        body = pw.TextField()
        internal = pw.BooleanField(default=False)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "support_reply"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("support_reply")
    migrator.remove_model("support_request")
