"""The layout's parts, kept once drawn: the links of <head>, the site header and the footer.

Every page draws them, and drawing them (a dozen links, six permission checks, two includes) was
about a tenth of a member's page (docs/performance.md). Each depends on a few values only, which
are its key, worked out here and passed to its template, which reads nothing else:
- the head: whether the page loads scripts (not in low-data mode);
- the header: the viewer's menu as the policy decides it (None for a visitor, or for a page drawn
  with no member to ask: g.minimal_layout), their unread messages and notifications, and low-data
  mode (the bell refreshes itself only with scripts);
- the footer: whether the viewer may read the public log of the team's actions;
and the application root the links are built under. The session's CSRF token in the header's
Sign out form is stored as a marker and the viewer's own put back, as in the kept post blocks.
"""

import hashlib
from types import SimpleNamespace

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from markupsafe import Markup, escape

from .. import policy
from . import conditional, csrf_token
from .kept import CSRF_MARK, kept_cache


def _kept(key, template: str, **context) -> Markup:
    cache = kept_cache(current_app._get_current_object(), "forum_layout", 512)
    key = (request.script_root, *key)
    part = cache.get(key)
    if part is None:
        part = render_template(template, **context)
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        cache.put(key, part.replace(token, CSRF_MARK) if token else part)
    elif CSRF_MARK in part:
        part = part.replace(CSRF_MARK, csrf_token())
    return Markup(part)  # noqa: S704 (the template's own output, as an include would have inserted it)


def _viewer():
    """The signed-in member, or None (a visitor, or a page drawn while the database is down,
    which must not load the member)."""
    if g.get("minimal_layout"):
        return None
    viewer = current_user._get_current_object()
    return viewer if viewer.is_authenticated else None


def hx_headers() -> Markup:
    """The body's data-hx-headers, with the session's CSRF token, for a signed-in member; nothing
    for a visitor. Written out: the token is URL-safe text, and the tojson filter's JSON encoder
    was a twentieth of drawing the layout."""
    if _viewer() is None:
        return Markup("")
    return Markup(" data-hx-headers='{\"X-CSRFToken\": \"%s\"}'") % csrf_token()


# Each part's key and context, from the viewer as _viewer() gives it (asked once per page: each
# lookup of current_user goes through werkzeug's proxy and flask-login).


def _head(viewer):
    scripts = bool(g.get("minimal_layout")) or not (viewer is not None and viewer.low_data)
    return ("head", scripts), {"scripts": scripts}


def _header(viewer):
    minimal = bool(g.get("minimal_layout"))
    nav = None
    counts = ()
    if viewer is not None:
        nav = SimpleNamespace(
            members_area=policy.can(viewer, "read_members_area"),
            directory=policy.can(viewer, "browse_directory"),
            moderate=policy.can(viewer, "moderate"),
            applicant=viewer.status == "applicant",
            conversations=policy.can(viewer, "read_conversations"),
            notifications=policy.can(viewer, "read_notifications"),
        )
        counts = (tuple(vars(nav).values()), viewer.unread_messages, viewer.unread_notifications,
                  bool(viewer.low_data))
    return ("header", minimal, *counts), {"nav": nav, "minimal": minimal}


def _footer(viewer):
    # The policy is asked about whoever is looking, a visitor too.
    if not g.get("minimal_layout"):
        viewer = current_user._get_current_object() if viewer is None else viewer
    log_link = viewer is not None and policy.can(viewer, "read_moderation_log")
    return ("footer", log_link), {"log_link": log_link}


def page_head() -> Markup:
    key, context = _head(_viewer())
    return _kept(key, "layout/_head.html", **context)


def site_header() -> Markup:
    key, context = _header(_viewer())
    return _kept(key, "layout/_site_header.html", **context)


def site_footer() -> Markup:
    key, context = _footer(_viewer())
    return _kept(key, "layout/_site_footer.html", **context)


TITLE_MARK = "\x00title\x00"
MAIN_MARK = "\x00main\x00"


def page(title: str, main: Markup, main_digest: bytes | None = None) -> str:
    """A whole page: `main` inside the layout, titled `title`, as a template extending base.html
    with those two blocks draws it (layout/page.html). The layout around them is kept once drawn,
    under the same keys as its parts and whether the viewer is signed in (the body's htmx header),
    so a page whose main part is kept too (the thread page) runs no template at all: Jinja's own
    work for a page (its context, the layout's blocks) was a tenth of a member's thread page
    (docs/performance.md). A page with a flashed message waiting is drawn in full.

    `main_digest`: a digest of the main part as kept, without its volatile values (its token and
    submission key); with it, the page's ETag is made from the kept parts' digests and the title
    (conditional.same_content) instead of from the whole page."""
    if g.get("minimal_layout") or "_flashes" in session:
        return render_template("layout/page.html", page_title=title, page_main=main)
    viewer = _viewer()
    key = ("page", viewer is not None, _head(viewer)[0], _header(viewer)[0], _footer(viewer)[0])
    cache = kept_cache(current_app._get_current_object(), "forum_layout", 512)
    key = (request.script_root, *key)
    kept = cache.get(key)
    if kept is None:
        marks = {"page_title": Markup(TITLE_MARK), "page_main": Markup(MAIN_MARK)}  # noqa: S704
        drawn = render_template("layout/page.html", **marks)
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        layout = drawn.replace(token, CSRF_MARK) if token else drawn
        kept = (layout, hashlib.blake2b(layout.encode(), digest_size=16).digest())
        cache.put(key, kept)
    layout, layout_digest = kept
    if main_digest is not None:
        conditional.same_content(layout_digest + main_digest + title.encode())
    if CSRF_MARK in layout:
        layout = layout.replace(CSRF_MARK, csrf_token())
    before, _, after = layout.partition(MAIN_MARK)
    # As text: adding a str to Markup would escape the str.
    return before.replace(TITLE_MARK, str(escape(title))) + str(main) + after
