"""What every response shares: security headers, cache rules, versioned assets, page-or-fragment."""

import json
import re
import time
from urllib.parse import urlsplit

from flask import current_app, g, make_response, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from ..models.base import MAX_ID, parse_id

HTMX_VERSION = "2.0.11"

# No inline script or style and no eval anywhere: htmx is configured (base.html) to need neither.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
ONE_YEAR = 365 * 24 * 3600


def render_page_or_part(page: str, part: str, **context):
    """The full page for a browser, the partial alone for an htmx request to the same URL."""
    return render_template(part if request.htmx else page, **context)


def announce(body, message: str, focus: str | None = None, kind: str = "success"):
    """An htmx answer that tells forum.js what to say in the live region and where focus goes:
    the one way every in-place change stays accessible."""
    response = make_response(body)
    response.headers["HX-Trigger"] = json.dumps(
        {"forum:announce": {"message": message, "focus": focus, "kind": kind}}
    )
    return response


def add_form_error(form, error) -> None:
    """Show a domain error beside the field it is about, or at the top of the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None, default: str) -> str:
    """Where to go after signing in: only a path on this site, never another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(c in target for c in "\r\n\\"):
        return default
    return target


# What add_response_headers sets on a page when the view set no Cache-Control of its own: the
# same header werkzeug's cache_control would write, without parsing and rewriting it three times.
PAGE_CACHE_CONTROL = "private, no-cache"


def add_response_headers(response):
    headers = response.headers
    # One pass over the headers instead of a setdefault (a scan each) per security header.
    present = {name.lower() for name, _ in headers.items()}
    headers.extend([(name, value) for name, value in SECURITY_HEADERS.items() if name.lower() not in present])
    if request.endpoint == "static":
        if request.args.get("v"):
            response.cache_control.public = True
            response.cache_control.max_age = ONE_YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    elif response.mimetype == "text/html":
        # The same URL answers a page or an htmx fragment: caches must keep them apart. Written to
        # the header directly: werkzeug's HeaderSet parses and writes it again on each change.
        vary = headers.get("Vary")
        if not vary:
            headers["Vary"] = "HX-Request, Cookie"
        else:
            names = {name.strip().lower() for name in vary.split(",")}
            missing = [name for name in ("HX-Request", "Cookie") if name.lower() not in names]
            if missing:
                headers["Vary"] = ", ".join([vary, *missing])
        if "cache-control" in present:
            response.cache_control.private = True
            response.cache_control.no_cache = True
        else:
            headers["Cache-Control"] = PAGE_CACHE_CONTROL
    return response


# Values a kept session may hold: a session with anything else (flashed messages, a list that
# code may change in place) is verified and read afresh each time.
FLAT = (str, int, float, bool, type(None))
SESSIONS_KEPT = 10_000


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page was served over HTTPS.

    A cookie once verified is kept with what it holds and when it was signed, so a member's next
    request with the same cookie skips checking the signature and decoding it again (a twentieth of
    a thread page's time: docs/performance.md). The kept copy is only ever the same bytes' content,
    checked for age as Flask checks it; each request gets its own session dict."""

    def __init__(self):
        self._verified: dict[str, tuple[dict, float]] = {}

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or request.is_secure)

    def open_session(self, app, request):
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        kept = self._verified.get(value)
        if kept is not None and time.time() - kept[1] <= max_age:
            return self.session_class(kept[0])
        serializer = self.get_signing_serializer(app)
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if all(isinstance(item, FLAT) for item in data.values()):
            if len(self._verified) >= SESSIONS_KEPT:
                self._verified.clear()
            self._verified[value] = (dict(data), signed_at.timestamp())
        return self.session_class(data)


def csrf_token() -> str:
    """flask-wtf's generate_csrf, without signing the session's token again on every request: with
    no time limit on tokens (WTF_CSRF_TIME_LIMIT, the forum's default) a token signed once stays
    valid as long as the session's raw token, so the signed one is kept by it (per app and secret).
    flask-wtf keeps the request's token in g (g.csrf_token, as its documentation says), where
    forms read it."""
    config = current_app.config
    name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(name)
    if token is not None:
        return token
    raw = session.get(name)
    keep = config.get("WTF_CSRF_TIME_LIMIT") is None
    if raw and keep:
        key = (raw, config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
        token = _signed_tokens(current_app).get(key)
        if token is not None:
            setattr(g, name, token)
            return token
    token = generate_csrf()
    if keep:
        signed = _signed_tokens(current_app)
        if len(signed) >= SESSIONS_KEPT:
            signed.clear()
        signed[(session[name], config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)] = token
    return token


def _signed_tokens(app) -> dict:
    return app.extensions.setdefault("forum_signed_csrf_tokens", {})


class RowIdConverter(IntegerConverter):
    """<int:...> in every route: a number past MAX_ID does not match, so the answer is 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


def row_id(value: str) -> int:
    """For request.args.get(name, type=row_id): an id or a page number, or absent (the default)
    when it is not a number from 1 to MAX_ID (parse_id)."""
    number = parse_id(value)
    if number is None:
        raise ValueError(f"{value!r} names no row")
    return number


# Control characters no one types: NUL, which PostgreSQL cannot store in text at all, and the rest
# of C0 and DEL, which only hide or garble text. Tab, newline and carriage return stay.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_controls(values: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any(CONTROL.search(v) for v in values.values()):
        return values
    return ImmutableMultiDict([(CONTROL.sub("", k), CONTROL.sub("", v)) for k, v in values.items(multi=True)])


class WithoutControls:
    """Form fields and query strings arrive without control characters, for every route and form
    at once: one place, instead of a filter on each field that a new form could forget. A mixin,
    laid over the request class htmx-flask installs (which gives request.htmx). It overrides
    werkzeug's private _load_form_data (listed in framework_internals.py)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_controls(self.__dict__["form"])

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _without_controls(super().args)


def init_app(app):
    from . import static_files

    # Before any blueprint adds its rules, which take their converter when added.
    app.url_map.converters["int"] = RowIdConverter
    app.request_class = type("ForumRequest", (WithoutControls, app.request_class), {})
    app.session_interface = SessionInterface()
    app.after_request(add_response_headers)
    static_files.init_app(app)
