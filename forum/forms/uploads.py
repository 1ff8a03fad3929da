"""The photo fields of the post forms, and the avatar and logo forms.

PhotoForm rides along inside the thread and reply forms (the same <form>, one CSRF token: its
own is off), so the post forms in forms.py stay as they are. The checks that matter (type, size,
alt text, permission) are the domain's, in services/uploads.py, and come back beside each field.
"""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField
from wtforms.validators import Length, Optional

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"


def _alt_field():
    return StringField(
        "Describe the photo (alt text)",
        validators=[Optional(), Length(max=300, message="Use at most 300 characters.")],
        description="What it shows, in a sentence, for members who use a screen reader.",
    )


class PhotoForm(FlaskForm):
    class Meta:
        csrf = False

    photo = FileField(
        "Photo (optional)",
        description="A JPEG, PNG, WebP or GIF image. Location and camera details are removed "
        "before it is shown.",
        render_kw={"accept": ACCEPT},
    )
    alt_text = _alt_field()
    shows_others = BooleanField("It shows other people, or another organisation's material")
    permission = BooleanField("I have permission from the people and organisations shown")


class PictureForm(FlaskForm):
    """An avatar or an organisation's logo: it shows the member or the organisation itself."""

    photo = FileField("Choose a picture", render_kw={"accept": ACCEPT})
    alt_text = StringField(
        "Describe the picture (alt text)",
        validators=[Optional(), Length(max=300, message="Use at most 300 characters.")],
        description="For members who use a screen reader, e.g. “Photo of Ada smiling” or "
        "“Bridges Trust logo”.",
    )
