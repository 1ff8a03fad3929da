"""Kept lists: the rows of thread lists, a category page's main part and the home page's
categories, drawn from rendered blocks kept in memory, as the thread page's are (kept_blocks.py,
whose docstring says what keeps a kept block from ever being stale).

Lists of threads (a category, the unread list) keep each row (`thread_rows`): a row shows the
thread's columns, its author's and last poster's names, the viewer's unread mark and time zone,
and the category when the list names it, and nothing else, so those are its key. The home page's
categories are kept alike (`category_items`): a category's row and the viewer's zone. A category
page's whole main part is kept too (`category_main`), under the page's rows as read, and the home
page's (`home_main`), under its categories' and next events' rows.
"""

from flask import render_template, request
from flask_login import current_user
from markupsafe import Markup

from ...models.threads import PageOfThreads
from ...web.templating import viewer_zone
from .kept_blocks import block_cache, kept_drawing, viewer_kind


def thread_rows(listing, show_category=False, before="\n") -> Markup:
    """A list's rows, as `{% for thread in listing.threads %}{% include "threads/_thread_row.html" %}`
    drew them, from the cache where it can: drawing thirty rows (a link, a time in the viewer's
    zone, escaping) was most of a category page's time (docs/performance.md). A category's page
    (models.threads.PageOfThreads) is keyed by each row as read, so a kept row builds no thread."""
    cache = block_cache()
    common = ("thread row", show_category, request.script_root, viewer_zone()[0])
    threads = listing.threads
    as_read = isinstance(threads, PageOfThreads)
    parts = []
    for index in range(len(threads)):
        if as_read:
            row = threads.rows[index]
            thread, thread_id = None, row[threads.ID]
            columns = (row,)
            category = threads.category if show_category else None
        else:
            thread = threads[index]
            thread_id, rel = thread.id, thread.__rel__
            author, last_author = rel.get("author"), rel.get("last_author")
            columns = (
                tuple(thread.__data__.items()),
                tuple(author.__data__.items()) if author else None,
                tuple(last_author.__data__.items()) if last_author else None,
            )
            category = thread.category if show_category else None
        unread = listing.unread.get(thread_id, 0) if listing.marked else 0
        key = (common, *columns, (category.slug, category.name) if category else None, unread)
        drawn = cache.get(key)
        if drawn is None:  # only now a thread of a page as read is built
            thread = thread or threads[index]
            drawn = render_template("threads/_thread_row.html", thread=thread, unread=unread,
                                    show_category=show_category)
            cache.put(key, drawn)
        parts.append(drawn)
    # Output of the autoescaping template, as an include would have inserted it.
    return Markup("".join(before + part for part in parts))  # noqa: S704


def category_items(categories, before="\n  ") -> Markup:
    """The home page's categories, as `{% for category in categories %}{% include
    "threads/_category_item.html" %}` drew them, from the cache where it can: a category's item
    shows its own row (counts, latest thread) in the viewer's time zone, nothing else."""
    common = ("category item", request.script_root, viewer_zone()[0])
    parts = [
        kept_drawing((common, tuple(category.__data__.items())), "threads/_category_item.html",
                     category=category)
        for category in categories
    ]
    return Markup("".join(before + part for part in parts))  # noqa: S704 (the template's own output)


def category_main(category, listing, next_url, show_category=False) -> Markup:
    """A category page's main part, as threads/_category.html draws it, kept whole under the page's
    rows as read (models.threads.PageOfThreads), the category's columns, the viewer's unread marks,
    kind and place in the category's group (whether they may start a thread), the links to the
    next page and back to the first, and their zone: a page already drawn draws nothing."""
    context = {"category": category, "listing": listing, "next_url": next_url, "show_category": show_category}
    threads = listing.threads
    if not isinstance(threads, PageOfThreads):
        return Markup(render_template("threads/_category.html", **context))  # noqa: S704
    viewer = current_user._get_current_object()
    signed_in = viewer.is_authenticated
    key = (
        "category main",
        viewer_kind(viewer),
        viewer.groups.get(category.group_id) if signed_in and category.group_id else None,
        tuple(category.__data__.items()),
        tuple(threads.rows),
        listing.marked,
        tuple(listing.unread.items()),
        listing.first_page,
        next_url,
        request.path,
        request.script_root,
        viewer_zone()[0],
    )
    return Markup(kept_drawing(key, "threads/_category.html", **context))  # noqa: S704 (the template's own output)


def home_main(categories, upcoming) -> Markup:
    """The home page's main part, as threads/_index.html draws it, kept whole under the rows it
    shows (each category's, each next event's with its thread and category) and the viewer's kind
    (the welcome, the admin's link) and zone: a home page already drawn draws nothing."""
    context = {"categories": categories, "upcoming": upcoming}
    viewer = current_user._get_current_object()
    key = (
        "home main",
        viewer_kind(viewer),
        tuple(tuple(category.__data__.items()) for category in categories),
        tuple(
            (
                tuple(event.__data__.items()),
                tuple(event.thread.__data__.items()),
                tuple(event.thread.category.__data__.items()),
            )
            for event in upcoming
        ),
        request.script_root,
        viewer_zone()[0],
    )
    return Markup(kept_drawing(key, "threads/_index.html", **context))  # noqa: S704 (the template's own output)
