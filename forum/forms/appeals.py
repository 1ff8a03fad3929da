"""Appeals: the member's appeal against a decision, and a staff member's decision on it. The checks
beyond the form's shape (once, in time, decided by someone else) are in services/appeals.py and
services/appeal_decisions.py, so the text comes back with their message."""

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from . import stripped


class AppealForm(FlaskForm):
    body = TextAreaField(
        "Your appeal",
        filters=[stripped],
        description="Say why the decision should be looked at again: up to 5,000 characters. "
        "Someone other than whoever took it decides.",
    )


class DecideForm(FlaskForm):
    reason = TextAreaField(
        "Your reason",
        filters=[stripped],
        description="Emailed to the member. The public log shows only the outcome.",
    )
    # Set by the button pressed: Uphold or Reverse (name="outcome").
    outcome = StringField()
