"""flask-wtf forms: what each form accepts, with messages written for the person filling it in."""

import secrets

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from .conditional import volatile
from .services.membership import password_problem


def new_submission() -> str:
    """A new post form's submission key: a double submit of the same form makes one post. Marked
    volatile, so the page's ETag does not change with it."""
    return volatile(secrets.token_urlsafe(16))


EMAIL_MESSAGE = "Enter an email address like name@example.org."


def _email_field(label="Email"):
    return EmailField(
        label,
        validators=[
            InputRequired("Enter your email address."),
            Length(max=254, message="That email address is too long."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def _name_field(label="Name"):
    return StringField(
        label,
        validators=[
            InputRequired("Enter your name as other members will see it."),
            Length(max=80, message="Use at most 80 characters for your name."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        render_kw={"autocomplete": "name"},
    )


class EmptyForm(FlaskForm):
    """A button-only form: it still carries the CSRF token."""


class JoinForm(FlaskForm):
    name = _name_field()
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired("Choose a password.")],
        description="At least 10 characters. A few unrelated words make a strong password.",
        render_kw={"autocomplete": "new-password"},
    )
    organisation = StringField(
        "Organisation",
        validators=[Optional(), Length(max=120, message="Use at most 120 characters.")],
        description="Pick yours from the list as you type, or name a new one.",
        render_kw={"autocomplete": "organization", "list": "organisations"},
    )
    job_title = StringField(
        "Role or job title",
        validators=[Optional(), Length(max=120, message="Use at most 120 characters.")],
        render_kw={"autocomplete": "organization-title"},
    )
    region = StringField(
        "Region",
        validators=[Optional(), Length(max=80, message="Use at most 80 characters.")],
        render_kw={"list": "regions"},
    )
    application_note = TextAreaField(
        "About your work",
        validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")],
        description="A few lines for the team who review applications: "
        "what you do and what you hope to share.",
    )
    # The version each box was shown with, so an acceptance is of the text that was on screen.
    accept_charter = BooleanField(
        "I accept the Members' Charter",
        validators=[InputRequired("Please accept the Members' Charter to join.")],
    )
    accept_code_of_conduct = BooleanField(
        "I accept the Code of Conduct",
        validators=[InputRequired("Please accept the Code of Conduct to join.")],
    )
    accept_terms = BooleanField(
        "I accept the Website Terms and Conditions",
        validators=[InputRequired("Please accept the Website Terms and Conditions to join.")],
    )
    versions = HiddenField()

    def validate_password(self, field):
        problem = password_problem(field.data or "", email=self.email.data or "", name=self.name.data or "")
        if problem:
            raise ValidationError(problem)


class SignInForm(FlaskForm):
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(FlaskForm):
    email = _email_field()


class NewPasswordForm(FlaskForm):
    """The member's email and name are checked against it by the domain function."""

    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password.")],
        description="At least 10 characters. A few unrelated words make a strong password.",
        render_kw={"autocomplete": "new-password"},
    )


class AcceptForm(FlaskForm):
    versions = HiddenField()


class NameForm(FlaskForm):
    name = _name_field()


class EmailChangeForm(FlaskForm):
    email = _email_field("New email")
    password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = PasswordField(
        "New password",
        validators=[InputRequired("Choose a new password.")],
        description="At least 10 characters. Other devices will be signed out.",
        render_kw={"autocomplete": "new-password"},
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


class PublishDocumentForm(FlaskForm):
    body = TextAreaField(
        "Text (Markdown)",
        validators=[InputRequired("The new version needs its text."), Length(max=100_000)],
    )
    summary = StringField(
        "What changed",
        validators=[Optional(), Length(max=300)],
        description="Shown to members when they are asked to accept the new version.",
    )


# -- threads and posts -------------------------------------------------------------------------

SHARING_CHOICES = [
    SelectChoice("credit", "Share with credit"),
    SelectChoice("members", "Members only: don't share outside the network"),
    SelectChoice("ask", "Ask me first"),
]


def _message_field(label="Message"):
    # The length limit is configurable, so the domain function checks it and says so.
    return TextAreaField(
        label,
        validators=[InputRequired("Write a message before posting.")],
        description="Markdown works: **bold**, _italic_, [links](https://example.org), lists, > quotes. "
        "Mention a member with @Name or @[Full Name].",
    )


def _interest_field():
    return StringField(
        "Declared interest (optional)",
        validators=[Optional(), Length(max=300, message="Use at most 300 characters.")],
        description="If you have a stake in what you write about, say so: it is shown with the post.",
    )


class ThreadForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Give the thread a title."),
            Length(min=3, max=150, message="A title needs between 3 and 150 characters."),
        ],
    )
    message = _message_field()
    sharing = RadioField(
        "Sharing terms",
        choices=SHARING_CHOICES,
        default="credit",
        description="How others may use the ideas and project details you share here.",
    )
    interest = _interest_field()
    # A random value per form, so pressing Post twice creates one thread.
    submission = HiddenField()


class ReplyForm(FlaskForm):
    message = _message_field()
    sharing = SelectField(
        "Sharing terms for this post",
        choices=[SelectChoice("", "Same as the thread"), *SHARING_CHOICES],
        default="",
    )
    interest = _interest_field()
    submission = HiddenField()


class EditPostForm(FlaskForm):
    message = _message_field()
    interest = _interest_field()
    # The revision the member started from: a save from an older one is refused.
    revision = HiddenField()


class MoveThreadForm(FlaskForm):
    category = SelectField("Move to category", coerce=int)
    reason = SelectField("Reason for moving", default="other", choices=[])
    note = StringField("Note (optional)", validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        from .models import MODERATION_REASONS

        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(code, text) for code, text in MODERATION_REASONS.items()]


# -- moderation --------------------------------------------------------------------------------


def _reason_field(label="Reason"):
    from .models import MODERATION_REASONS

    return SelectField(
        label,
        choices=[SelectChoice("", "Choose a reason")]
        + [SelectChoice(code, text) for code, text in MODERATION_REASONS.items()],
        validators=[InputRequired("Choose a reason.")],
    )


def _note_field(label="Note (optional)", description="Shown to the member with the reason."):
    return TextAreaField(
        label,
        validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")],
        description=description,
    )


class ModerationForm(FlaskForm):
    """A reason for a staff action, with an optional note."""

    reason = _reason_field()
    note = _note_field()


class WarnForm(FlaskForm):
    reason = _reason_field()
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
    reason = _reason_field()
    note = _note_field()


class DeleteMemberForm(FlaskForm):
    reason = _reason_field()
    note = _note_field()
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
