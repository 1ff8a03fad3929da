"""Reply by email: the reply addresses notifications carry, and `receive()`, the one function
that both ways mail comes in (the SMTP listener and the IMAP poller, forum/mail/intake.py) hand each
raw message to.

A reply address is reply+TOKEN@FORUM_REPLY_DOMAIN. The token names a member, a thread, the
member's current reply-address generation and the day it was made, and is signed with the secret
key, so it cannot be made up or moved to another thread; revoking (settings) moves the generation
on, and tokens older than FORUM_REPLY_TOKEN_DAYS expire. A reply posts through posting.reply, the
web's own function (limits, sanitising, locks, suspensions), after the same pause before posting
the web form gives. The member is answered only at their verified address, never at the address a
message claims to come from, so a forged message cannot make the forum write to a stranger. The
member must still be able to read the thread when their reply comes: one who has since left the
thread's group (or whose thread was taken down) is refused, and the refusal names no thread. The
answers (posted, refused, paused) are written by services/email_reply_answers.py."""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.utils import getaddresses, parseaddr

from flask import current_app
from peewee import IntegrityError

from ..errors import DomainError
from ..mail import reading as mailtext
from ..models import Member, Thread, normalise_email, utcnow
from ..models.db import db
from ..models.inbound import InboundMessage
from ..policy import can
from . import email_reply_answers as answers
from . import posting, self_moderation

# "r": a reply address from a notification; "p": the address of a pause email, whose reply is
# posted as written (the member has had their moment to pause, as with the web form's second send).
# "c": the address of a private message's email; its token names the conversation where the others
# name a thread (services/conversations.py).
KINDS = ("r", "p", "c")
_ADDRESS = re.compile(r"^reply\+([a-z0-9-]{1,120})@([a-z0-9.-]+)$", re.I)
_EPOCH_DAY = 86400


# -- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    member_id: int
    thread_id: int
    generation: int
    day: int
    kind: str = "r"


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _mac(payload: str) -> str:
    # Lower-case base32: some mail servers change the case of an address's local part; 100 bits.
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, b"reply-by-email:" + payload.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:20]


def _days(moment) -> int:
    return (moment.date() - moment.date().replace(year=1970, month=1, day=1)).days


def make_token(member, thread_id: int, kind: str = "r", day: int | None = None) -> str:
    fields = [member.id, thread_id, member.reply_generation, _days(utcnow()) if day is None else day]
    payload = "-".join(_b36(n) for n in fields) + "-" + kind
    return f"{payload}-{_mac(payload)}"


def read_token(token: str) -> Token | None:
    """The token's contents if its signature holds, else None (made up, or changed)."""
    token = (token or "").lower()
    payload, _, mac = token.rpartition("-")
    if not payload or not hmac.compare_digest(_mac(payload), mac):
        return None
    parts = payload.split("-")
    if len(parts) != 5 or parts[4] not in KINDS:
        return None
    try:
        member_id, thread_id, generation, day = (int(p, 36) for p in parts[:4])
    except ValueError:
        return None
    return Token(member_id, thread_id, generation, day, parts[4])


def reply_address(member, thread_id: int, kind: str = "r") -> str | None:
    """The Reply-To for an email about a post in this thread, or None when reply by email is off
    for the forum (no FORUM_REPLY_DOMAIN) or for the member."""
    domain = current_app.config.get("REPLY_DOMAIN")
    if not domain or not getattr(member, "reply_by_email", False):
        return None
    return f"reply+{make_token(member, thread_id, kind)}@{domain}"


def takes_replies(thread) -> bool:
    """Whether a reply address for the thread is worth giving (a digest's line about it): it is
    open (not locked, hidden or removed), and reply by email is on for the forum."""
    return bool(current_app.config.get("REPLY_DOMAIN")) and not thread.locked and thread.status == "visible"


def token_of(address: str) -> str | None:
    """The token in a reply address of this forum's domain, or None."""
    match = _ADDRESS.match(parseaddr(address or "")[1].strip())
    domain = current_app.config.get("REPLY_DOMAIN")
    if not match or not domain or match.group(2).lower() != domain:
        return None
    return match.group(1).lower()


def is_reply_address(address: str) -> bool:
    """For the SMTP listener's RCPT check: an address of ours whose signature holds."""
    token = token_of(address)
    return token is not None and read_token(token) is not None


