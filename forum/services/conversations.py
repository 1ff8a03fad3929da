"""Private conversations: what two members do once one has accepted the other's contact request.

- `start(member, other_id, data)`: the first message to someone, which makes the conversation;
- `send(member, view, data)`: a message in a conversation (the web form, and reply by email
  through `reply_by_email`);
- `mark_read`, `leave`, `block`, `reopen`; `inbox` (the Messages page), `page` (a conversation's
  messages), `locate` (where a message is shown, for a report's link);
- for staff, `reported_context`: a reported message with the messages around it, the only part of
  a conversation staff ever read;
- `export_for` (My data).

Each writing function checks the policy first and writes in one transaction: the message, both
unread counts (the member's side of the conversation and the total on their row, which the header
reads), and the notification, emailed at once, in a digest or never as the member chose for
"message". A member who muted the author is neither told nor counted as having unread messages:
the messages are there, folded away, as muted members' posts are.
"""

from datetime import datetime, timedelta

from flask import current_app, render_template
from peewee import IntegrityError, fn

from .. import policy
from ..errors import Invalid, NotFound
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import Member, Mute, utcnow
from ..models.conversations import (
    Conversation,
    Participant,
    PrivateMessage,
    participant_view,
)
from ..models.db import db
from ..models.notifications import Notification
from . import email_replies, notifying
from .conversation_pages import (  # noqa: F401,E402 (read from conversations by callers)
    KIND,
    Page,
    Start,
    check_may_start,
    conversation_for,
    existing_with,
    inbox,
    link_to,
    load_message,
    locate,
    mark_read,
    page,
    start_terms,
)
from .text import render_markdown

# A brake on a flood, well above what a conversation needs (posting's pace applies as well).
MESSAGES_PER_HOUR = 60
MAX_MESSAGE_LENGTH = 10_000


class MessagingTooFast(Invalid):
    """Sent again too soon, or too many in the hour: nothing is sent, the text is kept."""

    status = 429


# -- writing -------------------------------------------------------------------------------------


def _clean(data: dict) -> str:
    message = (data.get("message") or "").replace("\r\n", "\n").strip("\n")
    limit = current_app.config.get("MAX_MESSAGE_LENGTH", MAX_MESSAGE_LENGTH)
    if not message.strip():
        raise Invalid("Write a message before sending it.", field="message")
    if len(message) > limit:
        raise Invalid(
            f"A message can be up to {limit:,} characters; this one has {len(message):,}.", field="message"
        )
    return message


def _submission(data: dict) -> str | None:
    from .posting import SUBMISSION

    value = data.get("submission") or ""
    return value if SUBMISSION.fullmatch(value) else None


def _already_sent(member, submission: str | None):
    if not submission:
        return None
    return PrivateMessage.get_or_none(
        (PrivateMessage.author == member.id) & (PrivateMessage.submission == submission)
    )


def _check_pace(member) -> None:
    """Posting's pace (new members wait longer between posts), and a cap on the hour."""
    config = current_app.config
    joined = member.reviewed_at or member.created_at
    is_new = joined is None or utcnow() - joined < timedelta(days=config["NEW_MEMBER_DAYS"])
    interval = config["NEW_MEMBER_POST_INTERVAL" if is_new else "POST_INTERVAL"]
    hour_ago = utcnow() - timedelta(hours=1)
    last, in_hour = (
        PrivateMessage.select(fn.MAX(PrivateMessage.created_at), fn.COUNT(PrivateMessage.id))
        .where((PrivateMessage.author == member.id) & (PrivateMessage.created_at > hour_ago))
        .tuples()
        .first()
    )
    per_hour = config.get("MESSAGES_PER_HOUR", MESSAGES_PER_HOUR)
    if in_hour >= per_hour:
        raise MessagingTooFast(
            f"You have sent {per_hour} messages in the last hour, the most we take in an hour. "
            "Please send this one later; your message is kept below.",
            field="message",
        )
    if isinstance(last, str):  # SQLite hands an aggregate of a datetime column back as text
        last = datetime.fromisoformat(last)
    if last is not None:
        wait = interval - (utcnow() - last).total_seconds()
        if wait > 0:
            raise MessagingTooFast(
                f"You are sending quickly: please wait {int(wait) + 1} seconds, then send it again. "
                "Your message is kept below.",
                field="message",
            )


def send(member, view, data: dict) -> PrivateMessage:
    """A message at the end of the conversation; returns it. The same form sent twice sends one."""
    policy.require(member, "send_message", view)
    text = _clean(data)
    submission = _submission(data)
    try:
        with db.atomic():
            return _already_sent(member, submission) or _write(member, view, text, submission)
    except IntegrityError:
        # The same form sent twice at once: the unique submission key let one through.
        existing = _already_sent(member, submission)
        if existing is None:
            raise
        return existing


