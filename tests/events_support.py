"""What the events tests share: a future time as the form takes it, an event made through the
domain function, and the .ics read back with icalendar."""

from datetime import datetime, time, timedelta

import icalendar

from forum.models import Category, utcnow
from forum.models.events import Event
from forum.services import events


def when(days=7, hours=0, at="18:30") -> str:
    """A date `days` from now at `at` (plus `hours`), as the form's Starts and Ends fields take it."""
    hour, minute = (int(part) for part in at.split(":"))
    moment = datetime.combine((utcnow() + timedelta(days=days)).date(), time(hour, minute))
    return (moment + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def form(**fields) -> dict:
    """A filled event form; fields override."""
    data = {
        "title": "Conversation club leaders' meetup",
        "description": "Bring **one** idea that worked.",
        "starts": when(),
        "ends": when(hours=2),
        "timezone": "Europe/London",
        "venue": "Community Hall\n1 High Street, Leeds",
        "online_url": "https://meet.example.org/club",
        "capacity": "",
    }
    data.update(fields)
    return data


def make_event(app, organiser, category=None, **fields) -> Event:
    """An event made through the domain function, in `category` (a new public one if None)."""
    with app.app_context():
        if category is None:
            category = Category.get_or_none(Category.slug == "practice") or Category.create(
                name="Practice", slug="practice"
            )
        made = events.create_event(organiser, category, form(**fields))
        return Event.with_thread(made.id)


def calendar(data: bytes):
    """The parsed calendar and its one event (or the list of them)."""
    parsed = icalendar.Calendar.from_ical(data)
    items = [c for c in parsed.walk() if c.name == "VEVENT"]
    return parsed, items
