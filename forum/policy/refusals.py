"""Rules that say why not: each answers with the domain error to raise (its message is what the
person reads), or None if the member may. `can` asks them like any rule; `require` raises their
own answer."""

from flask import current_app

from ..errors import Conflict, NotAllowed, NotFound
from ..models.moderation import POST_ACTIONS
from .conversations import message_report_refusal
from .groups import leads_space
from .library import report_refusal as resource_report_refusal
from .roles import is_active_member, is_admin, is_author, is_staff, may_self_moderate
from .visibility import may_read_thread, may_see_upload

NO_PERMISSION = "Your account does not have permission for this."


# What a group's leads may do to posts in its space; removing stays with staff, and so does
# restoring what staff removed.
LEAD_POST_ACTIONS = {"hide": ("visible",), "restore": ("hidden",)}


def post_action_refusal(member, action, post):
    """Staff take an action (models.POST_ACTIONS) on a post whose status it applies to; a group's
    leads hide and restore posts in its space. Refused as a conflict when the post's status is
    not one the action applies to, since the usual cause is someone else acting first."""
    if not is_staff(member):
        if not moderates_in_group(member, post):
            return NotAllowed(NO_PERMISSION)
        if is_author(member, post):
            return NotAllowed("Staff decide on your own posts: nobody moderates their own words.")
        if action.name not in LEAD_POST_ACTIONS:
            return NotAllowed("Only staff can remove a post: hide it, and staff will review it.")
        if post.status in action.applies_to and post.status not in LEAD_POST_ACTIONS[action.name]:
            return NotAllowed("Staff removed this post: only staff can restore it.")
    if post.status not in action.applies_to:
        return Conflict(
            f"Nothing changed: this post is already {post.status}, perhaps by another staff member."
        )
    return None


def moderates_in_group(member, post) -> bool:
    """A lead of the group whose space the post is in. Asks for the post's category only of a
    member who leads some group: nobody else pays for the question."""
    if not any(role == "lead" for role in getattr(member, "groups", {}).values()):
        return False
    return leads_space(member, post.thread.category)


def staff_post_actions(member, post) -> list:
    """The staff actions the member may take on the post now: what its controls offer."""
    return [action for action in POST_ACTIONS.values() if post_action_refusal(member, action, post) is None]


def member_action_refusal(staff, member):
    """Warn, suspend, lift, delete and notes: see may_act_on_member; never on a deleted account."""
    if not may_act_on_member(staff, member):
        return NotAllowed("You can't act on this account.")
    if member.status == "deleted":
        return Conflict("This account is already deleted.")
    return None


def mute_refusal(member, target):
    """A suspended member may still mute: it changes only what they themselves see. Staff
    cannot be muted, so nobody mutes themselves out of moderation notices. Only an active
    account is muted; to anyone but staff, one that is not does not exist."""
    if not may_self_moderate(member):
        return NotAllowed("You can't mute members.")
    if target is None or (target.status != "active" and not is_staff(member)):
        return NotFound("There is no such member.")
    if target.id == member.id:
        return NotAllowed("You can't mute yourself.")
    if target.role != "member":
        return NotAllowed("Staff can't be muted: their moderation notices must reach everyone.")
    if target.status != "active":
        return NotFound("This account is not active: there is nobody to mute.")
    return None


def may_act_on_member(staff, member) -> bool:
    """Staff act on members; only an admin acts on staff; nobody on themselves or an admin."""
    if not is_staff(staff) or member is None or member.id == staff.id or member.role == "admin":
        return False
    return member.role == "member" or is_admin(staff)


def contact_refusal(member, terms) -> str | None:
    """Why `member` may not send a contact request to `terms.recipient`, or None if they may.
    `terms.shared`: whether the two share an area of expertise or a region (read by the caller)."""
    recipient = terms.recipient
    if not is_active_member(member):
        return "Only members can send contact requests."
    if recipient.id == member.id:
        return "You can't send a contact request to yourself."
    if recipient.status != "active":
        return "This member can't be contacted."
    if getattr(terms, "muted", False):
        # Said as for a member who takes no requests, so the sender cannot tell they are muted.
        return f"{recipient.name} doesn't take contact requests."
    if recipient.contact_policy == "anyone":
        return None
    if recipient.contact_policy == "shared" and terms.shared:
        return None
    if recipient.contact_policy == "shared":
        return (
            f"{recipient.name} takes contact requests only from members who share "
            "an area of expertise or their region."
        )
    return f"{recipient.name} doesn't take contact requests."


def report_refusal(member, kind: str, target):  # noqa: C901 (one flat list of refusals per kind of target)
    """Why `member` may not report `target` (kind: "post", "thread" or "member"), as the domain
    error to raise, or None if they may. What they cannot see is not found, so a report cannot
    confirm that something hidden from them exists."""
    if not is_active_member(member):
        return NotAllowed("Only members can report.")
    if kind == "post":
        if not may_read_thread(member, target.thread):
            return NotFound("There is no such post, or it is for members only.")
        if is_author(member, target):
            return NotAllowed("You can't report your own post.")
        if target.status == "hidden":
            return Conflict("This post is already hidden while the team reviews it.")
        if target.status != "visible":
            return NotFound("This post was withdrawn or removed: there is nothing left to report.")
        return None
    if kind == "thread":
        if not may_read_thread(member, target):
            return NotFound("There is no such thread, or it is for members only.")
        if target.author_id == member.id:
            return NotAllowed("You can't report your own thread.")
        if target.status != "visible":
            return NotFound("This thread was removed: there is nothing left to report.")
        return None
    if kind == "photo":
        if not may_see_upload(member, target):
            return NotFound("There is no such photo, or you cannot see it.")
        if target.owner_id == member.id:
            return NotAllowed("You can't report your own photo: remove it instead.")
        return None
    if kind == "resource":
        return resource_report_refusal(member, target)
    if kind == "member":
        if target.status != "active" and not is_staff(member):
            return NotFound("There is no such member.")
        if target.id == member.id:
            return NotAllowed("You can't report yourself.")
        if target.status != "active":
            return NotFound("This account is no longer active: there is nothing to report.")
        return None
    if kind == "message":
        return message_report_refusal(member, target)
    return NotFound("There is nothing like that to report.")


def report_counts(member, record) -> bool:
    """Whether `member`'s report counts toward hiding a post. record: (dismissed, actioned), how
    many of their reports staff decided each way. Someone whose reports are repeatedly dismissed
    (REPORT_DISMISSED_LIMIT or more, and more than were actioned) stops counting, so that a few
    members cannot use the threshold to silence someone; their reports still reach staff."""
    if is_staff(member):
        return True
    dismissed, actioned = record
    return not (dismissed >= current_app.config["REPORT_DISMISSED_LIMIT"] and dismissed > actioned)
