"""Events: creating, changing and cancelling them, loading one for a viewer, and the lists of
them (the Events page, a category's or group's events, the home page's next few, the Atom feed of
new events in public spaces).

An event lives in a category, a group's space included, through its discussion thread: the thread
is started with the event (posting.start_thread, so whoever may start a thread there may create an
event there), its opening post carries the description and a link to the event, and search finds
the event through it. Who may see an event is who may see that thread (Event.visible_to, the one
visibility rule), in lists and on its page alike.

Times come in as the organiser wrote them, in the event's own time zone, and are stored as naive
UTC; pages show them with the forum's time helpers, emails and .ics files in the event's zone.
Going, the waiting list and reminders are in event_places.py and event_reminders.py; the .ics files
and calendar addresses in event_calendars.py.
"""

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_url, path_for
from ..models import Category, Member, Post, Thread, utcnow
from ..models.db import db
from ..models.events import CAPACITY_MAX, Attendance, Event, EventReminder
from ..models.search import refresh_posts
from . import categories, notifying, posting
from .text import render_markdown

NO_SUCH_EVENT = "There is no such event, or it is not open to you."
DESCRIPTION_MAX = 10_000
VENUE_MAX = 500
URL_MAX = 500
NOTE_MAX = 2_000
# How far ahead an event may be planned, and how long one may last.
FURTHEST = timedelta(days=5 * 366)
LONGEST = timedelta(days=31)
PER_PAGE = 30
ON_HOME_PAGE = 3
TIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


# -- times ---------------------------------------------------------------------------------------


def default_timezone() -> str:
    """The forum's own zone (FORUM_TIMEZONE, once the forum has it), else Europe/London."""
    return current_app.config.get("TIMEZONE") or "Europe/London"


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(at: datetime, timezone: str) -> datetime:
    """A stored (naive UTC) time as it reads in `timezone`."""
    return at.replace(tzinfo=UTC).astimezone(zone(timezone))


def in_zone(at: datetime, timezone: str) -> str:
    """ "Sunday 30 March 2025, 10:00 BST": a stored time as the event's own zone reads it, for
    emails and beside the reader's own time on the event's page."""
    return f"{local(at, timezone):%A %-d %B %Y, %H:%M %Z}"


def input_value(at: datetime | None, timezone: str) -> str:
    """A stored time as the form's Starts and Ends fields show it (datetime-local)."""
    return f"{local(at, timezone):%Y-%m-%dT%H:%M}" if at else ""


def _clean_timezone(name) -> str:
    name = (name or "").strip() or default_timezone()
    if len(name) > 64 or name not in _zones():
        raise Invalid(
            "Choose a time zone by its name, like Europe/London or America/New_York.", field="timezone"
        )
    return name


def _zones() -> frozenset[str]:
    zones = current_app.extensions.get("forum_time_zones")
    if zones is None:
        zones = current_app.extensions["forum_time_zones"] = frozenset(available_timezones())
    return zones


def _parse_local(value, timezone: str, field_name: str, label: str) -> datetime:
    """A time the organiser wrote in the event's zone, as naive UTC. A time the clocks skip (the
    hour lost when summer time starts) is refused; of a time that happens twice (the hour when it
    ends) the first is meant."""
    if isinstance(value, datetime):
        written = value.replace(tzinfo=None)
    else:
        text = " ".join(str(value or "").split())
        if not text:
            raise Invalid(f"Give the date and time it {label}.", field=field_name)
        for pattern in TIME_FORMATS:
            try:
                written = datetime.strptime(text[:19], pattern)
                break
            except ValueError:
                continue
        else:
            raise Invalid(
                f"Write the time it {label} as a date and time, like 2030-06-21 18:30.", field=field_name
            )
    aware = written.replace(tzinfo=zone(timezone))
    utc = aware.astimezone(UTC)
    if utc.astimezone(zone(timezone)).replace(tzinfo=None) != written:
        raise Invalid(
            f"{written:%H:%M} on {written:%-d %B %Y} does not exist in {timezone}: the clocks go forward "
            "then. Choose another time.",
            field=field_name,
        )
    return utc.replace(tzinfo=None)


# -- checking what the organiser wrote ----------------------------------------------------------


