"""Email received for reply by email: each message as it came, what became of it, and for how
long its raw text is kept (FORUM_INBOUND_RETENTION_DAYS, then `flask mail purge-inbound`)."""

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .members import Member
from .posts import Post
from .threads import Thread

# What became of a message: a post, a refusal (the member was told why, when there was a member
# to tell), or ignored (auto-replies, bounces: never answered, so no mail loop can start).
OUTCOMES = ("posted", "refused", "ignored")


class InboundMessage(BaseModel):
    # The Message-ID (or a hash of the message when it has none): unique, so the same message
    # delivered twice, by a retrying relay or by SMTP and IMAP both, is handled once.
    message_key = CharField(max_length=255, unique=True)
    via = CharField(max_length=10)
    sender = CharField(max_length=320, default="")
    recipient = CharField(max_length=320, default="")
    member = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    thread = ForeignKeyField(Thread, null=True, backref="+", on_delete="SET NULL")
    post = ForeignKeyField(Post, null=True, backref="+", on_delete="SET NULL")
    outcome = CharField(max_length=10, default="ignored")
    reason = TextField(default="")
    received_at = DateTimeField(default=utcnow, index=True)
    # The message as it came, for staff looking into a report; None once purged.
    raw = BlobField(null=True)

    class Meta:
        indexes = ((("member", "thread", "received_at"), False),)

    @classmethod
    def recent_for(cls, member_id: int, thread_id: int, since) -> int:
        """How many messages came for one reply address since `since` (the flood limit)."""
        return (
            cls.select()
            .where((cls.member == member_id) & (cls.thread == thread_id) & (cls.received_at >= since))
            .count()
        )


__all__ = ["OUTCOMES", "InboundMessage"]
