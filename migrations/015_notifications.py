"""Notifications, each member's email choice per kind, and the unread count on the member."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    migrator.add_fields("member", unread_notifications=pw.IntegerField(default=0))

    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        recipient = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        actor = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        kind = pw.CharField(max_length=20)
        text = pw.CharField(max_length=300)
        link = pw.CharField(max_length=300)
        created_at = pw.DateTimeField(default=now)
        read_at = pw.DateTimeField(null=True)
        digest = pw.CharField(max_length=10, default="")

        class Meta:
            table_name = "notification"
            indexes = (
                (("recipient", "id"), False),
                (("digest", "created_at"), False),
            )

    @migrator.create_model
    class NotificationSetting(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        kind = pw.CharField(max_length=20)
        frequency = pw.CharField(max_length=12)

        class Meta:
            table_name = "notification_setting"
            indexes = ((("member", "kind"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("notification_setting")
    migrator.remove_model("notification")
    migrator.remove_fields("member", "unread_notifications")
