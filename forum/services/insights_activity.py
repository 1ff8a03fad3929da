"""Staff insights (#26): members and organisations active each week of a period, and over the
period and the one before it, from three queries of distinct (member, organisation, day) rows:
posts (a thread started or a reply), reports made, and events gone to."""

from datetime import date, datetime, timedelta

from peewee import fn

from ..models import Member, Post
from ..models.events import Attendance, Event
from ..models.reports import Report
from .insights_charts import Figure

ACTIVITIES = (
    ("posted", "Started a thread"),
    ("replied", "Replied"),
    ("reported", "Reported"),
    ("event", "Went to an event"),
)


def day_of(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def active(before, start, end) -> Figure:
    """Members and organisations active each week: three queries of distinct (member, day) rows."""
    seen = _tally(_activity(before, end), start)
    weeks = -(-(end - start).days // 7)

    def row(label, pooled):
        return [
            label,
            *(len(pooled.get(key, (set(), set()))[0]) for key, _ in ACTIVITIES),
            len(pooled.get("any", (set(), set()))[0]),
            len(pooled.get("any", (set(), set()))[1]),
        ]

    rows = [
        row(f"Week from {(start.date() + timedelta(days=7 * week)).isoformat()}", seen.get(week, {}))
        for week in range(weeks)
    ]
    # Each period as one row: a member active in several weeks counts once.
    rows.append(row("The whole period", _pooled(kinds for week, kinds in seen.items() if week >= 0)))
    rows.append(row("The period before", _pooled(kinds for week, kinds in seen.items() if week < 0)))
    return Figure(
        "active",
        "Active members and organisations per week",
        "How many members started a thread, replied, reported something or went to an event each week, "
        "and how many members and organisations did any of these; the last two rows count each once over "
        "the whole period and the period before it.",
        ["Week", *(label for _, label in ACTIVITIES), "Active members", "Active organisations"],
        rows,
        chart="line",
        drawn=[4, 5],
    )


def _activity(before, end):
    """(kind, member, organisation, day) from the three queries, over both periods."""
    day = fn.DATE(Post.created_at)
    first = Post.number == 1
    posts = (
        Post.select(Post.author, Member.organisation, day, first)
        .join(Member, on=(Post.author == Member.id))
        .where((Post.created_at >= before) & (Post.created_at < end))
        .group_by(Post.author, Member.organisation, day, first)
    )
    for member, organisation, when, started in _rows(posts):
        yield ("posted" if started else "replied"), member, organisation, when
    day = fn.DATE(Report.created_at)
    reports = (
        Report.select(Report.reporter, Member.organisation, day)
        .join(Member, on=(Report.reporter == Member.id))
        .where((Report.created_at >= before) & (Report.created_at < end))
        .group_by(Report.reporter, Member.organisation, day)
    )
    for member, organisation, when in _rows(reports):
        yield "reported", member, organisation, when
    day = fn.DATE(Event.starts_at)
    going = (
        Attendance.select(Attendance.member, Member.organisation, day)
        .join(Event, on=(Attendance.event == Event.id))
        .join(Member, on=(Attendance.member == Member.id))
        .where((Attendance.status == "going") & (Event.status != "cancelled"))
        .where((Event.starts_at >= before) & (Event.starts_at < end))
        .group_by(Attendance.member, Member.organisation, day)
    )
    for member, organisation, when in _rows(going):
        yield "event", member, organisation, when


def _rows(query):
    """The rows as the driver gives them: one per member and day can be many over a long period,
    and peewee's conversion of each cost more than the query (day_of reads a day either way)."""
    return query.model._meta.database.execute(query).fetchall()


def _tally(rows, start) -> dict:
    """week (-1 for the period before) -> kind (and "any") -> (members, organisations)."""
    seen: dict[int, dict[str, tuple[set, set]]] = {}
    weeks: dict = {}  # a day as the driver gives it -> its week: a few hundred days, many rows
    for kind, member, organisation, when in rows:
        week = weeks.get(when)
        if week is None:
            offset = (day_of(when) - start.date()).days
            week = weeks[when] = offset // 7 if offset >= 0 else -1
        for key in (kind, "any"):
            members, organisations = seen.setdefault(week, {}).setdefault(key, (set(), set()))
            members.add(member)
            if organisation:
                organisations.add(organisation)
    return seen


def _pooled(weeks) -> dict:
    pooled: dict[str, tuple[set, set]] = {}
    for kinds in weeks:
        for key, (members, organisations) in kinds.items():
            into = pooled.setdefault(key, (set(), set()))
            into[0].update(members)
            into[1].update(organisations)
    return pooled
