"""Events: creating, changing and cancelling them, loading one for a viewer, and the organiser's
email to those going.

An event lives in a category, a group's space included, through its discussion thread: the thread
is started with the event (posting.start_thread, so whoever may start a thread there may create an
event there), its opening post carries the description and a link to the event, and search finds
the event through it. Who may see an event is who may see that thread (Event.visible_to, the one
visibility rule), on its page and in every list.

Its details are checked in event_details.py (times in, as the organiser wrote them in the event's
zone, and stored as naive UTC); the lists of events and of the people coming are in
event_lists.py; Going, Not going and the waiting list in event_places.py; reminders in
event_reminders.py; the .ics files and calendar addresses in event_calendars.py.
"""

import uuid
from urllib.parse import urlsplit

from flask import current_app
from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_url, path_for
from ..models import Category, Post, Thread, utcnow
from ..models.db import db
from ..models.events import Attendance, Event, EventReminder
from ..models.search import refresh_posts
from . import categories, notifying, posting
from .event_details import NOTE_MAX, Details, clean, in_zone, text
from .text import render_markdown

NO_SUCH_EVENT = "There is no such event, or it is not open to you."


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


def _columns(details) -> dict:
    """What an event's form sets on its row, the same when it is created and when it changes."""
    return {
        "title": details.title,
        "description_md": details.description,
        "description_html": render_markdown(posting.link_mentions(details.description)),
        "starts_at": details.starts_at,
        "ends_at": details.ends_at,
        "timezone": details.timezone,
        "venue": details.venue,
        "online_url": details.online_url,
        "capacity": details.capacity,
    }


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
                **_columns(details),
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
            email_context(event),
            (email_attachment(event, with_link=False),),
        ),
    )


def email_context(event, **extra) -> dict:
    return {
        "event": event,
        "when": in_zone(event.starts_at, event.timezone),
        "until": in_zone(event.ends_at, event.timezone),
        "event_url": absolute_url("events.event", event_id=event.id),
        **extra,
    }


def lock(event_id: int) -> None:
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
        lock(event.id)
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
            **_columns(details),
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
    note = text(note, NOTE_MAX, "note", "the note")
    with db.atomic():
        lock(event.id)
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
                email_context(event, status=status, **context),
                (email_attachment(event, with_link=status == "going"),),
            ),
        )
    return told


def email_goers(member, event: Event, message: str) -> int:
    """The organiser (or staff) writes to everyone going; returns how many were told."""
    policy.require(member, "manage_event", event, "Only the organiser and staff can email those going.")
    message = text(message, NOTE_MAX, "message", "the message")
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
                email_context(event, message=message, sender=member.name),
            ),
        )
