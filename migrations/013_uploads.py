"""Uploaded images: photos in posts, avatars and organisation logos (the files live on disk)."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]
    Organisation = migrator.orm["organisation"]
    Post = migrator.orm["post"]

    @migrator.create_model
    class Upload(pw.Model):
        id = pw.AutoField()
        owner = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        kind = pw.CharField(max_length=10, default="post")
        post = pw.ForeignKeyField(Post, null=True, on_delete="CASCADE", backref="+")
        organisation = pw.ForeignKeyField(Organisation, null=True, on_delete="CASCADE", backref="+")
        name = pw.CharField(max_length=40, unique=True)
        extension = pw.CharField(max_length=5)
        width = pw.IntegerField()
        height = pw.IntegerField()
        thumb_width = pw.IntegerField()
        thumb_height = pw.IntegerField()
        size_bytes = pw.IntegerField()
        alt_text = pw.CharField(max_length=300)
        shows_others = pw.BooleanField(default=False)
        permission = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="visible")
        removed_by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        removed_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "upload"
            indexes = (
                (("post", "status"), False),
                (("owner", "kind", "status"), False),
                (("organisation", "kind", "status"), False),
            )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("upload")
