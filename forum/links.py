"""Links to the forum's pages, for templates, services and emails alike: a path (also outside a
request: the CLI, digests, tests), a full URL for an email, an asset's versioned URL.

The second half is the kept links, a cache of URLs: `link` keeps the URLs every page repeats (the
navigation, the footer, the assets) once built, and `row_link` builds a URL naming one row among
many from one kept URL. Building a URL with url_for costs more than the rest of a link's markup;
docs/performance.md has what was measured."""

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, has_request_context, request, url_for


def path_for(endpoint: str, **values) -> str:
    """A path on this site, also outside a request (the CLI, seeding data, tests)."""
    if has_request_context():
        return url_for(endpoint, **values)
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute_url(endpoint: str, **values) -> str:
    """A full URL for an email: from the request when there is one, else from FORUM_BASE_URL."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path_for(endpoint, **values)


def absolute_link(path: str) -> str:
    """absolute_url for a path already built (a notification's link, a reported item's url)."""
    if not path.startswith("/"):
        return path
    if has_request_context():
        return request.host_url.rstrip("/") + path
    return current_app.config["BASE_URL"].rstrip("/") + path


@cache
def _asset_version(static_folder: str, filename: str) -> str:
    return hashlib.sha256((Path(static_folder) / filename).read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """A static file's URL carrying its content hash, so it can be cached for a year."""
    return link("static", filename=filename, v=_asset_version(current_app.static_folder, filename))


# -- kept links ----------------------------------------------------------------------------------

# Enough for every fixed link of every template; a caller passing ever-changing values would
# only empty it now and then.
LINKS_KEPT = 2000


def link(endpoint: str, **values) -> str:
    """url_for for the links every page repeats (the navigation, the footer, the assets): built
    once per application root and kept, since building a URL costs more than the rest of a
    link's markup. For links whose values are few and fixed (an endpoint, a slug), not a post id
    per row (row_link)."""
    if not has_request_context():
        return url_for(endpoint, **values)
    kept = current_app.extensions.setdefault("forum_links", {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = kept.get(key)
    if url is None:
        if len(kept) >= LINKS_KEPT:
            kept.clear()
        url = kept[key] = url_for(endpoint, **values)
    return url


# An id no row has, replaced by each row's own (row_link).
_ID_MARK = "987654321"


def row_link(endpoint: str, id_name: str, row_id: int, **values) -> str:
    """url_for(endpoint, **{id_name: row_id}, **values) for a URL naming one row among many: the
    URL is built once (link) with a marker id, then the row's own id put in, so a list of thirty
    threads costs one url_for rather than thirty."""
    return link(endpoint, **{id_name: int(_ID_MARK)}, **values).replace(_ID_MARK, str(int(row_id)))
