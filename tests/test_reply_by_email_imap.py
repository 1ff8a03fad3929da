"""Reply by email through a mailbox (issue #16): messages put into a real IMAP server (Debian's
dovecot-imapd, started once for this module on localhost with a throwaway configuration) are read
by the poller, `flask mail poll`, and handled by the same function as the SMTP listener's."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest

from forum.mail.intake import poll_imap
from forum.models import Category, Member, OutboxMessage, Post, Thread
from forum.models.inbound import InboundMessage
from forum.services import email_replies, posting

DOMAIN = "reply.example.org"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "forum", "mailbox-secret"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
{users}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _mail_users(root: Path) -> tuple[int, int, str]:
    """Who owns the mailbox (uid, gid) and the lines of config that say who dovecot runs as."""
    if os.geteuid() == 0:
        # As root, dovecot hands the mailbox to an unprivileged user.
        nobody = pwd.getpwnam("nobody")
        root.chmod(0o755)
        (root / "mail").chmod(0o777)
        return nobody.pw_uid, nobody.pw_gid, ""
    me = pwd.getpwuid(os.getuid()).pw_name
    return os.getuid(), os.getgid(), f"default_internal_user = {me}\ndefault_login_user = {me}\n"


def _start_dovecot(root: Path, port: int) -> None:
    uid, gid, users = _mail_users(root)
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, users=users, password=PASSWORD, uid=uid, gid=gid, port=port))
    # Into a file, not a pipe: the daemon's children keep a pipe open, and reading it never ends.
    errors = root / "start.log"
    with errors.open("w") as out:
        started = subprocess.run([DOVECOT, "-c", str(config)], stdout=out, stderr=out, timeout=30)
    if started.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"dovecot did not start: {errors.read_text().strip()}")


@pytest.fixture(scope="module")
def imap_server():
    """Dovecot on a free port, for this module; .url for FORUM_INBOUND_IMAP_URL, .client() to
    put messages in the mailbox."""
    if not os.path.exists(DOVECOT):
        message = "Dovecot not found: install it with `apt-get install dovecot-imapd`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Not under pytest's tmp folder: dovecot's mail process runs as another user and must reach it.
    root = Path(tempfile.mkdtemp(prefix="forum-imap-"))
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    port = _free_port()
    _start_dovecot(root, port)
    from imapclient import IMAPClient

    def client():
        c = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
        c.login(USER, PASSWORD)
        c.select_folder("INBOX")
        return c

    for _ in range(50):  # it listens within a fraction of a second
        try:
            client().logout()
            break
        except OSError:
            time.sleep(0.1)

    class Server:
        url = f"imap://{USER}:{PASSWORD}@127.0.0.1:{port}/INBOX"

        def put(self, message):
            c = client()
            try:
                c.append("INBOX", bytes(message))
            finally:
                c.logout()

        def count(self):
            c = client()
            try:
                return len(c.search(["NOT", "DELETED"]))
            finally:
                c.logout()

    yield Server()
    pid = (root / "run" / "master.pid").read_text().strip()
    os.kill(int(pid), 15)
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def app(make_app, imap_server):
    return make_app(REPLY_DOMAIN=DOMAIN, INBOUND_IMAP_URL=imap_server.url)


@pytest.fixture
def forum(app, make_member):
    bob = make_member("bob@example.org", name="Bob")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(bob, category, {"title": "Water pumps", "message": "Which pump?"})
        address = email_replies.reply_address(Member.get_by_id(bob.id), first.thread_id)
    return {"bob": bob, "thread_id": first.thread_id, "address": address}


def a_reply(to, text="We use the hand pump.", sender="bob@example.org", **headers):
    message = EmailMessage()
    message["From"] = sender
    # A mailbox fed by a catch-all keeps the address in Delivered-To; To may name it too.
    message["Delivered-To"] = to
    message["To"] = to
    message["Subject"] = "Re: Water pumps"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(f"{text}\n\nOn Thu, 26 Nov 2026, Belong Forum wrote:\n> Which pump?\n")
    return message


def bobs_posts(app, forum):
    with app.app_context():
        return [p.body_md for p in Post.select().where(Post.author == forum["bob"].id).order_by(Post.id)]


def test_a_reply_in_the_mailbox_becomes_one_post_and_leaves_the_mailbox(app, forum, imap_server):
    message = a_reply(forum["address"])
    imap_server.put(message)
    # The same message twice (a relay's retry, or copied into the mailbox again) posts once.
    imap_server.put(message)
    assert poll_imap(app, imap_server.url) == 2
    assert bobs_posts(app, forum) == ["Which pump?", "We use the hand pump."]
    assert imap_server.count() == 0
    with app.app_context():
        assert [r.via for r in InboundMessage.select()] == ["imap"]
        assert OutboxMessage.select().where(OutboxMessage.kind == "reply-posted").count() == 1


def test_the_poller_refuses_what_the_listener_refuses(app, forum, imap_server):
    local, domain = forum["address"].split("@")
    imap_server.put(a_reply(local[:-3] + "abc" + "@" + domain, "Forged."))
    imap_server.put(a_reply(forum["address"], "From elsewhere.", sender="mallory@example.net"))
    imap_server.put(a_reply(forum["address"], "Out of office.", Auto_Submitted="auto-replied"))
    with app.app_context():
        Thread.update(locked=True).where(Thread.id == forum["thread_id"]).execute()
    imap_server.put(a_reply(forum["address"], "Into a locked thread."))
    assert poll_imap(app, imap_server.url) == 4
    assert bobs_posts(app, forum) == ["Which pump?"]
    with app.app_context():
        outcomes = [r.outcome for r in InboundMessage.select().order_by(InboundMessage.id)]
        refusals = (
            OutboxMessage.select().where(OutboxMessage.kind == "reply-refused").order_by(OutboxMessage.id)
        )
        told = [(m.to_address, m.body_text) for m in refusals]
    assert outcomes == ["refused", "refused", "ignored", "refused"]
    # The forged address names nobody to tell; the rest are told at Bob's own address only.
    assert [to for to, _ in told] == ["bob@example.org", "bob@example.org"]
    assert "mallory@example.net" in told[0][1] and "locked" in told[1][1]


def test_flask_mail_poll_reads_the_configured_mailbox(app, forum, imap_server):
    imap_server.put(a_reply(forum["address"], "By the command."))
    result = app.test_cli_runner().invoke(args=["mail", "poll"])
    assert result.exit_code == 0, result.output
    assert "Handled 1 message" in result.output
    assert bobs_posts(app, forum)[-1] == "By the command."
