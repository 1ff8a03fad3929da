"""Events: meetings, webinars and workshops, each with its discussion thread, the places taken and
the waiting list, the reminders sent, and each member's private calendar address.

An event lives where its discussion thread lives: it has no category of its own, so staff moving
the thread move the event, and whoever may see the thread (Thread.visible_to, the one visibility
rule) may see the event. Every list of events starts from `Event.visible_to(reading)`.

Times are naive UTC, like every time the forum stores; `timezone` is the event's own zone (an
IANA name), in which the organiser gave its times and in which its emails and .ics files say them.
`going_count` is the number of places taken, moved only by conditional UPDATEs in the same
transaction as the attendance rows (services/event_places.py), so the database decides who gets
the last place.
"""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .members import Member
from .threads import Category, Thread

EVENT_STATUSES = ("scheduled", "cancelled")
# A member's answer: going (a place is theirs), waiting (on the waiting list), or declined.
ATTENDANCE_STATUSES = ("going", "waiting", "declined")
REMINDERS = ("day", "hour")
CAPACITY_MAX = 10_000


class Event(BaseModel):
    thread = ForeignKeyField(Thread, unique=True, backref="+", on_delete="CASCADE")
    organiser = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    title = CharField(max_length=150)
    description_md = TextField(default="")
    description_html = TextField(default="")
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    timezone = CharField(max_length=64)
    # Where: a venue and address, shown with the event; the online link only to those going.
    venue = TextField(default="")
    online_url = CharField(max_length=500, default="")
    capacity = IntegerField(null=True)
    going_count = IntegerField(default=0)
    waiting_count = IntegerField(default=0)
    status = CharField(max_length=10, default="scheduled")
    cancel_note = TextField(default="")
    # iCalendar: a UID that never changes, and a SEQUENCE raised by every change people see, so a
    # calendar that has the event replaces it rather than adding a second.
    uid = CharField(max_length=200, unique=True)
    sequence = IntegerField(default=0)
    # The form's key, so that pressing Create event twice makes one event.
    submission = CharField(max_length=40, null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("starts_at", "id"), False),
            (("ends_at",), False),
            (("organiser", "submission"), True),
        )

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.going_count >= self.capacity

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.going_count, 0)

    def ended(self, now=None) -> bool:
        return self.ends_at <= (now or utcnow())

    @classmethod
    def visible_to(cls, reading):
        """A condition on Event joined to its Thread: the events a reader may see in any list,
        feed or calendar, those whose discussion thread Thread.visible_to shows them."""
        return Thread.visible_to(reading, by_category=False)

    @classmethod
    def with_thread(cls, event_id: int):
        """The event with its thread and the thread's category (what the policy reads), and its
        organiser's id and name, in one query; None if there is none."""
        return (
            cls.select(cls, Thread, Category, Member.id, Member.name)
            .join(Thread, on=(cls.thread == Thread.id))
            .join(Category, on=(Thread.category == Category.id))
            .switch(cls)
            .join(Member, on=(cls.organiser == Member.id))
            .where(cls.id == event_id)
            .first()
        )

    @classmethod
    def listing(cls, reading):
        """Events a reader may see, each with its thread, category and organiser (id and name):
        one query for a whole page, to be narrowed and ordered by the caller."""
        return (
            cls.select(cls, Thread, Category, Member.id, Member.name)
            .join(Thread, on=(cls.thread == Thread.id))
            .join(Category, on=(Thread.category == Category.id))
            .switch(cls)
            .join(Member, on=(cls.organiser == Member.id))
            .where(cls.visible_to(reading))
        )


class Attendance(BaseModel):
    """One member's answer to one event. The waiting list is the `waiting` rows in `queued_at`
    order (then id): the first is moved up when a place frees."""

    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    status = CharField(max_length=10)
    # Whether other members may see the name among those going.
    show_name = BooleanField(default=True)
    queued_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("event", "member"), True),
            (("event", "status", "queued_at"), False),
            (("member", "status"), False),
        )

    @classmethod
    def statuses_for(cls, member, event_ids) -> dict[int, str]:
        """event id -> the member's answer, for the events on one page, in one query."""
        if not event_ids or not getattr(member, "is_authenticated", False):
            return {}
        rows = cls.select(cls.event, cls.status).where(
            (cls.member == member.id) & cls.event.in_(list(event_ids))
        )
        return {row.event_id: row.status for row in rows}


class EventReminder(BaseModel):
    """A reminder sent: one per goer per reminder (`kind` in REMINDERS), written in the same
    transaction as its email, so a second run of `flask events remind` sends nothing again. Moving
    an event's start clears them, so the reminders follow the new time."""

    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=4)
    sent_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "member", "kind"), True),)


class CalendarToken(BaseModel):
    """A member's private calendar address (the events they are going to), like the private
    feed tokens (models/feeds.py): a new one replaces the old, revoking deletes it."""

    member = ForeignKeyField(Member, unique=True, backref="+", on_delete="CASCADE")
    token = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
