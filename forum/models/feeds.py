"""Private feed addresses: one secret token per member, in the URL of the Atom feeds of
members-only categories and threads, for feed readers that cannot sign in. Revoking deletes it;
a new one is a new random value, so an old address never works again."""

from peewee import CharField, DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow
from .members import Member


class FeedToken(BaseModel):
    member = ForeignKeyField(Member, unique=True, on_delete="CASCADE")
    # Kept as given, not hashed: the member's settings show the address again whenever asked,
    # and it opens only what that member may read anyway.
    token = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
