"""The visitors' page cache: whole responses kept for people who are not signed in, shared by all.

A visitor's home, category, thread, event, library and help pages are the same for every visitor,
so the first visitor's answer (its bytes as compressed for one encoding, and its headers) is kept
and the next visitor asking for the same thing gets it from a WSGI middleware, before Flask builds
a request, opens a session, loads a member or looks at CSRF. Like Discourse's anonymous cache.

What makes a request one for the cache (`PageCache.key`): GET or HEAD, a path that one of the
CACHED_ENDPOINTS' rules could match, and no session or remember-me cookie (anyone signed in, or
with a flashed message waiting, always gets a page drawn for them). Its key is everything of the
request that such a page depends on: scheme, host, application root, path, query string, the
encoding the answer is compressed with (zstd, br, gzip or none, as chosen from Accept-Encoding),
and the htmx headers (a fragment is kept apart from its page). Low-data mode is a member's setting
(templating.low_data): a visitor never has it, and a member never reaches the cache.

What is kept (`keep_response`, then the middleware): a 200 HTML answer of a cached endpoint to a
GET that set no cookie. A page that touched the session (a flashed message, a CSRF token) sets one,
so it is never kept: visitors' pages carry no per-visitor token (base.html, kept_blocks.py). A
group's space or a members-only category is never in a visitor's page (the policy answers a
visitor with 404, which is not kept), so no private content can be; tests/test_page_cache.py checks.

Correct before fast: a kept page is served only while its generation is current, and every
committed write that could change a public page moves the generation on (models/db.py's
`tell_commits`: one hook on the database that sees every statement, whatever made it). Writes to
QUIET_TABLES, and UPDATEs of a member that set only QUIET_COLUMNS, are the only ones that do not:
they never show on a visitor's page (docs/performance.md lists them). Pages that show events also
change when an event starts or ends, with no write: they are kept until the next such moment. Any
page is kept at most PAGE_CACHE_SECONDS, which bounds what no hook can see (rows changed by hand
in the database, or a Redis that was unreachable when a write committed).

Where: in each worker's memory by default, with the generation in a file of the instance folder
shared by every process on the machine (page_store.py), so a write in one worker or a CLI command
reaches them all; in Redis when FORUM_CACHE_URL is set, or the rate limits' storage is Redis
(several app servers).
"""

import logging
import re
import time
from datetime import UTC

from flask import request
from werkzeug.http import parse_etags, unquote_etag

from .conditional import chosen_encoding
from .page_store import Entry, build_id, make_store

log = logging.getLogger("forum")

# The pages kept: what visitors read most, the same for every visitor.
CACHED_ENDPOINTS = frozenset({
    "threads.index", "threads.category", "threads.thread",
    "events.index", "events.category", "events.event",
    "library.index", "library.resource",
    "help.index", "help.page", "pages.document",
})
# Pages that show events, which change by themselves when an event starts or ends.
EVENT_ENDPOINTS = frozenset({"threads.index", "events.index", "events.category", "events.event"})
# Request headers a kept page may depend on besides its URL and encoding: htmx asks the same URLs
# for fragments. A cached page must read nothing else of the request.
HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_BOOSTED", "HTTP_HX_TARGET")

# Writes that never show on a visitor's page, so they keep the cache: each member's own state
# (reading positions, notifications, mutes, hidden and watched threads, tokens, settings), private
# conversations, mail, reports (a report that hides a post writes the post), staff's own records and
# the search index. Every other table is assumed to show somewhere: a new table invalidates until
# it is named here.
QUIET_TABLES = frozenset({
    "read_state", "notification", "notification_setting", "outbox_message", "inbound_message",
    "account_token", "feed_token", "calendar_token", "hidden_thread", "watch", "mute",
    "conversation", "participant", "private_message", "contact_request", "acceptance",
    "support_request", "support_reply", "staff_note", "log_entry", "report", "blocked_email",
    "event_reminder", "post_search",
})
# A member's columns that no visitor's page shows: counters, sign-in state and private settings.
# An UPDATE of a member that sets any other column (name, status, organisation, ...) invalidates.
QUIET_COLUMNS = {
    "member": frozenset({
        "unread_notifications", "unread_messages", "last_active_at", "session_token", "password_hash",
        "reply_generation", "reply_by_email", "queue_summary", "low_data", "time_zone",
        "accepted_versions", "report_count", "email_verified_at",
    }),
    # A resource's downloads are counted for staff's Insights only.
    "resource": frozenset({"download_count"}),
}

PENDING = "forum.page_cache.pending"  # environ: (key, generation) of a request the cache missed
KEEP = "forum.page_cache.keep"  # environ: until when the answer may be kept (set by keep_response)
NOT_MODIFIED_DROPS = frozenset({"content-length", "content-type", "content-encoding"})


def matters(table: str, columns: tuple | None) -> bool:
    """Whether a committed write to `table` (setting `columns`, when an UPDATE) could change a
    visitor's page."""
    if table in QUIET_TABLES:
        return False
    quiet = QUIET_COLUMNS.get(table)
    return not (quiet is not None and columns and quiet.issuperset(columns))


