"""Calendars: an .ics file per event (RFC 5545, made with the icalendar library), the copy
attached to event emails, and each member's private calendar address, a feed of the events they
are going to.

Each event keeps one UID for life and raises its SEQUENCE with every change, so a calendar that
has it replaces the old entry instead of adding a second; a cancelled event goes out with STATUS
CANCELLED. Times are written in the event's own time zone, with its VTIMEZONE, so a calendar shows
them right across a change of the clocks. The online link is written only for those going.

The calendar address works like the private Atom feed addresses (services/feeds.py): one random
token per member in the URL, for calendar programs that cannot sign in; a new one replaces the
old, and revoking deletes it. It lists only what the member may see now (Event.visible_to).
"""

from datetime import UTC, timedelta

from flask import current_app
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from .. import policy
from ..errors import NotFound
from ..links import absolute_url
from ..models import Member, utcnow
from ..models.events import Attendance, CalendarToken, Event
from . import feeds
from .event_details import local

CONTENT_TYPE = "text/calendar; charset=utf-8"
# How far back the calendar address reaches: enough for a calendar to keep recent events.
FEED_PAST = timedelta(days=180)
FEED_EVENTS = 500
REVOKED = (
    "This calendar address is not valid: it was replaced or revoked. Find your current address "
    "under Calendar in your account."
)


def _calendar(method: str = "PUBLISH", name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", f"-//{current_app.config['SITE_NAME']}//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _component(event: Event, with_link: bool) -> CalendarEvent:
    url = absolute_url("events.event", event_id=event.id)
    item = CalendarEvent()
    item.add("uid", event.uid)
    item.add("sequence", event.sequence)
    item.add("dtstamp", utcnow().replace(tzinfo=UTC))
    item.add("created", event.created_at.replace(tzinfo=UTC))
    item.add("last-modified", event.updated_at.replace(tzinfo=UTC))
    item.add("dtstart", local(event.starts_at, event.timezone))
    item.add("dtend", local(event.ends_at, event.timezone))
    item.add("summary", event.title)
    item.add("url", url)
    item.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    where = event.venue.replace("\n", ", ")
    if with_link and event.online_url:
        where = f"{where} · {event.online_url}" if where else event.online_url
    if where:
        item.add("location", where)
    lines = [event.description_md] if event.description_md else []
    if event.cancelled:
        lines.insert(0, "CANCELLED. " + event.cancel_note)
    if with_link and event.online_url:
        lines.append(f"Join online: {event.online_url}")
    lines.append(f"The event's page: {url}")
    item.add("description", "\n\n".join(lines))
    return item


def ics(events: list[Event], *, with_link, name: str | None = None) -> bytes:
    """A calendar of these events; `with_link(event)` says whether to write its online link."""
    calendar = _calendar(name=name)
    for event in events:
        calendar.add_component(_component(event, with_link(event)))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def event_ics(viewer, event: Event) -> bytes:
    """The event's own .ics, for `Add to calendar`: the online link only for those who may see it."""
    return ics([event], with_link=lambda e: policy.can(viewer, "see_event_link", e))


def filename(event: Event) -> str:
    return f"event-{event.id}.ics"


def email_attachment(event: Event, with_link: bool) -> tuple[str, str, str]:
    """The .ics as an email attachment (outbox.queue's form)."""
    return filename(event), "text/calendar", ics([event], with_link=lambda e: with_link).decode()


# -- the private calendar address ----------------------------------------------------------------


# The same tokens as the private Atom feeds' (services/feeds.py), kept in a table of their own.


def token_of(member) -> str | None:
    return feeds.token_of(member, CalendarToken)


def new_token(member) -> str:
    """A fresh address for the member; any earlier one stops working at once."""
    return feeds.new_token(member, CalendarToken, "Only members have calendar addresses.")


def revoke(member) -> bool:
    return feeds.revoke(member, CalendarToken)


def member_by_token(token: str) -> Member:
    """Whose calendar an address is; NotFound for a token that matches nobody (revoked,
    mistyped) or a member no longer in good standing, so the calendar program shows the problem."""
    member = (
        Member.select(Member)
        .join(CalendarToken, on=(CalendarToken.member == Member.id))
        .where(CalendarToken.token == token[:64])
        .first()
    )
    if member is None or not policy.is_reading_member(member):
        raise NotFound(REVOKED)
    return member


def going_to(member, now=None) -> list[Event]:
    """The events the member is going to that they may still see, from FEED_PAST ago on: one query."""
    now = now or utcnow()
    return list(
        Event.listing(policy.reading(member))
        .join(Attendance, on=(Attendance.event == Event.id))
        .where(
            (Attendance.member == member.id)
            & (Attendance.status == "going")
            & (Event.ends_at > now - FEED_PAST)
        )
        .order_by(Event.starts_at, Event.id)
        .limit(FEED_EVENTS)
    )


def calendar_feed(token: str) -> bytes:
    member = member_by_token(token)
    name = f"{current_app.config['SITE_NAME']}: events I'm going to"
    return ics(going_to(member), with_link=lambda e: True, name=name)
