"""Contact on the recipient's terms: a short introduction sent through the forum, which the
recipient accepts (both may then send each other private messages, services/conversations.py,
and both are emailed), declines, or reports as unsolicited promotion. Email addresses are not
exchanged by accepting: each of the two sees the other's only if that one chose to share it, when
sending or when accepting. The emails to the two members are notifications of the "contact" kind
(sent at once, in a digest or never, as each chose); only the alert to staff is sent from here.
The Charter forbids unsolicited self-promotion, so the limits here are about protecting
recipients, not about the sender's convenience."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, render_template
from peewee import IntegrityError, fn

from .. import policy
from ..errors import Conflict, Invalid, NotAllowed, NotFound
from ..links import absolute_url, path_for
from ..mail import outbox as mail
from ..models import Member, Mute, utcnow
from ..models.db import db
from ..models.directory import CONTACT_POLICIES, ContactRequest, MemberExpertise
from . import notifying, time_zones

# Requests a member may send in any 24 hours, not counting ones already accepted: enough to reach
# the people one means to, too few for a mailing campaign.
DAILY_LIMIT = 3
DAY = timedelta(hours=24)
# After a "no", the same sender waits this long before asking the same person again.
DECLINE_COOLDOWN = timedelta(days=30)


class TooMany(Conflict):
    status = 429


@dataclass
class ContactTerms:
    """What policy.contact_refusal needs: the recipient, and whether the two share an area of
    expertise or a region (read here, so the rule itself never queries)."""

    recipient: Member
    shared: bool
    # The recipient has muted the sender (self-moderation): they take no requests from them.
    muted: bool = False


@dataclass
class ContactState:
    """Where a viewer stands with a member, for the profile's Contact section."""

    refusal: str | None
    open_request: ContactRequest | None
    accepted: ContactRequest | None
    declined_until: object | None  # the datetime a declined sender may ask again

    @property
    def may_send(self) -> bool:
        return self.refusal is None and self.open_request is None and self.declined_until is None


def terms_for(sender, recipient) -> ContactTerms:
    """One query at most: whether the recipient muted the sender, and (for "shared") whether the
    two share an area of expertise, asked together."""
    if sender.id == recipient.id or not getattr(sender, "is_authenticated", False):
        return ContactTerms(recipient, shared=False)
    region = (sender.region or "").strip().lower()
    shared = bool(region) and region == (recipient.region or "").strip().lower()
    columns = [fn.EXISTS(Mute.select().where((Mute.member == recipient.id) & (Mute.muted == sender.id)))]
    if recipient.contact_policy == "shared" and not shared:
        mine = MemberExpertise.select(MemberExpertise.expertise).where(MemberExpertise.member == sender)
        columns.append(
            fn.EXISTS(
                MemberExpertise.select().where(
                    (MemberExpertise.member == recipient) & MemberExpertise.expertise.in_(mine)
                )
            )
        )
    row = Member.select(*columns).where(Member.id == recipient.id).tuples().first() or (False,)
    muted = bool(row[0])
    shared = shared or (len(row) > 1 and bool(row[1]))
    return ContactTerms(recipient, shared=shared and recipient.contact_policy == "shared", muted=muted)


def state_between(viewer, member) -> ContactState:
    """The viewer's standing with `member`: two queries at most."""
    refusal = policy.contact_refusal(viewer, terms_for(viewer, member))
    open_request = accepted = declined_until = None
    if viewer.id != member.id:
        for request in ContactRequest.between(viewer, member).limit(20):
            if request.status == "pending" and open_request is None:
                open_request = request
            elif request.status == "accepted" and accepted is None:
                accepted = request
            elif request.status == "declined" and request.sender_id == viewer.id and declined_until is None:
                until = request.answered_at + DECLINE_COOLDOWN
                declined_until = until if until > utcnow() else None
    return ContactState(refusal, open_request, accepted, declined_until)


def policy_label(member) -> str:
    return CONTACT_POLICIES.get(member.contact_policy, "")


# -- sending -------------------------------------------------------------------------------------


def recipient(member_id: int) -> Member:
    found = Member.get_or_none((Member.id == member_id) & (Member.status == "active"))
    if found is None:
        raise NotFound("There is no such member.")
    return found


def check_may_send(sender, to: Member) -> None:
    """NotAllowed, with the recipient's terms in words, if the sender may not ask at all."""
    refusal = policy.contact_refusal(sender, terms_for(sender, to))
    if refusal:
        raise NotAllowed(refusal)


def send(sender, recipient_id: int, purpose: str, message: str, share_email: bool = False) -> ContactRequest:
    """Send a contact request and email the recipient; all or nothing. `share_email`: the sender
    shows the recipient their address if the request is accepted."""
    to = recipient(recipient_id)
    check_may_send(sender, to)
    purpose = " ".join((purpose or "").split())
    if not purpose:
        raise Invalid("Say in a line what you would like to talk about.", field="purpose")
    try:
        with db.atomic():
            _check_limits(sender, to)
            request = ContactRequest.create(
                sender=sender,
                recipient=to,
                purpose=purpose,
                message=(message or "").strip(),
                sender_shares_email=bool(share_email),
            )
            text = f"{sender.name} would like to get in touch"
            email = notifying.Email("contact-request", text, {"item": request, "sender": sender})
            _notify(to, sender, request, text, email)
    except IntegrityError:
        # Sent twice at once: the partial unique index on open requests lets one through.
        raise Conflict(f"You already have a request waiting for {to.name}.") from None
    return request


