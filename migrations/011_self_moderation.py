"""Self-moderation: mutes, threads hidden from one's lists, watched threads, and low-data mode."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    Thread = migrator.orm["thread"]

    @migrator.create_model
    class Mute(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        muted = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "mute"
            indexes = ((("member", "muted"), True), (("muted",), False))

    @migrator.create_model
    class HiddenThread(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        thread = pw.ForeignKeyField(Thread, on_delete="CASCADE", backref="+")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "hidden_thread"
            indexes = ((("member", "thread"), True),)

    @migrator.create_model
    class Watch(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        thread = pw.ForeignKeyField(Thread, on_delete="CASCADE", backref="+")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "watch"
            indexes = ((("member", "thread"), True), (("thread",), False))

    migrator.add_fields("member", low_data=pw.BooleanField(default=False))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("member", "low_data")
    migrator.remove_model("watch")
    migrator.remove_model("hidden_thread")
    migrator.remove_model("mute")
