"""A member's own controls: whom they muted, which threads they hid from their lists, and which
threads they watch (notifications read the watchers of a thread from here)."""

from peewee import DateTimeField, ForeignKeyField

from .base import BaseModel, utcnow
from .members import Member
from .threads import Thread


class Mute(BaseModel):
    """`member` no longer sees `muted`'s posts opened, their threads in lists, nor their contact
    requests. Neither side is told: only the muter ever reads these rows."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    muted = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "muted"), True), (("muted",), False))

    @classmethod
    def muted_ids(cls, member) -> set[int]:
        if not getattr(member, "is_authenticated", False):
            return set()
        return {row.muted_id for row in cls.select(cls.muted).where(cls.member == member.id)}


class HiddenThread(BaseModel):
    """A thread left out of one member's lists; they can still open it by its address."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    thread = ForeignKeyField(Thread, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "thread"), True),)


class Watch(BaseModel):
    """A member follows a thread: starting or replying to one watches it."""

    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    thread = ForeignKeyField(Thread, backref="+", on_delete="CASCADE")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        # The second index serves watchers_of(thread), the question notifications ask.
        indexes = ((("member", "thread"), True), (("thread",), False))


__all__ = ["HiddenThread", "Mute", "Watch"]
