"""Lists of events and of the people coming: the Events page and a category's or group's events,
the home page's next few, the Atom feed of new events in public spaces, and who is going to one.
Every list starts from Event.visible_to (the one visibility rule) and costs a fixed number of
queries whatever its length."""

from dataclasses import dataclass, field
from datetime import datetime

from .. import policy
from ..errors import Invalid, NotFound
from ..models import Category, Member, Thread, utcnow
from ..models.events import Attendance, Event
from ..models.prepared import prepared
from . import categories

PER_PAGE = 30
ON_HOME_PAGE = 3


# -- who is coming -------------------------------------------------------------------------------


@dataclass
class People:
    """Who answered: for the organiser and staff, everyone going and the waiting list in order;
    for other members, the names of those going who chose to show them."""

    going: list = field(default_factory=list)
    waiting: list = field(default_factory=list)
    shown: list = field(default_factory=list)


def people(viewer, event: Event) -> People:
    """One query, whoever asks."""
    found = People()
    manages = policy.can(viewer, "manage_event", event)
    if not manages and not policy.can(viewer, "see_event_names", event):
        return found
    query = (
        Attendance.select(Attendance, Member.id, Member.name)
        .join(Member, on=(Attendance.member == Member.id))
        .where((Attendance.event == event.id) & Attendance.status.in_(("going", "waiting")))
        .order_by(Attendance.queued_at, Attendance.id)
    )
    if not manages:
        query = query.where((Attendance.status == "going") & (Attendance.show_name == True))  # noqa: E712
    for row in query:
        if row.status == "waiting":
            found.waiting.append(row)
        else:
            found.going.append(row)
            if row.show_name:
                found.shown.append(row)
    return found


# -- lists ---------------------------------------------------------------------------------------


@dataclass
class EventList:
    events: list
    # event id -> the viewer's answer, for the events shown.
    answers: dict
    next_cursor: str | None = None


def _cursor(text: str | None) -> tuple[datetime, int] | None:
    if not text:
        return None
    at_text, _, id_text = text.rpartition("_")
    try:
        at = datetime.fromisoformat(at_text).replace(tzinfo=None)
    except ValueError:
        at = None
    event_id = int(id_text) if id_text.isascii() and id_text.isdigit() and len(id_text) < 10 else 0
    if at is None or not event_id:
        raise Invalid("That page link is not valid. Start again from the first page.")
    return at, event_id


def events_page(viewer, *, past=False, category=None, group_id=None, after=None, limit=PER_PAGE, now=None):
    """A page of the events the viewer may see, upcoming (soonest first, those under way
    included) or past (latest first), in one category or group if asked: two queries (the events
    with their threads, categories and organisers; the viewer's answers), whatever its length.
    Pages go by keyset on (start, id): `after` is the cursor the previous page gave."""
    now = now or utcnow()
    query = Event.listing(policy.reading(viewer))
    if category is not None:
        # "+ 0", as in Event.visible_to: from the events, not from every thread of the category.
        query = query.where((Thread.category + 0) == category.id)
    if group_id is not None:
        query = query.where(Category.group == group_id)
    cursor = _cursor(after)
    if past:
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id.desc())
        if cursor:
            at, event_id = cursor
            query = query.where((Event.starts_at < at) | ((Event.starts_at == at) & (Event.id < event_id)))
    else:
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
        if cursor:
            at, event_id = cursor
            query = query.where((Event.starts_at > at) | ((Event.starts_at == at) & (Event.id > event_id)))
    rows = list(query.limit(limit + 1))
    shown = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = shown[-1]
        next_cursor = f"{last.starts_at.isoformat()}_{last.id}"
    return EventList(shown, Attendance.statuses_for(viewer, [e.id for e in shown]), next_cursor)


def next_events(viewer, limit: int = ON_HOME_PAGE) -> list[Event]:
    """The next few events the viewer may see that are not cancelled, for the home page: one query."""
    reading = policy.reading(viewer)

    def build(now):
        return (
            Event.listing(reading)
            .where((Event.ends_at > now) & (Event.status == "scheduled"))
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
        )

    # Prepared: peewee wrote this query's SQL (its visibility subquery) in far longer than SQLite
    # runs it, most of the home page's time (docs/performance.md).
    return prepared(("next events", reading, limit), build, utcnow())


def new_public_events(limit: int = PER_PAGE) -> list[Event]:
    """The newest events in public spaces, for the Atom feed: what a visitor may see."""
    return list(
        Event.listing(policy.reading(None)).order_by(Event.created_at.desc(), Event.id.desc()).limit(limit)
    )


def readable_group(viewer, group_slug: str):
    """The group whose events the viewer asks for; NotFound unless they may read one of its
    spaces (a group's events are as private as its space)."""
    from ..models import Group

    group = Group.by_slug(group_slug)
    if group is None or not any(c.group_id == group.id for c in categories.readable_categories(viewer)):
        raise NotFound("There is no such group, or it is not open to you.")
    return group


def export_for(member) -> dict:
    """My data: the events the member organised and their answers to events: two queries."""

    def when(at):
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    organised = Event.select().where(Event.organiser == member.id).order_by(Event.id)
    answers = (
        Attendance.select(Attendance, Event.id, Event.title, Event.starts_at)
        .join(Event, on=(Attendance.event == Event.id))
        .where(Attendance.member == member.id)
        .order_by(Attendance.id)
    )
    return {
        "organised": [
            {
                "id": e.id,
                "title": e.title,
                "description": e.description_md,
                "starts": when(e.starts_at),
                "ends": when(e.ends_at),
                "time_zone": e.timezone,
                "where": e.venue,
                "online_link": e.online_url,
                "places": e.capacity,
                "status": e.status,
                "created": when(e.created_at),
            }
            for e in organised
        ],
        "answers": [
            {
                "event": a.event.title,
                "event_id": a.event.id,
                "starts": when(a.event.starts_at),
                "answer": a.status,
                "name_shown": a.show_name,
                "answered": when(a.updated_at),
            }
            for a in answers
        ],
    }
