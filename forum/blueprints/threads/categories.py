"""The home page, category pages and the unread list."""

from flask import render_template, request, url_for
from flask_login import current_user

from ...policy import requires
from ...services import categories, event_lists
from ...web import announce, layout
from ...web.conditional import conditional
from . import bp, kept_lists


@bp.get("/")
@conditional
def index():
    viewer = current_user._get_current_object()  # once: each use of the proxy costs a lookup
    main = kept_lists.home_main(categories.readable_categories(viewer), event_lists.next_events(viewer))
    return layout.page("Forum", main)


def _threads(page, title: str, listing, next_url: str | None, **context):
    """A page of threads in full, or for "More threads" (htmx) the next rows alone: they replace
    the link's row, and focus moves to the first new thread so a keyboard user carries on there.
    `page`: the main part's template, or a function drawing it from the context."""
    context.update(listing=listing, next_url=next_url)
    if request.htmx and not request.htmx.history_restore_request:
        body = render_template("threads/_thread_list.html", **context)
        if not listing.threads:
            return announce(body, "No more threads.")
        count = len(listing.threads)
        message = f"{count} more thread{'s' if count != 1 else ''} shown."
        return announce(body, message, focus=f"#thread-{listing.threads[0].id} a")
    # The page's main part in the layout, kept (web/layout.py).
    main = page(**context) if callable(page) else render_template(page, **context)
    return layout.page(title, main)


@bp.get("/c/<slug>")
@conditional
def category(slug):
    viewer = current_user._get_current_object()  # once: the services read the member many times
    category = categories.readable_category(viewer, slug)
    listing = categories.category_threads(viewer, category, request.args.get("before"))
    next_url = None
    if listing.next_cursor:
        next_url = url_for("threads.category", slug=slug, before=str(listing.next_cursor))
    title = category.name if listing.first_page else f"{category.name} (older threads)"
    return _threads(
        kept_lists.category_main, title, listing, next_url, category=category, show_category=False
    )


@bp.get("/unread")
@requires("read_members_area")
def unread():
    listing = categories.unread_threads(current_user._get_current_object(), request.args.get("before"))
    next_url = url_for("threads.unread", before=str(listing.next_cursor)) if listing.next_cursor else None
    return _threads("threads/_unread.html", "Unread", listing, next_url, show_category=True)


# -- admin ---------------------------------------------------------------------------------------
