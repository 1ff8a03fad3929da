"""Reply by email (issue #16): real messages sent with smtplib to the running listener (the same
one `flask mail receive` starts), each becoming exactly one post or a refusal; the settings, the
digest's reply addresses and the purge. The IMAP poller is in test_reply_by_email_imap.py."""

import os
import select
import signal
import smtplib
import socket
import subprocess
import sys
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from helpers import PASSWORD

from forum.mail.intake import smtp_controller
from forum.models import Category, Member, OutboxMessage, Post, Thread, utcnow
from forum.models.inbound import InboundMessage
from forum.services import email_replies, notifying, posting

DOMAIN = "reply.example.org"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def app(make_app):
    return make_app(REPLY_DOMAIN=DOMAIN)


@pytest.fixture
def listener(app):
    """The SMTP listener on a free port; .send(message) delivers with smtplib."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = smtp_controller(app, "127.0.0.1", port)
    controller.start()

    class Listener:
        def send(self, message, sender=None):
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                smtp.send_message(message, from_addr=sender)

    yield Listener()
    controller.stop()


@pytest.fixture
def forum(app, make_member):
    """Bob started a thread; Ann mentioned him in a reply, so Bob was emailed at once, with a
    reply address for the thread."""
    bob = make_member("bob@example.org", name="Bob")
    ann = make_member("ann@example.org", name="Ann")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(bob, category, {"title": "Water pumps", "message": "Which pump?"})
        thread = Thread.with_category(first.thread_id)
        posting.reply(ann, thread, {"message": "@Bob the hand pump, in March."})
    return {"bob": bob, "ann": ann, "thread_id": first.thread_id}


def emails_to(app, address, kind=None):
    with app.app_context():
        query = OutboxMessage.select().where(OutboxMessage.to_address == address)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        return list(query.order_by(OutboxMessage.id))


def reply_address(app, forum):
    [notice] = emails_to(app, "bob@example.org", "notify-mention")
    return notice.extra_headers["Reply-To"]


def posts_by(app, member):
    with app.app_context():
        return list(Post.select().where(Post.author == member.id).order_by(Post.id))


def a_reply(to, text="Thanks Ann, we will try it.", sender="bob@example.org", **headers):
    message = EmailMessage()
    message["From"] = f"Bob <{sender}>"
    message["To"] = to
    message["Subject"] = "Re: Ann mentioned you in “Water pumps”"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(
        f"{text}\n\nOn Thu, 26 Nov 2026 at 09:00, Belong Forum <forum@localhost> wrote:\n"
        "> Hello Bob,\n>\n> Ann mentioned you in “Water pumps”:\n> http://127.0.0.1:5000/p/2\n"
    )
    return message


# -- a reply becomes one post -------------------------------------------------------------------


def test_a_reply_to_a_notification_becomes_exactly_one_post_without_the_quoted_email(app, forum, listener):
    address = reply_address(app, forum)
    assert address.startswith("reply+") and address.endswith("@" + DOMAIN)
    assert len(address.split("@")[0]) <= 64  # an address's local part has at most 64 characters
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(address, "Thanks Ann, we will try it.\n\n-- \nBob\nWater Trust"))
    posts = posts_by(app, forum["bob"])
    assert len(posts) == before + 1
    assert posts[-1].thread_id == forum["thread_id"]
    assert posts[-1].body_md == "Thanks Ann, we will try it."
    [confirmation] = emails_to(app, "bob@example.org", "reply-posted")
    assert f"/p/{posts[-1].id}" in confirmation.body_text
    assert confirmation.extra_headers["Auto-Submitted"] == "auto-replied"
    with app.app_context():
        [row] = InboundMessage.select()
        assert (row.outcome, row.post_id, row.via) == ("posted", posts[-1].id, "smtp")
        assert b"Thanks Ann" in bytes(row.raw)


def test_the_same_message_delivered_twice_posts_once(app, forum, listener):
    message = a_reply(reply_address(app, forum))
    before = len(posts_by(app, forum["bob"]))
    listener.send(message)
    listener.send(message)
    assert len(posts_by(app, forum["bob"])) == before + 1
    assert len(emails_to(app, "bob@example.org", "reply-posted")) == 1


def test_html_only_mail_is_posted_as_text_and_attachments_are_left_out_with_a_note(app, forum, listener):
    message = EmailMessage()
    message["From"] = "bob@example.org"
    message["To"] = reply_address(app, forum)
    message["Subject"] = "Re: pumps"
    message["Message-ID"] = make_msgid(domain="mail.example.org")
    message.set_content(
        "<html><body><p>We use the <b>hand pump</b>.</p><p>See <a href='https://pumps.example.org'>"
        "the maker</a>.</p><script>alert(1)</script><blockquote>Ann mentioned you</blockquote>"
        "</body></html>",
        subtype="html",
    )
    message.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="pump.png")
    listener.send(message)
    post = posts_by(app, forum["bob"])[-1]
    assert "We use the hand pump." in post.body_md
    assert "https://pumps.example.org" in post.body_md
    assert "alert" not in post.body_md and "Ann mentioned" not in post.body_md
    [confirmation] = emails_to(app, "bob@example.org", "reply-posted")
    assert "pump.png" in confirmation.body_text and "not posted" in confirmation.body_text


# -- refusals -----------------------------------------------------------------------------------


def test_a_forged_reply_address_is_refused_by_the_listener_and_posts_nothing(app, forum, listener):
    address = reply_address(app, forum)
    local, domain = address.split("@")
    forged = local[:-4] + ("aaaa" if not local.endswith("aaaa") else "bbbb") + "@" + domain
    before = len(posts_by(app, forum["bob"]))
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        listener.send(a_reply(forged))
    assert refused.value.recipients[forged][0] == 550
    # Another member's thread in a token signed for a different one: just as forged.
    member_id, thread_id, *rest = local.removeprefix("reply+").split("-")
    moved = "reply+" + "-".join([member_id, "zz", *rest]) + "@" + domain
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        listener.send(a_reply(moved))
    assert len(posts_by(app, forum["bob"])) == before
    assert emails_to(app, "bob@example.org", "reply-refused") == []


def test_an_expired_reply_address_posts_nothing_and_is_refused(app, forum, listener):
    with app.app_context():
        bob = Member.get_by_id(forum["bob"].id)
        today = email_replies._days(utcnow())
        token = email_replies.make_token(
            bob, forum["thread_id"], day=today - app.config["REPLY_TOKEN_DAYS"] - 1
        )
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(f"reply+{token}@{DOMAIN}"))
    assert len(posts_by(app, forum["bob"])) == before
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "expired" in refusal.body_text
    assert "Thanks Ann, we will try it." in refusal.body_text  # their words are not lost


def test_revoked_reply_addresses_post_nothing_and_are_refused(app, forum, listener, client):
    address = reply_address(app, forum)
    client.post("/sign-in", data={"email": "bob@example.org", "password": PASSWORD})
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Revoke reply addresses" in page
    response = client.post("/notifications/reply-by-email/revoke")
    assert response.status_code == 302
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(address))
    assert len(posts_by(app, forum["bob"])) == before
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "revoked" in refusal.body_text


def test_a_reply_from_another_address_posts_nothing_and_the_member_is_told_at_their_own(app, forum, listener):
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(reply_address(app, forum), sender="mallory@example.net"))
    assert len(posts_by(app, forum["bob"])) == before
    assert emails_to(app, "mallory@example.net") == []
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "mallory@example.net" in refusal.body_text and "not the verified email" in refusal.body_text


def test_mail_that_failed_the_relays_spf_or_dkim_check_posts_nothing(app, forum, listener):
    before = len(posts_by(app, forum["bob"]))
    listener.send(
        a_reply(
            reply_address(app, forum),
            Authentication_Results="mx.example.org; spf=fail smtp.mailfrom=example.org; dkim=none",
        )
    )
    assert len(posts_by(app, forum["bob"])) == before
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "SPF" in refusal.body_text


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"X_Autoreply": "yes"},
    ],
    ids=["auto-submitted", "precedence-bulk", "x-autoreply"],
)
def test_an_auto_reply_posts_nothing_and_is_not_answered(app, forum, listener, headers):
    before = len(posts_by(app, forum["bob"]))
    message = a_reply(reply_address(app, forum), "I am out of the office until Monday.", **headers)
    listener.send(message)
    assert len(posts_by(app, forum["bob"])) == before
    assert emails_to(app, "bob@example.org", "reply-refused") == []
    with app.app_context():
        assert InboundMessage.get().outcome == "ignored"


def test_a_bounce_posts_nothing_and_is_not_answered(app, forum, listener):
    bounce = EmailMessage()
    bounce["From"] = "Mail Delivery System <MAILER-DAEMON@mail.example.org>"
    bounce["To"] = reply_address(app, forum)
    bounce["Subject"] = "Undelivered Mail Returned to Sender"
    bounce["Message-ID"] = make_msgid(domain="mail.example.org")
    bounce.set_content("This is the mail system. Your message could not be delivered.")
    bounce.make_mixed()
    bounce.replace_header("Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"')
    before = len(posts_by(app, forum["bob"]))
    listener.send(bounce, sender="")
    assert len(posts_by(app, forum["bob"])) == before
    assert emails_to(app, "bob@example.org", "reply-refused") == []


def test_a_locked_thread_refuses_a_reply_by_email(app, forum, listener):
    with app.app_context():
        Thread.update(locked=True).where(Thread.id == forum["thread_id"]).execute()
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(reply_address(app, forum)))
    assert len(posts_by(app, forum["bob"])) == before
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "locked" in refusal.body_text


def test_a_suspended_member_is_refused(app, forum, listener):
    with app.app_context():
        Member.update(status="suspended", suspended_until=utcnow() + timedelta(days=3)).where(
            Member.id == forum["bob"].id
        ).execute()
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(reply_address(app, forum)))
    assert len(posts_by(app, forum["bob"])) == before
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "suspended" in refusal.body_text


def test_posting_too_fast_is_refused_with_the_text_kept(make_app):
    app = make_app(REPLY_DOMAIN=DOMAIN, POST_INTERVAL=60, NEW_MEMBER_POST_INTERVAL=60)
    with app.app_context():
        from forum.services import membership

        bob = membership.create_account("bob@example.org", "Bob", "member", PASSWORD)
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(bob, category, {"title": "Water pumps", "message": "Which pump?"})
        address = email_replies.reply_address(Member.get_by_id(bob.id), first.thread_id)
        outcome = email_replies.receive(bytes(a_reply(address)), via="test")
        assert outcome.outcome == "refused"
        assert Post.select().count() == 1
        [refusal] = OutboxMessage.select().where(OutboxMessage.kind == "reply-refused")
        assert "wait a few seconds" in refusal.body_text and "Thanks Ann" in refusal.body_text


def test_a_flood_to_one_address_is_limited_and_told_once(app, forum):
    app.config["REPLY_EMAILS_PER_HOUR"] = 2
    address = reply_address(app, forum)
    with app.app_context():
        outcomes = [
            email_replies.receive(bytes(a_reply(address, f"Message number {n}.")), via="test").outcome
            for n in range(4)
        ]
    assert outcomes == ["posted", "posted", "refused", "refused"]
    refusals = emails_to(app, "bob@example.org", "reply-refused")
    assert len(refusals) == 1 and "within an hour" in refusals[0].body_text


def test_words_that_ask_for_a_pause_are_held_until_the_member_replies_again(app, forum, listener):
    before = len(posts_by(app, forum["bob"]))
    listener.send(a_reply(reply_address(app, forum), "That idea is stupid."))
    assert len(posts_by(app, forum["bob"])) == before
    [pause] = emails_to(app, "bob@example.org", "reply-paused")
    assert "stupid" in pause.body_text
    listener.send(a_reply(pause.extra_headers["Reply-To"], "That idea is stupid, sorry: too blunt."))
    assert posts_by(app, forum["bob"])[-1].body_md == "That idea is stupid, sorry: too blunt."


# -- settings, digests, retention ---------------------------------------------------------------


def test_switching_reply_by_email_off_drops_the_address_and_refuses_old_ones(app, forum, listener, client):
    address = reply_address(app, forum)
    client.post("/sign-in", data={"email": "bob@example.org", "password": PASSWORD})
    response = client.post("/notifications/reply-by-email", headers=HTMX)
    assert response.status_code == 200
    assert 'id="reply-by-email"' in response.get_data(as_text=True)
    assert "off" in response.headers["HX-Trigger"]
    with app.app_context():
        assert Member.get_by_id(forum["bob"].id).reply_by_email is False
        posting.reply(forum["ann"], Thread.with_category(forum["thread_id"]), {"message": "@Bob and now?"})
    assert "Reply-To" not in emails_to(app, "bob@example.org", "notify-mention")[-1].extra_headers
    listener.send(a_reply(address))
    [refusal] = emails_to(app, "bob@example.org", "reply-refused")
    assert "switched off" in refusal.body_text
    # Back on, without JavaScript: a plain form and a redirect to the settings.
    response = client.post("/notifications/reply-by-email", data={"enabled": "y"})
    assert response.headers["Location"].endswith("/notifications/settings#reply-by-email")
    with app.app_context():
        assert Member.get_by_id(forum["bob"].id).reply_by_email is True


def test_without_a_reply_domain_nothing_offers_reply_by_email(app, make_member):
    app.config["REPLY_DOMAIN"] = None
    with app.app_context():
        bob = Member.get_by_id(make_member("bob@example.org", name="Bob").id)
        assert email_replies.reply_address(bob, 1) is None


def test_a_digest_shows_which_items_accept_replies_by_email(app, forum):
    with app.app_context():
        notifying.choose(forum["bob"].id, {"reply": "daily"})
        posting.reply(forum["ann"], Thread.with_category(forum["thread_id"]), {"message": "One more."})
        locked = posting.start_thread(
            forum["bob"], Category.get(), {"title": "Closed talk", "message": "Old news."}
        )
        posting.reply(forum["ann"], Thread.with_category(locked.thread_id), {"message": "Closing."})
        Thread.update(locked=True).where(Thread.id == locked.thread_id).execute()
        assert notifying.send_digests("daily", utcnow() + timedelta(seconds=1)) >= 1
    [digest] = emails_to(app, "bob@example.org", "digest-daily")
    lines = digest.body_text.splitlines()
    pumps = next(i for i, line in enumerate(lines) if "Water pumps" in line)
    closed = next(i for i, line in enumerate(lines) if "Closed talk" in line)
    assert lines[pumps + 2].strip().startswith("Reply by email: reply+")
    assert "Reply by email" not in lines[closed + 2]
    assert "accept replies" in digest.body_text


def test_raw_messages_are_purged_after_the_retention_period(app, forum, listener, runner):
    listener.send(a_reply(reply_address(app, forum)))
    with app.app_context():
        InboundMessage.update(received_at=utcnow() - timedelta(days=31)).execute()
    result = runner.invoke(args=["mail", "purge-inbound"])
    assert result.exit_code == 0 and "Purged 1" in result.output
    with app.app_context():
        row = InboundMessage.get()
        assert row.raw is None and row.outcome == "posted" and row.post_id is not None


def test_staff_can_read_the_email_a_post_was_made_from(app, forum, listener, runner):
    listener.send(a_reply(reply_address(app, forum)))
    post = posts_by(app, forum["bob"])[-1]
    result = runner.invoke(args=["mail", "show-inbound", str(post.id)])
    assert result.exit_code == 0 and "from bob@example.org" in result.output
    assert "Message-ID:" in result.output and "On Thu, 26 Nov 2026" in result.output
    assert runner.invoke(args=["mail", "show-inbound", "1"]).exit_code != 0


def test_flask_mail_receive_listens_until_stopped(app, forum, tmp_path):
    """The command itself, in its own process, on the test's database."""
    port = _free_port()
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": app.config["DATABASE_URL"],
        "FORUM_SECRET_KEY": app.config["SECRET_KEY"],
        "FORUM_REPLY_DOMAIN": DOMAIN,
        "FORUM_INSTANCE_PATH": str(tmp_path),
        "FORUM_INBOUND_PORT": str(port),
        # Bob started the thread a moment ago: the command's own pace limit would refuse him.
        "FORUM_POST_INTERVAL": "0",
        "FORUM_NEW_MEMBER_POST_INTERVAL": "0",
    }
    root = Path(__file__).resolve().parent.parent
    env["PYTHONPATH"] = str(root)
    env["PYTHONUNBUFFERED"] = "1"  # its "Receiving replies" line arrives as it is written
    command = [sys.executable, "-m", "flask", "--app", "forum", "mail", "receive"]
    server = subprocess.Popen(command, env=env, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = b""
    try:
        # The port answers before the command is done starting; Ctrl-C then (a loaded CI machine
        # once took longer than the test waited) is not the stop this test is about.
        output = _read_until(server, b"Ctrl-C stops", timeout=30)
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(a_reply(reply_address(app, forum), "Sent to the command."))
    finally:
        # What a service manager sends (Ctrl-C would do the same, but a shell's background job,
        # which a test run may be, passes SIGINT on ignored).
        server.send_signal(signal.SIGTERM)
        try:
            rest, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            rest, _ = server.communicate()
            printed = (output + rest).decode(errors="replace")
            pytest.fail(f"flask mail receive did not stop on SIGTERM:\n{printed}")
    assert server.returncode == 0, (output + rest).decode(errors="replace")
    assert posts_by(app, forum["bob"])[-1].body_md == "Sent to the command."


def _read_until(process, marker: bytes, timeout: float) -> bytes:
    """What the process printed, up to and including `marker` (failing with it if it stops first)."""
    seen, deadline = b"", time.monotonic() + timeout
    while marker not in seen:
        remaining = deadline - time.monotonic()
        assert remaining > 0 and process.poll() is None, seen.decode(errors="replace")
        if select.select([process.stdout], [], [], remaining)[0]:
            chunk = os.read(process.stdout.fileno(), 4096)
            assert chunk, seen.decode(errors="replace")
            seen += chunk
    return seen


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_help_page_explains_reply_by_email(client):
    page = client.get("/help/email").get_data(as_text=True)
    assert "Taking part by email" in page and "Revoke reply" in page
