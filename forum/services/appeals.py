"""Statements of reasons and appeals, for the member: each moderation action on a member's content
or account records a Decision (`record`, called by the action inside its own transaction), which
the member reads in the action's email and on their own pages (My posts, their account), and may
appeal once, in time (`appeal`); a closed account appeals through Contact the team with the
reference from its email (`appeal_by_reference`). Staff decide appeals in
services/appeal_decisions.py; the figures for staff are `figures`."""

import secrets
from datetime import timedelta
from statistics import median

from flask import current_app
from peewee import IntegrityError, fn

from .. import policy
from ..errors import Invalid, NotFound
from ..links import absolute_url
from ..models import LogEntry, Post, utcnow
from ..models.appeals import (
    GROUP_RULE,
    POST_DECISIONS,
    REFERENCE_LETTERS,
    Appeal,
    Decision,
    clause_text,
)
from ..models.db import db
from ..models.reports import Report
from ..policy.appeals import NO_SUCH_DECISION, open_refusal

APPEAL_MAX = 5000
NO_SUCH_REFERENCE = (
    "No decision about you has that reference: copy it from the team's email (it looks like D-ABCD-2345)."
)


# -- the statement -------------------------------------------------------------------------------


def _reference() -> str:
    letters = "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(8))
    return f"D-{letters[:4]}-{letters[4:]}"


def normalise_reference(text: str) -> str:
    """ "d abcd 2345", "D-ABCD-2345" -> "D-ABCD-2345"; anything else comes back as typed, cleaned."""
    letters = "".join(c for c in (text or "").upper() if c.isalnum())
    if len(letters) == 9 and letters[0] == "D":
        return f"D-{letters[1:5]}-{letters[5:]}"
    return letters


def _started_by(entry, target_type: str, target_id: int, by_lead: bool) -> str:
    """Whether reports started it: open reports on the item when it was acted on (the action
    closes them right after). Otherwise the team, or a group's lead."""
    reported = (
        Report.select()
        .where(
            (Report.target_type == target_type) & (Report.target_id == target_id) & (Report.status == "open")
        )
        .exists()
    )
    if reported:
        return "reports"
    return "lead" if by_lead else "staff"


def record(
    entry,
    member_id: int,
    *,
    label: str = "",
    note: str = "",
    detail: str = "",
    content: str = "",
    post=None,
    blocked_email: str = "",
) -> Decision:
    """The statement of reasons for the action `entry` (its LogEntry) on a member, written inside the
    action's transaction, before the action closes the item's reports. Returned with `appeal_url`,
    where its email says to appeal."""
    now = utcnow()
    # Taken by a group's lead (in their group's space), not by the team.
    by_lead = not policy.is_staff(entry.staff)
    target_type, target_id = ("post", post.id) if post is not None else ("member", member_id)
    decision = None
    for _ in range(5):  # a reference already taken (one in a trillion): draw again
        try:
            with db.atomic():
                decision = Decision.create(
                    entry=entry.id,
                    member=member_id,
                    staff=entry.staff_id,
                    action=entry.action,
                    post_id=post.id if post is not None else None,
                    thread_id=entry.thread_id,
                    group_id=entry.group_id,
                    label=label[:150],
                    reason=entry.reason or "",
                    clause=GROUP_RULE if entry.action == "remove_from_group" else clause_text(entry.reason),
                    note=note or "",
                    detail=detail,
                    started_by=_started_by(entry, target_type, target_id, by_lead),
                    by_lead=by_lead,
                    content=content or (post.body_md if post is not None else ""),
                    reference=_reference(),
                    blocked_email=blocked_email,
                    appeal_until=now + timedelta(days=current_app.config["APPEAL_DAYS"]),
                    created_at=now,
                )
            break
        except IntegrityError:
            continue
    decision.appeal_url = appeal_url(decision)
    return decision


def record_deletion(entry, member, note: str, posts_removed: bool, blocked_email: str) -> Decision:
    """The statement for a deleted account: what became of its posts and its address."""
    detail = (
        "Your posts were removed with it."
        if posts_removed
        else "Your posts stay, shown as by a former member."
    )
    if blocked_email:
        detail += " Your email address may not be used to join again."
    return record(entry, member.id, label=member.name, note=note, detail=detail, blocked_email=blocked_email)


def tell_group_removal(entry, member, group, reason: str) -> Decision:
    """The statement for a member removed from a group, and its email."""
    from .moderating import _tell

    decision = record(entry, member.id, label=group.name, note=reason)
    _tell(member, f"You were removed from {group.name}", "moderation-group", group=group, statement=decision)
    return decision


def appeal_url(decision) -> str:
    """Where the member appeals: My posts for a post, their account for the rest, Contact the team
    for a deleted account."""
    if decision.action == "delete_member":
        return absolute_url("support.contact", topic="appeal")
    if decision.about_post:
        return absolute_url("selfmod.my_posts")
    return absolute_url("auth.account")


# -- the member's own decisions --------------------------------------------------------------------


def _with_appeals(decisions: list) -> list:
    appeals = {}
    if decisions:
        appeals = {
            a.decision_id: a for a in Appeal.select().where(Appeal.decision.in_([d.id for d in decisions]))
        }
    for decision in decisions:
        decision.appeal = appeals.get(decision.id)
    return decisions


def _post_stands(decision, status: str | None, restored: dict) -> bool:
    """A decision on a post stands while the post is as it left it and nobody restored it since (the
    author may have withdrawn it, or reports hidden it again after staff restored it).
    `restored`: {post id: the id of the latest log entry that restored it}."""
    if restored.get(decision.post_id, 0) > decision.entry_id:
        return False
    return status == ("hidden" if decision.action == "hide_post" else "removed")


