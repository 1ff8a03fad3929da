"""A message in a private conversation."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired

from . import new_submission


class MessageForm(FlaskForm):
    # The length limit is the domain function's, which says so with the count.
    message = TextAreaField(
        "Message",
        validators=[InputRequired("Write a message before sending it.")],
        description="Markdown works: **bold**, _italic_, [links](https://example.org), lists, > quotes.",
    )
    # A random value per form, so pressing Send twice sends one message.
    submission = HiddenField()


def blank_message_form(message: str = "") -> MessageForm:
    return MessageForm(formdata=None, data={"message": message, "submission": new_submission()})
