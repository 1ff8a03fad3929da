"""Helpers the templates use."""

from datetime import UTC

from flask import current_app, g, has_request_context
from flask_login import current_user
from markupsafe import Markup

from ..models.base import MONTHS, is_zone, zone, zone_abbreviation
from ..services import self_moderation, time_zones


def control_attrs(described: list[str], errors, extra: dict) -> dict:
    """A form control's attributes: its hint and error tied to it for screen readers, and no
    `required`, because the server's messages are clearer than the browser's."""
    attrs = {"required": False, **extra}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if errors:
        attrs["aria-invalid"] = "true"
    return attrs


def viewer_zone() -> tuple:
    """(zone name, ZoneInfo, whether it is the site's) for the person viewing the page: the zone
    they chose, else the site's (FORUM_TIMEZONE). Worked out once a request and kept in `g` (a
    route that changes it redirects); outside a request (the CLI, emails), the site's."""
    kept = g.get("viewer_zone")
    if kept is None:
        site = current_app.config["TIMEZONE"]
        name = (getattr(current_user, "time_zone", "") or "") if has_request_context() else ""
        if not is_zone(name):  # none chosen, or a name the time zone database no longer has
            name = site
        kept = g.viewer_zone = (name, zone(name), name == site)
    return kept


def datetime_tag(dt) -> Markup:
    """A stored time (naive UTC) with its time of day, as a <time> element: its datetime attribute
    in UTC for machines, its text in the viewer's zone, which is named when it is not the site's
    ("4 Dec 2026, 17:30"; "4 Dec 2026, 12:30 EST"). The same form as local_text in
    forum/models/base.py, written out here because it is drawn on every row of every list: a global
    rather than a macro in _macros.html, since importing the macros into a template drawn many times
    a page (_post.html) rebuilt their module on every include, and formatted by hand, without
    strftime or Markup.format, whose escaping formatter is slow (docs/performance.md)."""
    _, tz, at_site = viewer_zone()
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    local = dt.replace(tzinfo=UTC).astimezone(tz)
    text = f"{local.day} {MONTHS[local.month]} {local.year}, {local.hour:02}:{local.minute:02}"
    if not at_site:
        text = f"{text} {zone_abbreviation(local)}"
    # Digits, month names, letters of a zone's abbreviation, spaces and punctuation: nothing to escape.
    return Markup(f'<time datetime="{dt.isoformat(timespec="seconds")}Z">{text}</time>')  # noqa: S704


def date_tag(dt) -> Markup:
    """The day of a stored time in the viewer's zone, as a <time> element ("4 December 2026"); the
    `time` macro of _macros.html."""
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC).replace(tzinfo=None)
    text = time_zones.local_time(dt, viewer_zone()[0], date_only=True)
    return Markup(f'<time datetime="{dt.isoformat(timespec="seconds")}Z">{text}</time>')  # noqa: S704


def local_time(dt, who=None, *, date_only: bool = False, name_zone: bool = False) -> str:
    """A stored time as text, in the zone of `who` (a member, as for an email's recipient, or a zone
    name) or, without one, of the person viewing the page (datetime_tag's form, without the
    element): for times inside a sentence or a form, and for the text of emails. `name_zone` names
    the zone even when it is the site's (a feed, read by anyone)."""
    if dt is None:
        return ""
    if who is None:
        who = viewer_zone()[0]
    return time_zones.local_time(dt, who, date_only=date_only, name_zone=name_zone)


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
    from ..blueprints import appeals, feeds, library, reports, selfmod, uploads
    from ..blueprints.threads import kept_blocks, kept_lists, posts
    from ..links import asset_url, link, row_link
    from ..models import MODERATION_REASONS, SHARING
    from ..services import search
    from . import HTMX_VERSION, csrf_token, layout

    app.jinja_env.globals.update(
        # Pages and links
        asset_url=asset_url,
        link=link,
        row_link=row_link,
        thread_url=posts.thread_url,
        htmx_version=HTMX_VERSION,
        # The layout's parts, kept once drawn per kind of viewer (web/layout.py)
        page_head=layout.page_head,
        site_header=layout.site_header,
        site_footer=layout.site_footer,
        hx_headers=layout.hx_headers,
        # flask-wtf's, with the signed token kept per session (web/__init__.py)
        csrf_token=csrf_token,
        low_data=low_data,
        # Drawing values
        control_attrs=control_attrs,
        datetime_tag=datetime_tag,
        date_tag=date_tag,
        local_time=local_time,
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
        thread_main=kept_blocks.thread_main,
        thread_rows=kept_lists.thread_rows,
        category_items=kept_lists.category_items,
        # Queries, each once for a page of rows
        load_muted_ids=load_muted_ids,
        load_thread_marks=selfmod.load_thread_marks,
        load_post_photos=uploads.load_post_photos,
        load_member_avatars=uploads.load_member_avatars,
        load_organisation_logo=uploads.load_organisation_logo,
        load_reported_by_me=reports.load_reported_by_me,
        load_open_report_counts=reports.load_open_report_counts,
        load_resource_cards=library.load_resource_cards,
        load_post_decisions=appeals.load_post_decisions,
        load_account_decisions=appeals.load_account_decisions,
        load_support_appeal=appeals.load_support_appeal,
    )
    # flask-wtf also puts its own csrf_token in every template's context: ours replaces it there.
    app.context_processor(lambda: {"csrf_token": csrf_token})
