"""Reminders: `flask --app forum events remind`, run by cron every few minutes, emails each member
going to an event a day before it starts and an hour before.

Idempotent: each reminder sent is a row (EventReminder: event, member, kind) written in the same
transaction as its email, under a unique index, so a second run, or two runs at once, send nothing
twice. A reminder is due in its window: the day's from 24 hours before the start until an hour
before (after that the hour's takes its place), the hour's from an hour before until the start.
Windows are counted in UTC, so a change of the clocks between the reminder and the event moves
neither; the email gives the time in the event's own zone, and says so when the clocks change in
between. Moving an event's start forgets the reminders sent (services/events.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, IntegrityError

from .. import policy
from ..links import path_for
from ..models import Member, utcnow
from ..models.db import db
from ..models.events import Attendance, Event, EventReminder
from . import notifying
from .event_calendars import email_attachment
from .event_details import local
from .events import email_context

WINDOWS = {
    # kind: (from this long before the start, until this long before it)
    "day": (timedelta(hours=24), timedelta(hours=1)),
    "hour": (timedelta(hours=1), timedelta(0)),
}
WORDS = {"day": "tomorrow", "hour": "within the hour"}


@dataclass
class Run:
    """What one run did: reminders due, and emails queued (a member who chose no event emails
    has the reminder marked as sent without one)."""

    due: int = 0
    queued: int = 0


def _due(kind: str, now: datetime):
    """(event, member) pairs whose `kind` reminder is due and not yet sent: one query."""
    earliest, latest = WINDOWS[kind]
    sent = EventReminder.alias()
    return (
        Attendance.select(Attendance, Event, Member)
        .join(Event, on=(Attendance.event == Event.id))
        .switch(Attendance)
        .join(Member, on=(Attendance.member == Member.id))
        .join(
            sent,
            JOIN.LEFT_OUTER,
            on=((sent.event == Attendance.event) & (sent.member == Attendance.member) & (sent.kind == kind)),
        )
        .where(
            (Attendance.status == "going")
            & (Event.status == "scheduled")
            & (Event.starts_at > now + latest)
            & (Event.starts_at <= now + earliest)
            & sent.id.is_null()
        )
        .order_by(Event.starts_at, Event.id, Attendance.id)
    )


def _clocks_change(event: Event, now: datetime) -> bool:
    """Whether the event's zone changes its clocks between now and the start."""
    return local(now, event.timezone).utcoffset() != local(event.starts_at, event.timezone).utcoffset()


def send_reminders(now: datetime | None = None) -> Run:
    """Queue the reminders that are due at `now` (naive UTC; default the present)."""
    now = now or utcnow()
    run = Run()
    events: dict[int, Event] = {}
    for kind in WINDOWS:
        for row in list(_due(kind, now)):
            event = events.get(row.event_id)
            if event is None:
                event = events[row.event_id] = Event.with_thread(row.event_id)
            member = row.member
            # Only those who may still see it: a member who left the group hears no more of it.
            if not policy.can(member, "list_event", event):
                continue
            run.due += 1
            with db.atomic():
                try:
                    with db.atomic():
                        EventReminder.create(event=event.id, member=member.id, kind=kind, sent_at=now)
                except IntegrityError:
                    continue  # another run sent it first
                if _remind(member, event, kind, now):
                    run.queued += 1
    return run


def _remind(member, event: Event, kind: str, now: datetime) -> bool:
    context = email_context(event, soon=WORDS[kind], clocks_change=_clocks_change(event, now))
    return notifying.email_only(
        member,
        "event",
        text=f"Reminder: “{event.title}” starts {WORDS[kind]}",
        link=path_for("events.event", event_id=event.id),
        email=notifying.Email(
            "event-reminder",
            f"Reminder: {event.title}",
            context,
            (email_attachment(event, with_link=True),),
        ),
    )
