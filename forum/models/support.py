"""Requests to the team: from the Contact the team form, answered from the team's inbox."""

import peewee as pw

from .base import BaseModel, utcnow
from .members import Member

TOPICS = {
    "charter": "A question about the Charter",
    "complaint_member": "A complaint about a member",
    "complaint_staff": "A complaint about a staff action",
    "appeal": "An appeal against a moderation decision",
    "account": "A problem with my account",
    "accessibility": "An accessibility problem",
    "other": "Something else",
}
STATUSES = {
    "new": "New",
    "waiting": "Waiting for member",
    "answered": "Answered",
    "closed": "Closed",
}


class SupportRequest(BaseModel):
    id = pw.AutoField()
    # The member who wrote, or None for a visitor (who gives an email address).
    member = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
    email = pw.CharField(max_length=254)
    topic = pw.CharField(max_length=20, index=True)
    message = pw.TextField()
    link = pw.CharField(max_length=500, default="")
    status = pw.CharField(max_length=10, default="new", index=True)
    # A complaint about staff is for admins only.
    admins_only = pw.BooleanField(default=False)
    assigned_to = pw.ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
    created_at = pw.DateTimeField(default=utcnow, index=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "support_request"

    @property
    def reference(self) -> str:
        return f"REQ-{self.id:05d}"

    @property
    def topic_label(self) -> str:
        return TOPICS.get(self.topic, self.topic)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class SupportReply(BaseModel):
    """A staff answer (sent to the sender) or an internal note (staff only)."""

    id = pw.AutoField()
    request = pw.ForeignKeyField(SupportRequest, on_delete="CASCADE", backref="replies")
    author = pw.ForeignKeyField(Member, on_delete="RESTRICT", backref="+")
    body = pw.TextField()
    internal = pw.BooleanField(default=False)
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        table_name = "support_reply"
