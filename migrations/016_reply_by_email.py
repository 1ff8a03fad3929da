"""Reply by email: each member's switch and reply-address generation, and the messages received."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    Thread = migrator.orm["thread"]
    Post = migrator.orm["post"]

    migrator.add_fields(
        "member",
        reply_by_email=pw.BooleanField(default=True),
        reply_generation=pw.IntegerField(default=0),
    )

    @migrator.create_model
    class InboundMessage(pw.Model):
        id = pw.AutoField()
        message_key = pw.CharField(max_length=255, unique=True)
        via = pw.CharField(max_length=10)
        sender = pw.CharField(max_length=320, default="")
        recipient = pw.CharField(max_length=320, default="")
        member = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        thread = pw.ForeignKeyField(Thread, null=True, on_delete="SET NULL", backref="+")
        post = pw.ForeignKeyField(Post, null=True, on_delete="SET NULL", backref="+")
        outcome = pw.CharField(max_length=10, default="ignored")
        reason = pw.TextField(default="")
        received_at = pw.DateTimeField(default=now, index=True)
        raw = pw.BlobField(null=True)

        class Meta:
            table_name = "inbound_message"
            indexes = ((("member", "thread", "received_at"), False),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("inbound_message")
    migrator.remove_fields("member", "reply_by_email", "reply_generation")
