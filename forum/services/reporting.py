"""Reporting: a member tells the team that something breaks the Charter; harm is limited until
staff look (hiding a post that enough members report); staff decide, and the reporter is told.

Routes, the CLI, the staff queue (services/queue.py) and tests all call these functions:
- `load_target(viewer, kind, id)`: what is being reported, or NotFound;
- `report(member, target, data)`: a new report; may hide the post and alert staff;
- `add_to_report(member, report, data, target)`: the reporter adds to their open report's note;
- `resolve(staff, report, decision, outcome_note)` and `resolve_all(actor, kind, id, ...)`:
  staff decide, and a group's leads on the posts and threads of its space
  (policy/group_moderation.py); each reporter is told;
- `set_trusted(member, trusted, by=None)`: a member whose single report hides a post;
- `reports_of(member)`: "My reports", a page at a time.
The reporter is never shown to the reported member: nothing here tells the subject anything.
"""

from datetime import timedelta

from flask import current_app, render_template
from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_link, path_for
from ..mail import outbox as mail
from ..models import Group, GroupMember, Member, Post, normalise_email, utcnow
from ..models.db import db
from ..models.reports import MAX_NOTE_LENGTH, MAX_NOTE_TOTAL, REASONS, REPORTS_PER_PAGE, Report
from ..models.search import refresh_posts
from ..policy.group_moderation import group_of
from . import notifying, time_zones
from .report_targets import Target, load_target, reported_items, target_for

# What routes, the CLI and the staff queue use; loading targets lives in report_targets.py.
__all__ = [
    "AlreadyReported",
    "ReportingTooFast",
    "Target",
    "add_to_report",
    "load_target",
    "report",
    "reports_of",
    "resolve",
    "resolve_all",
    "set_trusted",
    "set_trusted_by_email",
    "target_for",
]

DECISIONS = ("actioned", "dismissed")


class ReportingTooFast(Invalid):
    """Over the hourly limit: nothing is stored, the member's text is kept for later."""

    status = 429


class AlreadyReported(Conflict):
    """The member has reported this item before: they may add to that report instead."""

    def __init__(self, report: Report):
        super().__init__("You have already reported this. You can add to your note below.")
        self.report = report


# -- reporting -----------------------------------------------------------------------------------


def _clean_reason(reason) -> str:
    if reason not in REASONS:
        raise Invalid("Choose the reason closest to what is wrong.", field="reason")
    return reason


def _clean_note(note, *, required: bool, field: str = "note") -> str:
    note = (note or "").replace("\r\n", "\n").strip()
    if required and not note:
        raise Invalid("Say what is wrong: a note is needed when the reason is “Something else”.", field=field)
    if len(note) > MAX_NOTE_LENGTH:
        raise Invalid(
            f"Notes can be up to {MAX_NOTE_LENGTH:,} characters; this one has {len(note):,}.", field=field
        )
    return note


def _check_pace(member) -> None:
    limit = current_app.config["REPORTS_PER_HOUR"]
    if Report.made_since(member, utcnow() - timedelta(hours=1)) >= limit:
        raise ReportingTooFast(
            f"You have sent {limit} reports in the last hour, the most we take in an hour. "
            "Please send this one later; if someone is at risk now, contact the staff directly."
        )


def report(member, target: Target, data: dict) -> Report:
    """A member reports an item. In the same transaction: staff are emailed if it is urgent, and a
    post that has now been reported by enough members is hidden until staff review it."""
    problem = policy.report_refusal(member, target.kind, target.item)
    if problem:
        raise problem
    reason = _clean_reason(data.get("reason"))
    note = _clean_note(data.get("note"), required=reason == "other")
    urgent = bool(data.get("urgent"))
    try:
        with db.atomic():
            existing = Report.by(member, target.kind, target.id)
            if existing:
                raise AlreadyReported(existing)
            _check_pace(member)
            record = Report.records_of([member.id]).get(member.id, (0, 0))
            new = Report.create(
                reporter=member,
                target_type=target.kind,
                target_id=target.id,
                subject=target.subject_id,
                reason=reason,
                note=note,
                urgent=urgent,
                counted=policy.can(member, "count_toward_hiding", record),
            )
            Member.update(report_count=Member.report_count + 1).where(Member.id == member.id).execute()
            # One email per report: a report that hides a post says so, urgent or not.
            if target.kind == "post" and _hide_if_reported_enough(target.item, new):
                _alert_staff(new, target, member, kind="report-hid")
            elif urgent:
                _alert_staff(new, target, member)
            _tell_leads(new, target, member)
    except IntegrityError:
        # The same member's second report arrived at the same moment: the unique key kept one.
        raise AlreadyReported(Report.by(member, target.kind, target.id)) from None
    return new