@dataclass
class Details:
    """An event's fields, checked: what creating and changing one write."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue: str
    online_url: str
    capacity: int | None


def _clean_capacity(value) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "")
    number = int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1
    if not 1 <= number <= CAPACITY_MAX:
        raise Invalid(
            f"Places is a whole number from 1 to {CAPACITY_MAX:,}, or empty when there is no limit.",
            field="capacity",
        )
    return number


def _clean_url(value) -> str:
    url = (value or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        raise Invalid(
            "Give the online link as a full web address starting with https://.", field="online_url"
        )
    return url


def _text(value, limit: int, field_name: str, what: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise Invalid(
            f"Use at most {limit:,} characters for {what}; this has {len(text):,}.", field=field_name
        )
    return text


def _clean_title(value) -> str:
    title = " ".join((value or "").split())
    if not 3 <= len(title) <= 150:
        raise Invalid("A title needs between 3 and 150 characters.", field="title")
    return title


def clean(data: dict, now: datetime, event: Event | None = None) -> Details:  # noqa: C901 (one check a field)
    """The fields checked in the order of the form, each refusal beside its field. A change
    that keeps the start as it was may keep a start already past; a new start must be ahead."""
    title = _clean_title(data.get("title"))
    description = _text(data.get("description"), DESCRIPTION_MAX, "description", "the description")
    timezone = _clean_timezone(data.get("timezone"))
    starts_at = _parse_local(data.get("starts"), timezone, "starts", "starts")
    ends_at = _parse_local(data.get("ends"), timezone, "ends", "ends")
    moved = event is None or starts_at != event.starts_at
    if moved and starts_at <= now:
        raise Invalid("The start is in the past: choose a time still to come.", field="starts")
    if starts_at > now + FURTHEST:
        raise Invalid("Choose a start within the next five years.", field="starts")
    if ends_at <= starts_at:
        raise Invalid("The end must come after the start.", field="ends")
    if ends_at - starts_at > LONGEST:
        raise Invalid(f"An event can last at most {LONGEST.days} days.", field="ends")
    venue = _text(data.get("venue"), VENUE_MAX, "venue", "where it is")
    online_url = _clean_url(data.get("online_url"))
    if not venue and not online_url:
        raise Invalid(
            "Say where it happens: a venue and its address, an online link, or both.", field="venue"
        )
    capacity = _clean_capacity(data.get("capacity"))
    return Details(title, description, starts_at, ends_at, timezone, venue, online_url, capacity)


# -- loading -------------------------------------------------------------------------------------


def readable_event(viewer, event_id: int) -> Event:
    """The event with its thread, category and organiser, and what the viewer answered as
    `viewer_status` (None for no answer); NotFound, as for one that does not exist, when the
    viewer may not see it."""
    event = Event.with_thread(event_id)
    if event is None or not policy.can(viewer, "read_event", event):
        raise NotFound(NO_SUCH_EVENT)
    event.viewer_status = Attendance.statuses_for(viewer, [event.id]).get(event.id)
    return event


def spaces_for(member) -> list[Category]:
    """The categories and group spaces where the member may create events, in the forum's order."""
    return [c for c in categories.readable_categories(member) if policy.can(member, "create_event", c)]


def space_for(member, category_id) -> Category:
    """A category the member may create an event in, by id; else a refusal beside the field."""
    found = next((c for c in spaces_for(member) if c.id == category_id), None)
    if found is None:
        raise Invalid("Choose a category or group where you may start threads.", field="category")
    return found


# -- the discussion thread's opening post -------------------------------------------------------


def _opening(title: str, description: str, event_id: int | None, starts_at, timezone: str) -> str:
    link = f"[{title}]({path_for('events.event', event_id=event_id)})" if event_id else f"**{title}**"
    line = (
        f"**Event:** {link}, {in_zone(starts_at, timezone)}. Going, places and the calendar file are on "
        "the event's page; this thread is for talking about it."
    )
    return f"{description}\n\n{line}" if description else line


def _write_opening(event: Event) -> None:
    """The opening post and the thread's title follow the event's description and title (the
    search index with them)."""
    message = _opening(event.title, event.description_md, event.id, event.starts_at, event.timezone)
    Post.update(body_md=message, body_html=render_markdown(posting.link_mentions(message))).where(
        (Post.thread == event.thread_id) & (Post.number == 1)
    ).execute()
    Thread.update(title=event.title).where(Thread.id == event.thread_id).execute()
    first = Post.select(Post.id).where((Post.thread == event.thread_id) & (Post.number == 1)).first()
    if first is not None:
        refresh_posts([first.id])


# -- creating, changing, cancelling --------------------------------------------------------------


def _new_uid() -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"event-{uuid.uuid4()}@{host}"


