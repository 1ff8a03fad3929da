"""Staff decisions: the reasons and notes of moderation, warnings, suspensions, deletions, applications;
and the filters of the queue and the log, read from their query strings."""

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..models import MODERATION_REASONS
from ..models.base import parse_id
from ..services.queue import Filters


def reason_field(label="Reason"):
    return SelectField(
        label,
        choices=[SelectChoice("", "Choose a reason")]
        + [SelectChoice(code, text) for code, text in MODERATION_REASONS.items()],
        validators=[InputRequired("Choose a reason.")],
    )


def note_field(label="Note (optional)", description="Shown to the member with the reason."):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")],
        description=description,
    )


class ModerationForm(FlaskForm):
    """A reason for a staff action, with an optional note."""

    reason = reason_field()
    note = note_field()


class WarnForm(FlaskForm):
    reason = reason_field()
    note = TextAreaField(
        "Message to the member",
        validators=[InputRequired("Write the warning the member will read."), Length(max=2000)],
    )


class SuspendForm(FlaskForm):
    days = SelectField(
        "Suspend for",
        choices=[SelectChoice(str(d), f"{d} day{'s' if d > 1 else ''}") for d in (1, 3, 7, 30, 90)],
        default="7",
    )
    reason = reason_field()
    note = note_field()


class DeleteMemberForm(FlaskForm):
    reason = reason_field()
    note = note_field()
    posts = RadioField(
        "Their posts",
        choices=[
            SelectChoice("keep", "Keep them, shown as by a former member"),
            SelectChoice("remove", "Remove them"),
        ],
        default="keep",
    )
    block_email = BooleanField("Block this email address from joining again")


class StaffNoteForm(FlaskForm):
    body = TextAreaField(
        "Staff note",
        validators=[InputRequired("Write the note."), Length(max=5000)],
        description="Seen by staff only.",
    )


class DismissForm(FlaskForm):
    outcome_note = TextAreaField(
        "Note for the reporters (optional)",
        validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")],
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired("Please give the applicant a reason."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ],
        description="Sent to the applicant by email.",
    )


# -- filters, from a query string: what is not understood is left out -------------------------


def queue_filters(args) -> Filters:
    return Filters(
        urgent=args.get("urgent") == "1",
        reason=args.get("reason", ""),
        category=parse_id(args.get("category")),
        auto_hidden=args.get("auto_hidden") == "1",
    )


def log_filters(args) -> dict:
    """The log's: an action, the first and last day (YYYY-MM-DD), the id to page back from."""
    return {
        "action": args.get("action"),
        "since": _day(args.get("since")),
        "until": _day(args.get("until")),
        "before": parse_id(args.get("before")),
    }


def _day(raw) -> datetime | None:
    try:
        return datetime.strptime(raw or "", "%Y-%m-%d")
    except ValueError:
        return None
