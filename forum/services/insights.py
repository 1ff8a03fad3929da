"""Staff insights (#26): the network's figures for a period, beside the period before it.

Counts only, never names. Every figure comes from an aggregate query over the period and the one
before it, read through indexes on when things were made (migration 026 adds those on posts and
threads), so the page costs the same fixed number of queries whatever the forum's size. A figure
about a group under SMALL is shown as "fewer than 5" (`shown`), in the table, the CSV and the chart.

`figures(since, until)` returns a list of Figure: what the page draws, tabulates and offers as CSV.
"""

from datetime import date, datetime, timedelta
from statistics import median

from peewee import fn

from ..models import Category, Group, Member, Post, Thread, utcnow
from ..models.directory import ContactRequest
from ..models.events import Event
from ..models.library import Resource
from ..models.reports import REASONS, Report
from . import appeals
from .insights_activity import active, day_of
from .insights_charts import FEWER, SMALL, Figure, shown

DEFAULT_DAYS = 30


def period(since: date | None, until: date | None, today: date) -> tuple[date, date]:
    """The days chosen, both included: the last DEFAULT_DAYS days by default."""
    until = until or today
    since = since or until - timedelta(days=DEFAULT_DAYS - 1)
    return (since, until) if since <= until else (until, since)


def _bounds(since: date, until: date):
    start = datetime.combine(since, datetime.min.time())
    end = datetime.combine(until + timedelta(days=1), datetime.min.time())
    return start - (end - start), start, end


def _percentile(values: list[float], share: float):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, int(round(share * len(ordered) + 0.4999)) - 1))
    return ordered[rank]


def _hours(value):
    return None if value is None else round(value, 1)


def figures(since: date, until: date, only: str | None = None) -> list[Figure]:
    """The figures of the page, in its order; with `only` (a figure's slug), just the queries of
    the part that holds it (a chart or a CSV needs no other)."""
    before, start, end = _bounds(since, until)
    parts = {
        ("active",): lambda: [active(before, start, end)],
        ("members",): lambda: [_members(before, start, end)],
        ("categories", "groups"): lambda: _threads(start, end),
        ("reasons", "response"): lambda: _reports(before, start, end),
        ("queue",): lambda: [_queue()],
        ("appeals",): lambda: [_appeals(before, start, end)],
        ("contacts",): lambda: [_contacts(before, start, end)],
        ("events",): lambda: [_events(before, start, end)],
        ("library",): lambda: [_library(before, start, end)],
    }
    return [figure for slugs, part in parts.items() if only is None or only in slugs for figure in part()]


def _split(rows, start):
    """(current, previous) sums of rows of (day, count) by whether the day is in the period."""
    now = sum(count for day, count in rows if day_of(day) >= start.date())
    return now, sum(count for _, count in rows) - now


def _members(before, start, end) -> Figure:
    day = fn.DATE(Member.created_at)
    rows = (
        Member.select(Member.status, day, fn.COUNT(Member.id))
        .where((Member.created_at >= before) & (Member.created_at < end))
        .group_by(Member.status, day)
        .tuples()
    )
    by_status: dict[str, list] = {}
    for status, when, count in rows:
        by_status.setdefault(status, []).append((when, count))
    labels = (
        ("Applied", None),
        ("Approved (members now)", ("active", "suspended")),
        ("Declined", ("declined",)),
        ("Waiting", ("applicant",)),
    )
    table = []
    for label, statuses in labels:
        chosen = [
            pair
            for status, pairs in by_status.items()
            if statuses is None or status in statuses
            for pair in pairs
        ]
        table.append([label, *_split(chosen, start)])
    return Figure(
        "members",
        "New members and applications",
        "Applications made in the period and what became of them: approved, declined or still waiting.",
        ["Applications", "This period", "Period before"],
        table,
    )


