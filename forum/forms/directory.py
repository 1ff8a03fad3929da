"""The directory's forms: search, the profile, organisations and contact requests."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..models.base import parse_id
from ..models.directory import CONTACT_POLICIES, SORTS
from . import choices, optional_text, stripped


class SearchForm(FlaskForm):
    """Read from the query string, so every search is a link that can be bookmarked and shared."""

    class Meta:
        csrf = False

    q = StringField("Search members", validators=[Optional(), Length(max=100)], filters=[stripped])
    region = SelectField("Region", choices=[SelectChoice("", "Any region")], validate_choice=False)
    expertise = SelectField("Expertise", choices=[SelectChoice("", "Any expertise")], validate_choice=False)
    organisation = StringField("Organisation", validators=[Optional(), Length(max=120)], filters=[stripped])
    # The groups the member may see, by slug (services.directory.filter_choices).
    group = SelectField("Group", choices=[SelectChoice("", "Any group")], validate_choice=False)
    sort = SelectField("Sort by", choices=choices(SORTS), validate_choice=False)


UNKNOWN_AREA = "One of the areas you chose is not on the list. Please choose again."


class MultiCheckboxField(SelectMultipleField):
    """Areas of expertise as a list of checkboxes: usable without JavaScript on any phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        self.data = [number for number in map(parse_id, valuelist) if number]
        if len(self.data) != len(valuelist):
            self.process_errors.append(UNKNOWN_AREA)

    def pre_validate(self, form):
        known = {self.coerce(choice.value) for choice in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError(UNKNOWN_AREA)


class ProfileForm(FlaskForm):
    organisation = optional_text(
        "Organisation",
        120,
        "Pick yours from the list as you type, or name a new one. Leave empty for none.",
        # Kept as typed: only spaces is a mistake to point out, not a choice of none.
        strip=False,
        render_kw={"autocomplete": "organization", "list": "organisations"},
    )
    job_title = optional_text("Role or job title", 120, render_kw={"autocomplete": "organization-title"})
    region = optional_text("Region", 80, render_kw={"list": "regions"})
    bio = optional_text(
        "About you",
        2000,
        "A few lines on your work. Markdown works: *emphasis*, lists and links.",
        textarea=True,
    )
    expertise = MultiCheckboxField("Areas of expertise", coerce=int)
    new_expertise = optional_text(
        "Add areas not in the list",
        300,
        "Separate them with commas, for example: youth work, English classes.",
    )
    projects = optional_text(
        "Projects you are open to share",
        1000,
        "What other members may ask you about or build on.",
        textarea=True,
    )
    interests = optional_text(
        "Declared interests",
        1000,
        "Paid roles, funding, board seats or anything else members should know when they read "
        "what you write. Always shown on your profile.",
        textarea=True,
    )
    website = URLField(
        "Website",
        validators=[Optional(), Length(max=200, message="Use a web address of at most 200 characters.")],
        description="Starting with https:// or http://.",
        filters=[stripped],
        render_kw={"autocomplete": "url", "spellcheck": "false"},
    )
    listed = BooleanField("List me in the directory")
    show_organisation = BooleanField("Show my organisation")
    show_region = BooleanField("Show my region")
    show_bio = BooleanField("Show what I wrote about myself")
    show_website = BooleanField("Show my website")
    show_groups = BooleanField("Show the groups I belong to")
    contact_policy = RadioField(
        "Who may send you contact requests",
        choices=choices(CONTACT_POLICIES),
        validators=[InputRequired("Choose who may send you contact requests.")],
    )
    contact_note = optional_text(
        "What you are happy to be contacted about",
        200,
        "Shown beside the Contact button, for example: sharing our mentoring scheme; not sales.",
    )


class OrganisationForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            InputRequired("Enter the organisation's name."),
            Length(max=120, message="Use at most 120 characters."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    sector = optional_text("Sector", 80)
    region = optional_text("Region", 80, render_kw={"list": "regions"})
    website = URLField(
        "Website",
        validators=[Optional(), Length(max=200, message="Use a web address of at most 200 characters.")],
        description="Starting with https:// or http://.",
        filters=[stripped],
    )
    description = optional_text(
        "Description", 4000, "Markdown works: *emphasis*, lists and links.", textarea=True
    )


class MergeForm(FlaskForm):
    into = StringField(
        "Merge into",
        validators=[InputRequired("Name the organisation to keep."), Length(max=120)],
        description="The organisation to keep. Its members gain this one's; this page then goes.",
        filters=[stripped],
        render_kw={"list": "organisations"},
    )


class ContactForm(FlaskForm):
    purpose = StringField(
        "Purpose",
        validators=[
            InputRequired("Say in a line what you would like to talk about."),
            Length(max=200, message="Keep the purpose to 200 characters: the message has room for more."),
        ],
        description="In a line: what you would like to talk about.",
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    message = optional_text(
        "Introduction",
        1000,
        "Who you are and why you are getting in touch.",
        textarea=True,
    )
    share_email = BooleanField(
        "Share my email address with them if they accept",
        description="Otherwise you talk in private messages on the forum, and your address stays with you.",
    )
