"""Helpers the templates use."""

from markupsafe import Markup


def control_attrs(described: list[str], errors, extra: dict) -> dict:
    """A form control's attributes: its hint and error tied to it for screen readers, and no
    `required`, because the server's messages are clearer than the browser's."""
    attrs = {"required": False, **extra}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    return attrs


def datetime_tag(dt) -> Markup:
    """A UTC time with its time of day, for people and machines, as a <time> element. A global
    rather than a macro in _macros.html: importing the macros into a template drawn many times a
    page (_post.html) rebuilt their module on every include (docs/performance.md)."""
    # These formats give digits, month names, spaces and punctuation: nothing to escape, so no
    # Markup.format, whose escaping formatter is slow for something drawn on every row of a list.
    return Markup(f'<time datetime="{dt:%Y-%m-%dT%H:%M:%SZ}">{dt:%-d %b %Y, %H:%M} UTC</time>')  # noqa: S704


def page_window(page: int, last: int) -> list[int]:
    """The page numbers a list of pages links to: the first, the last, and two either side of
    `page`. Built from those few numbers, not by filtering every page of a long thread."""
    return sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})


def init_app(app):
    from ..models import MODERATION_REASONS, SHARING

    app.jinja_env.globals.update(
        control_attrs=control_attrs,
        datetime_tag=datetime_tag,
        page_window=page_window,
        sharing_labels=SHARING,
        moderation_reasons=MODERATION_REASONS,
    )
