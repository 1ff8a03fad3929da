"""The Directory of Members: profile and privacy fields, organisation pages, areas of expertise,
and contact requests."""

import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    now = datetime.datetime.utcnow
    Member = migrator.orm["member"]

    migrator.add_fields(
        "organisation",
        description_md=pw.TextField(default=""),
        description_html=pw.TextField(default=""),
        website=pw.CharField(max_length=200, default=""),
        region=pw.CharField(max_length=80, default=""),
        sector=pw.CharField(max_length=80, default=""),
    )
    migrator.add_fields(
        "member",
        bio_md=pw.TextField(default=""),
        bio_html=pw.TextField(default=""),
        website=pw.CharField(max_length=200, default=""),
        projects=pw.TextField(default=""),
        interests=pw.TextField(default=""),
        listed=pw.BooleanField(default=True),
        show_organisation=pw.BooleanField(default=True),
        show_region=pw.BooleanField(default=True),
        show_bio=pw.BooleanField(default=True),
        show_website=pw.BooleanField(default=True),
        contact_policy=pw.CharField(max_length=10, default="shared"),
        contact_note=pw.CharField(max_length=200, default=""),
        last_active_at=pw.DateTimeField(null=True, index=True),
    )
    # The directory's default order, by name whatever its case; an expression index, which both
    # SQLite and PostgreSQL understand in this spelling.
    migrator.sql("CREATE INDEX member_lower_name ON member (lower(name))")

    @migrator.create_model
    class Expertise(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=40)
        name_key = pw.CharField(max_length=40, unique=True)
        created_by = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
        created_at = pw.DateTimeField(default=now)

        class Meta:
            table_name = "expertise"

    @migrator.create_model
    class MemberExpertise(pw.Model):
        id = pw.AutoField()
        member = pw.ForeignKeyField(Member, on_delete="CASCADE")
        expertise = pw.ForeignKeyField(Expertise, on_delete="CASCADE")

        class Meta:
            table_name = "member_expertise"
            indexes = ((("member", "expertise"), True), (("expertise", "member"), False))

    @migrator.create_model
    class ContactRequest(pw.Model):
        id = pw.AutoField()
        sender = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        recipient = pw.ForeignKeyField(Member, on_delete="CASCADE", backref="+")
        purpose = pw.CharField(max_length=200)
        message = pw.TextField(default="")
        status = pw.CharField(max_length=10, default="pending")
        created_at = pw.DateTimeField(default=now)
        answered_at = pw.DateTimeField(null=True)
        reported_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "contact_request"
            indexes = (
                (("sender", "created_at"), False),
                (("recipient", "status", "created_at"), False),
                (("sender", "recipient", "status"), False),
            )

    # One open request per sender and recipient, even when two arrive at the same moment: a partial
    # unique index, written the same way for SQLite and PostgreSQL.
    migrator.sql(
        "CREATE UNIQUE INDEX contact_request_one_open ON contact_request (sender_id, recipient_id) "
        "WHERE status = 'pending'"
    )


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("contact_request", "member_expertise", "expertise"):
        migrator.remove_model(table)
    # On SQLite an indexed column can be dropped only after its index.
    migrator.sql("DROP INDEX member_lower_name")
    migrator.drop_index("member", "last_active_at")
    migrator.remove_fields(
        "member",
        "bio_md",
        "bio_html",
        "website",
        "projects",
        "interests",
        "listed",
        "show_organisation",
        "show_region",
        "show_bio",
        "show_website",
        "contact_policy",
        "contact_note",
        "last_active_at",
    )
    migrator.remove_fields(
        "organisation", "description_md", "description_html", "website", "region", "sector"
    )
