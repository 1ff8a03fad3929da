"""The staff queue: open reports grouped by the item they are about, urgent first, then the
item that has waited longest. A fixed number of queries whatever its length: one for the
groups, one for their reports, and one per kind of item (posts, threads, members).
Dismissing an item's reports (no action) is the queue's own decision; acting on the item
decides its reports in moderating.py."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template
from peewee import Case, fn

from ..errors import Conflict
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import Category, Member, Post, Thread, utcnow
from ..models.db import db
from ..models.reports import REASONS, TARGET_TYPES, Report
from ..models.uploads import Upload
from . import moderating, reporting

QUEUE_LIMIT = 100


@dataclass
class QueueRow:
    kind: str
    target_id: int
    count: int
    urgent: bool
    waiting_since: datetime
    auto_hidden: bool
    reports: list = field(default_factory=list)
    item: object = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.target_id}"

    @property
    def reasons(self) -> list[str]:
        seen = {r.reason for r in self.reports}
        return [label for code, label in REASONS.items() if code in seen]

    @property
    def waited(self) -> str:
        minutes = int((utcnow() - self.waiting_since).total_seconds() // 60)
        if minutes < 60:
            return f"{minutes} min"
        if minutes < 48 * 60:
            return f"{minutes // 60} h"
        return f"{minutes // (24 * 60)} days"


@dataclass(frozen=True)
class Filters:
    """What the queue shows: only urgent items, one reason, one category's posts and threads,
    only posts that reports hid. The defaults show everything; a reason it does not know is
    ignored."""

    urgent: bool = False
    reason: str = ""
    category: int | None = None
    auto_hidden: bool = False


def _filtered(query, filters):
    if filters.reason in REASONS:
        query = query.where(Report.reason == filters.reason)
    if filters.category:
        in_category = Thread.select(Thread.id).where(Thread.category == filters.category)
        posts = Post.select(Post.id).where(Post.thread.in_(in_category))
        query = query.where(
            ((Report.target_type == "post") & Report.target_id.in_(posts))
            | ((Report.target_type == "thread") & Report.target_id.in_(in_category))
        )
    return query


def open_items(filters: Filters = Filters()) -> list[QueueRow]:
    urgent = fn.MAX(Case(None, [(Report.urgent == True, 1)], 0))  # noqa: E712
    hid = fn.MAX(Case(None, [(Report.hid_target == True, 1)], 0))  # noqa: E712
    oldest = fn.MIN(Report.created_at)
    query = _filtered(
        Report.select(
            Report.target_type,
            Report.target_id,
            fn.COUNT(Report.id).alias("n"),
            urgent.alias("urgent"),
            hid.alias("hid"),
            oldest.alias("oldest"),
        ).where(Report.status == "open"),
        filters,
    ).group_by(Report.target_type, Report.target_id)
    if filters.urgent:
        query = query.having(urgent == 1)
    if filters.auto_hidden:
        query = query.having(hid == 1)
    groups = query.order_by(urgent.desc(), oldest, Report.target_type, Report.target_id).limit(QUEUE_LIMIT)
    rows = [
        QueueRow(g.target_type, g.target_id, g.n, bool(g.urgent), _as_datetime(g.oldest), bool(g.hid))
        for g in groups.namedtuples()
    ]
    _attach(rows)
    return [row for row in rows if row.item is not None]


def _as_datetime(value):
    # SQLite hands an aggregate of a datetime column back as text.
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _attach(rows: list[QueueRow]) -> None:
    """Each row's reports (with reporters) and its item, a query per kind, not per row."""
    if not rows:
        return
    by_key = {(r.kind, r.target_id): r for r in rows}
    reports = (
        Report.select(Report, Member)
        .join(Member, on=(Report.reporter == Member.id))
        .where((Report.status == "open") & Report.target_id.in_([r.target_id for r in rows]))
        .order_by(Report.created_at)
    )
    for report in reports:
        row = by_key.get((report.target_type, report.target_id))
        if row:
            row.reports.append(report)
    ids = {kind: [r.target_id for r in rows if r.kind == kind] for kind in TARGET_TYPES}
    items = {}
    if ids["post"]:
        posts = (
            Post.select(Post, Thread, Category, Member)
            .join(Thread)
            .join(Category)
            .switch(Post)
            .join(Member, on=(Post.author == Member.id))
            .where(Post.id.in_(ids["post"]))
        )
        items.update({("post", p.id): p for p in posts})
    if ids["thread"]:
        threads = (
            Thread.select(Thread, Category, Member)
            .join(Category)
            .switch(Thread)
            .join(Member, on=(Thread.author == Member.id))
            .where(Thread.id.in_(ids["thread"]))
        )
        items.update({("thread", t.id): t for t in threads})
    if ids["member"]:
        items.update({("member", m.id): m for m in Member.select().where(Member.id.in_(ids["member"]))})
    if ids["photo"]:
        items.update({("photo", u.id): u for u in Upload.with_post().where(Upload.id.in_(ids["photo"]))})
    for key, row in by_key.items():
        row.item = items.get(key)


def dismiss(staff, kind: str, target_id: int, note: str = "") -> list[Report]:
    """No action on an item: its open reports are closed and each reporter told (an auto-hidden
    post comes back), and the decision is logged, in one transaction. Returns the reports;
    Conflict when there were none left to decide."""
    with db.atomic():
        decided = reporting.resolve_all(staff, kind, target_id, "dismissed", note)
        if not decided:
            raise Conflict("These reports were already decided, perhaps by another staff member.")
        label = reporting.load_target(staff, kind, target_id).description
        moderating.log(staff, "dismiss_reports", kind, target_id, label=label, note=note)
    return decided


def categories():
    return list(Category.listed())


def send_daily_summaries() -> int:
    """Email each staff member who asked for it what the queue holds; returns how many were sent.
    Run once a day (cron: `flask --app forum moderation summary`). An empty queue sends nothing."""
    rows = open_items()
    if not rows:
        return 0
    staff = Member.active_staff().where(Member.queue_summary == True)  # noqa: E712
    site = current_app.config["SITE_NAME"]
    sent = 0
    for person in staff:
        body = render_template(
            "email/queue-summary.txt",
            staff=person,
            rows=rows,
            site_name=site,
            link=absolute_url("moderation.index"),
        )
        mail.queue(person.email, f"Moderation queue: {len(rows)} waiting · {site}", body, "queue-summary")
        sent += 1
    return sent
