"""The resource library: resources (each with its discussion thread, whose category is where it
lives), every version of their file, and their themes (the directory's areas of expertise)."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    Organisation = migrator.orm["organisation"]
    Thread = migrator.orm["thread"]
    Expertise = migrator.orm["expertise"]

    @migrator.create_model
    class Resource(pw.Model):
        id = pw.AutoField()
        owner = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        thread = pw.ForeignKeyField(Thread, null=True, unique=True, on_delete="CASCADE", backref="+")
        title = pw.CharField(max_length=150)
        summary = pw.TextField()
        organisation = pw.ForeignKeyField(Organisation, null=True, on_delete="SET NULL", backref="+")
        licence = pw.CharField(max_length=12)
        credit = pw.CharField(max_length=300)
        file_type = pw.CharField(max_length=8)
        size_bytes = pw.IntegerField()
        pages = pw.IntegerField(null=True)
        version_count = pw.IntegerField(default=1)
        file_text = pw.TextField(default="")
        text_status = pw.CharField(max_length=10, default="done")
        permission = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="visible")
        status_reason = pw.TextField(default="")
        removed_by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        removed_at = pw.DateTimeField(null=True)
        submission = pw.CharField(max_length=40, null=True, unique=True)
        created_at = pw.DateTimeField(default=now)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "resource"
            indexes = ((("owner", "status"), False), (("status", "id"), False))

    @migrator.create_model
    class ResourceVersion(pw.Model):
        id = pw.AutoField()
        resource = pw.ForeignKeyField(Resource, on_delete="CASCADE", backref="+")
        number = pw.IntegerField()
        name = pw.CharField(max_length=40, unique=True)
        original_name = pw.CharField(max_length=200)
        file_type = pw.CharField(max_length=8)
        size_bytes = pw.IntegerField()
        pages = pw.IntegerField(null=True)
        sha256 = pw.CharField(max_length=64, index=True)
        note = pw.CharField(max_length=300, default="")
        removed = pw.CharField(max_length=300, default="")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "resource_version"
            indexes = ((("resource", "number"), True),)

    @migrator.create_model
    class ResourceTheme(pw.Model):
        id = pw.AutoField()
        resource = pw.ForeignKeyField(Resource, on_delete="CASCADE", backref="+")
        expertise = pw.ForeignKeyField(Expertise, on_delete="CASCADE", backref="+")

        class Meta:
            table_name = "resource_theme"
            indexes = ((("resource", "expertise"), True), (("expertise", "resource"), False))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("resource_theme")
    migrator.remove_model("resource_version")
    migrator.remove_model("resource")