def _submission(data: dict) -> str | None:
    value = data.get("submission") or ""
    return value if posting.SUBMISSION.fullmatch(value) else None


def create_event(member, category, data: dict) -> Event:
    """A new event in `category` (a group's space included) with its discussion thread; members
    of a group are told of a new event in its space. The same form sent twice makes one event."""
    policy.require(member, "create_event", category, "You can't create events here.")
    details = clean(data, utcnow())
    submission = _submission(data)
    try:
        with db.atomic():
            if submission:
                existing = Event.get_or_none(
                    (Event.organiser == member.id) & (Event.submission == submission)
                )
                if existing is not None:
                    return existing
            message = _opening(details.title, details.description, None, details.starts_at, details.timezone)
            post = posting.start_thread(member, category, {"title": details.title, "message": message})
            event = Event.create(
                thread=post.thread_id,
                organiser=member.id,
                title=details.title,
                description_md=details.description,
                description_html=render_markdown(posting.link_mentions(details.description)),
                starts_at=details.starts_at,
                ends_at=details.ends_at,
                timezone=details.timezone,
                venue=details.venue,
                online_url=details.online_url,
                capacity=details.capacity,
                uid=_new_uid(),
                submission=submission,
            )
            _write_opening(event)
            if category.group_id is not None:
                _tell_group(member, event, category)
    except IntegrityError:
        # The same form sent twice at once: the unique (organiser, submission) let one through.
        existing = submission and Event.get_or_none(
            (Event.organiser == member.id) & (Event.submission == submission)
        )
        if not existing:
            raise
        return existing
    return event


def _tell_group(member, event, category) -> None:
    from ..models import GroupMember

    members = GroupMember.select(GroupMember.member).where(GroupMember.group == category.group_id)
    event.thread = Thread.with_category(event.thread_id)
    from .event_calendars import email_attachment

    notifying.notify(
        "event",
        members,
        actor=member,
        text=f"{member.name} planned “{event.title}” in {category.name}",
        link=path_for("events.event", event_id=event.id),
        thread=event.thread,
        email=notifying.Email(
            "event-new",
            f"New event: {event.title}",
            _email_context(event),
            (email_attachment(event, with_link=False),),
        ),
    )


def _email_context(event, **extra) -> dict:
    return {
        "event": event,
        "when": in_zone(event.starts_at, event.timezone),
        "until": in_zone(event.ends_at, event.timezone),
        "event_url": absolute_url("events.event", event_id=event.id),
        **extra,
    }


def _lock(event_id: int) -> None:
    """Take the event's row lock (PostgreSQL; SQLite writes one transaction at a time), so that
    changes to its places and details happen one after another."""
    if getattr(db.obj, "for_update", False):
        list(Event.select(Event.id).where(Event.id == event_id).for_update())


def _changes(event: Event, details: Details) -> list[str]:
    """What a change does, in words for the people going."""
    lines = []
    if details.title != event.title:
        lines.append(f"Title: now “{details.title}” (was “{event.title}”)")
    if (details.starts_at, details.timezone) != (event.starts_at, event.timezone):
        lines.append(
            f"Starts: now {in_zone(details.starts_at, details.timezone)} "
            f"(was {in_zone(event.starts_at, event.timezone)})"
        )
    if (details.ends_at, details.timezone) != (event.ends_at, event.timezone):
        lines.append(
            f"Ends: now {in_zone(details.ends_at, details.timezone)} "
            f"(was {in_zone(event.ends_at, event.timezone)})"
        )
    if details.venue != event.venue:
        lines.append(f"Where: now {details.venue or 'online only'} (was {event.venue or 'online only'})")
    if details.online_url != event.online_url:
        lines.append(
            "Online link: " + ("changed (see the event's page)" if details.online_url else "removed")
        )
    if details.capacity != event.capacity:
        before = event.capacity if event.capacity is not None else "no limit"
        lines.append(
            f"Places: now {details.capacity if details.capacity is not None else 'no limit'} (was {before})"
        )
    if details.description != event.description_md:
        lines.append("Description: changed (see the event's page)")
    return lines


