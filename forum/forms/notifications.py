"""The email choice per kind of notification."""

from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..models.notifications import FREQUENCIES, KINDS


def settings_form(formdata=None, data=None):
    """A form with one choice per kind, built from KINDS so a new kind needs no new field."""

    class NotificationSettingsForm(FlaskForm):
        pass

    for kind, label in KINDS.items():
        setattr(
            NotificationSettingsForm,
            kind,
            SelectField(label, choices=[SelectChoice(value, text) for value, text in FREQUENCIES.items()]),
        )
    if formdata is not None:
        return NotificationSettingsForm(formdata=formdata)
    return NotificationSettingsForm(data=data)
