"""Forms for a member's own settings: low-data mode and deleting one's account."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired


class LowDataForm(FlaskForm):
    low_data = BooleanField("Low-data mode: no images and no scripts")


class DeleteAccountForm(FlaskForm):
    posts = RadioField(
        "Your posts",
        choices=[
            SelectChoice("keep", "Keep them, shown as by a former member, so threads stay readable"),
            SelectChoice("withdraw", "Withdraw them all"),
        ],
        validators=[InputRequired("Choose what happens to your posts.")],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Enter your password to confirm.")],
        description="Your current password, to confirm that it is you.",
    )