def revoke(member) -> None:
    """Every reply address the member was sent stops working; new emails carry new ones."""
    Member.update(reply_generation=Member.reply_generation + 1).where(Member.id == member.id).execute()
    member.reply_generation += 1


def set_enabled(member, enabled: bool) -> None:
    Member.update(reply_by_email=enabled).where(Member.id == member.id).execute()
    member.reply_by_email = enabled


# -- receiving ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    outcome: str  # posted, refused, ignored, duplicate
    reason: str = ""
    post_id: int | None = None
    # For the SMTP listener: refuse the message itself (an address that is not ours). Everything
    # else is accepted and, when there is a member to tell, answered by email.
    reject: bool = False


GONE = "That thread no longer exists."
NOT_OPEN = (
    "That thread is no longer open to you (it is in a group you are not in, or it was taken down), "
    "so nothing was posted."
)


class Refusal(Exception):
    """Nothing is posted; `message` is what the member is told, `tell` whether to tell them."""

    def __init__(self, message: str, tell: bool = True):
        super().__init__(message)
        self.message, self.tell = message, tell


def receive(
    raw: bytes, *, recipient: str | None = None, envelope_sender: str | None = None, via: str = "smtp"
) -> Outcome:
    """Handle one raw message sent to a reply address: post it, refuse it, or ignore it. Call it
    in an app context; it commits its own transaction."""
    message = message_from_bytes(raw, policy=policy.default)
    key = _message_key(message, raw)
    address = recipient or _reply_address_in(message)
    token_text = token_of(address or "")
    token = read_token(token_text) if token_text else None
    row = dict(
        message_key=key, via=via[:10], sender=_sender(message)[:320], recipient=(address or "")[:320], raw=raw
    )
    try:
        with db.atomic():
            if InboundMessage.select().where(InboundMessage.message_key == key).exists():
                return Outcome("duplicate", "This message was received before.")
            inbound = InboundMessage.create(**row)
            result = _handle(inbound, message, token, envelope_sender)
            InboundMessage.update(
                outcome=result.outcome if result.outcome != "duplicate" else "ignored",
                reason=result.reason[:2000],
                post=result.post_id,
            ).where(InboundMessage.id == inbound.id).execute()
            return result
    except IntegrityError:
        # The same message delivered twice at the same moment: the unique key let one through.
        return Outcome("duplicate", "This message was received before.")


def _handle(inbound, message, token: Token | None, envelope_sender) -> Outcome:
    if mailtext.is_automatic(message, envelope_sender):
        return Outcome("ignored", "Sent automatically (an auto-reply or a bounce).")
    member = Member.get_or_none(Member.id == token.member_id) if token else None
    if token is None or member is None or member.status == "deleted":
        return Outcome("refused", "The reply address is not valid.", reject=True)
    if token.kind == "c":
        return _handle_message(inbound, message, token, member)
    thread = Thread.get_or_none(Thread.id == token.thread_id)
    InboundMessage.update(member=member.id, thread=thread.id if thread else None).where(
        InboundMessage.id == inbound.id
    ).execute()
    # A thread they may no longer read (a group they left, a thread removed) is not named to them.
    readable = thread if thread is not None and can(member, "read_thread", thread) else None
    text = ""
    try:
        _check_sender(member, message)
        # Their words go back to them with a refusal, so nothing they wrote is lost; not before the
        # sender is known to be them, so a stranger's text is never mailed on to a member.
        text = mailtext.reply_text(message)
        _check_address(member, token)
        _check_flood(member, token)
        if readable is None:
            raise Refusal(GONE if thread is None else NOT_OPEN)
        post = _post(member, thread, token, text, inbound)
    except Refusal as refusal:
        if refusal.tell:
            answers.tell_refused(member, readable, refusal.message, text)
        return Outcome("refused", refusal.message)
    if post is None:
        return Outcome("refused", "Paused: the member was asked to confirm.")
    answers.tell_posted(member, thread, post, mailtext.attachment_names(message))
    return Outcome("posted", "", post.id)


