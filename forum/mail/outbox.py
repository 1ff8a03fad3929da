"""The outbox and its sender.

`queue()` only writes a row. Called inside the `db.atomic()` block of the change that caused the
message (a new account, a reset request), it commits or rolls back with that change: no email for a
change that failed, and none lost for one that succeeded, even if the mail server is down.

`send_due()` (the `flask --app forum mail send` command; in the background under `make run`) delivers
what is due to FORUM_MAIL_URL and retries failures with back-off. Without FORUM_MAIL_URL it prints each
message to the log instead. Rows are never deleted: the outbox is also the record of what was sent.
Delivery is at least once: a sender that dies between the SMTP server's "OK" and marking the row sent
will send that message again after CLAIM_LEASE.
"""

import json
import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app

from ..config import ConfigError
from ..models import OutboxMessage, utcnow

log = logging.getLogger("forum.mail")

FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# With the delays above, about 17 hours of trying before a message is left for a person to look at.
MAX_ATTEMPTS = 10
# A claimed message becomes due again after this, so one whose sender died mid-send is not stuck.
CLAIM_LEASE = timedelta(minutes=10)
# Seconds; a server that accepts the connection and then says nothing must not stall the sender.
SMTP_TIMEOUT = 30


def queue(
    to: str,
    subject: str,
    body: str,
    kind: str,
    headers: dict[str, str] | None = None,
    attachments: list[tuple[str, str, str]] | None = None,
) -> OutboxMessage:
    """Put one plain-text email in the outbox; call it in the same transaction as its cause.

    `headers` are extra headers (Reply-To, List-Unsubscribe, ...); a From here replaces MAIL_FROM.
    `attachments` are text files sent with it, each (filename, content type, text): an event's .ics.
    """
    return OutboxMessage.create(
        to_address=to,
        subject=subject,
        body_text=body,
        kind=kind,
        headers=json.dumps(headers or {}),
        attachments=json.dumps([list(item) for item in attachments]) if attachments else None,
    )


def send_due(limit: int = 100, now: datetime | None = None) -> tuple[int, int]:
    """Send up to `limit` due messages; returns (sent, failed).

    Safe to run in several processes at once: each message is claimed before it is sent. Call it
    outside a transaction, so every claim and result is committed as it happens.
    """
    now = now or utcnow()
    url = current_app.config.get("MAIL_URL")
    # Read before claiming anything, so a bad setting fails loudly instead of failing every message.
    server = MailServer.from_url(url) if url else None
    sender = current_app.config["MAIL_FROM"]
    sent = failed = 0
    with _Connection(server) as connection:
        for message in list(OutboxMessage.due(now, limit)):
            if not _claim(message, now):
                continue  # another sender took it after we read it
            try:
                if server is None:
                    _log_instead(message)
                else:
                    connection.send(_email(message, sender))
            except Exception as exc:  # whatever went wrong, the row must record it and be retried
                _record_failure(message, now, exc)
                failed += 1
            else:
                OutboxMessage.update(sent_at=now, next_attempt_at=None).where(
                    OutboxMessage.id == message.id
                ).execute()
                sent += 1
    return sent, failed


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1 min, 2, 4, ... up to 6 h."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    tls: bool = False  # smtps://: TLS from the first byte
    starttls: bool = False  # smtp://...?starttls=1: upgrade a plain connection
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "MailServer":
        """smtp://HOST:PORT, smtp://USER:PASSWORD@HOST:PORT?starttls=1 or smtps://USER:PASSWORD@HOST:PORT."""
        # Messages never quote the URL: it may hold a password.
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ConfigError("FORUM_MAIL_URL must look like smtp://HOST:PORT or smtps://USER:PASSWORD@HOST")
        query = parse_qs(parts.query)
        unknown = set(query) - {"starttls"}
        if unknown:
            raise ConfigError(
                f"FORUM_MAIL_URL has an unknown option {sorted(unknown)[0]!r} (known: starttls)"
            )
        starttls = query.get("starttls", ["0"])[-1].lower() in ("1", "true", "yes", "on")
        tls = parts.scheme == "smtps"
        if tls and starttls:
            raise ConfigError("FORUM_MAIL_URL: smtps:// is already encrypted; starttls=1 is for smtp://")
        try:
            port = parts.port or (465 if tls else 587 if starttls else 25)
        except ValueError:
            raise ConfigError("FORUM_MAIL_URL has a port that is not a number from 0 to 65535") from None
        return cls(
            host=parts.hostname,
            port=port,
            tls=tls,
            starttls=starttls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class _Connection:
    """One SMTP connection for a batch, opened when first needed and dropped after any error."""

    def __init__(self, server: MailServer | None):
        self.server = server
        self.smtp = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()

    def send(self, email: EmailMessage) -> None:
        try:
            if self.smtp is None:
                self.smtp = self._open()
            self.smtp.send_message(email)
        except Exception:
            # The next message starts on a fresh connection rather than one in an unknown state.
            if self.smtp is not None:
                self.smtp.close()
                self.smtp = None
            raise

    def _open(self) -> smtplib.SMTP:
        s = self.server
        # smtplib's own default context does not check certificates; this one does.
        context = ssl.create_default_context()
        if s.tls:
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=SMTP_TIMEOUT)
        try:
            if s.starttls:
                smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password or "")
        except Exception:
            smtp.close()
            raise
        return smtp


