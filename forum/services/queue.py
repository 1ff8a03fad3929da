"""The staff queue: open reports grouped by the item they are about, urgent first, then the
item that has waited longest. A fixed number of queries whatever its length: one for the
groups, one for their reports, and one per kind of item (posts, threads, members).
Dismissing an item's reports (no action) is the queue's own decision; acting on the item
decides its reports in moderating.py.

A group's queue is the same queue narrowed to the posts and threads of the group's space, for
its leads (and staff): they hide and restore posts there and dismiss reports, each logged as
staff's actions are, with the group named (policy/group_moderation.py says who may)."""

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, render_template
from peewee import Case, fn

from .. import policy
from ..errors import Conflict, NotFound
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import Category, Group, Member, Post, Thread, utcnow
from ..models.conversations import PrivateMessage
from ..models.db import db
from ..models.library import Resource
from ..models.reports import REASONS, TARGET_TYPES, Report
from ..models.uploads import Upload
from ..policy.group_moderation import GROUP_REPORT_KINDS, group_of
from . import moderating, reporting
from .groups import group_for

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
    # Whether the viewer may decide on the row's reports (a group's queue sets it).
    decidable: bool = True

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
    # Only the posts and threads in this group's space: the group's own queue.
    group: int | None = None


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
    if filters.group:
        space = Category.select(Category.id).where(Category.group == filters.group)
        in_space = Thread.select(Thread.id).where(Thread.category.in_(space))
        posts = Post.select(Post.id).where(Post.thread.in_(in_space))
        query = query.where(
            ((Report.target_type == "post") & Report.target_id.in_(posts))
            | ((Report.target_type == "thread") & Report.target_id.in_(in_space))
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
    if ids["message"]:
        items.update({("message", m.id): m for m in PrivateMessage.with_people(ids["message"])})
    items.update(Resource.as_reported(ids["resource"]))
    for key, row in by_key.items():
        row.item = items.get(key)


def dismiss(staff, kind: str, target_id: int, note: str = "") -> list[Report]:
    """No action on an item: its open reports are closed and each reporter told (an auto-hidden
    post comes back), and the decision is logged, in one transaction. Returns the reports;
    Conflict when there were none left to decide. `staff`: staff, or a lead of the group whose
    space the item is in (the policy decides, from the item loaded here)."""
    with db.atomic():
        target = reporting.load_target(staff, kind, target_id)
        decided = reporting.resolve_all(staff, kind, target_id, "dismissed", note, item=target.item)
        if not decided:
            raise Conflict("These reports were already decided, perhaps by someone else a moment ago.")
        moderating.log(
            staff,
            "dismiss_reports",
            kind,
            target_id,
            label=target.description,
            note=note,
            group_id=group_of(target),
        )
    return decided


# -- a group's queue, for its leads ---------------------------------------------------------------


def group_for_review(viewer, slug: str) -> Group:
    """The group at `slug`, for its leads and staff: not found for those who may not see the
    group at all (groups.group_for), refused for anyone else."""
    group = group_for(viewer, slug)
    policy.require(viewer, "review_group_reports", group, "Only the group's leads see its reports.")
    return group


def group_items(viewer, group: Group) -> list[QueueRow]:
    """The open reports on posts and threads in the group's space, as the staff queue groups
    them, for its leads and staff; the same fixed number of queries. Each row says whether the
    viewer may decide on it (`decidable`): a lead does not decide on reports about their own
    content, which stay for staff."""
    policy.require(viewer, "review_group_reports", group, "Only the group's leads see its reports.")
    rows = open_items(Filters(group=group.id))
    for row in rows:
        row.decidable = policy.can(viewer, "resolve_reports_on", reporting.target_for(row.item))
    return rows


def _in_space(group: Group, kind: str, target_id: int):
    """The reported post or thread, loaded for the policy, if it is in the group's space."""
    item = Post.with_thread(target_id) if kind == "post" else Thread.with_category(target_id)
    category = None
    if item is not None:
        category = item.thread.category if kind == "post" else item.category
    if kind not in GROUP_REPORT_KINDS or category is None or category.group_id != group.id:
        raise NotFound("There is no such item among this group's reports.")
    return item


def act_in_group(lead, group: Group, post_id: int, action: str, reason: str, note: str = ""):
    """A lead (or staff) hides or restores a reported post in the group's space, from its queue:
    moderating.act_on_post, which logs it with the group and decides the post's reports."""
    post = _in_space(group, "post", post_id)
    return moderating.act_on_post(lead, post, action, reason, note)


def dismiss_in_group(lead, group: Group, kind: str, target_id: int, note: str = "") -> list[Report]:
    """A lead (or staff) dismisses the reports on a post or thread in the group's space."""
    _in_space(group, kind, target_id)
    return dismiss(lead, kind, target_id, note)


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
