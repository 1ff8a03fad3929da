"""Events: each event with its discussion thread, the members' answers (going, waiting, declined),
the reminders sent, each member's private calendar address; and attachments on outbox emails (an
event's .ics), nullable so that adding it leaves the outbox table as it is."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    Thread = migrator.orm["thread"]

    @migrator.create_model
    class Event(pw.Model):
        id = pw.AutoField()
        thread = pw.ForeignKeyField(Thread, unique=True, on_delete="CASCADE", backref="+")
        organiser = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        title = pw.CharField(max_length=150)
        description_md = pw.TextField(default="")
        description_html = pw.TextField(default="")
        starts_at = pw.DateTimeField()
        ends_at = pw.DateTimeField()
        timezone = pw.CharField(max_length=64)
        venue = pw.TextField(default="")
        online_url = pw.CharField(max_length=500, default="")
        capacity = pw.IntegerField(null=True)
        going_count = pw.IntegerField(default=0)
        waiting_count = pw.IntegerField(default=0)
        status = pw.CharField(max_length=10, default="scheduled")
        cancel_note = pw.TextField(default="")
        uid = pw.CharField(max_length=200, unique=True)
        sequence = pw.IntegerField(default=0)
        submission = pw.CharField(max_length=40, null=True)
        created_at = pw.DateTimeField(default=now)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "event"
            indexes = (
                (("starts_at", "id"), False),
                (("ends_at",), False),
                (("organiser", "submission"), True),
            )

    @migrator.create_model
    class Attendance(pw.Model):
        id = pw.AutoField()
        event = pw.ForeignKeyField(Event, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        status = pw.CharField(max_length=10)
        show_name = pw.BooleanField(default=True)
        queued_at = pw.DateTimeField(default=now)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "attendance"
            indexes = (
                (("event", "member"), True),
                (("event", "status", "queued_at"), False),
                (("member", "status"), False),
            )

    @migrator.create_model
    class EventReminder(pw.Model):
        id = pw.AutoField()
        event = pw.ForeignKeyField(Event, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        kind = pw.CharField(max_length=4)
        sent_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "event_reminder"
            indexes = ((("event", "member", "kind"), True),)

    @migrator.create_model
    class CalendarToken(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, unique=True, on_delete="CASCADE", backref="+")
        token = pw.CharField(max_length=64, unique=True)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "calendar_token"

    migrator.add_fields("outbox_message", attachments=pw.TextField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("outbox_message", "attachments")
    migrator.remove_model("calendar_token")
    migrator.remove_model("event_reminder")
    migrator.remove_model("attendance")
    migrator.remove_model("event")
