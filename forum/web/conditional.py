"""Compression and conditional requests: pages weigh little on slow links, and a page that has
not changed since the member's browser last fetched it answers 304 with no body.

Compression is Flask-Compress, in the app, so the forum is small on the wire even with no proxy in
front (the README's production proxy may compress instead; the `Content-Encoding` already set by
the app is then left alone). Static files are compressed once, when the app starts, at better
levels than a request can afford (static_files.py), and cached for a year by their versioned URLs,
so a browser fetches each version once.

Why the ETag hashes the rendered page rather than the rows it shows: a thread page shows its
thread, its posts and their authors, but also what the viewer reported, staff's open-report
counts, reading position ("New"), flashed messages, the navigation the viewer's role allows, and
whatever the next feature adds to a post. An ETag built from a list of those would serve a stale
page the day someone adds a field and forgets the list; a hash of the page itself cannot. The
price is that a 304 saves the bytes and the browser's work, not the server's rendering.

Two things on a page change on every request without the page changing: the CSRF token (signed
with the time) and the reply form's submission key (random, so pressing Post twice makes one
post). Both are left out of the hash (`volatile` registers such values). Reusing a cached page's
submission key is safe: the key is spent only by posting with it, and a post changes the page, so
no 304 hands back a spent key. For the token, the hash takes in what decides whether the cached
copy's token still works:
- the viewer's id and the session's raw CSRF secret (a hash of it): a signed-out or different
  session never gets a 304 for a page carrying another session's token, nor another viewer's page;
- with WTF_CSRF_TIME_LIMIT set, a bucket of half that time, so a revalidated page's token is never
  older than half its life. (The forum's default is no limit: tokens live as long as the session.)
The ETag is weak (W/"..."): two pages with different tokens are equivalent, not byte-identical.
"""

import hashlib
import time
from functools import wraps

from flask import current_app, g, make_response, request, session
from flask_compress import Compress
from flask_login import current_user

compress = Compress()


def volatile(value: str) -> str:
    """Mark a value put on the page that differs per request but not with the page's content."""
    g.setdefault("volatile_values", []).append(value)
    return value


def page_etag(body: bytes) -> str:
    config = current_app.config
    token = g.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
    for value in [token, *g.get("volatile_values", ())]:
        if value:
            body = body.replace(value.encode(), b"")
    secret = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    limit = config.get("WTF_CSRF_TIME_LIMIT")
    bucket = int(time.time() // max(limit / 2, 1)) if limit else 0
    user = current_user._get_current_object()
    viewer = user.get_id() if user.is_authenticated else ""
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(f"\0{viewer}\0{secret}\0{bucket}".encode())
    return digest.hexdigest()


def conditional(view):
    """A page route whose successful answers carry a weak ETag and answer 304 when it matches."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.is_streamed
            and response.mimetype == "text/html"
        ):
            response.set_etag(page_etag(response.get_data()), weak=True)
            # Only a request that brings a validator is compared: werkzeug's make_conditional also
            # parses Range headers and dates, a twentieth of a thread page (docs/performance.md).
            environ = request.environ
            if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
                response = response.make_conditional(request)
        return response

    return wrapped


def init_app(app):
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        ["text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
         "application/json"],
    )
    # zstd and brotli where the browser takes them (smaller, and zstd cheaper to make), gzip for
    # the rest. Pages are compressed per request; brotli's level 4 keeps that cheap.
    app.config.setdefault("COMPRESS_ALGORITHM", ["zstd", "br", "gzip"])
    # Flask-Compress's own conditional pass runs on every response, formatting a Date header and
    # comparing validators that were mostly not asked about, a cost every request paid
    # (docs/performance.md). Pages answer conditional requests themselves (`conditional`), and
    # static files too (static_files.py); any other response with a strong ETag that Compress
    # changes (it adds ":zstd") is compared again once compressed, when the request brings a
    # validator, and no other is.
    app.config.setdefault("COMPRESS_EVALUATE_CONDITIONAL_REQUEST", False)
    app.after_request(_revalidate_compressed)  # before Compress's: after_request runs last-first
    # Static files come compressed already, at better levels (static_files.py): Compress is
    # registered here to leave them alone, the file as it is included (for a client that takes
    # none of their encodings; Compress would answer one that refused gzip with q=0 with gzip).
    app.config["COMPRESS_REGISTER"] = False
    compress.init_app(app)
    app.after_request(_compress_pages)


def _compress_pages(response):
    if request.endpoint == "static":
        return response
    return compress.after_request(response)


def _revalidate_compressed(response):
    environ = request.environ
    if (
        ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
    ):
        return response.make_conditional(request)
    return response
