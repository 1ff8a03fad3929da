"""Creating and changing an event, answering it, cancelling it, and writing to those going.

The fields are text: the domain function (services/events.py) reads the times in the event's
time zone, the places and the link, and puts each refusal beside its field, so the CLI and tests
get the same answers as the form."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from . import optional_text, stripped


class EventForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Give the event a title."),
            Length(min=3, max=150, message="A title needs between 3 and 150 characters."),
        ],
        filters=[stripped],
    )
    category = SelectField(
        "Category or group",
        coerce=int,
        description="Where the event is listed and its discussion thread goes. An event in a group's "
        "space is seen by the group's members alone.",
        validate_choice=False,
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=10_000, message="Use at most 10,000 characters.")],
        description="What it is and who it is for. Markdown works: **bold**, _italic_, "
        "[links](https://example.org), lists.",
    )
    starts = StringField(
        "Starts",
        validators=[InputRequired("Give the date and time it starts.")],
        description="Date and time, like 2030-06-21 18:30, in the event's time zone.",
        render_kw={"type": "datetime-local"},
    )
    ends = StringField(
        "Ends",
        validators=[InputRequired("Give the date and time it ends.")],
        description="Date and time, like 2030-06-21 20:00.",
        render_kw={"type": "datetime-local"},
    )
    timezone = StringField(
        "Time zone",
        description="The zone the times above are in, by name: Europe/London, Africa/Lagos, America/Toronto.",
        filters=[stripped],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    venue = optional_text(
        "Where",
        500,
        "A venue and its address, as people will find it. Leave it empty for an event that is online only.",
        textarea=True,
    )
    online_url = optional_text(
        "Online link (optional)",
        500,
        "For a webinar or a hybrid event: shown only to those going.",
        render_kw={"type": "url", "spellcheck": "false"},
    )
    capacity = StringField(
        "Places (optional)",
        description="How many can come, from 1 to 10,000. Leave it empty for no limit; when it is full, "
        "members can join a waiting list.",
        filters=[stripped],
        render_kw={"inputmode": "numeric"},
    )
    # A random value per form, so pressing Create event twice creates one event.
    submission = HiddenField()
    # The version of the event the change was made from: a change from an older one is refused.
    sequence = HiddenField()


class AttendForm(FlaskForm):
    show_name = BooleanField("Show my name to other members among those going", default=True)


class CancelForm(FlaskForm):
    note = optional_text(
        "Note to those going (optional)", 2000, "Why it is cancelled, or what happens instead.", textarea=True
    )


class MessageForm(FlaskForm):
    message = TextAreaField(
        "Message to those going",
        validators=[
            InputRequired("Write a message before sending it."),
            Length(max=2000, message="Use at most 2,000 characters."),
        ],
        description="Emailed to everyone going, from the forum's address (yours is not shown).",
    )
