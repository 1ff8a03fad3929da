"""Rate limits (flask-limiter): by address, and by account where guessing a password is the risk.

Storage comes from FORUM_RATELIMIT_STORAGE_URL: memory for one server, Redis when several share
limits. If Redis goes away the limits fall back to each server's memory rather than failing
every limited route: a short gap in strictness is better than nobody being able to sign in.
"""

import math
import time

from flask import request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from .models import normalise_email

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
    from .errors import render_error

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
