"""Reading private conversations: a member's side of one, the Messages page, a page of messages,
marking them read, and where a message is shown. services/conversations.py re-exports these."""

from dataclasses import dataclass

from peewee import Case

from .. import policy
from ..errors import NotFound
from ..links import path_for
from ..models import Member, utcnow
from ..models.conversations import (
    CONVERSATIONS_PER_PAGE,
    MESSAGES_PER_PAGE,
    Conversation,
    Participant,
    PrivateMessage,
    conversations_of,
    participant_view,
)
from ..models.db import db
from ..models.directory import ContactRequest
from ..models.notifications import Notification
from ..policy.conversations import NO_SUCH_CONVERSATION

# The notification kind of a message (the Messages page reads its notifications).
KIND = "message"


@dataclass
class Start:
    """What policy.start_refusal reads: the member to write to (None if there is nobody by that
    id), and whether a contact request between the two was accepted."""

    other: Member | None
    accepted: bool


@dataclass
class Page:
    messages: list
    # The number to pass as `before` for earlier messages, or None at the start.
    earlier: int | None


# -- reading -------------------------------------------------------------------------------------


def conversation_for(member, conversation_id: int):
    """The member's side of a conversation with everything its page needs (one query); NotFound
    for a conversation they are not in, so nobody learns which conversations exist."""
    signed_in = getattr(member, "is_authenticated", False)
    view = participant_view(member.id, conversation_id) if signed_in else None
    if view is None or not policy.can(member, "read_conversation", view):
        raise NotFound(NO_SUCH_CONVERSATION)
    return view


def existing_with(member, other_id: int):
    """The member's conversation with another member, if they have one."""
    found = Conversation.between(member.id, other_id)
    return conversation_for(member, found.id) if found is not None else None


def start_terms(member, other_id: int) -> Start:
    other = Member.get_or_none(Member.id == other_id)
    accepted = (
        other is not None
        and ContactRequest.select()
        .where(
            (ContactRequest.status == "accepted")
            & (
                ((ContactRequest.sender == member.id) & (ContactRequest.recipient == other.id))
                | ((ContactRequest.sender == other.id) & (ContactRequest.recipient == member.id))
            )
        )
        .exists()
    )
    return Start(other, accepted)


def check_may_start(member, other_id: int) -> Start:
    terms = start_terms(member, other_id)
    policy.require(member, "start_conversation", terms)
    return terms


def inbox(member, page: int = 1):
    """(conversations on this page, whether there are more): one query."""
    policy.require(member, "read_conversations")
    rows = conversations_of(member.id, page)
    return rows[:CONVERSATIONS_PER_PAGE], len(rows) > CONVERSATIONS_PER_PAGE


def page(view, before: int | None = None) -> Page:
    """A page of the conversation's messages, oldest first: the latest ones, or those before
    message number `before`. One query."""
    rows = PrivateMessage.page_of(view.conversation_id, before)
    for row in rows:
        row.conversation = view.conversation  # for the policy, without a query per message
    if len(rows) > MESSAGES_PER_PAGE:
        rows = rows[1:]
        return Page(rows, rows[0].number)
    return Page(rows, None)


def mark_read(member, view) -> None:
    """The member has seen the conversation to its end: their unread count for it goes to zero,
    its total on their row comes down by as much, and the notification of it is read. Nothing is
    written when there is nothing new."""
    count = view.conversation.message_count
    if not view.unread and view.last_read >= count:
        return
    with db.atomic():
        changed = (
            Participant.update(unread=0, last_read=count)
            .where((Participant.id == view.id) & (Participant.unread == view.unread))
            .execute()
        )
        if changed and view.unread:
            _read_down(member, view)
    view.unread, view.last_read = 0, count


def _read_down(member, view) -> None:
    Member.update(unread_messages=_less(Member.unread_messages, view.unread)).where(
        Member.id == member.id
    ).execute()
    member.unread_messages = max(member.unread_messages - view.unread, 0)
    told = (
        Notification.update(read_at=utcnow())
        .where(
            (Notification.recipient == member.id)
            & (Notification.kind == KIND)
            & (Notification.link == link_to(view.conversation_id))
            & Notification.read_at.is_null()
        )
        .execute()
    )
    if told:
        Member.update(unread_notifications=_less(Member.unread_notifications, told)).where(
            Member.id == member.id
        ).execute()
        member.unread_notifications = max(member.unread_notifications - told, 0)


def _less(column, n: int):
    """column - n, never below zero (two tabs reading at once)."""
    return Case(None, [(column > n, column - n)], 0)


def link_to(conversation_id: int) -> str:
    return path_for("conversations.conversation", conversation_id=conversation_id)


def locate(member, message) -> str:
    """Where a message is shown to this member: its place in the conversation for one of the
    two, the page with the messages around it for staff once it is reported."""
    if member.id in message.conversation.member_ids:
        latest = message.number > message.conversation.message_count - MESSAGES_PER_PAGE
        before = None if latest else message.number + MESSAGES_PER_PAGE // 2
        where = path_for("conversations.conversation", conversation_id=message.conversation_id, before=before)
        return f"{where}#message-{message.number}"
    if policy.can(member, "review_message", message):
        return path_for("conversations.review", message_id=message.id)
    raise NotFound("There is no such message, or you cannot see it.")


def load_message(member, message_id: int):
    """A message the member may read (one of the two, or staff once it is reported), else NotFound."""
    message = PrivateMessage.for_report(message_id)
    if message is None or not policy.can(member, "read_message", message):
        raise NotFound("There is no such message, or you cannot see it.")
    return message
