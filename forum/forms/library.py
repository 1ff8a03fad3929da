"""The library's forms: adding a resource, a new version of its file, staff taking one down, and
the Library page's filters read from the query string.

The checks that matter (the file, where it may live, the licence, permission) are the domain's, in
services/library.py, and come back beside each field; the form keeps what was typed.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import MODERATION_REASONS, Organisation
from ..models.base import parse_id
from ..models.directory import Expertise
from ..models.library import FILE_TYPES, LICENCES
from . import choices, new_submission, stripped

ACCEPT = ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.csv,.txt"
PERMISSION_LABEL = "I have permission to share this from the people and organisations involved in it"


def _file_field():
    return FileField(
        "File",
        description="A PDF, Word, Excel or PowerPoint file (.docx, .xlsx, .pptx), an OpenDocument file, "
        "CSV or plain text. Scripts and embedded files are taken out of PDFs before they are shared.",
        render_kw={"accept": ACCEPT},
    )


class ResourceForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[Optional(), Length(max=150, message="Use at most 150 characters.")],
        filters=[stripped],
    )
    summary = TextAreaField(
        "Summary",
        validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")],
        description="What it is, who it is for, and what it helped with: a few sentences.",
    )
    file = _file_field()
    place = SelectField("Who can see it", validate_choice=False)
    licence = SelectField(
        "Licence",
        choices=choices({"": "Choose a licence", **{code: t.label for code, t in LICENCES.items()}}),
        validate_choice=False,
        description="How others may use it. CC licences let it travel with credit; “Members only” keeps "
        "it inside the network; “Ask me first” means people ask you before using it.",
    )
    credit = StringField(
        "Credit line",
        validators=[Optional(), Length(max=300, message="Use at most 300 characters.")],
        filters=[stripped],
        description="How people should credit it, e.g. “Ann Author, Bridges Trust (2026)”. Left empty, "
        "your name and organisation.",
    )
    organisation = SelectField("Organisation it comes from", validate_choice=False)
    themes = SelectMultipleField(
        "Themes",
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description="The areas of expertise it is about, from the directory's list (up to eight).",
    )
    permission = BooleanField(PERMISSION_LABEL)
    submission = HiddenField()

    def fill_choices(self, places, member=None) -> "ResourceForm":
        self.place.choices = choices(places)
        self.organisation.choices = choices(
            [("", "None"), *((str(o.id), o.name) for o in Organisation.choices())]
        )
        self.themes.choices = choices((str(e.id), e.name) for e in Expertise.listed())
        if member is not None and not self.is_submitted():
            self.organisation.data = str(member.organisation_id or "")
            self.place.data = "members"
            self.submission.data = new_submission()
        return self

    def values(self) -> dict:
        """The fields as plain values for services.library.add."""
        themes = [t for t in (self.themes.data or []) if str(t).isdigit()][:50]
        return {
            "title": self.title.data,
            "summary": self.summary.data,
            "place": self.place.data,
            "licence": self.licence.data,
            "credit": self.credit.data,
            "organisation": parse_id(self.organisation.data or ""),
            "themes": themes,
            "permission": bool(self.permission.data),
            "submission": (self.submission.data or "")[:40] or None,
        }


class VersionForm(FlaskForm):
    file = _file_field()
    note = StringField(
        "What changed (optional)",
        validators=[Optional(), Length(max=300, message="Use at most 300 characters.")],
        filters=[stripped],
    )
    permission = BooleanField(PERMISSION_LABEL)


class ModerateResourceForm(FlaskForm):
    reason = SelectField("Reason", choices=choices(MODERATION_REASONS), validate_choice=False)
    note = TextAreaField(
        "Note (optional)", validators=[Optional(), Length(max=2000, message="Use at most 2,000 characters.")]
    )


def library_filters(args) -> dict:
    """The Library page's filters from the query string; anything unknown is ignored."""
    return {
        "theme": parse_id(args.get("theme", "")),
        "file_type": args.get("type") if args.get("type") in FILE_TYPES else None,
        "organisation": parse_id(args.get("organisation", "")),
        "licence": args.get("licence") if args.get("licence") in LICENCES else None,
    }
