"""Groups: who sees a group, joins, leaves and leads it, and what a lead may do in its space.

A member's groups come with the member as loaded (Member.groups), so none of these queries. What
else a rule needs about a group is loaded onto it by services/groups.py before it asks:
`viewer_request` (the viewer's pending request or invitation, or None) and `lead_count`.
"""

from ..errors import Conflict, NotAllowed, NotFound
from .roles import is_active_member, is_admin, is_reading_member, is_staff

NO_SUCH_GROUP = "There is no such group, or it is not open to you."


def group_role(member, group_id: int) -> str | None:
    """ "member", "lead", or None: the member's place in the group, while they may read at all."""
    if not is_reading_member(member):
        return None
    return member.groups.get(group_id)


def leads_group(member, group_id) -> bool:
    """A lead of the group, in good standing (a suspended lead keeps the title, not the powers)."""
    return group_id is not None and is_active_member(member) and member.groups.get(group_id) == "lead"


def may_lead(member, group) -> bool:
    """Answer requests, invite, remove members and pin threads: the group's leads, and staff."""
    return is_staff(member) or leads_group(member, group.id)


def leads_space(member, category) -> bool:
    """A lead of the group whose space the category is (not staff: see post_action_refusal)."""
    return leads_group(member, category.group_id)


def may_pin(member, thread) -> bool:
    """Pin or unpin a thread: staff anywhere, and a group's leads in its space. `thread.category`
    is loaded with the thread (Thread.with_category, or set by the group's page)."""
    return is_staff(member) or leads_space(member, thread.category)


def _invited(group) -> bool:
    pending = getattr(group, "viewer_request", None)
    return pending is not None and pending.kind == "invitation"


def may_see_group(member, group) -> bool:
    """Listed groups are seen by every member; an unlisted one by its members, those invited
    into it, and staff. Visitors see none."""
    if not is_reading_member(member):
        return False
    return group.listed or is_staff(member) or group_role(member, group.id) is not None or _invited(group)


def join_refusal(member, group):
    """Join at once: an open group, or any group the member is invited into."""
    if not is_active_member(member):
        return NotAllowed("Only members in good standing can join groups.")
    if not may_see_group(member, group):
        return NotFound(NO_SUCH_GROUP)
    if group_role(member, group.id) is not None:
        return Conflict("You are already in this group.")
    if _invited(group) or group.join_rule == "open":
        return None
    if group.join_rule == "request":
        return NotAllowed("This group takes requests to join: ask to join, and a lead will answer.")
    return NotAllowed("This group is by invitation only: a lead can invite you.")


def ask_refusal(member, group):
    if not is_active_member(member):
        return NotAllowed("Only members in good standing can ask to join groups.")
    if not may_see_group(member, group):
        return NotFound(NO_SUCH_GROUP)
    if group_role(member, group.id) is not None:
        return Conflict("You are already in this group.")
    if _invited(group):
        return Conflict("You are invited into this group: accept the invitation to join.")
    if group.join_rule != "request":
        return NotAllowed("This group does not take requests to join.")
    if getattr(group, "viewer_request", None) is not None:
        return Conflict("You have already asked to join this group: a lead will answer.")
    return None


def leave_refusal(member, group):
    if group_role(member, group.id) is None:
        return Conflict("You are not in this group.")
    if member.groups.get(group.id) == "lead" and getattr(group, "lead_count", 2) <= 1:
        return Conflict("You are this group's only lead: ask staff to appoint another lead before you leave.")
    return None


def answer_refusal(member, request):
    """A lead (or staff) answers a request to join; an invitation is answered by the invited."""
    if not may_lead(member, request.group):
        return NotAllowed("Only the group's leads can answer requests to join.")
    if request.kind != "request":
        return NotFound("There is no such request.")
    if request.status != "pending":
        return Conflict(f"This request was already answered: it is {request.status}.")
    return None


def invite_refusal(member, group):
    if not may_lead(member, group):
        return NotAllowed("Only the group's leads can invite members.")
    return None


def remove_member_refusal(member, membership):
    """`membership`: the GroupMember row, with its group (and the group's lead_count) loaded."""
    group = membership.group
    if not may_lead(member, group):
        return NotAllowed("Only the group's leads can remove members.")
    if membership.member_id == member.id:
        return NotAllowed("To leave the group yourself, use Leave group.")
    if membership.role == "lead" and not is_staff(member):
        return NotAllowed("Only staff can remove a lead from a group.")
    if membership.role == "lead" and getattr(group, "lead_count", 2) <= 1:
        return Conflict("This is the group's only lead: appoint another lead first.")
    return None


RULES = {
    "see_group": may_see_group,
    "lead_group": may_lead,
    "pin_thread": may_pin,
    # Create groups and appoint their leads.
    "manage_groups": lambda m, t: is_staff(m),
    "create_group": lambda m, t: is_admin(m),
}
REFUSALS = {
    "join_group": join_refusal,
    "ask_to_join_group": ask_refusal,
    "leave_group": leave_refusal,
    "answer_group_request": answer_refusal,
    "invite_to_group": invite_refusal,
    "remove_from_group": remove_member_refusal,
}
