"""Appeals, for staff: the appeals waiting in the Moderation area (oldest first), and deciding one.
`Uphold` keeps the decision; `Reverse` undoes what can be undone (the post is visible again, the
suspension lifted, the warning withdrawn, the group membership back; a deleted account cannot be
restored, so its address is freed to join again). Either way the member is emailed and the public
moderation log records the outcome, in the one transaction. Nobody decides an appeal against their
own decision while another member of staff is active (policy/appeals.py)."""

from flask import current_app, render_template
from peewee import JOIN

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import BlockedEmail, Group, GroupMember, LogEntry, Member, Post, StaffNote, utcnow
from ..models.appeals import Appeal, Decision
from ..models.db import db
from ..models.search import refresh_posts
from . import appeals

REASON_MAX = 2000
OUTCOMES = {"uphold": "upheld", "reverse": "reversed"}
# What Reverse does, by the decision's action: said on the staff page beside the buttons.
REVERSING = {
    "hide_post": "Reverse shows the post again.",
    "remove_post": "Reverse shows the post again.",
    "warn_member": "Reverse withdraws the warning.",
    "suspend_member": "Reverse lifts the suspension, if it has not ended.",
    "remove_from_group": "Reverse puts them back in the group.",
    "delete_member": (
        "A deleted account cannot be restored: Reverse records the decision as reversed and frees "
        "their email address to join again."
    ),
}
DECIDED_SHOWN = 20


def _loaded(query) -> list:
    """Appeals with their decision, its staff member, the appellant and the decider: one query."""
    Taker, Appellant, Decider = Member.alias(), Member.alias(), Member.alias()
    rows = list(
        query.select_extend(Decision, Taker, Appellant, Decider)
        .join(Decision, on=(Appeal.decision == Decision.id))
        .join(Taker, on=(Decision.staff == Taker.id), attr="staff")
        .switch(Appeal)
        .join(Appellant, on=(Appeal.member == Appellant.id), attr="member")
        .switch(Appeal)
        .join(Decider, JOIN.LEFT_OUTER, on=(Appeal.decided_by == Decider.id), attr="decided_by")
    )
    staff_ids = {m.id for m in Member.active_staff().select(Member.id)}
    for appeal in rows:
        appeal.others_active = bool(staff_ids - {appeal.decision.staff_id, appeal.member_id})
        appeal.reversing = REVERSING.get(appeal.decision.action, "")
    return rows


def waiting(staff) -> dict:
    """The appeals waiting, oldest first, and the latest decided, for the Appeals page."""
    policy.require(staff, "moderate")
    return {
        "waiting": _loaded(
            Appeal.select().where(Appeal.status == "waiting").order_by(Appeal.created_at, Appeal.id)
        ),
        "decided": _loaded(
            Appeal.select()
            .where(Appeal.status != "waiting")
            .order_by(Appeal.decided_at.desc())
            .limit(DECIDED_SHOWN)
        ),
        "figures": appeals.figures(),
    }


def for_staff(staff, appeal_id: int) -> Appeal:
    policy.require(staff, "moderate")
    found = _loaded(Appeal.select().where(Appeal.id == appeal_id))
    if not found:
        raise NotFound("There is no such appeal.")
    return found[0]


def decide(staff, appeal_id: int, outcome: str, reason: str) -> Appeal:
    """Uphold or reverse; the member is told, the log records it. Decided twice (two staff at once),
    the second is told it already was, and nothing changes."""
    appeal = for_staff(staff, appeal_id)
    policy.require(staff, "decide_appeal", appeal)
    if outcome not in OUTCOMES:
        raise Invalid("Press Uphold or Reverse.", field="outcome")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why: the member reads your reason.", field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"Use at most {REASON_MAX:,} characters for the reason.", field="reason")
    status, now = OUTCOMES[outcome], utcnow()
    decision = appeal.decision
    with db.atomic():
        changed = (
            Appeal.update(status=status, decided_by=staff.id, decided_at=now, outcome=reason)
            .where((Appeal.id == appeal.id) & (Appeal.status == "waiting"))
            .execute()
        )
        if not changed:
            raise Conflict("Nothing changed: another member of staff decided this appeal a moment ago.")
        undone = ""
        if status == "reversed":
            undone = _undo(staff, decision, reason)
            Decision.update(reversed_at=now).where(Decision.id == decision.id).execute()
            decision.reversed_at = now
        _log(staff, decision, status, reason)
        appeal.status, appeal.decided_at, appeal.outcome, appeal.decided_by = status, now, reason, staff
        _tell(appeal, undone)
    return appeal


