"""Forum threads: categories, threads, posts, post revisions and reading positions."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    @migrator.create_model
    class Category(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=80)
        slug = pw.CharField(max_length=80, unique=True)
        description = pw.TextField(default="")
        position = pw.IntegerField(default=0)
        read_access = pw.CharField(max_length=10, default="public")
        post_access = pw.CharField(max_length=10, default="members")
        thread_count = pw.IntegerField(default=0)
        post_count = pw.IntegerField(default=0)
        last_post_at = pw.DateTimeField(null=True)
        last_thread_id = pw.IntegerField(null=True)
        last_thread_title = pw.CharField(max_length=150, default="")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "category"

    @migrator.create_model
    class Thread(pw.Model):
        id = pw.AutoField()
        category = pw.ForeignKeyField(Category, on_delete="CASCADE")
        author = pw.ForeignKeyField(Member, on_delete="CASCADE")
        title = pw.CharField(max_length=150)
        sharing = pw.CharField(max_length=10, default="credit")
        pinned = pw.BooleanField(default=False)
        locked = pw.BooleanField(default=False)
        status = pw.CharField(max_length=10, default="visible")
        post_count = pw.IntegerField(default=0)
        last_post_at = pw.DateTimeField(default=now)
        last_author = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "thread"
            indexes = (
                (("category", "pinned", "last_post_at", "id"), False),
                (("author", "created_at"), False),
            )

    @migrator.create_model
    class Post(pw.Model):
        id = pw.AutoField()
        thread = pw.ForeignKeyField(Thread, on_delete="CASCADE")
        author = pw.ForeignKeyField(Member, on_delete="CASCADE")
        number = pw.IntegerField()
        body_md = pw.TextField()
        body_html = pw.TextField()
        sharing = pw.CharField(max_length=10, null=True)
        interest = pw.CharField(max_length=300, default="")
        status = pw.CharField(max_length=10, default="visible")
        status_reason = pw.TextField(default="")
        revision = pw.IntegerField(default=1)
        edited_at = pw.DateTimeField(null=True)
        submission = pw.CharField(max_length=40, null=True)
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "post"
            indexes = (
                (("thread", "number"), True),
                (("author", "submission"), True),
                (("author", "created_at"), False),
            )

    @migrator.create_model
    class PostRevision(pw.Model):
        id = pw.AutoField()
        post = pw.ForeignKeyField(Post, on_delete="CASCADE")
        revision = pw.IntegerField()
        body_md = pw.TextField()
        body_html = pw.TextField()
        interest = pw.CharField(max_length=300, default="")
        created_at = pw.DateTimeField()
        replaced_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "post_revision"
            indexes = ((("post", "revision"), True),)

    @migrator.create_model
    class ReadState(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE")
        thread = pw.ForeignKeyField(Thread, on_delete="CASCADE")
        last_read = pw.IntegerField(default=0)
        updated_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "read_state"
            indexes = ((("member", "thread"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("read_state", "post_revision", "post", "thread", "category"):
        migrator.remove_model(table)