def _threads(start, end) -> list[Figure]:
    """Threads and posts per category, and per group (a group's own space), in the period."""
    names = {
        cid: (name, group)
        for cid, name, group in Category.select(Category.id, Category.name, Category.group).tuples()
    }
    groups = dict(Group.select(Group.id, Group.name).tuples())
    threads = dict(
        Thread.select(Thread.category, fn.COUNT(Thread.id))
        .where((Thread.created_at >= start) & (Thread.created_at < end))
        .group_by(Thread.category)
        .tuples()
    )
    posts = dict(
        Post.select(Thread.category, fn.COUNT(Post.id))
        .join(Thread, on=(Post.thread == Thread.id))
        .where((Post.created_at >= start) & (Post.created_at < end))
        .group_by(Thread.category)
        .tuples()
    )
    categories, in_groups = [], {}
    for cid, (name, group) in sorted(names.items(), key=lambda item: item[1][0].lower()):
        if group is None:
            categories.append([name, threads.get(cid, 0), posts.get(cid, 0)])
        else:
            counts = in_groups.setdefault(group, [0, 0])
            counts[0] += threads.get(cid, 0)
            counts[1] += posts.get(cid, 0)
    group_rows = [
        [groups.get(gid, "A group"), shown(counts[0]), shown(counts[1])]
        for gid, counts in sorted(in_groups.items(), key=lambda item: groups.get(item[0], "").lower())
    ]
    return [
        Figure(
            "categories",
            "Threads and posts per category",
            "New threads and posts in the period in each of the forum's categories.",
            ["Category", "Threads", "Posts"],
            categories,
        ),
        Figure(
            "groups",
            "Threads and posts per group",
            "New threads and posts in the period in each group's own space (for staff only); "
            f"a count under {SMALL} is shown as \u201c{FEWER}\u201d.",
            ["Group", "Threads", "Posts"],
            group_rows,
        ),
    ]


def _reports(before, start, end) -> list[Figure]:
    rows = list(
        Report.select(Report.reason, Report.urgent, Report.created_at, Report.decided_at)
        .where((Report.created_at >= before) & (Report.created_at < end))
        .tuples()
    )
    now = [row for row in rows if row[2] >= start]
    previous = [row for row in rows if row[2] < start]
    reasons = [
        [label, sum(1 for row in now if row[0] == code), sum(1 for row in previous if row[0] == code)]
        for code, label in REASONS.items()
    ]
    times = []
    for label, urgent in (("Urgent reports", True), ("Other reports", False)):
        for which, chosen in (("this period", now), ("period before", previous)):
            hours = [
                (decided - made).total_seconds() / 3600
                for _, is_urgent, made, decided in chosen
                if bool(is_urgent) == urgent and decided is not None
            ]
            waiting = sum(
                1 for _, is_urgent, _, decided in chosen if bool(is_urgent) == urgent and decided is None
            )
            times.append(
                [
                    f"{label}, {which}",
                    len(hours),
                    waiting,
                    _hours(median(hours) if hours else None),
                    _hours(_percentile(hours, 0.9)),
                ]
            )
    return [
        Figure(
            "reasons",
            "Reports by reason",
            "Reports made in the period and the period before, by the reason the reporter chose.",
            ["Reason", "This period", "Period before"],
            reasons,
        ),
        Figure(
            "response",
            "Time from report to first staff action",
            "For reports made in each period: how many staff acted on (or dismissed) and how many wait, "
            "and the hours from the report to that first decision, the median and the 90th percentile, "
            "urgent reports apart from the others.",
            ["Reports", "Acted on", "Still open", "Median hours", "90th percentile hours"],
            times,
            drawn=[2, 3],
        ),
    ]