def add_to_report(member, report: Report, data: dict, target: Target) -> Report:
    """The reporter adds to the note of their open report (and may now mark it urgent)."""
    if report.reporter_id != member.id:
        raise NotFound("There is no such report.")
    if not report.is_open:
        raise Conflict("The team has already decided on this report: see My reports.")
    addition = _clean_note(data.get("note"), required=False)
    if not addition:
        raise Invalid("Write what you want to add to your note.", field="note")
    # Kept in the note's text, read later by anyone: in the site's zone, named.
    stamp = time_zones.local_time(utcnow(), name_zone=True)
    note = f"{report.note}\n\nAdded {stamp}:\n{addition}" if report.note else addition
    if len(note) > MAX_NOTE_TOTAL:
        raise Invalid(
            "Your note is as long as a report's note can be; the team will read what is there.", field="note"
        )
    newly_urgent = bool(data.get("urgent")) and not report.urgent
    changes = {"note": note, "updated_at": utcnow(), **({"urgent": True} if newly_urgent else {})}
    with db.atomic():
        changed = (
            Report.update(**changes).where((Report.id == report.id) & (Report.status == "open")).execute()
        )
        if not changed:
            raise Conflict("The team has already decided on this report: see My reports.")
        report = Report.get_by_id(report.id)
        if newly_urgent:
            _alert_staff(report, target, member)
    return report


def _hide_if_reported_enough(post, new: Report) -> bool:
    """Hide the post when the open reports that count come from REPORT_HIDE_THRESHOLD distinct
    members, or one of them is from staff or a trusted member. Only open reports count: once
    staff have decided, later reports start afresh. True when this report hid it."""
    reports = list(
        Report.select(Report, Member)
        .join(Member, on=(Report.reporter == Member.id))
        .where(
            (Report.target_type == "post")
            & (Report.target_id == post.id)
            & (Report.status == "open")
            & (Report.counted == True)  # noqa: E712 (peewee builds SQL from ==)
        )
    )
    at_once = any(policy.can(r.reporter, "hide_by_single_report") for r in reports)
    if not at_once and len(reports) < current_app.config["REPORT_HIDE_THRESHOLD"]:
        return False
    reasons = sorted({r.reason_label for r in reports}, key=list(REASONS.values()).index)
    hidden = (
        Post.update(status="hidden", status_reason="Reported as: " + "; ".join(reasons) + ".")
        .where((Post.id == post.id) & (Post.status == "visible"))
        .execute()
    )
    if hidden:
        refresh_posts([post.id])
        Report.update(hid_target=True).where(Report.id == new.id).execute()
        new.hid_target = True
    return bool(hidden)


# -- email ---------------------------------------------------------------------------------------


def _email(to: str, subject: str, kind: str, **context) -> None:
    site = current_app.config["SITE_NAME"]
    body = render_template(f"email/{kind}.txt", site_name=site, **context)
    mail.queue(to, f"{subject} · {site}", body, kind)


def _alert_staff(report: Report, target: Target, reporter, kind: str = "report-urgent") -> None:
    """Every active staff member, at once: urgent reports must not wait for someone to look, and a
    post that members' reports have hidden is unseen by everyone until staff decide on it."""
    link = absolute_link(target.url)
    for person in Member.active_staff():
        _email(
            person.email,
            "Urgent report" if kind == "report-urgent" else "A post was hidden by reports",
            kind,
            staff=person,
            report=report,
            target=target,
            reporter=reporter,
            link=link,
        )


def _tell_leads(report: Report, target: Target, reporter) -> None:
    """A report about a post or thread in a group's space is for its leads too: each is told on
    their notifications (and by email as they chose), with a link to the group's reports. Staff
    hear of it as of any other report (urgent ones at once, _alert_staff). Neither the reporter
    nor the member whose content it is is told: a report never reaches its subject. Leads read
    their group's space by being its leads, so no rule of reading is asked here; the email
    carries no reply address, since replying is not how a report is answered."""
    group_id = group_of(target)
    if group_id is None:
        return
    group = Group.get_by_id(group_id)
    leads = GroupMember.select(GroupMember.member).where(
        (GroupMember.group == group_id)
        & (GroupMember.role == "lead")
        & GroupMember.member.not_in([reporter.id, target.subject_id])
    )
    what = "An urgent report" if report.urgent else "A new report"
    notifying.notify(
        "group_reports",
        leads,
        text=f"{what} in {group.name}: {target.description}",
        link=path_for("group_reports.queue", slug=group.slug),
    )