def _claim(message: OutboxMessage, now: datetime) -> bool:
    """Compare-and-set on next_attempt_at: of several senders that read the same row, only the
    first UPDATE still matches the value they read. Works alike on SQLite and PostgreSQL."""
    claimed = (
        OutboxMessage.update(next_attempt_at=now + CLAIM_LEASE)
        .where(
            OutboxMessage.id == message.id,
            OutboxMessage.sent_at.is_null(),
            OutboxMessage.next_attempt_at == message.next_attempt_at,
        )
        .execute()
    )
    return claimed == 1


def _email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["To"] = message.to_address
    email["Subject"] = message.subject
    for name, value in message.extra_headers.items():
        email[name] = value
    if "From" not in email:
        email["From"] = sender
    # RFC 3834: every email the forum sends is made by a program, so a vacation responder stays
    # quiet instead of answering it (and, with reply by email, posting its answer back).
    if "Auto-Submitted" not in email:
        email["Auto-Submitted"] = "auto-generated"
    email["Date"] = formatdate(usegmt=True)
    domain = parseaddr(email["From"])[1].rpartition("@")[2] or "localhost"
    # Given a domain, make_msgid skips its slow DNS lookup of this machine's name.
    email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.body_text)
    for filename, content_type, text in message.attached:
        maintype, _, subtype = content_type.partition("/")
        # Text parts as bytes, base64: a calendar's CRLF line endings arrive as written.
        email.add_attachment(text.encode(), maintype=maintype, subtype=subtype, filename=filename)
    return email


def _log_instead(message: OutboxMessage) -> None:
    log.info(
        "FORUM_MAIL_URL is unset: email %s kept in the outbox, not sent.\nTo: %s\nSubject: %s\n\n%s",
        message.id,
        message.to_address,
        message.subject,
        message.body_text,
    )


def _record_failure(message: OutboxMessage, now: datetime, exc: Exception) -> None:
    attempts = message.attempts + 1
    error = f"{type(exc).__name__}: {exc}"[:1000]
    if attempts >= MAX_ATTEMPTS:
        error = f"Gave up after {attempts} attempts. {error}"
        next_attempt_at = None
        log.error("Email %s to %s: %s", message.id, message.to_address, error)
    else:
        next_attempt_at = now + retry_delay(attempts)
        log.warning(
            "Email %s to %s failed (attempt %d), retrying later: %s",
            message.id,
            message.to_address,
            attempts,
            error,
        )
    OutboxMessage.update(attempts=attempts, last_error=error, next_attempt_at=next_attempt_at).where(
        OutboxMessage.id == message.id
    ).execute()