def _queue() -> Figure:
    now = utcnow()
    rows = (
        Report.select(Report.urgent, fn.COUNT(Report.id), fn.MIN(Report.created_at))
        .where(Report.status == "open")
        .group_by(Report.urgent)
        .tuples()
    )
    found = {bool(urgent): (count, oldest) for urgent, count, oldest in rows}
    table = []
    for label, urgent in (("Urgent", True), ("Other", False)):
        count, oldest = found.get(urgent, (0, None))
        age = None if oldest is None else _hours((now - oldest).total_seconds() / 3600)
        table.append([label, count, age])
    return Figure(
        "queue",
        "The queue now",
        "Open reports now, whatever the period, and how many hours the oldest has waited.",
        ["Open reports", "Waiting", "Oldest, hours"],
        table,
        drawn=[1],
    )


def _appeals(before, start, end) -> Figure:
    now, previous = appeals.figures(start, end), appeals.figures(before, start)

    def share(found):
        value = found["share_reversed"]
        return None if value is None else round(100 * value)

    labels = (
        ("Appeals made", "appeals"),
        ("Upheld", "upheld"),
        ("Reversed", "reversed"),
        ("Waiting", "waiting"),
    )
    rows = [[label, now[key], previous[key]] for label, key in labels]
    rows.append(["Share reversed, per cent", share(now), share(previous)])
    return Figure(
        "appeals",
        "Appeals and the share reversed",
        "Appeals against the team's decisions made in each period, what was decided, and the share "
        "of those decided that were reversed.",
        ["Appeals", "This period", "Period before"],
        rows,
        drawn=[0, 1],
    )


def _contacts(before, start, end) -> Figure:
    day = fn.DATE(ContactRequest.created_at)
    rows = (
        ContactRequest.select(ContactRequest.status, day, fn.COUNT(ContactRequest.id))
        .where((ContactRequest.created_at >= before) & (ContactRequest.created_at < end))
        .group_by(ContactRequest.status, day)
        .tuples()
    )
    by_status: dict[str, list] = {}
    for status, when, count in rows:
        by_status.setdefault(status, []).append((when, count))
    table = [["Sent", *_split([pair for pairs in by_status.values() for pair in pairs], start)]]
    for label, status in (("Accepted", "accepted"), ("Declined", "declined"), ("Waiting", "pending")):
        table.append([label, *_split(by_status.get(status, []), start)])
    return Figure(
        "contacts",
        "Contact requests",
        "Contact requests sent in each period and how they were answered.",
        ["Contact requests", "This period", "Period before"],
        table,
    )


def _events(before, start, end) -> Figure:
    day = fn.DATE(Event.starts_at)
    rows = list(
        Event.select(day, fn.COUNT(Event.id), fn.SUM(Event.going_count))
        .where((Event.starts_at >= before) & (Event.starts_at < end) & (Event.status != "cancelled"))
        .group_by(day)
        .tuples()
    )
    events = _split([(when, count) for when, count, _ in rows], start)
    going = _split([(when, int(total or 0)) for when, _, total in rows], start)
    return Figure(
        "events",
        "Events and attendance",
        "Events held (not cancelled) in each period and how many places were taken.",
        ["Events", "This period", "Period before"],
        [["Events held", *events], ["People going", *going]],
    )


def _library(before, start, end) -> Figure:
    day = fn.DATE(Resource.created_at)
    rows = list(
        Resource.select(day, fn.COUNT(Resource.id), fn.SUM(Resource.download_count))
        .where((Resource.created_at >= before) & (Resource.created_at < end))
        .group_by(day)
        .tuples()
    )
    total = Resource.select(fn.COALESCE(fn.SUM(Resource.download_count), 0)).scalar()
    added = _split([(when, count) for when, count, _ in rows], start)
    downloads = _split([(when, int(total_ or 0)) for when, _, total_ in rows], start)
    return Figure(
        "library",
        "Library resources added and downloaded",
        "Resources added in each period and how often those were downloaded since; downloads of the "
        "whole library are counted from the day counting began, as a single total.",
        ["Library", "This period", "Period before"],
        [
            ["Resources added", *added],
            ["Downloads of those", *downloads],
            ["Downloads of the whole library", int(total or 0), None],
        ],
    )
