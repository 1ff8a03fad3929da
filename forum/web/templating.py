"""Helpers the templates use."""

from flask_login import current_user
from markupsafe import Markup

from ..services import self_moderation


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


def low_data() -> bool:
    """Whether pages leave out scripts and images (links instead). Read from the member already
    loaded for the request; a visitor, or a member who never chose, gets everything."""
    return bool(getattr(current_user, "low_data", False))


def load_muted_ids() -> set[int]:
    """Ids of the members the viewer muted: one query per page, however many posts it shows."""
    return self_moderation.muted_ids(current_user)


def author_muted(post) -> bool:
    """Whether the viewer muted the post's author: loaded with a page of posts
    (Post.page_of_thread), else from load_muted_ids()."""
    if "author_muted" in vars(post):
        return post.author_muted
    return post.author_id in load_muted_ids()


def init_app(app):
    """Every name the templates use beyond Jinja's own. A name that starts with `load_` runs a
    query (once for a whole page of rows); no other one does."""
    # Imported here: the blueprints' modules import the web layer, which imports this one.
    from .. import policy
    from ..blueprints import feeds, reports, selfmod, uploads
    from ..blueprints.threads import kept_blocks, posts
    from ..links import asset_url, link, row_link
    from ..models import MODERATION_REASONS, SHARING
    from ..services import search
    from . import HTMX_VERSION

    app.jinja_env.globals.update(
        # Pages and links
        asset_url=asset_url,
        link=link,
        row_link=row_link,
        thread_url=posts.thread_url,
        htmx_version=HTMX_VERSION,
        low_data=low_data,
        # Drawing values
        control_attrs=control_attrs,
        datetime_tag=datetime_tag,
        atom_time=feeds.atom_time,
        page_window=page_window,
        marked=search.marked,
        sharing_labels=SHARING,
        moderation_reasons=MODERATION_REASONS,
        upload_limit=uploads.upload_limit,
        blank_photo_form=uploads.blank_photo_form,
        # The rules: what the viewer may do, decided from what is already loaded
        can=policy.can,
        staff_post_actions=policy.staff_post_actions,
        report_target=reports.report_target,
        author_muted=author_muted,
        # Kept blocks of a thread page (drawn once, reused while their rows are unchanged)
        post_blocks=kept_blocks.post_blocks,
        blank_reply_form=kept_blocks.blank_reply_form,
        # Queries, each once for a page of rows
        load_muted_ids=load_muted_ids,
        load_thread_marks=selfmod.load_thread_marks,
        load_post_photos=uploads.load_post_photos,
        load_member_avatars=uploads.load_member_avatars,
        load_organisation_logo=uploads.load_organisation_logo,
        load_reported_by_me=reports.load_reported_by_me,
        load_open_report_counts=reports.load_open_report_counts,
    )