# -- staff and leads decide ----------------------------------------------------------------------


def _decide(staff, report: Report, decision: str, outcome_note: str, now) -> bool:
    changed = (
        Report.update(
            status=decision, outcome_note=outcome_note, decided_by=staff, decided_at=now, updated_at=now
        )
        .where((Report.id == report.id) & (Report.status == "open"))
        .execute()
    )
    if not changed:
        return False
    report.status, report.outcome_note, report.decided_at = decision, outcome_note, now
    reporter = report.reporter
    if reporter.is_active:  # a deleted or declined account gets no mail
        subject = "Your report: action taken" if decision == "actioned" else "Your report: no action"
        email = notifying.Email("report-decided", subject, {"report": report})
        notifying.notify("report", [reporter.id], text=subject, link=path_for("reports.mine"), email=email)
    return True


def _clean_decision(actor, decision: str, outcome_note: str, target: Target | None = None) -> str:
    """`target`: the item decided on, for a group's lead (staff decide on any report)."""
    policy.require(
        actor,
        "resolve_reports_on",
        target,
        "Only staff, and a group's leads in its space, decide on reports.",
    )
    if decision not in DECISIONS:
        raise Invalid("Decide “actioned” or “dismissed”.", field="decision")
    return _clean_note(outcome_note, required=False, field="outcome_note")


def resolve(staff, report: Report, decision: str, outcome_note: str = "") -> Report:
    """Staff decide one open report: "actioned" (they acted on it) or "dismissed" (no action).
    `outcome_note` is shared with the reporter, who is emailed in the same transaction.
    Conflict if it was already decided. The item itself is not changed here."""
    outcome_note = _clean_decision(staff, decision, outcome_note)
    with db.atomic():
        if not _decide(staff, report, decision, outcome_note, utcnow()):
            raise Conflict("This report was already decided.")
    return report


def resolve_all(
    staff, kind: str, target_id: int, decision: str, outcome_note: str = "", item=None
) -> list[Report]:
    """Staff decide every open report on one item at once (the queue's buttons); returns them.
    A group's lead may too, for a post or thread in its space: `item`, the loaded Post (with its
    thread and category) or Thread (with its category), is what the policy reads to decide.
    Dismissing the reports on a post that reports had hidden shows the post again: its hiding
    was only ever "until the team reviews it". Hiding or removing it for good is a moderation
    action of its own, taken before "actioned"."""
    target = Target(kind, item) if item is not None else None
    outcome_note = _clean_decision(staff, decision, outcome_note, target)
    now = utcnow()
    with db.atomic():
        reports = list(
            Report.select(Report, Member)
            .join(Member, on=(Report.reporter == Member.id))
            .where((Report.target_type == kind) & (Report.target_id == target_id) & (Report.status == "open"))
            .order_by(Report.id)
        )
        decided = [r for r in reports if _decide(staff, r, decision, outcome_note, now)]
        if decision == "dismissed" and kind == "post" and any(r.hid_target for r in reports):
            Post.update(status="visible", status_reason="").where(
                (Post.id == target_id) & (Post.status == "hidden")
            ).execute()
            refresh_posts([target_id])
    return decided


def set_trusted(member, trusted: bool, by=None) -> Member:
    """Mark a member trusted (their single report hides a post) or not. `by`: the staff member
    doing it; None from the CLI, whose user is the server's operator."""
    if by is not None:
        policy.require(by, "manage_trust", member, "Only staff decide who is trusted.")
    Member.update(trusted=bool(trusted)).where(Member.id == member.id).execute()
    member.trusted = bool(trusted)
    return member


def set_trusted_by_email(email: str, trusted: bool) -> Member:
    """The CLI's way in (`flask --app forum users trust EMAIL [--undo]`)."""
    member = Member.by_email(email)
    if member is None:
        raise NotFound(f"No account has the email {normalise_email(email)}.")
    return set_trusted(member, trusted)


# -- the reporter's view -------------------------------------------------------------------------


def reports_of(member, before_id: int | None = None):
    """One page of a member's reports, newest first, each with what it was about (a ReportedItem):
    a fixed number of queries, one for the reports and one per kind of item on the page.
    Returns (rows, the id to pass as before_id for older ones, or None)."""
    policy.require(member, "see_own_reports")
    reports = Report.page_for_reporter(member, before_id)
    more = len(reports) > REPORTS_PER_PAGE
    reports = reports[:REPORTS_PER_PAGE]
    items = reported_items(reports)
    return [(r, items[r.id]) for r in reports], (reports[-1].id if more else None)
