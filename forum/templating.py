"""Helpers the templates use."""


def control_attrs(described: list[str], errors, extra: dict) -> dict:
    """A form control's attributes: its hint and error tied to it for screen readers, and no
    `required`, because the server's messages are clearer than the browser's."""
    attrs = {"required": False, **extra}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    return attrs


def init_app(app):
    from .models import MODERATION_REASONS, SHARING

    app.jinja_env.globals.update(
        control_attrs=control_attrs, sharing_labels=SHARING, moderation_reasons=MODERATION_REASONS
    )