def update_event(member, event: Event, data: dict) -> tuple[Event, list[str]]:
    """Save a change from the organiser or staff; returns the event as saved and what changed.
    Those going and waiting are emailed the changes with the updated .ics. A change made from an
    older version than the current one is refused (409), so nobody's change is overwritten unseen."""
    policy.require(member, "manage_event", event, "Only the organiser and staff can change this event.")
    if event.cancelled:
        raise Conflict("This event is cancelled: it can't be changed.")
    details = clean(data, utcnow(), event)
    changes = _changes(event, details)
    if not changes:
        return event, []
    from . import event_places

    with db.atomic():
        _lock(event.id)
        current = Event.get_by_id(event.id)
        if str(current.sequence) != str(data.get("sequence", current.sequence)):
            raise Conflict(
                "This event was changed by someone else since you opened it. The latest version is "
                "shown: make your change again.",
            )
        if current.cancelled:
            raise Conflict("This event is cancelled: it can't be changed.")
        if details.capacity is not None and details.capacity < current.going_count:
            raise Invalid(
                f"{current.going_count} people are going already: places can't be fewer than that.",
                field="capacity",
            )
        Event.update(
            title=details.title,
            description_md=details.description,
            description_html=render_markdown(posting.link_mentions(details.description)),
            starts_at=details.starts_at,
            ends_at=details.ends_at,
            timezone=details.timezone,
            venue=details.venue,
            online_url=details.online_url,
            capacity=details.capacity,
            sequence=Event.sequence + 1,
            updated_at=utcnow(),
        ).where(Event.id == event.id).execute()
        if details.starts_at != current.starts_at:
            # Reminders follow the new time: those sent for the old one are forgotten.
            EventReminder.delete().where(EventReminder.event == event.id).execute()
        saved = Event.with_thread(event.id)
        _write_opening(saved)
        _tell_those_coming(
            saved,
            member,
            "event-changed",
            f"Changed: {saved.title}",
            f"{member.name} changed “{saved.title}”",
            changes=changes,
        )
        event_places.move_up(saved)
    return Event.with_thread(event.id), changes


def cancel_event(member, event: Event, note: str = "") -> Event:
    """Cancel it: nobody may go any more, and those going and waiting are told, with an .ics
    that marks it cancelled in their calendars."""
    policy.require(member, "manage_event", event, "Only the organiser and staff can cancel this event.")
    note = _text(note, NOTE_MAX, "note", "the note")
    with db.atomic():
        _lock(event.id)
        done = (
            Event.update(
                status="cancelled", cancel_note=note, sequence=Event.sequence + 1, updated_at=utcnow()
            )
            .where((Event.id == event.id) & (Event.status == "scheduled"))
            .execute()
        )
        if not done:
            raise Conflict("This event is already cancelled.")
        saved = Event.with_thread(event.id)
        _tell_those_coming(
            saved,
            member,
            "event-cancelled",
            f"Cancelled: {saved.title}",
            f"{member.name} cancelled “{saved.title}”",
            note=note,
        )
    return saved


def _tell_those_coming(event, actor, name: str, subject: str, text: str, **context) -> int:
    """Tell those going and waiting, each with the .ics as it now is (with the online link for
    those going)."""
    from .event_calendars import email_attachment

    told = 0
    for status in ("going", "waiting"):
        ids = Attendance.select(Attendance.member).where(
            (Attendance.event == event.id) & (Attendance.status == status)
        )
        told += notifying.notify(
            "event",
            ids,
            actor=actor,
            text=text,
            link=path_for("events.event", event_id=event.id),
            thread=event.thread,
            email=notifying.Email(
                name,
                subject,
                _email_context(event, status=status, **context),
                (email_attachment(event, with_link=status == "going"),),
            ),
        )
    return told


def email_goers(member, event: Event, message: str) -> int:
    """The organiser (or staff) writes to everyone going; returns how many were told."""
    policy.require(member, "manage_event", event, "Only the organiser and staff can email those going.")
    message = _text(message, NOTE_MAX, "message", "the message")
    if not message:
        raise Invalid("Write a message before sending it.", field="message")
    goers = Attendance.select(Attendance.member).where(
        (Attendance.event == event.id) & (Attendance.status == "going")
    )
    with db.atomic():
        return notifying.notify(
            "event",
            goers,
            actor=member,
            text=f"{member.name} wrote to those going to “{event.title}”",
            link=path_for("events.event", event_id=event.id),
            thread=event.thread,
            email=notifying.Email(
                "event-message",
                f"About {event.title}",
                _email_context(event, message=message, sender=member.name),
            ),
        )


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
        query = query.where(Thread.category == category.id)
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
    now = utcnow()
    query = (
        Event.listing(policy.reading(viewer))
        .where((Event.ends_at > now) & (Event.status == "scheduled"))
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(query)


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
