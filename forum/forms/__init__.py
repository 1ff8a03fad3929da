"""flask-wtf forms, one module per area, with messages written for the person filling it in. The
pieces every area shares are here: the button-only form, the submission key, the field builders."""

import secrets

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional

from ..web.conditional import volatile


def new_submission() -> str:
    """A new post form's submission key: a double submit of the same form makes one post. Marked
    volatile, so the page's ETag does not change with it."""
    return volatile(secrets.token_urlsafe(16))


EMAIL_MESSAGE = "Enter an email address like name@example.org."


def email_field(label="Email"):
    return EmailField(
        label,
        validators=[
            InputRequired("Enter your email address."),
            Length(max=254, message="That email address is too long."),
            Email(EMAIL_MESSAGE, check_deliverability=False),
        ],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


def name_field(label="Name"):
    return StringField(
        label,
        validators=[
            InputRequired("Enter your name as other members will see it."),
            Length(max=80, message="Use at most 80 characters for your name."),
        ],
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        render_kw={"autocomplete": "name"},
    )


class EmptyForm(FlaskForm):
    """A button-only form: it still carries the CSRF token."""


def choices(pairs) -> list[SelectChoice]:
    """Options from a {value: label} dict or (value, label) pairs."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(str(value), label) for value, label in items]


def stripped(value):
    """A field filter: the text without leading and trailing white space."""
    return value.strip() if isinstance(value, str) else value


def optional_text(label, max_length, description="", textarea=False, strip=True, **kw):
    """An optional text field with a length limit, its value stripped (unless strip=False)."""
    cls = TextAreaField if textarea else StringField
    return cls(
        label,
        validators=[Optional(), Length(max=max_length, message=f"Use at most {max_length:,} characters.")],
        description=description,
        filters=[stripped] if strip else [],
        **kw,
    )
