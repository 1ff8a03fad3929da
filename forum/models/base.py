"""What every model shares: its base class, ids read from text, and the time as stored and as
people read it."""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

from peewee import Model

from .db import db

# The largest id a row can have on either database (PostgreSQL's integer); a larger number names
# nothing, and handing it to the database would fail with an overflow instead of finding nothing.
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A row id (or page number) typed or sent as text: from 1 to MAX_ID, else None. Plain ASCII
    digits only: str.isdigit() also takes "²" and "١", which int() refuses."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; people read it in their time zone (below)."""
    return datetime.now(UTC).replace(tzinfo=None)


# -- time zones --------------------------------------------------------------------------------
# Times are stored in UTC and shown in the reader's zone: the site's (FORUM_TIMEZONE) or the one a
# member chose (Member.time_zone). These take zone names as plain values, so services, the policy
# and the templates (forum/services/time_zones.py, forum/web/templating.py) share one form:
# "4 Dec 2026, 17:30" in the site's zone, "4 Dec 2026, 12:30 EST" in any other.

MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAMES = (
    "", "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)


@cache
def zone(name: str) -> ZoneInfo:
    """The time zone of an IANA name ("Europe/London"), made once per name. Raises for a name that
    is none (ValueError, KeyError or OSError): check names with is_zone before keeping them."""
    return ZoneInfo(name)


def is_zone(name) -> bool:
    """Whether zoneinfo knows `name` (the files of the system or of the tzdata package)."""
    if not isinstance(name, str) or not name:
        return False
    try:
        zone(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def zone_abbreviation(local: datetime) -> str:
    """"GMT", "BST", "EST"; zones without a letter abbreviation get their offset ("UTC+04")."""
    name = local.tzname() or ""
    return f"UTC{name}" if name[:1] in ("+", "-") else name


def in_zone(dt: datetime, name: str) -> datetime:
    """A stored time (naive UTC; an aware one is taken as it is) in the zone `name`."""
    return (dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)).astimezone(zone(name))


def local_text(
    dt: datetime, name: str, site: str, *, date_only: bool = False, name_zone: bool = False
) -> str:
    """`dt` as a person in zone `name` reads it: "4 Dec 2026, 17:30", followed by the zone
    ("4 Dec 2026, 12:30 EST") when `name` is not the site's zone `site` or with `name_zone` (for
    text kept as written, read later by anyone); with `date_only`, the day alone
    ("4 December 2026"), which names no zone. A zone that zoneinfo no longer knows (a name retired
    from the time zone database) reads as the site's."""
    if name != site and not is_zone(name):
        name = site
    local = in_zone(dt, name)
    if date_only:
        return f"{local.day} {MONTH_NAMES[local.month]} {local.year}"
    text = f"{local.day} {MONTHS[local.month]} {local.year}, {local.hour:02}:{local.minute:02}"
    return text if name == site and not name_zone else f"{text} {zone_abbreviation(local)}"


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

