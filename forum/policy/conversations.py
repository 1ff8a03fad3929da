"""Private conversations: who reads one, who writes in one, and who may report a message in one.

A conversation is read by its two members and nobody else: not staff, who see a message only when
one of the two reports it (then that message and the messages around it, see
services/conversations.py). Writing needs both to be members in good standing and neither to have
left or blocked the conversation; a suspended member's conversations are read-only until the
suspension ends.

What these rules read is loaded before they are asked: a conversation comes as the viewer's
Participant row (models/conversations.py, participant_view) with `.conversation`, `.theirs` (the
other's row) and `.other` (the other member); a message for reporting with `.conversation` and
`.reported` (PrivateMessage.for_report); starting one as a `Start` (services/conversations.py):
the other member, and whether a contact request between the two was accepted."""

from ..errors import Conflict, NotAllowed, NotFound
from .roles import is_active_member, is_reading_member, is_staff, may_self_moderate

NO_SUCH_CONVERSATION = "There is no such conversation."
# All the other member is told when one of the two leaves or blocks: nothing about who or why.
CLOSED = "This conversation is closed."


def in_conversation(member, view) -> bool:
    return view is not None and is_reading_member(member) and view.member_id == member.id


def _suspended(member) -> bool:
    return getattr(member, "is_suspended", False)


def send_refusal(member, view):
    """Why `member` may not send a message in the conversation `view`, or None if they may."""
    if not in_conversation(member, view):
        return NotFound(NO_SUCH_CONVERSATION)
    if not is_active_member(member):
        if _suspended(member):
            return NotAllowed("Your membership is suspended: your conversations are read-only until it ends.")
        return NotAllowed("Only members in good standing can send messages.")
    if view.blocked_at is not None:
        return Conflict(f"You blocked {view.other.name}: reopen the conversation to send a message.")
    if view.left_at is not None:
        return Conflict("You left this conversation: reopen it to send a message.")
    theirs = getattr(view, "theirs", None)
    if view.other.status == "deleted" or theirs is None or theirs.closed_it:
        return Conflict(CLOSED)
    if not is_active_member(view.other):
        return Conflict("This conversation is read-only for now.")
    return None


def start_refusal(member, start):
    """Why `member` may not start a conversation with `start.other`, or None if they may: only
    after one of the two accepted the other's contact request."""
    other = start.other
    if not is_active_member(member):
        if _suspended(member):
            return NotAllowed("Your membership is suspended: you can't start conversations until it ends.")
        return NotAllowed("Only members in good standing can send messages.")
    if other is None or other.status not in ("active", "suspended") or other.id == member.id:
        return NotFound("There is no such member to send a message to.")
    if not start.accepted:
        return NotAllowed(
            f"You can send {other.name} a message once one of you has accepted the other's contact request."
        )
    if not is_active_member(other):
        return Conflict(f"{other.name} can't take messages for now.")
    return None


def close_refusal(member, view):
    """Leave or block: a member's own protection, so a suspended member may too."""
    if not in_conversation(member, view) or not may_self_moderate(member):
        return NotFound(NO_SUCH_CONVERSATION)
    if view.closed_it:
        return Conflict("You have already closed this conversation.")
    return None


def reopen_refusal(member, view):
    if not in_conversation(member, view) or not may_self_moderate(member):
        return NotFound(NO_SUCH_CONVERSATION)
    if not view.closed_it:
        return Conflict("This conversation is open.")
    return None


def may_read_message(member, message) -> bool:
    """A message is read by the two members of its conversation; staff read it once it is
    reported (and the messages around it, on the report's page)."""
    if is_reading_member(member) and member.id in message.conversation.member_ids:
        return True
    return is_staff(member) and bool(getattr(message, "reported", False))


def message_report_refusal(member, message):
    """For policy.report_refusal: one of the two reports the other's message."""
    if not is_reading_member(member) or member.id not in message.conversation.member_ids:
        return NotFound("There is no such message, or you cannot see it.")
    if message.author_id == member.id:
        return NotAllowed("You can't report your own message.")
    return None


RULES = {
    # The Messages page: one's own conversations (read-only while suspended).
    "read_conversations": lambda m, t: is_reading_member(m),
    "read_conversation": in_conversation,
    "read_message": may_read_message,
    # Staff read a reported message with the messages around it (t: the message).
    "review_message": lambda m, t: is_staff(m) and bool(getattr(t, "reported", False)),
    "report_message": lambda m, t: is_active_member(m) and message_report_refusal(m, t) is None,
}
REFUSALS = {
    "send_message": send_refusal,
    "start_conversation": start_refusal,
    "close_conversation": close_refusal,
    "reopen_conversation": reopen_refusal,
}
