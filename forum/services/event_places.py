"""Going, not going, and the waiting list.

The database decides who gets a place. Every change to an event's places runs in one transaction
that first takes the event's row lock (PostgreSQL; SQLite writes one transaction at a time), and
a place is taken only by a conditional UPDATE of the event's counter (`going_count < capacity`),
so two members answering Going for the last place at once get one place and one spot on the
waiting list, never two places; and two places freed at once move up two different people. Each
member has one answer per event (a unique index), so answering twice cannot count twice.
"""

from dataclasses import dataclass, field

from peewee import IntegrityError

from .. import policy
from ..errors import Conflict
from ..links import path_for
from ..models import utcnow
from ..models.db import db
from ..models.events import Attendance, Event
from . import notifying
from .events import email_context, lock

CANCELLED = "This event is cancelled: nobody can go to it."
OVER = "This event is over."


@dataclass
class Answer:
    """What answering did: the member's status now ("going", "waiting" or "declined"), what it
    was before, and the ids of members moved up from the waiting list by it."""

    status: str
    before: str | None = None
    moved_up: list = field(default_factory=list)


def _take_place(event_id: int) -> bool:
    """One more place taken, if the event is on and has one free: the database's answer."""
    return bool(
        Event.update(going_count=Event.going_count + 1)
        .where(
            (Event.id == event_id)
            & (Event.status == "scheduled")
            & (Event.capacity.is_null() | (Event.going_count < Event.capacity))
        )
        .execute()
    )


def attend(member, event: Event, show_name: bool = True) -> Answer:
    """Going: a place if there is one, else a place on the waiting list."""
    policy.require(member, "attend_event", event, "Only members in good standing can go to events.")
    now = utcnow()
    try:
        with db.atomic():
            lock(event.id)
            current = Event.get_by_id(event.id)
            if current.cancelled:
                raise Conflict(CANCELLED)
            if current.ended(now):
                raise Conflict(OVER)
            row = Attendance.get_or_none((Attendance.event == event.id) & (Attendance.member == member.id))
            before = row.status if row else None
            if before == "going":
                raise Conflict("You are already going to this event.")
            if before == "waiting":
                raise Conflict(
                    "You are already on the waiting list: you will be emailed if a place frees up."
                )
            status = "going" if _take_place(event.id) else "waiting"
            if status == "waiting":
                Event.update(waiting_count=Event.waiting_count + 1).where(Event.id == event.id).execute()
            values = {"status": status, "show_name": bool(show_name), "queued_at": now, "updated_at": now}
            if row is None:
                Attendance.create(event=event.id, member=member.id, **values)
            else:
                Attendance.update(**values).where(Attendance.id == row.id).execute()
    except IntegrityError:
        # Two answers from the same member at once: the unique (event, member) let one through.
        raise Conflict("You answered this event twice at once: reload the page to see your answer.") from None
    return Answer(status, before)


def decline(member, event: Event) -> Answer:
    """Not going: a place given up frees it for the first on the waiting list, who is moved up
    and emailed; a place on the waiting list is given up. A member who never answered says so."""
    policy.require(member, "read_event", event, "There is no such event, or it is not open to you.")
    if not policy.is_reading_member(member):
        raise Conflict("Only members can answer events.")
    now = utcnow()
    with db.atomic():
        lock(event.id)
        row = Attendance.get_or_none((Attendance.event == event.id) & (Attendance.member == member.id))
        before = row.status if row else None
        if before == "going":
            Event.update(going_count=Event.going_count - 1).where(
                (Event.id == event.id) & (Event.going_count > 0)
            ).execute()
        elif before == "waiting":
            Event.update(waiting_count=Event.waiting_count - 1).where(
                (Event.id == event.id) & (Event.waiting_count > 0)
            ).execute()
        if row is None:
            Attendance.create(
                event=event.id, member=member.id, status="declined", queued_at=now, updated_at=now
            )
        elif before != "declined":
            Attendance.update(status="declined", updated_at=now).where(Attendance.id == row.id).execute()
        moved = move_up(Event.with_thread(event.id)) if before == "going" else []
    return Answer("declined", before, moved)


def move_up(event: Event) -> list[int]:
    """Give each free place to the first on the waiting list, in turn, and tell each of them;
    call it inside the transaction that freed the places (after the event's row lock). Returns
    the ids of those moved up."""
    if event.cancelled or event.ended():
        return []
    moved = []
    while True:
        first = (
            Attendance.select(Attendance.id, Attendance.member)
            .where((Attendance.event == event.id) & (Attendance.status == "waiting"))
            .order_by(Attendance.queued_at, Attendance.id)
            .first()
        )
        if first is None or not _take_place(event.id):
            break
        Event.update(waiting_count=Event.waiting_count - 1).where(
            (Event.id == event.id) & (Event.waiting_count > 0)
        ).execute()
        Attendance.update(status="going", updated_at=utcnow()).where(Attendance.id == first.id).execute()
        moved.append(first.member_id)
    if moved:
        _tell_moved_up(event, moved)
    return moved


def _tell_moved_up(event: Event, member_ids: list[int]) -> None:
    from .event_calendars import email_attachment

    notifying.notify(
        "event",
        member_ids,
        text=f"A place is yours at “{event.title}”",
        link=path_for("events.event", event_id=event.id),
        thread=event.thread,
        email=notifying.Email(
            "event-place",
            f"A place is yours: {event.title}",
            email_context(event),
            (email_attachment(event, with_link=True),),
        ),
    )
