"""Joining, signing in, password resets, accepting the Charter and the account's own settings."""

from functools import cache

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..services import time_zones
from ..services.passwords import password_problem
from . import email_field, name_field


class JoinForm(FlaskForm):
    name = name_field()
    email = email_field()
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
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(FlaskForm):
    email = email_field()


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
    name = name_field()


class EmailChangeForm(FlaskForm):
    email = email_field("New email")
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


class TimeZoneForm(FlaskForm):
    """The member's time zone: the forum's own, or a place from the time zone database, grouped by
    region (a plain select: typing a city's first letters finds it in every browser)."""

    time_zone = SelectField(
        "Time zone",
        description="Pages and your emails show times in it.",
        invalid_choice_message=time_zones.INVALID_ZONE,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = time_zone_choices(current_app.config["TIMEZONE"])


@cache
def time_zone_choices(site: str) -> list[SelectChoice]:
    """The forum's zone first ("" keeps following it if it changes), then UTC and each region's places."""
    choices = [SelectChoice("", f"The forum's time zone ({site})")]
    for region, zones in time_zones.offered_zones().items():
        choices += [SelectChoice(name, label, optgroup=region or None) for name, label in zones]
    return choices
