"""Accounts: organisations, members, their acceptances of the Charter, and emailed tokens."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Organisation(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=120)
        name_key = pw.CharField(max_length=120, unique=True)
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "organisation"

    @migrator.create_model
    class Member(pw.Model):
        id = pw.AutoField()
        email = pw.CharField(max_length=254, unique=True)
        name = pw.CharField(max_length=80)
        password_hash = pw.CharField(max_length=255)
        role = pw.CharField(max_length=10, default="member")
        status = pw.CharField(max_length=10, default="applicant", index=True)
        organisation = pw.ForeignKeyField(Organisation, null=True, on_delete="SET NULL")
        job_title = pw.CharField(max_length=120, default="")
        region = pw.CharField(max_length=80, default="")
        application_note = pw.TextField(default="")
        email_verified_at = pw.DateTimeField(null=True)
        reviewed_at = pw.DateTimeField(null=True)
        review_reason = pw.TextField(default="")
        session_token = pw.CharField(max_length=64)
        accepted_versions = pw.TextField(default="{}")
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "member"

    @migrator.create_model
    class Acceptance(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE")
        document = pw.CharField(max_length=40)
        version = pw.IntegerField()
        accepted_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "acceptance"
            indexes = ((("member", "document", "version"), True),)

    @migrator.create_model
    class AccountToken(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE")
        purpose = pw.CharField(max_length=20)
        token_hash = pw.CharField(max_length=64, unique=True)
        new_email = pw.CharField(max_length=254, default="")
        created_at = pw.DateTimeField(default=datetime.datetime.utcnow)
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "account_token"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("account_token", "acceptance", "member", "organisation"):
        migrator.remove_model(table)
