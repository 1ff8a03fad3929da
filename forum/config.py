"""Defaults, and the FORUM_* environment settings that override them (see CONTRACT.md)."""

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

# "approval": a verified applicant waits for staff; "open": verifying the email is enough.
MEMBERSHIP_MODES = ("approval", "open")
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# The time zone pages and emails show times in, unless a member chose their own (FORUM_TIMEZONE).
DEFAULT_TIMEZONE = "Europe/London"


# Words that often mean a post will read as an insult. Replace them with FORUM_PAUSE_WORDS
# (comma-separated); an empty value switches the word check off (capitals are still checked).
DEFAULT_PAUSE_WORDS = (
    "idiot, idiots, idiotic, stupid, moron, morons, dumb, pathetic, liar, liars, loser, losers, "
    "shut up, disgusting, ignorant, clueless, rubbish, garbage, incompetent, fool, fools"
)


class ConfigError(Exception):
    """A setting that stops start-up. The message names the variable and fits on one line."""


def load(app, overrides=None):
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    env = os.environ
    app.config.update(
        SITE_NAME=env.get("FORUM_SITE_NAME", "Belong Forum"),
        # Times are stored in UTC and shown in this zone (an IANA name), or in the member's own.
        TIMEZONE=(env.get("FORUM_TIMEZONE") or "").strip() or DEFAULT_TIMEZONE,
        # Where the forum is reached, for links in email sent outside a request (the CLI).
        BASE_URL=env.get("FORUM_BASE_URL", "http://127.0.0.1:5000"),
        DATABASE_URL=env.get("FORUM_DATABASE_URL") or f"sqlite:///{instance / 'forum.sqlite3'}",
        # How long a request waits for another's lock (SQLite's busy timeout, PostgreSQL's
        # lock_timeout) before the forum answers "busy, try again" (503) instead of hanging.
        DATABASE_BUSY_TIMEOUT_MS=5000,
        # SQLite's fsync on every commit (see db.py); the tests turn it off, their databases are
        # thrown away, and an fsync per commit was a large part of the suite's time.
        DATABASE_SQLITE_SYNCHRONOUS="full",
        # PostgreSQL: the queries every page view runs are prepared on the server once per
        # connection (models/prepared.py). Off behind a pooler that hands each transaction another
        # server connection (PgBouncer's transaction mode), where a prepared statement is not found.
        DATABASE_PREPARE=switched_on(env.get("FORUM_DATABASE_PREPARE")),
        MIGRATIONS_DIR=MIGRATIONS_DIR,
        MAIL_URL=env.get("FORUM_MAIL_URL") or None,
        MAIL_FROM=env.get("FORUM_MAIL_FROM") or "forum@localhost",
        RATELIMIT_STORAGE_URI=env.get("FORUM_RATELIMIT_STORAGE_URL", "memory://"),
        # The visitors' page cache (forum/web/page_cache.py): in each worker's memory, or in Redis
        # (this URL, else the rate limits' Redis) when several app servers run. FORUM_PAGE_CACHE=off
        # draws every page; a kept page lives at most PAGE_CACHE_SECONDS.
        CACHE_URL=env.get("FORUM_CACHE_URL") or None,
        PAGE_CACHE=switched_on(env.get("FORUM_PAGE_CACHE")),
        PAGE_CACHE_BYTES=64 * 1024 * 1024,
        PAGE_CACHE_SECONDS=600,
        # Posts are text; uploads raise this on their own routes when they land.
        MAX_CONTENT_LENGTH=1024 * 1024,
        # Tokens live as long as the session, so a page left open for hours still posts.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=True,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Posting: the longest message, and how long a member waits between posts (seconds);
        # members in their first days wait longer, a brake on spam that costs real members little.
        MAX_POST_LENGTH=20_000,
        POST_INTERVAL=_int_env("FORUM_POST_INTERVAL", 2),
        NEW_MEMBER_POST_INTERVAL=_int_env("FORUM_NEW_MEMBER_POST_INTERVAL", 10),
        NEW_MEMBER_DAYS=7,
        # Reporting. Reports from this many distinct members hide a post until staff review it (one
        # from staff or a trusted member is enough), so harm does not wait for office hours. Each
        # member may send this many reports an hour, so the button cannot be used to silence
        # someone; and a member with this many dismissed reports (more than were actioned) stops
        # counting toward hiding. Their reports still reach staff.
        REPORT_HIDE_THRESHOLD=_int_env("FORUM_REPORT_HIDE_THRESHOLD", 3),
        REPORTS_PER_HOUR=_int_env("FORUM_REPORTS_PER_HOUR", 20),
        REPORT_DISMISSED_LIMIT=_int_env("FORUM_REPORT_DISMISSED_LIMIT", 5),
        # Appeals: a member may appeal a moderation decision about them for this many days.
        APPEAL_DAYS=_int_env("FORUM_APPEAL_DAYS", 183),
        # Pause before posting: a message with one of these words, or mostly in capitals (at
        # least this many words, this share of them), is shown with a reminder of the Charter's
        # civility clause before it is posted. A reminder only: the member can post anyway.
        PAUSE_WORDS=_word_list_env("FORUM_PAUSE_WORDS", DEFAULT_PAUSE_WORDS),
        PAUSE_CAPITALS_MIN_WORDS=4,
        PAUSE_CAPITALS_SHARE=0.7,
        # werkzeug's scrypt; the tests use a cheap method so that hundreds of accounts stay fast.
        PASSWORD_HASH_METHOD="scrypt",
        # Uploads (photos, avatars, logos): stored outside static/ and served only through a route
        # that checks who may see them. The size limit is the file as sent; the pixel limit refuses
        # decompression bombs before any pixel is decoded; the quota counts what is kept per member.
        UPLOAD_PATH=env.get("FORUM_UPLOAD_PATH") or str(instance / "uploads"),
        UPLOAD_MAX_BYTES=_int_env("FORUM_UPLOAD_MAX_BYTES", 8 * 1024 * 1024),
        UPLOAD_QUOTA_BYTES=_int_env("FORUM_UPLOAD_QUOTA_BYTES", 100 * 1024 * 1024),
        UPLOAD_MAX_PIXELS=_int_env("FORUM_UPLOAD_MAX_PIXELS", 40_000_000),
        # The resource library: files kept outside static/ (in UPLOAD_PATH's "library" folder
        # unless set), the largest file and each member's space for them (every version kept
        # counts), an Office or OpenDocument file's limits (its parts, and what they unpack to:
        # zip bombs), and how long checking a PDF (in the request, in a child process) and reading
        # its text (after it is stored, outside the request) may take before they are stopped.
        LIBRARY_PATH=env.get("FORUM_LIBRARY_PATH") or None,
        LIBRARY_MAX_BYTES=_int_env("FORUM_LIBRARY_MAX_BYTES", 25 * 1024 * 1024),
        LIBRARY_QUOTA_BYTES=_int_env("FORUM_LIBRARY_QUOTA_BYTES", 250 * 1024 * 1024),
        LIBRARY_ZIP_MAX_ENTRIES=_int_env("FORUM_LIBRARY_ZIP_MAX_ENTRIES", 5000),
        LIBRARY_ZIP_MAX_UNPACKED_BYTES=_int_env("FORUM_LIBRARY_ZIP_MAX_UNPACKED_BYTES", 300 * 1024 * 1024),
        LIBRARY_CHECK_SECONDS=_int_env("FORUM_LIBRARY_CHECK_SECONDS", 5),
        LIBRARY_TEXT_SECONDS=_int_env("FORUM_LIBRARY_TEXT_SECONDS", 120),
        # Read a PDF's text in a thread of the worker that stored it (one at a time); off, it
        # waits for `flask --app forum library extract` (cron), which also catches any missed.
        LIBRARY_TEXT_IN_BACKGROUND=True,
        # Reply by email. Notifications about a post carry a reply address
        # reply+TOKEN@REPLY_DOMAIN only when a domain is set (the network's mail server relays it to
        # `flask mail receive`, or it lands in the mailbox that `flask mail poll` reads). Tokens
        # expire after REPLY_TOKEN_DAYS; one address takes REPLY_EMAILS_PER_HOUR messages an hour;
        # the raw messages are kept INBOUND_RETENTION_DAYS for staff, then purged.
        REPLY_DOMAIN=(env.get("FORUM_REPLY_DOMAIN") or "").strip().lower() or None,
        REPLY_TOKEN_DAYS=_int_env("FORUM_REPLY_TOKEN_DAYS", 60),
        REPLY_EMAILS_PER_HOUR=_int_env("FORUM_REPLY_EMAILS_PER_HOUR", 10),
        INBOUND_HOST=env.get("FORUM_INBOUND_HOST") or "127.0.0.1",
        INBOUND_PORT=_int_env("FORUM_INBOUND_PORT", 2525),
        INBOUND_IMAP_URL=env.get("FORUM_INBOUND_IMAP_URL") or None,
        INBOUND_RETENTION_DAYS=_int_env("FORUM_INBOUND_RETENTION_DAYS", 30),
        # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
        TRUSTED_PROXIES=_int_env("FORUM_TRUSTED_PROXIES", 0),
    )
    if overrides:
        app.config.update(overrides)
    if app.config.setdefault("MEMBERSHIP", env.get("FORUM_MEMBERSHIP", "approval")) not in MEMBERSHIP_MODES:
        raise ConfigError(f"FORUM_MEMBERSHIP must be one of {', '.join(MEMBERSHIP_MODES)}")
    _check_time_zone(app.config["TIMEZONE"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = env.get("FORUM_SECRET_KEY") or _instance_secret(instance)


def switched_on(raw: str | None) -> bool:
    """A setting that is on unless set to off (or 0, false, no)."""
    return (raw or "on").strip().lower() not in ("off", "0", "false", "no")


def _int_env(name, default):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def _check_time_zone(name) -> None:
    """FORUM_TIMEZONE must name a zone of the time zone database, read now rather than on the first
    page that shows a time."""
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError, TypeError):
        raise ConfigError(
            f"FORUM_TIMEZONE must be a time zone name such as Europe/London or America/New_York, not {name!r}"
        ) from None


def _instance_secret(instance: Path) -> str:
    """Generate the secret key once and keep it, so sessions survive a restart."""
    path = instance / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        key = secrets.token_hex(32)
        f.write(key)
    return key


def _word_list_env(name, default):
    """A comma-separated list of words, lower-cased, as a set for quick lookups."""
    raw = os.environ.get(name)
    raw = default if raw is None else raw
    return frozenset(w.strip().lower() for w in raw.split(",") if w.strip())
