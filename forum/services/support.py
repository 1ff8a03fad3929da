"""Contact the team: requests from members and visitors, the anti-spam checks, the team's answers."""

import re
import time
from urllib.parse import urlsplit

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import Member, Post, Thread, normalise_email, utcnow
from ..models.db import db
from ..models.support import STATUSES, TOPICS, SupportReply, SupportRequest
from . import appeals, moderating

MAX_MESSAGE = 5000
# A form sent sooner than this after it was shown was filled by a program; older than a day, it
# is stale (and a token collected once cannot be replayed for ever).
MIN_SECONDS = 3
MAX_SECONDS = 24 * 3600
_LINK = re.compile(r"^/(t|p|members)/(\d+)/?$")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="support-form")


def form_token(issued: float | None = None) -> str:
    """A signed note of when the form was shown."""
    return _serializer().dumps(int(issued if issued is not None else time.time()))


def check_token(token: str, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    try:
        issued = int(_serializer().loads(token or ""))
    except (BadSignature, TypeError, ValueError):
        raise Invalid("This form could not be checked. Please reload the page and send it again.") from None
    if now - issued < current_app.config.get("SUPPORT_MIN_SECONDS", MIN_SECONDS):
        raise Invalid("That was sent very quickly. Please check your message and send it again.")
    if now - issued > MAX_SECONDS:
        raise Invalid("This form is more than a day old. Please send it again.")


def _check_link(sender, link: str, host: str | None) -> str:
    """A link to a post, thread or profile the sender can see, as a path; or an Invalid. A full
    link must name this site: its FORUM_BASE_URL, or `host`, the one the form was sent to."""
    link = (link or "").strip()
    if not link:
        return ""
    parts = urlsplit(link)
    match = _LINK.match(parts.path or "")
    refused = Invalid(
        "Give a link to a post, thread or profile on this forum that you can see, or leave it empty.",
        field="link",
    )
    hosts = {urlsplit(current_app.config.get("BASE_URL", "")).netloc, host}
    if not match or (parts.netloc and parts.netloc not in hosts):
        raise refused
    kind, ident = match.group(1), int(match.group(2))
    if kind == "t":
        thread = Thread.get_or_none(Thread.id == ident)
        if thread is None or not policy.can(sender, "read_thread", thread):
            raise refused
    elif kind == "p":
        post = Post.get_or_none(Post.id == ident)
        if post is None or not policy.can(sender, "read_thread", post.thread):
            raise refused
    else:
        member = Member.get_or_none(Member.id == ident)
        if member is None or member.status != "active" or not policy.can(sender, "browse_directory"):
            raise refused
    return f"/{kind}/{ident}"


def create(sender, data: dict, host: str | None = None) -> SupportRequest:
    """A new request. `sender`: current_user (a member, or anonymous with data["email"]);
    `host`: the site's host as the sender reached it, which links to the forum may name."""
    topic = data.get("topic")
    if topic not in TOPICS:
        raise Invalid("Choose what your message is about.", field="topic")
    message = (data.get("message") or "").strip()
    if not message:
        raise Invalid("Write your message.", field="message")
    if len(message) > MAX_MESSAGE:
        raise Invalid(
            f"Your message is {len(message)} characters; please keep it under {MAX_MESSAGE}.", field="message"
        )
    signed_in = bool(getattr(sender, "is_authenticated", False))
    if signed_in:
        email = sender.email
    else:
        email = normalise_email(data.get("email") or "")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise Invalid("Give an email address we can answer to.", field="email")
    link = _check_link(sender, data.get("link", ""), host) if topic.startswith("complaint") else ""
    if topic == "appeal" and not (data.get("reference") or "").strip():
        raise Invalid("Give the reference from the team's email about the decision.", field="reference")
    with db.atomic():
        request = SupportRequest.create(
            member=sender.id if signed_in else None,
            email=email,
            topic=topic,
            message=message,
            link=link,
            admins_only=topic == "complaint_staff",
        )
        if topic == "appeal":
            # Waits in the Moderation area's Appeals, linked to its decision and to this request.
            appeals.appeal_by_reference(sender, data["reference"], message, email, request.id)
        body = render_template(
            "email/support-receipt.txt",
            request=request,
            site_name=current_app.config["SITE_NAME"],
            url=absolute_url("support.my_request", request_id=request.id) if signed_in else None,
        )
        mail.queue(email, f"We have your message ({request.reference})", body, "support-receipt")
    return request


def mine(member) -> list[SupportRequest]:
    return list(
        SupportRequest.select().where(SupportRequest.member == member.id).order_by(SupportRequest.id.desc())
    )


def own_request(member, request_id: int) -> SupportRequest:
    """The member's own request, with its answers (never internal notes); anyone else's is 404."""
    request = SupportRequest.get_or_none(SupportRequest.id == request_id)
    if request is None or not policy.can(member, "view_own_support_request", request):
        raise NotFound("There is no such request among yours.")
    return request


def answers(request: SupportRequest, internal: bool = False) -> list[SupportReply]:
    query = SupportReply.select(SupportReply, Member).join(Member).where(SupportReply.request == request.id)
    if not internal:
        query = query.where(SupportReply.internal == False)  # noqa: E712
    return list(query.order_by(SupportReply.id))


# -- the team's inbox ----------------------------------------------------------------------------


def inbox(staff, status: str | None = None, topic: str | None = None) -> dict:
    """The open requests (or those with `status`), of one topic or all, oldest first. A status or
    topic the inbox does not know is ignored."""
    status = status if status in STATUSES else None
    topic = topic if topic in TOPICS else None
    query = SupportRequest.select()
    if not policy.is_admin(staff):
        query = query.where(SupportRequest.admins_only == False)  # noqa: E712
    if status:
        query = query.where(SupportRequest.status == status)
    else:
        query = query.where(SupportRequest.status != "closed")
    if topic:
        query = query.where(SupportRequest.topic == topic)
    # Oldest first: the longest wait is answered first.
    requests = list(query.order_by(SupportRequest.created_at, SupportRequest.id).limit(200))
    assigned = {
        m.id: m for m in Member.select().where(Member.id.in_({r.assigned_to_id for r in requests} - {None}))
    }
    return {"requests": requests, "status": status, "topic": topic, "assigned": assigned}


def for_staff(staff, request_id: int) -> SupportRequest:
    request = SupportRequest.get_or_none(SupportRequest.id == request_id)
    if request is None or not policy.can(staff, "handle_support_request", request):
        raise NotFound("There is no such request in the team's inbox.")
    return request


def _log(staff, action, request, note=""):
    moderating.log(staff, action, "support", request.id, label=request.reference, note=note)


def answer(
    staff, request: SupportRequest, body: str, status: str, seen_status: str | None = None
) -> SupportReply:
    """Send an answer to the sender by email and show it under My requests."""
    body = (body or "").strip()
    if not body:
        raise Invalid("Write an answer.", field="body")
    if len(body) > MAX_MESSAGE:
        raise Invalid(f"Please keep an answer under {MAX_MESSAGE} characters.", field="body")
    if status not in ("waiting", "answered", "closed"):
        raise Invalid("Choose what happens next.", field="status")
    with db.atomic():
        # Only if nobody closed or answered it meanwhile: nothing is sent twice.
        seen = seen_status or request.status
        changed = (
            SupportRequest.update(
                status=status, updated_at=utcnow(), assigned_to=request.assigned_to_id or staff.id
            )
            .where(
                SupportRequest.id == request.id,
                SupportRequest.status == seen,
                SupportRequest.status != "closed",
            )
            .execute()
        )
        if not changed:
            fresh = SupportRequest.get_by_id(request.id)
            raise Conflict(
                f"{fresh.reference} is now {fresh.status_label.lower()}: someone else dealt with it. "
                "Reload it to see what was sent; your answer was not sent.",
                field="body",
            )
        reply = SupportReply.create(request=request.id, author=staff.id, body=body)
        mail_body = render_template(
            "email/support-answer.txt",
            request=request,
            answer=body,
            site_name=current_app.config["SITE_NAME"],
            url=absolute_url("support.my_request", request_id=request.id) if request.member_id else None,
        )
        mail.queue(
            request.email, f"An answer to your message ({request.reference})", mail_body, "support-answer"
        )
        _log(staff, "answer_support", request, note=STATUSES[status])
    return reply


def add_note(staff, request: SupportRequest, body: str) -> SupportReply:
    body = (body or "").strip()
    if not body:
        raise Invalid("Write a note.", field="note")
    with db.atomic():
        reply = SupportReply.create(
            request=request.id, author=staff.id, body=body[:MAX_MESSAGE], internal=True
        )
        _log(staff, "note_support", request)
    return reply


def assign(staff, request: SupportRequest, to_id: int | None) -> None:
    to = Member.get_or_none(Member.id == to_id) if to_id else None
    if to_id and (to is None or not policy.can(to, "handle_support_request", request)):
        raise Invalid("Choose a member of the team who can handle this request.", field="assignee")
    with db.atomic():
        SupportRequest.update(assigned_to=to.id if to else None, updated_at=utcnow()).where(
            SupportRequest.id == request.id
        ).execute()
        _log(staff, "assign_support", request)


def set_status(staff, request: SupportRequest, status: str) -> None:
    if status not in STATUSES:
        raise Invalid("Choose a status.", field="status")
    with db.atomic():
        SupportRequest.update(status=status, updated_at=utcnow()).where(
            SupportRequest.id == request.id
        ).execute()
        _log(staff, "status_support", request, note=STATUSES[status])


def team(request: SupportRequest) -> list[Member]:
    return list(Member.active_staff(admins_only=request.admins_only).order_by(Member.name))
