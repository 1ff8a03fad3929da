"""Private conversations as records: a reported message with the messages around it, the only
part of a conversation staff ever read, and a member's conversations for My data."""

from peewee import fn

from .. import policy
from ..errors import Conflict, NotFound
from ..models import Member
from ..models.conversations import (
    REPORT_CONTEXT,
    Participant,
    PrivateMessage,
)
from ..models.db import db
from ..models.reports import Report

# -- for staff: a reported message and the messages around it ------------------------------------


def reported_context(staff, message) -> tuple[list, list]:
    """(the messages around a reported message, as they were when it was first reported; the
    reports on it with their reporters). Only staff, only a reported message: conversations are
    otherwise closed to them."""
    if not policy.can(staff, "review_message", message):
        raise NotFound("There is no such message, or you cannot see it.")
    first_report = Report.select(fn.MIN(Report.created_at)).where(
        (Report.target_type == "message") & (Report.target_id == message.id)
    )
    around = list(
        PrivateMessage.select(PrivateMessage, Member)
        .join(Member, on=(PrivateMessage.author == Member.id))
        .where(
            (PrivateMessage.conversation == message.conversation_id)
            & PrivateMessage.number.between(message.number - REPORT_CONTEXT, message.number + REPORT_CONTEXT)
            & ((PrivateMessage.created_at <= first_report) | (PrivateMessage.id == message.id))
        )
        .order_by(PrivateMessage.number)
    )
    reports = list(
        Report.select(Report, Member)
        .join(Member, on=(Report.reporter == Member.id))
        .where((Report.target_type == "message") & (Report.target_id == message.id))
        .order_by(Report.created_at, Report.id)
    )
    return around, reports


def dismiss_reports(staff, message, note: str = "") -> list:
    """No action on a reported message: its open reports are closed, each reporter told, and the
    log says so without naming anyone (a private conversation stays private in the public log)."""
    from . import moderating, reporting  # they load report targets, which load messages from here

    with db.atomic():
        decided = reporting.resolve_all(staff, "message", message.id, "dismissed", note)
        if not decided:
            raise Conflict("These reports were already decided, perhaps by another staff member.")
        moderating.log(staff, "dismiss_reports", "message", message.id, label="A private message", note=note)
    return decided


def people_of(conversation) -> dict[int, Member]:
    """The two members of a conversation by id (staff's page names both)."""
    return {m.id: m for m in Member.select().where(Member.id.in_(list(conversation.member_ids)))}


# -- My data -------------------------------------------------------------------------------------


def _when(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None


def _name(person) -> str:
    return "Former member" if person.status == "deleted" else person.name


def export_for(member) -> list[dict]:
    """The member's conversations, those they left too, with every message in them: two queries."""
    Other = Member.alias()
    sides = list(
        Participant.select(Participant, Other.id, Other.name, Other.status)
        .join(Other, on=(Participant.other == Other.id), attr="other")
        .where(Participant.member == member.id)
        .order_by(Participant.conversation)
    )
    messages: dict[int, list] = {side.conversation_id: [] for side in sides}
    if messages:
        for message in (
            PrivateMessage.select()
            .where(PrivateMessage.conversation.in_(list(messages)))
            .order_by(PrivateMessage.conversation, PrivateMessage.number)
        ):
            messages[message.conversation_id].append(message)
    return [
        {
            "with": _name(side.other),
            "left": _when(side.left_at),
            "blocked": _when(side.blocked_at),
            "messages": [
                {
                    "from": "you" if m.author_id == member.id else _name(side.other),
                    "sent": _when(m.created_at),
                    "message": m.body_md,
                }
                for m in messages[side.conversation_id]
            ],
        }
        for side in sides
    ]