def _handle_message(inbound, message, token: Token, member) -> Outcome:
    """A reply to a private message's email, sent in the conversation (token.thread_id is its id)
    by the web's own function, after the same checks of sender and address as a reply to a post."""
    from . import conversations

    InboundMessage.update(member=member.id).where(InboundMessage.id == inbound.id).execute()
    text = ""
    try:
        _check_sender(member, message)
        text = mailtext.reply_text(message)
        _check_address(member, token)
        submission = "mail-" + hashlib.sha256(inbound.message_key.encode()).hexdigest()[:32]
        try:
            conversations.reply_by_email(member, token.thread_id, text, submission)
        except DomainError as error:
            raise Refusal(error.message or "The forum could not send this message.") from None
    except Refusal as refusal:
        if refusal.tell:
            conversations.tell_refused(member, token.thread_id, refusal.message, text)
        return Outcome("refused", refusal.message)
    return Outcome("posted")


def _check_sender(member, message) -> None:
    sender = _sender(message)
    if not member.is_verified or sender != normalise_email(member.email):
        raise Refusal(
            f"A reply to your reply address came from {sender or 'an unknown sender'}, which is not the "
            "verified email address of your account, so nothing was posted. Reply from the address "
            "these emails are sent to."
        )
    failed = mailtext.authentication_failure(message)
    if failed:
        raise Refusal(
            f"A reply from your address failed the mail server's {failed} check, so nothing was posted: "
            "it may not have come from you. If it did, post it on the forum instead."
        )


def _check_address(member, token: Token) -> None:
    if not member.reply_by_email:
        raise Refusal("Reply by email is switched off in your settings, so nothing was posted.")
    if token.generation != member.reply_generation:
        raise Refusal("That reply address was revoked in your settings, so nothing was posted.")
    if _days(utcnow()) - token.day > current_app.config["REPLY_TOKEN_DAYS"]:
        raise Refusal(
            "That reply address has expired, so nothing was posted. Reply to a newer email, or post "
            "on the forum."
        )


def _check_flood(member, token: Token) -> None:
    limit = current_app.config["REPLY_EMAILS_PER_HOUR"]
    count = InboundMessage.recent_for(member.id, token.thread_id, utcnow() - timedelta(hours=1))
    if count > limit:
        # Told once, when the limit is passed; after that a flood is dropped without an answer.
        raise Refusal(
            f"More than {limit} emails came to this reply address within an hour, so this one was not "
            "posted. Wait a while before sending more.",
            tell=count == limit + 1,
        )


def _post(member, thread, token: Token, text: str, inbound):
    """The reply, through the web's own posting function; None when paused to confirm."""
    if not text.strip():
        raise Refusal("We found no text of yours in the email (only quoted text), so nothing was posted.")
    if thread.locked:
        raise Refusal("This thread is locked: nobody can reply to it.")
    if member.is_suspended:
        raise Refusal("Your account is suspended, so you cannot post for now.")
    if token.kind == "r":
        reasons = self_moderation.pause_reasons(text)
        if reasons:
            address = f"reply+{make_token(member, thread.id, 'p')}@{current_app.config['REPLY_DOMAIN']}"
            answers.tell_paused(member, thread, reasons, text, address)
            return None
    # The Message-ID as the form's submission key: posting.reply posts it once whatever happens.
    submission = "mail-" + hashlib.sha256(inbound.message_key.encode()).hexdigest()[:32]
    try:
        return posting.reply(member, thread, {"message": text, "submission": submission})
    except posting.PostingTooFast:
        raise Refusal("You posted a moment ago: wait a few seconds, then send your reply again.") from None
    except DomainError as error:
        raise Refusal(error.message or "The forum could not post this reply.") from None


def _message_key(message, raw: bytes) -> str:
    message_id = (message.get("Message-ID") or "").strip().strip("<>")
    if message_id and len(message_id) <= 250:
        return message_id
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _sender(message) -> str:
    return normalise_email(parseaddr(str(message.get("From") or ""))[1])


def _reply_address_in(message) -> str | None:
    """For the IMAP poller: the reply address among the headers a delivery leaves."""
    for name in ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc"):
        for _, address in getaddresses([str(v) for v in message.get_all(name) or []]):
            if token_of(address):
                return address
    return None


def purge_raw(now=None) -> int:
    """Forget the raw text of messages older than the retention period; the record of what
    became of each (and which post it made) stays."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["INBOUND_RETENTION_DAYS"])
    return (
        InboundMessage.update(raw=None)
        .where((InboundMessage.received_at < cutoff) & InboundMessage.raw.is_null(False))
        .execute()
    )
