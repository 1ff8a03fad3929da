"""The report form and the form that adds to a report's note. The domain function
(services/reporting.py) checks the same things again, so the CLI and tests get the same answers."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from ..models.reports import MAX_NOTE_LENGTH, REASONS

NOTE_TOO_LONG = f"Use at most {MAX_NOTE_LENGTH:,} characters."
URGENT_LABEL = "Urgent: someone is at risk of harm, or this is illegal"
URGENT_HINT = "Staff are emailed at once, whatever the time."


class ReportForm(FlaskForm):
    reason = RadioField(
        "Reason",
        choices=[SelectChoice(code, label) for code, label in REASONS.items()],
        # Checked below with a message a person understands, not WTForms' "Not a valid choice".
        validate_choice=False,
        description="Which part of the Members' Charter does it go against?",
    )
    note = TextAreaField(
        "Note",
        validators=[Length(max=MAX_NOTE_LENGTH, message=NOTE_TOO_LONG)],
        description="Optional, unless you chose “Something else”. Only staff read it.",
    )
    urgent = BooleanField(URGENT_LABEL, description=URGENT_HINT)

    def validate_reason(self, field):
        if field.data not in REASONS:
            raise ValidationError("Choose the reason closest to what is wrong.")

    def validate_note(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError("Say what is wrong: a note is needed when the reason is “Something else”.")


class AddToReportForm(FlaskForm):
    # Tells the route that this form adds to an existing report rather than making a new one,
    # so a second "Send report" (another tab) is answered with the report, not merged into it.
    adding = HiddenField(default="1")
    note = TextAreaField(
        "Add to your note",
        validators=[Length(max=MAX_NOTE_LENGTH, message=NOTE_TOO_LONG)],
        description="What has happened since, or what you forgot to say. Only staff read it.",
    )
    urgent = BooleanField(URGENT_LABEL, description=URGENT_HINT)

    def validate_note(self, field):
        if not (field.data or "").strip():
            raise ValidationError("Write what you want to add to your note.")
