"""Rate limits (flask-limiter): by address, and by account where guessing a password is the risk.

Storage comes from FORUM_RATELIMIT_STORAGE_URL: memory for one server, Redis when several share
limits. If Redis goes away the limits fall back to each server's memory rather than failing
every limited route: a short gap in strictness is better than nobody being able to sign in.
"""

import math
import time
from functools import partial

from flask import request
from flask.globals import request_ctx
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from ..models import normalise_email

limiter = Limiter(key_func=get_remote_address)

SIGN_IN_PER_ADDRESS = "20 per 5 minutes"
# Failed attempts on one account, from anywhere: slows a guesser without locking the owner
# out for long.
SIGN_IN_PER_ACCOUNT = "6 per 15 minutes"
JOIN_PER_ADDRESS = "10 per hour"
RESET_PER_ADDRESS = "10 per hour"
RESET_PER_ACCOUNT = "3 per hour"


def submitted_email() -> str:
    return "account:" + normalise_email(request.form.get("email", ""))


def failed(response) -> bool:
    """Only refused attempts count against an account."""
    return response.status_code >= 400


def handle_rate_limited(exc: RateLimitExceeded):
    from ..errors import render_error

    reset_at = getattr(limiter.current_limit, "reset_at", None) or (time.time() + 60)
    wait = max(1, math.ceil(reset_at - time.time()))
    minutes = math.ceil(wait / 60)
    when = "in a minute" if minutes <= 1 else f"in {minutes} minutes"
    return render_error(429, f"Please try again {when}.", {"Retry-After": str(wait)})


def init_app(app):
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, handle_rate_limited)


def app_wide_limits() -> bool:
    """Whether any limit applies beyond the routes decorated with @limiter.limit: default,
    application, meta, in-memory-fallback or blueprint limits."""
    manager = limiter.limit_manager
    return bool(
        manager.application_limits
        or manager.default_limits
        or limiter._meta_limits
        or limiter._in_memory_fallback
        or manager._blueprint_limits
    )


def skip_idle_check(app) -> None:
    """Drop flask-limiter's before-request hook while the forum has only per-route limits.

    The hook runs on every request (docs/performance.md), but it only ever enforces app-wide
    limits: a route's own @limiter.limit is checked by the decorator around the view, and its
    deduct_when by the after-request hook, both kept. With no app-wide limit the hook finds
    nothing to check on any route. Called once every blueprint is registered (a blueprint's limits
    are app-wide in this sense); if someone adds such a limit the hook stays, and
    tests/test_limits.py says so. The limiter's attributes read here are private ones, listed in
    forum/web/framework_internals.py."""
    if app_wide_limits():
        return
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    _only_after_a_check(app)


# Where flask-limiter keeps what the limits checked during a request left (on the request context).
CHECKED = "_limiter_request_context"


def _only_after_a_check(app) -> None:
    """Run flask-limiter's after-request hook (rate limit headers, a deduct_when) and its teardown
    only in a request that checked a limit. Both act on the state a check leaves on the request
    context, and made that state on every other request only to find it empty (about a twentieth
    of a request with no page work: docs/performance.md). With no app-wide limit, only a route's
    own @limiter.limit checks anything, and it leaves that state before the hooks run."""
    after = app.after_request_funcs.get(None, [])
    for i, hook in enumerate(after):
        if isinstance(hook, partial) and hook.func is Limiter._Limiter__inject_headers:
            after[i] = _after_a_check(hook)
    teardown = app.teardown_request_funcs.get(None, [])
    for i, hook in enumerate(teardown):
        if hook == limiter._Limiter__release_context:
            teardown[i] = _after_a_check(hook)


def _after_a_check(hook):
    def when_a_limit_was_checked(value):
        if hasattr(request_ctx._get_current_object(), CHECKED):
            return hook(value)
        return value

    return when_a_limit_was_checked