def _undo(staff, decision, reason: str) -> str:
    """Undo what the decision did, as far as it can be; returns what the member is told of it."""
    action = decision.action
    if decision.about_post:
        status = "hidden" if action == "hide_post" else "removed"
        shown = (
            Post.update(status="visible", status_reason="")
            .where((Post.id == decision.post_id) & (Post.status == status))
            .execute()
        )
        if shown:
            refresh_posts([decision.post_id])
            return "Your post is visible again."
        return "The post has changed since the decision, so it was not shown again."
    if action == "warn_member":
        StaffNote.create(
            member=decision.member_id,
            staff=staff,
            body=f"Warning {decision.reference} withdrawn on appeal: {reason}",
        )
        return "The warning is withdrawn."
    if action == "suspend_member":
        later = Decision.select().where(
            (Decision.member == decision.member_id)
            & (Decision.action == "suspend_member")
            & (Decision.id > decision.id)
        )
        lifted = not later.exists() and (
            Member.update(status="active", suspended_until=None, suspension_reason="")
            .where((Member.id == decision.member_id) & (Member.status == "suspended"))
            .execute()
        )
        return "Your suspension is lifted." if lifted else "The suspension had already ended."
    if action == "remove_from_group":
        return _back_in_group(decision)
    if action == "delete_member":
        if decision.blocked_email:
            BlockedEmail.delete().where(BlockedEmail.email == decision.blocked_email).execute()
        return (
            "Your account cannot be restored, but the decision is recorded as reversed and your email "
            "address is free to join again."
        )
    return ""


def _back_in_group(decision) -> str:
    from . import groups

    group = Group.get_or_none(Group.id == decision.group_id)
    member = Member.get_by_id(decision.member_id)
    if group is None or member.status not in ("active", "suspended"):
        return "The group membership could not be given back: the group or the account is gone."
    if (
        not GroupMember.select()
        .where((GroupMember.group == group) & (GroupMember.member == member.id))
        .exists()
    ):
        groups.put_in_group(group, member, "member")
    return f"You are a member of {group.name} again."


def _log(staff, decision, status: str, reason: str) -> None:
    """The outcome in the moderation log, about what the decision was about, so that the public log
    names it (or, in a group's space, does not) as it named the decision."""
    from .moderating import log

    entry = LogEntry.get_by_id(decision.entry_id)
    log(
        staff,
        "uphold_appeal" if status == "upheld" else "reverse_appeal",
        entry.target_type,
        entry.target_id,
        label=entry.target_label,
        thread_id=entry.thread_id,
        reason=decision.reason,
        note=f"{decision.reference}: {reason}",
        group_id=decision.group_id,
    )


def _tell(appeal, undone: str) -> None:
    """The outcome by email, whatever the member chose for notifications: to their address, or for
    a closed account to the one its appeal came from."""
    member = appeal.member
    to = appeal.email or (member.email if member.status in ("active", "suspended") else "")
    if not to:
        return
    site = current_app.config["SITE_NAME"]
    body = render_template(
        "email/appeal-decided.txt",
        member=member,
        appeal=appeal,
        decision=appeal.decision,
        undone=undone,
        site_name=site,
        log_url=absolute_url("pages.moderation_log"),
        where_url=appeals.appeal_url(appeal.decision),
    )
    mail.queue(to, f"Your appeal is decided ({appeal.decision.reference}) · {site}", body, "appeal-decided")
