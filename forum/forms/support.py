"""Contact the team, and the team's answers. Checks beyond the form's shape are in services.support."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..models.support import STATUSES, TOPICS
from . import stripped


class ContactForm(FlaskForm):
    topic = RadioField(
        "What is it about?", choices=[SelectChoice(k, v) for k, v in TOPICS.items()], validate_choice=False
    )
    message = TextAreaField("Message", filters=[stripped], description="Up to 5,000 characters.")
    link = StringField(
        "Link to the post, thread or profile concerned (optional)",
        filters=[stripped],
        description="For a complaint: copy the address of the page you mean.",
    )
    reference = StringField(
        "Reference of the decision (for an appeal)",
        filters=[stripped],
        description="From the team's email about the decision, like D-ABCD-2345.",
    )
    email = StringField("Your email address", filters=[stripped], description="We send our answer here.")
    # A field people never see: a program that fills every field fills this one too.
    website = StringField("Leave this field empty")
    token = HiddenField()


class AnswerForm(FlaskForm):
    body = TextAreaField("Answer", filters=[stripped], description="Sent to the sender by email.")
    status = SelectField(
        "Then mark it",
        choices=[SelectChoice(k, STATUSES[k]) for k in ("answered", "waiting", "closed")],
        validate_choice=False,
    )
    seen_status = HiddenField()


class NoteForm(FlaskForm):
    note = TextAreaField("Internal note", filters=[stripped], description="Only the team sees this.")


class AssignForm(FlaskForm):
    assignee = SelectField("Assigned to", validate_choice=False)


class StatusForm(FlaskForm):
    status = SelectField(
        "Status", choices=[SelectChoice(k, v) for k, v in STATUSES.items()], validate_choice=False
    )
