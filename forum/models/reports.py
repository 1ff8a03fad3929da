"""Reports: a member telling the team that something breaks the Charter.

A report names its target by kind and id (`target_type`, `target_id`) rather than by one foreign
key per kind, so a new kind of thing to report (photos, when uploads land) is a new entry in
TARGET_TYPES and a loader in services/reporting.py, with no change to this table. `subject` is
the member whose content it is, copied at reporting time, so the staff queue can say whose
content it is, and nobody can report their own, without loading each target.
"""

from peewee import BooleanField, Case, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .members import Member

# Stable codes (stored) -> the Charter's words (shown). Never rename a code: old reports keep it.
REASONS = {
    "uncivil": "Disrespectful or uncivil",
    "unprofessional": "Unprofessional conduct",
    "harmful": "Harmful to others",
    "dishonest": "Dishonest or misleading",
    "interest": "Undeclared conflict of interest",
    "promotion": "Unsolicited promotion or sales pitch",
    "permission": "Content or photo posted without permission",
    "terms": "Ideas or project details shared against their owner's terms",
    "personal": "Personal information exposed",
    "spam": "Spam",
    "other": "Something else",
}
# open: waiting for staff; actioned: staff acted on it; dismissed: staff took no action.
REPORT_STATUSES = {"open": "Open", "actioned": "Action taken", "dismissed": "No action"}
TARGET_TYPES = ("post", "thread", "member", "photo", "message", "resource")
MAX_NOTE_LENGTH = 2000
# A note grows when its reporter adds to it; past this it is full (a brake, not a feature).
MAX_NOTE_TOTAL = 4 * MAX_NOTE_LENGTH
REPORTS_PER_PAGE = 50


class Report(BaseModel):
    reporter = ForeignKeyField(Member, backref="reports_made", on_delete="CASCADE")
    target_type = CharField(max_length=10)
    target_id = IntegerField()
    subject = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    reason = CharField(max_length=20)
    note = TextField(default="")
    urgent = BooleanField(default=False)
    status = CharField(max_length=10, default="open")
    # Whether it counted toward hiding the post (a reporter whose reports are repeatedly
    # dismissed stops counting), and whether it was the one that hid it: kept for staff.
    counted = BooleanField(default=True)
    hid_target = BooleanField(default=False)
    # What staff chose to tell the reporter when they decided; shown in "My reports".
    outcome_note = TextField(default="")
    decided_by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            # One report per member per item; also "which of these has this member reported".
            (("reporter", "target_type", "target_id"), True),
            # The reports on one item, and how many are open.
            (("target_type", "target_id", "status"), False),
            # The staff queue: open first, urgent first, oldest first.
            (("status", "urgent", "created_at"), False),
            # "My reports", newest first, and the hourly limit.
            (("reporter", "created_at"), False),
        )

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def status_label(self) -> str:
        return REPORT_STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @classmethod
    def by(cls, reporter, target_type: str, target_id: int):
        return cls.get_or_none(
            (cls.reporter == reporter) & (cls.target_type == target_type) & (cls.target_id == target_id)
        )

    @classmethod
    def reported_by(cls, reporter, targets: dict[str, list[int]]) -> set[tuple[str, int]]:
        """Which of these items (kind -> ids) the member has reported, in one query whatever
        their number: what a page of posts needs to show "Reported" instead of "Report"."""
        condition = None
        for target_type, ids in targets.items():
            if ids:
                term = (cls.target_type == target_type) & cls.target_id.in_(list(ids))
                condition = term if condition is None else (condition | term)
        if condition is None:
            return set()
        rows = cls.select(cls.target_type, cls.target_id).where((cls.reporter == reporter) & condition)
        return set(rows.tuples())

    @classmethod
    def open_counts(cls, target_type: str, ids: list[int]) -> dict[int, int]:
        """Open reports on each of these items, in one query: what staff see on a page of posts."""
        if not ids:
            return {}
        rows = (
            cls.select(cls.target_id, fn.COUNT(cls.id))
            .where((cls.target_type == target_type) & cls.target_id.in_(list(ids)) & (cls.status == "open"))
            .group_by(cls.target_id)
        )
        return dict(rows.tuples())

    @classmethod
    def made_since(cls, reporter, since) -> int:
        return cls.select().where((cls.reporter == reporter) & (cls.created_at >= since)).count()

    @classmethod
    def open_on(cls, target_type: str, target_id: int):
        return cls.select().where(
            (cls.target_type == target_type) & (cls.target_id == target_id) & (cls.status == "open")
        )

    @classmethod
    def page_for_reporter(cls, reporter, before_id: int | None = None, limit: int = REPORTS_PER_PAGE):
        """One page of a member's reports, newest first, by keyset on id."""
        query = cls.select().where(cls.reporter == reporter)
        if before_id:
            query = query.where(cls.id < before_id)
        return list(query.order_by(cls.id.desc()).limit(limit + 1))

    @classmethod
    def records_of(cls, reporter_ids) -> dict[int, tuple[int, int]]:
        """reporter id -> (dismissed, actioned) counts of their decided reports, in one query:
        how staff and the auto-hiding rule see a reporter's track record."""
        if not reporter_ids:
            return {}
        dismissed = fn.SUM(Case(None, [(cls.status == "dismissed", 1)], 0))
        actioned = fn.SUM(Case(None, [(cls.status == "actioned", 1)], 0))
        rows = (
            cls.select(cls.reporter, dismissed.alias("dismissed"), actioned.alias("actioned"))
            .where(cls.reporter.in_(list(reporter_ids)) & (cls.status != "open"))
            .group_by(cls.reporter)
            .tuples()
        )
        return {reporter: (int(d or 0), int(a or 0)) for reporter, d, a in rows}


__all__ = [
    "MAX_NOTE_LENGTH",
    "MAX_NOTE_TOTAL",
    "REASONS",
    "REPORTS_PER_PAGE",
    "REPORT_STATUSES",
    "TARGET_TYPES",
    "Report",
]
