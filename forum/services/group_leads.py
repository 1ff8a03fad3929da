"""A group's leads: who they are (named by the admin who creates the group, appointed and ended by
staff) and what they do, and staff with them: answer requests to join, invite, remove members
(saying why, logged) and pin threads in the group's space. Each in one transaction, through the row
keeping of services/groups.py, which names these too (groups.answer)."""

import re

from peewee import fn

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..models import Group, GroupMember, GroupRequest, Member, Thread, utcnow
from ..models.db import db
from . import appeals, notifying

REASON_MAX = 500


def _groups():
    """services/groups.py, whose row keeping (put_in_group, take_out_of_group) every change goes
    through. Imported when first used: that module names this one's functions, so this one
    cannot import it first."""
    from . import groups

    return groups


def request_by_id(request_id: int) -> GroupRequest:
    found = (
        GroupRequest.select(GroupRequest, Group)
        .join(Group, on=(GroupRequest.group == Group.id))
        .where(GroupRequest.id == request_id)
        .first()
    )
    if found is None:
        raise NotFound("There is no such request.")
    return found


def answer(lead, group, request_id: int, approve: bool) -> GroupRequest:
    """Approve or decline a request to join; the member who asked is told the answer. Answered
    twice (two leads at once), the second is told it was already answered and changes nothing."""
    request = request_by_id(request_id)
    if request.group_id != group.id:
        raise NotFound("There is no such request.")
    policy.require(lead, "answer_group_request", request)
    status = "approved" if approve else "declined"
    with db.atomic():
        changed = (
            GroupRequest.update(status=status, decided_at=utcnow(), by=lead.id)
            .where((GroupRequest.id == request.id) & (GroupRequest.status == "pending"))
            .execute()
        )
        if not changed:
            raise Conflict("This request was already answered by another lead.")
        if approve:
            _groups().put_in_group(group, request.member, "member")
        request.status = status
        notifying.group_request_answered(request, group)
    return request


def invite(lead, group, who: str) -> GroupRequest:
    """Invite a member, named by their email address or their exact name (when only one member
    has it). Someone already in the group, or already invited, is not invited again."""
    policy.require(lead, "invite_to_group", group)
    who = " ".join((who or "").split())
    if not who:
        raise Invalid("Say whom to invite: their name or email address.", field="who")
    invitee = _member_named(who)
    if invitee.id in _member_ids(group):
        raise Conflict(f"{invitee.name} is already in this group.", field="who")
    with db.atomic():
        pending = GroupRequest.pending(group, invitee.id).first()
        if pending is not None and pending.kind == "invitation":
            raise Conflict(f"{invitee.name} is already invited.", field="who")
        if pending is not None:
            # They asked already: inviting them is saying yes.
            answer(lead, group, pending.id, approve=True)
            return pending
        return GroupRequest.create(group=group, member=invitee, kind="invitation", by=lead.id)


def _member_named(who: str) -> Member:
    if "@" in who:
        found = Member.by_email(who)
        matches = [found] if found is not None and found.status == "active" else []
    else:
        matches = list(
            Member.select()
            .where((fn.LOWER(Member.name) == who.lower()) & (Member.status == "active"))
            .limit(2)
        )
    if not matches:
        raise Invalid(f"No active member is called {who}.", field="who")
    if len(matches) > 1:
        raise Invalid(f"More than one member is called {who}: use their email address.", field="who")
    return matches[0]


def _member_ids(group) -> set[int]:
    return {m.member_id for m in GroupMember.select(GroupMember.member).where(GroupMember.group == group)}


def membership_of(group, member_id: int) -> GroupMember:
    row = (
        GroupMember.select(GroupMember, Member)
        .join(Member, on=(GroupMember.member == Member.id))
        .where((GroupMember.group == group) & (GroupMember.member == member_id))
        .first()
    )
    if row is None:
        raise NotFound("That member is not in this group.")
    row.group = group
    return row


def remove_member(lead, group, member_id: int, reason: str) -> Member:
    """A lead (or staff) removes a member, saying why; logged like a staff action. They lose the
    group's space at once."""
    from .moderating import log

    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Say why you are removing them: they and the log are told.", field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(f"Use at most {REASON_MAX} characters for the reason.", field="reason")
    group.lead_count = GroupMember.lead_count(group)
    membership = membership_of(group, member_id)
    policy.require(lead, "remove_from_group", membership)
    with db.atomic():
        if not _groups().take_out_of_group(group, member_id):
            raise Conflict("That member has already left the group.")
        entry = log(
            lead,
            "remove_from_group",
            "member",
            member_id,
            label=f"{membership.member.name} from {group.name}",
            note=reason,
            group_id=group.id,
        )
        # Their statement of reasons, by email whatever they chose for notifications.
        appeals.tell_group_removal(entry, membership.member, group, reason)
    return membership.member


def set_lead(staff, group, member_id: int, lead: bool) -> Member:
    """Staff appoint a lead from the group's members, or end a lead's role (never the last)."""
    from .moderating import log

    policy.require(staff, "manage_groups", group, message="Only staff appoint group leads.")
    membership = membership_of(group, member_id)
    role = "lead" if lead else "member"
    if membership.role == role:
        raise Conflict(
            f"{membership.member.name} is already {'a lead' if lead else 'not a lead'} of this group."
        )
    with db.atomic():
        if not lead and GroupMember.lead_count(group) <= 1:
            raise Conflict("This is the group's only lead: appoint another lead first.")
        _groups().put_in_group(group, membership.member, role)
        log(
            staff,
            "appoint_lead" if lead else "step_down_lead",
            "member",
            member_id,
            label=f"{membership.member.name} in {group.name}",
            group_id=group.id,
        )
    return membership.member


def space_thread(viewer, group, thread_id: int) -> Thread:
    """A thread in the group's space that the viewer may read, with its category; otherwise not
    found, as for a thread that does not exist."""
    thread = Thread.with_category(thread_id)
    in_space = thread is not None and thread.category.group_id == group.id
    if not in_space or not policy.can(viewer, "read_thread", thread):
        raise NotFound("There is no such thread in this group's space.")
    return thread


def pin(viewer, group, thread_id: int, pinned: bool) -> Thread:
    """A lead (or staff) pins or unpins a thread in the group's space; logged with the group."""
    from .moderating import set_pinned

    thread = space_thread(viewer, group, thread_id)
    set_pinned(viewer, thread, pinned)
    thread.pinned = pinned
    return thread


# -- the first leads, named by the admin who creates the group ------------------------------------

LEADS_AT_CREATION = 20


def create_group_by(admin, data: dict) -> Group:
    """The admin page's new group: `data` is the form's (name, description, kind, join_rule,
    listed, leads: email addresses separated by commas, spaces or lines)."""
    policy.require(admin, "create_group", message="Only admins create groups.")
    leads = _leads_by_email(data.get("leads") or "")
    return _groups().create_group(
        data.get("name") or "",
        data.get("description") or "",
        data.get("kind") or "",
        data.get("join_rule") or "",
        bool(data.get("listed")),
        leads,
        by=admin,
    )


def _leads_by_email(text: str) -> list[Member]:
    emails = list(dict.fromkeys(e for e in re.split(r"[\s,;]+", text.strip()) if e))
    if len(emails) > LEADS_AT_CREATION:
        raise Invalid(f"Name at most {LEADS_AT_CREATION} leads; staff can appoint more later.", field="leads")
    leads = []
    for email in emails:
        member = Member.by_email(email) if "@" in email else None
        if member is None or member.status != "active":
            raise Invalid(f"No active member has the email address {email}.", field="leads")
        leads.append(member)
    return leads
