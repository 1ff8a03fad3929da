"""An event's details as the organiser writes them, checked: the title, description, where, the
places, and the times, which come in as the organiser wrote them, in the event's own time zone, and
are stored as naive UTC. Each refusal names its field, so the form puts it beside that field and the
CLI and tests get the same answers."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app

from ..errors import Invalid
from ..models.events import CAPACITY_MAX, Event

DESCRIPTION_MAX = 10_000
VENUE_MAX = 500
URL_MAX = 500
NOTE_MAX = 2_000
# How far ahead an event may be planned, and how long one may last.
FURTHEST = timedelta(days=5 * 366)
LONGEST = timedelta(days=31)
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


def text(value, limit: int, field_name: str, what: str) -> str:
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
    description = text(data.get("description"), DESCRIPTION_MAX, "description", "the description")
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
    venue = text(data.get("venue"), VENUE_MAX, "venue", "where it is")
    online_url = _clean_url(data.get("online_url"))
    if not venue and not online_url:
        raise Invalid(
            "Say where it happens: a venue and its address, an online link, or both.", field="venue"
        )
    capacity = _clean_capacity(data.get("capacity"))
    return Details(title, description, starts_at, ends_at, timezone, venue, online_url, capacity)
