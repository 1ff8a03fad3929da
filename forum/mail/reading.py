"""Reading an email that a member sent: its new text (quoted history, signatures and reply
headers cut by mail-parser-reply), HTML-only mail as plain text, what was attached, and whether it
was sent by a machine (auto-replies, bounces) or failed the relay's SPF/DKIM checks."""

import re
from email.message import EmailMessage
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser
from mailparser_reply.constants import MAIL_LANGUAGES

# Mail clients write "On ... wrote:" in their own language; every language the library knows
# (less its test entry) is tried, so a reply from a French or Polish client is cut as well.
_LANGUAGES = [lang for lang in MAIL_LANGUAGES if len(lang) == 2]
# RFC 3834 and the headers common responders set instead of it.
_AUTOMATIC_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_AUTOMATIC_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response")


def reply_text(message: EmailMessage) -> str:
    """The member's own words: the plain-text body (or the HTML one as text), without the
    quoted email they answered, their signature or their client's reply header."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    try:
        content = body.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        content = body.get_payload(decode=True).decode("utf-8", "replace")
    if body.get_content_type() == "text/html":
        content = html_to_text(content)
    content = content.replace("\r\n", "\n")
    parsed = EmailReplyParser(languages=_LANGUAGES).read(content)
    if not parsed.replies:
        return ""
    lines = parsed.replies[0].body.strip().splitlines()
    # A quoted block at the very end, with no attribution line the library knows, is still the
    # email being answered; quotes with the member's words after them are kept.
    while lines and (lines[-1].startswith(">") or not lines[-1].strip()):
        lines.pop()
    return "\n".join(lines).strip()


def attachment_names(message: EmailMessage) -> list[str]:
    """What was attached (never posted: photos need the web form and its permission step)."""
    body = message.get_body(preferencelist=("plain", "html"))
    names = []
    for part in message.walk():
        if part.is_multipart() or part is body:
            continue
        if part.get_content_maintype() == "text" and not part.get_filename():
            continue  # the other half of multipart/alternative, not an attachment
        names.append(part.get_filename() or part.get_content_type())
    return names


def is_automatic(message: EmailMessage, envelope_sender: str | None = None) -> bool:
    """Sent by a machine: an auto-reply, a bounce or list traffic. Such mail never posts and is
    never answered, so a responder and the forum cannot write to each other for ever."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    if not auto.startswith("no"):
        return True
    if (message.get("Precedence") or "").strip().lower() in _AUTOMATIC_PRECEDENCE:
        return True
    if any(message.get(name) for name in _AUTOMATIC_HEADERS):
        return True
    # Delivery status notifications: the report type, or the null sender bounces come from.
    if message.get_content_type() == "multipart/report":
        return True
    if envelope_sender is not None and envelope_sender.strip("<> ") == "":
        return True
    sender = (message.get("From") or "").lower()
    return "mailer-daemon@" in sender or "postmaster@" in sender


_RESULT = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.I)


def authentication_failure(message: EmailMessage) -> str | None:
    """What the relay's Authentication-Results header reports as failed (SPF, DKIM, DMARC), or
    None. A DKIM failure beside another signature that passed is not a failure (lists re-sign)."""
    results = {"spf": set(), "dkim": set(), "dmarc": set()}
    for header in message.get_all("Authentication-Results") or []:
        for method, result in _RESULT.findall(str(header)):
            results[method.lower()].add(result.lower())
    failed = []
    if "fail" in results["spf"]:
        failed.append("SPF")
    if "fail" in results["dkim"] and "pass" not in results["dkim"]:
        failed.append("DKIM")
    if "fail" in results["dmarc"]:
        failed.append("DMARC")
    return " and ".join(failed) or None


class _TextFromHtml(HTMLParser):
    """Just enough HTML to text for a mail body: paragraphs and line breaks kept, links with
    their address, quoted blocks as "> " lines (so the reply parser cuts them), scripts dropped."""

    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines, self.current, self.quote, self.skip, self.href = [], "", 0, 0, None

    def _break(self):
        self.lines.append(("> " * self.quote) + " ".join(self.current.split()))
        self.current = ""

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self._break()
            self.quote += 1
        elif tag in self.BLOCKS:
            self._break()
            if tag == "li":
                self.current = "- "
        elif tag == "a":
            self.href = dict(attrs).get("href")

    def handle_startendtag(self, tag, attrs):  # <br/>: one break, not an opening and a closing
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag == "blockquote":
            self._break()
            self.quote = max(self.quote - 1, 0)
        elif tag in self.BLOCKS:
            self._break()
        elif tag == "a" and self.href:
            if self.href.startswith(("http://", "https://")) and self.href not in self.current:
                self.current += f" ({self.href})"
            self.href = None

    def handle_data(self, data):
        if not self.skip:
            self.current += data

    def text(self) -> str:
        self._break()
        out = "\n".join(line.rstrip() for line in self.lines)
        return re.sub(r"\n{3,}", "\n\n", out).strip()


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return parser.text()
