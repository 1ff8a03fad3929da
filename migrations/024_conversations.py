"""Private conversations between members whose contact request was accepted: the conversation, each
member's side of it, the messages, and each member's unread total. Contact requests no longer
exchange email addresses unless each person chooses to share theirs; requests accepted before
this migration had already shown both addresses, so they keep them shown."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    migrator.add_fields("member", unread_messages=pw.IntegerField(default=0))
    ContactRequest = migrator.add_fields(
        "contact_request",
        sender_shares_email=pw.BooleanField(default=False),
        recipient_shares_email=pw.BooleanField(default=False),
    )

    def keep_addresses_shown():
        ContactRequest.update(sender_shares_email=True, recipient_shares_email=True).where(
            ContactRequest.status == "accepted"
        ).execute()

    migrator.run(keep_addresses_shown)

    @migrator.create_model
    class Conversation(pw.Model):
        id = pw.AutoField()
        first = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        second = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        message_count = pw.IntegerField(default=0)
        created_at = pw.DateTimeField(default=now)
        last_message_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "conversation"
            indexes = ((("first", "second"), True),)

    @migrator.create_model
    class Participant(pw.Model):
        id = pw.AutoField()
        conversation = pw.ForeignKeyField(Conversation, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        other = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        unread = pw.IntegerField(default=0)
        last_read = pw.IntegerField(default=0)
        left_at = pw.DateTimeField(null=True)
        blocked_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "participant"
            indexes = ((("member", "conversation"), True), (("conversation", "member"), True))

    @migrator.create_model
    class PrivateMessage(pw.Model):
        id = pw.AutoField()
        conversation = pw.ForeignKeyField(Conversation, on_delete="CASCADE", backref="+")
        author = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        number = pw.IntegerField()
        body_md = pw.TextField()
        body_html = pw.TextField()
        created_at = pw.DateTimeField(default=now)
        submission = pw.CharField(max_length=40, null=True)

        class Meta:
            table_name = "private_message"
            indexes = (
                (("conversation", "number"), True),
                (("author", "submission"), True),
                (("author", "created_at"), False),
            )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("private_message")
    migrator.remove_model("participant")
    migrator.remove_model("conversation")
    migrator.remove_fields("contact_request", "sender_shares_email", "recipient_shares_email")
    migrator.remove_fields("member", "unread_messages")
