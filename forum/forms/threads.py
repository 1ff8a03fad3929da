"""Starting a thread, replying, editing a post and moving a thread."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..models import MODERATION_REASONS

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
        super().__init__(*args, **kwargs)
        self.reason.choices = [SelectChoice(code, text) for code, text in MODERATION_REASONS.items()]
