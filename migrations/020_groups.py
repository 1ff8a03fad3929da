"""Groups: working groups and regional networks, each with a private space of its own (categories
whose `group` is set), their members and leads, requests to join and invitations; each member's
groups copied onto their row for the policy; log entries that happened in a group's space."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    @migrator.create_model
    class Group(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=80)
        name_key = pw.CharField(max_length=80, unique=True)
        slug = pw.CharField(max_length=80, unique=True)
        description = pw.TextField(default="")
        kind = pw.CharField(max_length=40, default="working group")
        listed = pw.BooleanField(default=True)
        join_rule = pw.CharField(max_length=10, default="request")
        member_count = pw.IntegerField(default=0)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "group"

    @migrator.create_model
    class GroupMember(pw.Model):
        id = pw.AutoField()
        group = pw.ForeignKeyField(Group, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        role = pw.CharField(max_length=10, default="member")
        joined_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "group_member"
            indexes = ((("group", "member"), True), (("member",), False))

    @migrator.create_model
    class GroupRequest(pw.Model):
        id = pw.AutoField()
        group = pw.ForeignKeyField(Group, on_delete="CASCADE", backref="+")
        member = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        kind = pw.CharField(max_length=12, default="request")
        status = pw.CharField(max_length=10, default="pending")
        note = pw.TextField(default="")
        by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        created_at = pw.DateTimeField(default=now)
        decided_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "group_request"
            indexes = ((("group", "status", "created_at"), False), (("member", "status"), False))

    migrator.add_fields(
        "category", group=pw.ForeignKeyField(Group, null=True, on_delete="RESTRICT", backref="+")
    )
    migrator.add_fields(
        "member", group_roles=pw.TextField(default=""), show_groups=pw.BooleanField(default=True)
    )
    migrator.add_fields("log_entry", group_id=pw.IntegerField(null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields("log_entry", "group_id")
    migrator.remove_fields("member", "group_roles", "show_groups")
    migrator.remove_fields("category", "group")
    migrator.remove_model("group_request")
    migrator.remove_model("group_member")
    migrator.remove_model("group")
