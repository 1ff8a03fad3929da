"""The outbox: every email the forum sends, kept after it is sent."""

import json

from peewee import CharField, DateTimeField, IntegerField, TextField

from .base import BaseModel, utcnow


class OutboxMessage(BaseModel):
    to_address = CharField(max_length=320)
    subject = TextField()
    body_text = TextField()
    # Extra headers as a JSON object (Reply-To, List-Unsubscribe, ...).
    headers = TextField(default="{}")
    # What caused it ("verify-email", "password-reset", ...), for reading the outbox.
    kind = CharField(max_length=40)
    created_at = DateTimeField(default=utcnow)
    attempts = IntegerField(default=0)
    # When the sender should next try; None once sent or given up, so the due messages
    # stay a short range of this index however many sent ones are kept.
    next_attempt_at = DateTimeField(null=True, default=utcnow, index=True)
    sent_at = DateTimeField(null=True)
    last_error = TextField(default="")
    # Files sent with it, as a JSON list of [filename, content type, text] (an event's .ics);
    # None for the many that have none.
    attachments = TextField(null=True)

    @property
    def extra_headers(self) -> dict[str, str]:
        return json.loads(self.headers or "{}")

    @property
    def attached(self) -> list[tuple[str, str, str]]:
        return [tuple(item) for item in json.loads(self.attachments or "[]")]

    @classmethod
    def due(cls, now, limit: int):
        """Messages whose time to be (re)tried has come, oldest first."""
        return (
            cls.select()
            .where(cls.next_attempt_at <= now, cls.sent_at.is_null())
            .order_by(cls.next_attempt_at, cls.id)
            .limit(limit)
        )