def _write(member, view, text: str, submission: str | None) -> PrivateMessage:
    _check_pace(member)
    now = utcnow()
    # The update takes the conversation's row lock: messages are numbered in turn, and a leave or
    # block (which takes the same lock) is seen before writing.
    Conversation.update(message_count=Conversation.message_count + 1, last_message_at=now).where(
        Conversation.id == view.conversation_id
    ).execute()
    for row in Participant.select().where(Participant.conversation == view.conversation_id):
        if row.member_id == member.id:
            view.left_at, view.blocked_at = row.left_at, row.blocked_at
        else:
            view.theirs = row
    policy.require(member, "send_message", view)
    counted = Conversation.select(Conversation.message_count).where(Conversation.id == view.conversation_id)
    number = counted.scalar()
    message = PrivateMessage.create(
        conversation=view.conversation_id,
        author=member.id,
        number=number,
        body_md=text,
        body_html=render_markdown(text),
        created_at=now,
        submission=submission,
    )
    message.author = member
    Participant.update(last_read=number).where(Participant.id == view.id).execute()
    view.last_read = number
    view.conversation.message_count = number
    other = view.other
    muted = Mute.select().where((Mute.member == other.id) & (Mute.muted == member.id)).exists()
    if not muted:
        Participant.update(unread=Participant.unread + 1).where(Participant.id == view.theirs.id).execute()
        Member.update(unread_messages=Member.unread_messages + 1).where(Member.id == other.id).execute()
        _tell(member, other, view.conversation_id, message)
    return message


def _tell(author, other, conversation_id: int, message) -> None:
    """One notification per conversation while it is unread, so the bell does not count every
    message; each message is still emailed to a member who wants them at once."""
    link = link_to(conversation_id)
    text = f"{author.name} sent you a message"
    email = notifying.Email(
        "message",
        text,
        {"author": author, "message": message},
        reply_to=email_replies.reply_address(other, conversation_id, "c"),
    )
    waiting = (
        Notification.select()
        .where(
            (Notification.recipient == other.id)
            & (Notification.kind == KIND)
            & (Notification.link == link)
            & Notification.read_at.is_null()
        )
        .exists()
    )
    if waiting:
        notifying.email_only(other, KIND, text=text, link=link, email=email)
    else:
        notifying.notify(KIND, [other.id], actor=author, text=text, link=link, email=email)


def start(member, other_id: int, data: dict):
    """The first message to a member (or the next, if the two already have a conversation): makes
    the conversation and both sides of it, in the message's transaction, so a refused message
    leaves nothing behind; returns (the member's view of it, the message)."""
    terms = check_may_start(member, other_id)
    _clean(data)
    other = terms.other
    with db.atomic():
        found = Conversation.between(member.id, other.id)
        if found is None:
            found = _new_conversation(member, other)
        view = conversation_for(member, found.id)
        return view, send(member, view, data)


def _new_conversation(member, other) -> Conversation:
    first, second = Conversation.pair(member.id, other.id)
    try:
        with db.atomic():
            found = Conversation.create(first=first, second=second)
            Participant.insert_many(
                [
                    {"conversation": found.id, "member": member.id, "other": other.id},
                    {"conversation": found.id, "member": other.id, "other": member.id},
                ]
            ).execute()
            return found
    except IntegrityError:
        # Both started it at the same moment: one conversation was made, and this goes in it.
        return Conversation.between(member.id, other.id)


def reply_by_email(member, conversation_id: int, text: str, submission: str) -> PrivateMessage:
    """A reply to a message's email (services/email_replies.py), sent as the web form sends one."""
    view = participant_view(member.id, conversation_id)
    if view is None:
        raise NotFound("That conversation no longer exists, or you are not in it, so nothing was sent.")
    if not text.strip():
        raise Invalid("We found no text of yours in the email (only quoted text), so nothing was sent.")
    try:
        return send(member, view, {"message": text, "submission": submission})
    except MessagingTooFast:
        raise MessagingTooFast("You are sending messages quickly: wait, then send it again.") from None


def tell_refused(member, conversation_id: int, reason: str, text: str) -> None:
    """The member's email was not sent as a message: why, and their words back, so nothing is lost.
    An answer (RFC 3834), which no responder answers in turn."""
    site = current_app.config["SITE_NAME"]
    mine = participant_view(member.id, conversation_id) is not None
    body = render_template(
        "email/message-refused.txt",
        member=member,
        reason=reason,
        text=text,
        link=absolute_url("conversations.conversation", conversation_id=conversation_id) if mine else "",
        settings=absolute_url("notifications.settings"),
        site_name=site,
    )
    headers = {"Auto-Submitted": "auto-replied"}
    mail.queue(member.email, f"Your message was not sent · {site}", body, "message-refused", headers)


def _close(member, view, action: str, **changes) -> None:
    policy.require(member, action, view)
    with db.atomic():
        # Takes the conversation's row lock, as sending does: a message and a close are in turn.
        Conversation.update(message_count=Conversation.message_count).where(
            Conversation.id == view.conversation_id
        ).execute()
        Participant.update(**changes).where(Participant.id == view.id).execute()
    for name, value in changes.items():
        setattr(view, name, value)


def leave(member, view) -> None:
    """No more messages either way, and the conversation leaves the member's list; the other is
    told only that it is closed. The one who left may reopen it from the other's profile. What
    they had not read stops counting, since the list no longer shows it."""
    _close(member, view, "close_conversation", left_at=utcnow())
    mark_read(member, view)


def block(member, view) -> None:
    """No more messages either way; it stays in the member's list, marked blocked, to reopen."""
    _close(member, view, "close_conversation", blocked_at=utcnow())


def reopen(member, view) -> None:
    _close(member, view, "reopen_conversation", left_at=None, blocked_at=None)