def _restored(post_ids) -> dict:
    query = (
        LogEntry.select(LogEntry.target_id, fn.MAX(LogEntry.id))
        .where(
            (LogEntry.target_type == "post")
            & LogEntry.target_id.in_(sorted(post_ids))
            & (LogEntry.action == "restore_post")
        )
        .group_by(LogEntry.target_id)
    )
    return dict(query.tuples()) if post_ids else {}


def on_posts(member, posts) -> dict:
    """{post id: the latest decision on it} for those of `posts` (the member's own, loaded) that a
    decision hid or removed, or whose decision was appealed (its outcome stays to be read): one
    query for the page, and one for their appeals."""
    statuses = {p.id: p.status for p in posts}
    if not statuses or not getattr(member, "is_authenticated", False):
        return {}
    found = {}
    query = Decision.select().where(
        (Decision.member == member.id)
        & Decision.post_id.in_(sorted(statuses))
        & Decision.action.in_(POST_DECISIONS)
    )
    for decision in query.order_by(Decision.id):
        found[decision.post_id] = decision
    restored = _restored([p for p, d in found.items() if statuses[p] in ("hidden", "removed")])
    for decision in _with_appeals(list(found.values())):
        decision.stands = _post_stands(decision, statuses[decision.post_id], restored)
    return {k: d for k, d in found.items() if d.stands or d.appeal is not None or d.reversed_at}


def on_account(member) -> list:
    """The decisions about the member's account and groups, newest first, with their appeals."""
    if not getattr(member, "is_authenticated", False):
        return []
    decisions = list(
        Decision.select()
        .where((Decision.member == member.id) & Decision.action.not_in(POST_DECISIONS))
        .order_by(Decision.id.desc())
    )
    for decision in _with_appeals(decisions):
        decision.stands = True
    return decisions


def _load(decision) -> Decision:
    """The decision with `.appeal` and `.stands`, as the policy reads them."""
    _with_appeals([decision])
    decision.stands = True
    if decision.about_post:
        post = Post.get_or_none(Post.id == decision.post_id)
        decision.stands = post is not None and _post_stands(decision, post.status, _restored([post.id]))
    return decision


def own_decision(member, decision_id: int) -> Decision:
    """A decision about `member`, loaded for the policy; anyone else's is not found."""
    decision = Decision.get_or_none(Decision.id == decision_id)
    if decision is None or not getattr(member, "is_authenticated", False) or decision.member_id != member.id:
        raise NotFound(NO_SUCH_DECISION)
    return _load(decision)


def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise Invalid("Write your appeal: say why the decision should be looked at again.", field="body")
    if len(body) > APPEAL_MAX:
        raise Invalid(
            f"Your appeal is {len(body):,} characters; please keep it to {APPEAL_MAX:,}.", field="body"
        )
    return body


def _create(decision, member_id: int, body: str, **extra) -> Appeal:
    try:
        with db.atomic():
            return Appeal.create(decision=decision.id, member=member_id, body=body, **extra)
    except IntegrityError:
        # Two appeals at once (two tabs): the unique decision keeps one.
        error = open_refusal(_load(decision))
        raise error or Invalid("This decision has already been appealed.") from None


def appeal(member, decision_id: int, text: str) -> Appeal:
    """The member's appeal against a decision about them: once, in time, while it stands."""
    decision = own_decision(member, decision_id)
    policy.require(member, "appeal_decision", decision)
    body = _body(text)
    made = _create(decision, member.id, body)
    decision.appeal = made
    made.decision = decision
    return made


def appeal_by_reference(sender, reference: str, text: str, email: str, support_request_id: int) -> Appeal:
    """An appeal sent through Contact the team, in the transaction that stores the request: by a
    member about themself, or by a closed account, whose reference from its email is its proof."""
    decision = Decision.get_or_none(Decision.reference == normalise_reference(reference))
    signed_in = bool(getattr(sender, "is_authenticated", False))
    if decision is None or (signed_in and decision.member_id != sender.id):
        raise Invalid(NO_SUCH_REFERENCE, field="reference")
    if not signed_in and decision.member.status != "deleted":
        raise Invalid(
            "This decision is about an account that is still open: sign in and press Appeal beside it "
            "(My posts, or your account page).",
            field="reference",
        )
    error = open_refusal(_load(decision))
    if error is not None:
        raise Invalid(error.message, field="reference")
    return _create(
        decision, decision.member_id, _body(text), email=email, support_request_id=support_request_id
    )


def for_support_request(request_id: int) -> Appeal | None:
    return Appeal.get_or_none(Appeal.support_request_id == request_id)


# -- figures for staff ----------------------------------------------------------------------------


def figures(since=None, until=None) -> dict:
    """Appeals made in the period (all time by default): how many, how many wait, the share of those
    decided that were reversed, and the time to decide (median and longest, in hours)."""
    query = Appeal.select(Appeal.status, Appeal.created_at, Appeal.decided_at)
    if since is not None:
        query = query.where(Appeal.created_at >= since)
    if until is not None:
        query = query.where(Appeal.created_at < until)
    rows = list(query.tuples())
    decided = [(status, made, done) for status, made, done in rows if status != "waiting" and done]
    reversed_count = sum(1 for status, _, _ in decided if status == "reversed")
    hours = [(done - made).total_seconds() / 3600 for _, made, done in decided]
    return {
        "appeals": len(rows),
        "waiting": len(rows) - len(decided),
        "decided": len(decided),
        "upheld": len(decided) - reversed_count,
        "reversed": reversed_count,
        "share_reversed": reversed_count / len(decided) if decided else None,
        "median_hours_to_decide": median(hours) if hours else None,
        "longest_hours_to_decide": max(hours) if hours else None,
    }
