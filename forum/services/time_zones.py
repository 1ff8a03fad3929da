"""Times as people read them: in the site's time zone (FORUM_TIMEZONE, Europe/London unless set)
or in the zone a member chose in their account settings, and choosing it.

- `local_time(dt, who=None)`: a stored time (naive UTC) as `who` reads it, for emails, digests and
  anything a service writes for a person: `who` is a member (their own zone, else the site's), a
  zone name, or None for the site's zone. "4 Dec 2026, 17:30" in the site's zone,
  "4 Dec 2026, 12:30 EST" in another; `date_only=True` gives "4 December 2026". Pages use the
  template globals of the same name and `datetime_tag` (forum/web/templating.py), which default to
  the person viewing the page.
- `zone_choices()`: the zones a member may choose, grouped by region for the settings form.
- `set_time_zone(member, name)`: the member's choice ("" follows the site's zone).

The conversion itself is in forum/models/base.py (`local_text`, the cached `zone`), so that the
policy and the models format a time the same way.
"""

from functools import cache
from zoneinfo import available_timezones

from flask import current_app

from .. import policy
from ..errors import Invalid
from ..models import Member
from ..models.base import is_zone, local_text
from ..models.db import db

# The tz database's regions, in the order the settings list shows them. Other names it knows
# (US/Eastern, GB, EST5EDT, Etc/GMT+5) are older aliases of these, or fixed offsets: left out of
# the list so that each place appears once, under its region.
REGIONS = (
    "Europe",
    "Africa",
    "America",
    "Asia",
    "Atlantic",
    "Australia",
    "Indian",
    "Pacific",
    "Antarctica",
    "Arctic",
)
INVALID_ZONE = "Choose your time zone from the list: the city nearest you that shares your clock."


def site_zone() -> str:
    """The forum's own zone name (FORUM_TIMEZONE, checked at start-up in forum/config.py)."""
    return current_app.config["TIMEZONE"]


def zone_of(who=None) -> str:
    """The zone name times are shown in for `who`: a member (the zone they chose, else the site's),
    a zone name, or None (the site's)."""
    if who is None:
        return site_zone()
    name = who if isinstance(who, str) else getattr(who, "time_zone", "")
    return name or site_zone()


def local_time(dt, who=None, *, date_only: bool = False, name_zone: bool = False) -> str:
    """`dt` (as stored: naive UTC) as `who` reads it (see the module's docstring); "" for None.
    `name_zone`: name the zone even when it is the site's, for text kept as it is written."""
    if dt is None:
        return ""
    return local_text(dt, zone_of(who), site_zone(), date_only=date_only, name_zone=name_zone)


@cache
def offered_zones() -> dict[str, tuple[tuple[str, str], ...]]:
    """region -> ((zone name, label), ...), e.g. "America" -> (("America/New_York", "New York"), ...);
    "UTC" first, under no region. Read once from the time zone database."""
    names = available_timezones()
    grouped: dict[str, list[tuple[str, str]]] = {"": [("UTC", "UTC (Coordinated Universal Time)")]}
    for name in sorted(names):
        region, _, place = name.partition("/")
        if region in REGIONS and place:
            grouped.setdefault(region, []).append((name, _place_label(place)))
    return {
        region: tuple(sorted(grouped[region], key=lambda choice: choice[1]))
        for region in ["", *REGIONS]
        if region in grouped
    }


@cache
def offered_names() -> frozenset[str]:
    return frozenset(name for group in offered_zones().values() for name, _ in group)


def _place_label(place: str) -> str:
    """"Argentina/Buenos_Aires" -> "Buenos Aires, Argentina"; "New_York" -> "New York"."""
    parts = place.replace("_", " ").split("/")
    return ", ".join(reversed(parts))


def set_time_zone(member, name: str) -> str:
    """Keep the member's time zone: a name from the list, or "" for the forum's own. Returns it."""
    policy.require(member, "manage_own_account")
    name = (name or "").strip()
    if name and not (name in offered_names() and is_zone(name)):
        raise Invalid(INVALID_ZONE, field="time_zone")
    with db.atomic():
        Member.update(time_zone=name).where(Member.id == member.id).execute()
    member.time_zone = name
    return name
