"""The groups' forms: asking to join, inviting, removing a member (with a reason), and the admin's
new group. The buttons alone (Join group, Leave group, Approve, ...) need no form of their own."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..models import GROUP_KINDS, JOIN_RULES
from ..services.group_leads import LEADS_AT_CREATION, REASON_MAX
from ..services.groups import DESCRIPTION_MAX, NAME_MAX, NOTE_MAX
from . import choices, optional_text, stripped


class AskForm(FlaskForm):
    note = optional_text(
        "A note for the leads (optional)",
        NOTE_MAX,
        description="Who you are and why you would like to join, if the leads do not know you.",
        textarea=True,
    )


class InviteForm(FlaskForm):
    who = StringField(
        "Member's name or email",
        validators=[
            InputRequired("Say whom to invite: their name or email address."),
            Length(max=254, message="That is too long for a name or an email address."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        description="Their name as the forum shows it, or their email address.",
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )


class RemoveMemberForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            InputRequired("Say why you are removing them: the moderation log keeps it."),
            Length(max=REASON_MAX, message=f"Use at most {REASON_MAX} characters for the reason."),
        ],
        filters=[stripped],
    )


class GroupForm(FlaskForm):
    """The admin's new group; its address comes from the name, once."""

    name = StringField(
        "Name",
        validators=[
            InputRequired("Give the group a name."),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters for the name."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
    )
    description = optional_text(
        "Description",
        DESCRIPTION_MAX,
        description="What the group is for and who it is for: shown on its page and the Groups page.",
        textarea=True,
    )
    kind = StringField(
        "Kind of group",
        default=GROUP_KINDS[0],
        validators=[Length(max=40, message="Use at most 40 characters for the kind of group.")],
        filters=[stripped],
        description=f"For example {' or '.join(GROUP_KINDS)}, or another kind you name.",
    )
    join_rule = SelectField("How members join", choices=choices(JOIN_RULES), default="request")
    listed = BooleanField("List it on the Groups page for every member", default=True)
    leads = TextAreaField(
        "Leads",
        validators=[Length(max=LEADS_AT_CREATION * 255, message="That is too many addresses.")],
        filters=[stripped],
        description=(
            f"The email addresses of the members who lead it, one a line (at most {LEADS_AT_CREATION}). "
            "Staff can appoint more leads on the group's page later."
        ),
    )
