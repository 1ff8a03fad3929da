"""The admin's forms: a category, and a new version of a shipped document."""

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..services.categories import DESCRIPTION_MAX, NAME_MAX

READ_CHOICES = [
    SelectChoice("public", "Everyone, visitors included"),
    SelectChoice("members", "Members only"),
]
POST_CHOICES = [SelectChoice("members", "Any member"), SelectChoice("staff", "Staff only (announcements)")]


class CategoryForm(FlaskForm):
    """Creating or changing a category; its address (slug) comes from the name once, and stays."""

    name = StringField(
        "Name",
        validators=[
            InputRequired("Give the category a name."),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    description = TextAreaField(
        "Description",
        validators=[
            Optional(),
            Length(max=DESCRIPTION_MAX, message=f"Use at most {DESCRIPTION_MAX} characters."),
        ],
        description="One or two sentences for the forum's home page: what belongs here.",
    )
    position = IntegerField(
        "Position",
        validators=[Optional(), NumberRange(0, 10_000, "Use a whole number from 0 to 10,000.")],
        description="Lower numbers come first on the home page. Leave it empty to put a new category last.",
    )
    read_access = SelectField("Who can read", choices=READ_CHOICES, default="public")
    post_access = SelectField("Who can start threads", choices=POST_CHOICES, default="members")


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
