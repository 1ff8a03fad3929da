"""Compression and conditional requests: pages weigh little on slow links, and a page that has
not changed since the member's browser last fetched it answers 304 with no body.

Compression is in the app (`compress_page`), so the forum is small on the wire even with no proxy
in front (the README's production proxy may compress instead; the `Content-Encoding` already set by
the app is then left alone). Pages are compressed per request at quick levels: zstd 3 where the
browser takes it (small, and the cheapest to make), brotli 4, else gzip 6. It is a dozen lines
rather than Flask-Compress, whose general after-request pass (an Accept-Encoding parsed each time,
header checks for streams and caches) cost a tenth of a request with no page work
(docs/performance.md). Static files are compressed once, when the app starts, at better
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

import gzip
import hashlib
import threading
import time
from functools import lru_cache, wraps

import brotli
from flask import current_app, g, make_response, request, session
from flask_login import current_user

try:
    from compression import zstd  # Python 3.14
except ImportError:  # the backport, for Python before 3.14
    from backports import zstd

# In order of preference among equal q values.
ENCODINGS = ("zstd", "br", "gzip")
_local = threading.local()


def _zstd(data: bytes) -> bytes:
    # One compressor a thread, used again for each page (a complete frame each time): making one
    # per page was a tenth of the compression's time.
    compressor = getattr(_local, "zstd", None)
    if compressor is None:
        compressor = _local.zstd = zstd.ZstdCompressor(level=3)
    return compressor.compress(data, mode=zstd.ZstdCompressor.FLUSH_FRAME)


COMPRESSORS = {
    "zstd": _zstd,
    "br": lambda data: brotli.compress(data, quality=4),
    "gzip": lambda data: gzip.compress(data, compresslevel=6, mtime=0),
}
COMPRESSED_TYPES = frozenset(
    ("text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
     "application/json")
)
# Below this, compression saves too little to be worth its headers.
MIN_SIZE = 500


def accepted(header: str) -> dict[str, float]:
    """Accept-Encoding as {encoding: q}; "*" stands for any not named."""
    qualities = {}
    for part in header.lower().split(","):
        name, _, params = part.partition(";")
        name, q = name.strip(), 1.0
        if "q=" in params:
            try:
                q = float(params.split("q=", 1)[1].strip())
            except ValueError:
                q = 1.0
        if name:
            qualities[name] = q
    return qualities


@lru_cache(maxsize=256)
def chosen_encoding(accept: str) -> str:
    """The encoding a page is compressed with for this Accept-Encoding, or "" for none: the
    accepted one with the highest q, in ENCODINGS' order among equals; ENCODINGS[0] for "*"."""
    qualities = accepted(accept)
    best, best_q = "", 0.0
    for name in ENCODINGS:
        if qualities.get(name, 0.0) > best_q:
            best, best_q = name, qualities[name]
    return best or (ENCODINGS[0] if qualities.get("*", 0.0) > 0 else "")


def volatile(value: str) -> str:
    """Mark a value put on the page that differs per request but not with the page's content."""
    g.setdefault("volatile_values", []).append(value)
    return value


def same_content(digest: bytes) -> None:
    """Say what the page's content is, without its volatile values, as a digest of the kept parts it
    was put together from (web/layout.page): its ETag is then made from that, instead of hashing
    the whole page after taking those values out of it (a twentieth of a kept thread page)."""
    g.page_content = digest


def page_etag(body: bytes) -> str:
    config = current_app.config
    content = g.get("page_content")
    if content is None:
        token = g.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        for value in [token, *g.get("volatile_values", ())]:
            if value:
                body = body.replace(value.encode(), b"")
        digest = hashlib.blake2b(body, digest_size=16)
    else:
        digest = hashlib.blake2b(b"kept parts\0" + content, digest_size=16)
    secret = session.get(config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    limit = config.get("WTF_CSRF_TIME_LIMIT")
    bucket = int(time.time() // max(limit / 2, 1)) if limit else 0
    user = current_user._get_current_object()
    viewer = user.get_id() if user.is_authenticated else ""
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
    # A response with a strong ETag that compression changes (it adds ":zstd") is compared again
    # once compressed, when the request brings a validator; pages answer conditional requests
    # themselves (`conditional`), static files too (static_files.py).
    app.after_request(_revalidate_compressed)  # runs after compress_page: last registered, first run
    app.after_request(compress_page)


def compress_page(response):
    """Compress a response as the request accepts. Static files come compressed already, at better
    levels (static_files.py), and are left alone; so is an encoding already set."""
    if request.endpoint == "static":
        return response
    headers = response.headers
    vary = headers.get("Vary")
    if not vary:
        headers["Vary"] = "Accept-Encoding"
    elif "accept-encoding" not in vary.lower():
        headers["Vary"] = f"{vary}, Accept-Encoding"
    encoding = chosen_encoding(request.environ.get("HTTP_ACCEPT_ENCODING", ""))
    if (
        not encoding
        or not 200 <= response.status_code < 300
        or response.is_streamed
        or "Content-Encoding" in headers
        or response.mimetype not in COMPRESSED_TYPES
    ):
        return response
    data = response.get_data()
    if len(data) < MIN_SIZE:
        return response
    response.set_data(COMPRESSORS[encoding](data))
    headers["Content-Encoding"] = encoding
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(f"{etag}:{encoding}")
    return response


def _revalidate_compressed(response):
    environ = request.environ
    if (
        ("HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ)
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
    ):
        return response.make_conditional(request)
    return response