def _rule_pattern(rules) -> re.Pattern:
    """One pattern matching every path the rules could: their variables as any one segment."""
    parts = []
    for rule in rules:
        pieces = re.split(r"<[^>]*>", rule)
        parts.append("[^/]+".join(re.escape(piece) for piece in pieces))
    return re.compile("|".join(sorted(set(parts))))


class PageCache:
    """The WSGI middleware: answers a visitor from the store, or runs the app and keeps its answer."""

    def __init__(self, app, wsgi_app, store):
        self.wsgi_app = wsgi_app
        self.store = store
        self.max_age = app.config["PAGE_CACHE_SECONDS"]
        self.session_cookie = app.config.get("SESSION_COOKIE_NAME", "session") + "="
        self.remember_cookie = app.config.get("REMEMBER_COOKIE_NAME", "remember_token") + "="
        self.covers = _rule_pattern(
            rule.rule for rule in app.url_map.iter_rules() if rule.endpoint in CACHED_ENDPOINTS
        ).fullmatch
        self.hits = self.misses = self.kept = 0

    def key(self, environ) -> str | None:
        """The request's key, or None when the cache is not for it."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        cookie = environ.get("HTTP_COOKIE")
        if cookie and (self.session_cookie in cookie or self.remember_cookie in cookie):
            return None
        path = environ.get("PATH_INFO", "")
        if not self.covers(path):
            return None
        return "\x1f".join((
            environ.get("wsgi.url_scheme", ""), environ.get("HTTP_HOST", ""), environ.get("SCRIPT_NAME", ""),
            path, environ.get("QUERY_STRING", ""), chosen_encoding(environ.get("HTTP_ACCEPT_ENCODING", "")),
            *[environ.get(name, "") for name in HTMX_HEADERS],
        ))

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.wsgi_app(environ, start_response)
        generation, entry = self.store.lookup(key)
        if generation is None:  # the store is unreachable: draw the page, keep nothing
            return self.wsgi_app(environ, start_response)
        if entry is not None and entry.generation == generation and entry.expires > time.time():
            self.hits += 1
            return self.serve(entry, environ, start_response)
        self.misses += 1
        environ[PENDING] = (key, generation)
        return self.run_and_keep(key, generation, environ, start_response)

    def serve(self, entry: Entry, environ, start_response):
        match = environ.get("HTTP_IF_NONE_MATCH")
        if match and entry.etag and parse_etags(match).contains_weak(entry.etag):
            kept = [header for header in entry.headers if header[0].lower() not in NOT_MODIFIED_DROPS]
            start_response("304 NOT MODIFIED", kept)
            return []
        start_response(entry.status, list(entry.headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def run_and_keep(self, key, generation, environ, start_response):
        answered = []

        def capture(status, headers, exc_info=None):
            answered[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, capture)
        until = environ.get(KEEP)
        if until is None or not answered or not answered[0].startswith("200 "):
            return body
        status, headers = answered
        names = {name.lower(): value for name, value in headers}
        if "set-cookie" in names or names.get("content-encoding", "") != key.split("\x1f")[5]:
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        etag = unquote_etag(names["etag"])[0] if "etag" in names else None
        self.store.put(key, Entry(generation, min(until, time.time() + self.max_age), status,
                                  list(headers), data, etag))
        self.kept += 1
        return [data]


def keep_response(response):
    """After a cached endpoint answered a visitor's GET with a page: say the middleware may keep it,
    and until when (pages with events: until the next start or end of an event)."""
    environ = request.environ
    if (
        PENDING in environ
        and request.method == "GET"
        and request.endpoint in CACHED_ENDPOINTS
        and response.status_code == 200
        and not response.is_streamed
        and response.mimetype == "text/html"
    ):
        environ[KEEP] = _next_event_change() if request.endpoint in EVENT_ENDPOINTS else float("inf")
    return response


def _next_event_change() -> float:
    """When the next event starts or ends (as a time.time()), or never."""
    from peewee import fn

    from ..models import utcnow
    from ..models.events import Event

    now = utcnow()
    moments = [
        Event.select(fn.MIN(Event.starts_at)).where(Event.starts_at > now).scalar(),
        Event.select(fn.MIN(Event.ends_at)).where(Event.ends_at > now).scalar(),
    ]
    moments = [m.replace(tzinfo=UTC).timestamp() for m in moments if m is not None]
    return min(moments, default=float("inf"))


def page_cache(app) -> PageCache | None:
    return app.extensions.get("forum_page_cache")


def init_app(app):
    """Once every blueprint is registered (the cached endpoints' rules are read), and inside any
    proxy fix-up (the key reads the scheme, host and root as the app sees them)."""
    from ..models.db import db, tell_commits

    if not app.config["PAGE_CACHE"]:
        return
    store = make_store(app, build_id(app))
    cache = app.extensions["forum_page_cache"] = PageCache(app, app.wsgi_app, store)
    app.wsgi_app = cache
    app.after_request(keep_response)
    tell_commits(db.obj, matters, store.bump)
