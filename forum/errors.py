"""Domain errors, and the one handler that turns every error into a page or an in-place fragment."""

import logging

from flask import current_app, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .models.db import UNAVAILABLE

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Raised by domain functions; the message is for the person and safe to show."""

    status = 400

    def __init__(self, message: str = "", field: str | None = None):
        super().__init__(message)
        self.message = message
        # The form field the message belongs beside, when it is about one.
        self.field = field


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


# status -> (title, what to do about it)
MESSAGES = {
    400: (
        "Something in that request was wrong",
        "The form may have expired or come from another site. Go back, reload the page and try again.",
    ),
    403: ("You can't do that here", "Your account does not have permission for this."),
    404: ("Page not found", "The page may have moved or been removed, or the address may be mistyped."),
    405: ("That can't be done this way", "Use the page's own buttons and links to do this."),
    409: ("That changed while you were working", "Reload the page to see the latest version."),
    413: ("That was too large to send", "Shorten the text or choose a smaller file, then try again."),
    422: ("Please check what you entered", ""),
    429: ("Too many attempts", "Please wait a little and try again."),
    500: ("Something went wrong on our side", "The team has been told. Please try again in a moment."),
    503: (
        "The forum is busy for a moment",
        "Nothing you wrote has been lost: go back, and send it again in a few seconds.",
    ),
}


def render_error(status: int, detail: str = "", headers=None):
    title, advice = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    context = {"status": status, "title": title, "detail": detail, "advice": advice}
    if request.htmx:
        # Shown in the page's message region; the rest of the page, and the member's text, stay.
        body = render_template("errors/_error.html", **context)
        headers = {**(headers or {}), "HX-Retarget": "#messages", "HX-Reswap": "innerHTML"}
    else:
        body = render_template("errors/error.html", **context)
    return body, status, headers or {}


def handle_http(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    if exc.code >= 500:
        return handle_unexpected(exc)
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    detail = "" if exc.description == type(exc).description else (exc.description or "")
    return render_error(exc.code, detail, headers)


def handle_domain(exc: DomainError):
    return render_error(exc.status, exc.message)


def _is_unavailable(exc: Exception) -> bool:
    """Busy, locked, gone or unreachable, as opposed to a mistake in a query, which SQLite
    also reports as an OperationalError and which must stay a loud 500."""
    text = str(exc).lower()
    return not ("syntax error" in text or "no such " in text or "has no column" in text)


def handle_unavailable(exc: Exception):
    if not _is_unavailable(exc):
        propagate = current_app.config["PROPAGATE_EXCEPTIONS"]
        if propagate if propagate is not None else (current_app.testing or current_app.debug):
            raise exc
        return handle_unexpected(exc)
    log.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
    # The layout draws this page without touching the database.
    g.minimal_layout = True
    return render_error(503, "", {"Retry-After": "5"})


def handle_unexpected(exc: Exception):
    original = getattr(exc, "original_exception", exc)
    # Only a busy or gone database goes back to handle_unavailable: a mistake in SQL came from
    # there, and sending it back would go round between the two until the recursion limit.
    if isinstance(original, UNAVAILABLE) and _is_unavailable(original):
        return handle_unavailable(original)
    if not isinstance(exc, InternalServerError) or original is not exc:
        log.error("unexpected error on %s %s", request.method, request.path, exc_info=original)
    g.minimal_layout = True
    return render_error(500)


def init_app(app):
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(DomainError, handle_domain)
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, handle_unavailable)
    app.register_error_handler(InternalServerError, handle_unexpected)
