"""The two ways reply-by-email mail reaches the forum, both handing each raw message to
services.email_replies.receive():

- `flask mail receive`: an SMTP listener (aiosmtpd) on FORUM_INBOUND_HOST:FORUM_INBOUND_PORT, for the
  network's mail server to relay the reply domain to. It refuses at RCPT time any address that is
  not a reply address of ours, so a made-up address is bounced by the sender's own server.
- `flask mail poll`: reads a mailbox over IMAP (FORUM_INBOUND_IMAP_URL), for networks that cannot
  relay; each message is deleted from the mailbox once handled (the forum keeps its own copy).
"""

import asyncio
import logging
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..config import ConfigError

log = logging.getLogger("forum.inbound")
# Larger messages are refused at the SMTP level: a reply is text, and photos are not posted.
MAX_MESSAGE_BYTES = 10 * 1024 * 1024
IMAP_TIMEOUT = 30


def _receive(app, raw: bytes, **kwargs):
    from ..services import email_replies

    with app.app_context():
        outcome = email_replies.receive(raw, **kwargs)
    log.info("Inbound %s message: %s %s", kwargs.get("via"), outcome.outcome, outcome.reason)
    return outcome


# -- SMTP --------------------------------------------------------------------------------------


class ReplyHandler:
    """aiosmtpd handler: database work runs in a worker thread, so the listener keeps answering."""

    def __init__(self, app):
        self.app = app

    def _is_ours(self, address: str) -> bool:
        from ..services import email_replies

        with self.app.app_context():
            return email_replies.is_reply_address(address)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        loop = asyncio.get_running_loop()
        if not await loop.run_in_executor(None, self._is_ours, address):
            return "550 5.1.1 This reply address is not valid"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        loop = asyncio.get_running_loop()
        raw = envelope.original_content or envelope.content
        rejected = False
        for recipient in envelope.rcpt_tos:
            try:
                outcome = await loop.run_in_executor(
                    None,
                    lambda r=recipient: _receive(
                        self.app, raw, recipient=r, envelope_sender=envelope.mail_from, via="smtp"
                    ),
                )
            except Exception:  # a database restarting: the relay keeps the message and tries again
                log.exception("Inbound message not handled; asked the relay to retry")
                return "451 4.3.0 Try again later"
            rejected = rejected or outcome.reject
        return "550 5.7.1 This reply address is not valid" if rejected else "250 OK"


def smtp_controller(app, host: str, port: int):
    """A started-when-you-call-start() listener; the CLI and the tests use the same one."""
    from aiosmtpd.controller import Controller

    return Controller(ReplyHandler(app), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES)


# -- IMAP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    tls: bool
    username: str
    password: str
    folder: str = "INBOX"

    @classmethod
    def from_url(cls, url: str) -> "Mailbox":
        """imaps://USER:PASSWORD@HOST[:PORT][/FOLDER] or imap://... (plain, for localhost)."""
        parts = urlsplit(url)
        if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
            raise ConfigError("FORUM_INBOUND_IMAP_URL must look like imaps://USER:PASSWORD@HOST/INBOX")
        tls = parts.scheme == "imaps"
        try:
            port = parts.port or (993 if tls else 143)
        except ValueError:
            raise ConfigError("FORUM_INBOUND_IMAP_URL has a port that is not a number") from None
        return cls(
            host=parts.hostname,
            port=port,
            tls=tls,
            username=unquote(parts.username),
            password=unquote(parts.password or ""),
            folder=unquote(parts.path.strip("/")) or "INBOX",
        )


def poll_imap(app, url: str, limit: int = 100) -> int:
    """Handle up to `limit` messages waiting in the mailbox; returns how many were handled."""
    from imapclient import IMAPClient

    box = Mailbox.from_url(url)
    context = ssl.create_default_context() if box.tls else None
    handled = 0
    with IMAPClient(
        box.host, port=box.port, ssl=box.tls, ssl_context=context, timeout=IMAP_TIMEOUT
    ) as client:
        client.login(box.username, box.password)
        client.select_folder(box.folder)
        uids = client.search(["NOT", "DELETED"])[:limit]
        if not uids:
            return 0
        for uid, data in client.fetch(uids, ["RFC822"]).items():
            _receive(app, data[b"RFC822"], via="imap")
            # Deleted only once handled (and committed): a poller that dies mid-way finds the rest
            # next time, and one handled twice is caught by its Message-ID.
            client.add_flags([uid], [b"\\Deleted", b"\\Seen"])
            handled += 1
        client.expunge()
    return handled
