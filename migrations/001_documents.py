"""The versioned Charter, Code of Conduct and Website Terms."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class DocumentVersion(pw.Model):
        id = pw.AutoField()
        document = pw.CharField(max_length=40)
        version = pw.IntegerField()
        body_md = pw.TextField()
        body_html = pw.TextField()
        summary = pw.TextField(default="")
        published_at = pw.DateTimeField(default=datetime.datetime.utcnow)

        class Meta:
            table_name = "document_version"
            indexes = ((("document", "version"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("document_version")