def _check_limits(sender, to: Member) -> None:
    now = utcnow()
    for earlier in ContactRequest.between(sender, to).limit(20):
        if earlier.status == "pending" and earlier.sender_id == sender.id:
            raise Conflict(f"You already have a request waiting for {to.name}. They will answer it in time.")
        if earlier.status == "pending":
            raise Conflict(
                f"{to.name} has already sent you a request: answer it in your contact requests.",
            )
        if (
            earlier.status == "declined"
            and earlier.sender_id == sender.id
            and earlier.answered_at + DECLINE_COOLDOWN > now
        ):
            again = time_zones.local_time(earlier.answered_at + DECLINE_COOLDOWN, sender, date_only=True)
            raise Conflict(f"{to.name} declined your last request. You can ask again from {again}.")
    recent = (
        ContactRequest.select()
        .where(
            (ContactRequest.sender == sender)
            & (ContactRequest.created_at > now - DAY)
            & (ContactRequest.status != "accepted")
        )
        .count()
    )
    if recent >= DAILY_LIMIT:
        raise TooMany(
            f"You have sent {DAILY_LIMIT} contact requests in the last day that are still waiting "
            "or were declined. Please wait a day before sending another."
        )


# -- answering -----------------------------------------------------------------------------------


def request_for(viewer, request_id: int) -> ContactRequest:
    """A request with both people, if the viewer is one of them; 404 otherwise, so nobody learns
    which requests exist between other members."""
    request = ContactRequest.with_people().where(ContactRequest.id == request_id).first()
    if request is None or not policy.can(viewer, "view_contact_request", request):
        raise NotFound("There is no such contact request.")
    return request


def _answer(recipient_member, request_id: int, status: str) -> ContactRequest:
    """Compare-and-set on status, so two answers at once (two tabs) cannot both win."""
    request = request_for(recipient_member, request_id)
    if not policy.can(recipient_member, "answer_contact_request", request):
        if request.recipient_id == recipient_member.id:
            raise Conflict(f"You have already {request.status} this request.")
        raise NotAllowed("Only the person a request was sent to can answer it.")
    now = utcnow()
    changed = (
        ContactRequest.update(status=status, answered_at=now)
        .where((ContactRequest.id == request.id) & (ContactRequest.status == "pending"))
        .execute()
    )
    if not changed:
        raise Conflict("This request was answered a moment ago. Reload the page to see how.")
    request.status, request.answered_at = status, now
    return request


def accept(member, request_id: int, share_email: bool = False) -> ContactRequest:
    """The two may now send each other messages; each sees the other's email address only if
    that one chose to share it (`share_email`: the one accepting does). The sender is notified;
    the one who accepted gets the same email as a copy of their own doing, if they take contact
    emails at once."""
    with db.atomic():
        request = _answer(member, request_id, "accepted")
        if share_email:
            shared = ContactRequest.update(recipient_shares_email=True)
            shared.where(ContactRequest.id == request.id).execute()
            request.recipient_shares_email = True
        sender, to = request.sender, request.recipient
        _notify(sender, to, request, f"{to.name} accepted your contact request", _in_touch(request, to))
        notifying.email_only(
            to,
            "contact",
            text=f"You accepted {sender.name}'s contact request",
            link=path_for("directory.contact_request", request_id=request.id),
            email=_in_touch(request, sender),
        )
    return request


def _in_touch(request, other) -> notifying.Email:
    subject = f"You and {other.name} are in touch"
    shares = request.sender_shares_email if other.id == request.sender_id else request.recipient_shares_email
    context = {
        "item": request,
        "other": other,
        "other_shares": shares,
        "message_link": absolute_url("conversations.start", member_id=other.id),
    }
    return notifying.Email("contact-accepted", subject, context)


def decline(member, request_id: int) -> ContactRequest:
    """The sender is told, as of any answer (by email only if they chose contact emails at once);
    the "no" carries no reason, and none is asked for."""
    with db.atomic():
        request = _answer(member, request_id, "declined")
        answer = f"{request.recipient.name} declined your contact request"
        _notify(request.sender, request.recipient, request, answer)
        return request


def report(member, request_id: int) -> ContactRequest:
    """Report a request as unsolicited promotion: it is declined (if still waiting) and staff are
    emailed, since the Charter forbids unsolicited self-promotion and sales pitches."""
    with db.atomic():
        request = request_for(member, request_id)
        if not policy.can(member, "report_contact_request", request):
            if request.reported_at is not None:
                raise Conflict("You have already reported this request.")
            raise NotAllowed("Only the person a request was sent to can report it.")
        now = utcnow()
        ContactRequest.update(reported_at=now).where(ContactRequest.id == request.id).execute()
        request.reported_at = now
        if request.is_pending:
            request = _answer(member, request_id, "declined")
            request.reported_at = now
        for person in Member.active_staff():
            _email(
                person.email,
                "A contact request was reported as unsolicited promotion",
                "contact-reported",
                item=request,
                staff=person,
            )
    return request


def _notify(person, actor, request, text: str, email: notifying.Email | None = None) -> None:
    link = path_for("directory.contact_request", request_id=request.id)
    notifying.notify("contact", [person.id], actor=actor, text=text, link=link, email=email)


def _email(to: str, subject: str, kind: str, **context) -> None:
    """Staff alerts: not notifications (no setting silences them). Outside a request (the CLI)
    the link is built on FORUM_BASE_URL."""
    site = current_app.config["SITE_NAME"]
    context["link"] = absolute_url("directory.contact_request", request_id=context["item"].id)
    body = render_template(f"email/{kind}.txt", site_name=site, **context)
    mail.queue(to, f"{subject} · {site}", body, kind)
