"""The outbox and its sender, against a real SMTP server on localhost."""

import logging
import socket
import threading
from datetime import timedelta

import pytest

from forum.config import ConfigError
from forum.mail import outbox as mail
from forum.models import OutboxMessage, utcnow
from forum.models.db import db


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _queue(n=1, **kwargs):
    return [
        mail.queue(f"member{i}@example.org", f"Message {i}", f"Hello {i}.", "test", **kwargs)
        for i in range(n)
    ]


def test_queued_message_is_delivered_and_marked_sent(make_app, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url, MAIL_FROM="Belong Forum <forum@belong.example>")
    with app.app_context():
        queued = mail.queue(
            "ana@example.org",
            "Bienvenue à Belong",
            "Please confirm your address:\nhttps://belong.example/verify/abc",
            "verify-email",
            headers={"Reply-To": "team@belong.example"},
        )
        assert mail.send_due() == (1, 0)
        row = OutboxMessage.get_by_id(queued.id)
        assert row.sent_at is not None and row.attempts == 0 and row.last_error == ""
        assert mail.send_due() == (0, 0)

    [received] = smtp_server.messages
    assert received["To"] == "ana@example.org"
    assert received["From"] == "Belong Forum <forum@belong.example>"
    assert received["Subject"] == "Bienvenue à Belong"
    assert received["Reply-To"] == "team@belong.example"
    assert received["Message-ID"].endswith("@belong.example>")
    # Made by a program (RFC 3834): vacation responders do not answer it.
    assert received["Auto-Submitted"] == "auto-generated"
    # SMTP carries CRLF line ends; the lines are what matter.
    assert received.get_content().splitlines() == [
        "Please confirm your address:",
        "https://belong.example/verify/abc",
    ]


def test_queued_message_rolls_back_with_the_change_that_caused_it(app):
    with app.app_context():
        with pytest.raises(RuntimeError), db.atomic():
            _queue()
            raise RuntimeError("the change failed")
        assert OutboxMessage.select().count() == 0


def test_without_mail_url_messages_are_logged_and_kept(make_app, caplog):
    app = make_app(MAIL_URL=None)
    caplog.set_level(logging.INFO, logger="forum.mail")
    with app.app_context():
        [queued] = _queue()
        assert mail.send_due() == (1, 0)
        assert OutboxMessage.get_by_id(queued.id).sent_at is not None
        assert OutboxMessage.select().count() == 1
    [record] = [r for r in caplog.records if r.name == "forum.mail"]
    assert record.levelno == logging.INFO
    text = record.getMessage()
    assert "To: member0@example.org" in text and "Subject: Message 0" in text and "Hello 0." in text


def test_failing_server_backs_off_then_a_later_round_delivers(make_app, smtp_server):
    app = make_app(MAIL_URL=f"smtp://127.0.0.1:{_unused_port()}")
    with app.app_context():
        [queued] = _queue()
        now = utcnow()
        assert mail.send_due(now=now) == (0, 1)
        row = OutboxMessage.get_by_id(queued.id)
        assert row.attempts == 1 and row.sent_at is None
        assert "ConnectionRefusedError" in row.last_error
        assert row.next_attempt_at == now + mail.retry_delay(1) > now

        app.config["MAIL_URL"] = smtp_server.url
        assert mail.send_due(now=row.next_attempt_at - timedelta(seconds=1)) == (0, 0)
        assert mail.send_due(now=row.next_attempt_at) == (1, 0)
        assert OutboxMessage.get_by_id(queued.id).sent_at is not None
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0"]


@pytest.mark.parametrize(("attempts", "minutes"), [(1, 1), (2, 2), (3, 4), (9, 256), (10, 360), (30, 360)])
def test_retry_delay_doubles_up_to_six_hours(attempts, minutes):
    assert mail.retry_delay(attempts) == timedelta(minutes=minutes)


def test_sender_gives_up_after_the_last_attempt_and_keeps_the_message(make_app):
    app = make_app(MAIL_URL=f"smtp://127.0.0.1:{_unused_port()}")
    with app.app_context():
        [queued] = _queue()
        OutboxMessage.update(attempts=mail.MAX_ATTEMPTS - 1).execute()
        assert mail.send_due() == (0, 1)
        row = OutboxMessage.get_by_id(queued.id)
        assert row.attempts == mail.MAX_ATTEMPTS
        assert row.sent_at is None and row.next_attempt_at is None
        assert row.last_error.startswith(f"Gave up after {mail.MAX_ATTEMPTS} attempts.")
        assert mail.send_due(now=utcnow() + timedelta(days=30)) == (0, 0)


def test_two_senders_at_once_deliver_each_message_once(make_app, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url)
    with app.app_context():
        _queue(20)
    start = threading.Barrier(2)
    results, errors = [], []

    def sender():
        try:
            with app.app_context():
                start.wait()
                results.append(mail.send_due())
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sum(sent for sent, _ in results) == 20 and all(failed == 0 for _, failed in results)
    assert sorted(m["Subject"] for m in smtp_server.messages) == sorted(f"Message {i}" for i in range(20))


def test_a_sender_that_read_a_message_before_another_sent_it_does_not_send_it_again(
    make_app, smtp_server, monkeypatch
):
    app = make_app(MAIL_URL=smtp_server.url)
    with app.app_context():
        _queue()
        now = utcnow()
        read_earlier = list(OutboxMessage.due(now, 10))
        assert mail.send_due(now=now) == (1, 0)
        monkeypatch.setattr(OutboxMessage, "due", classmethod(lambda cls, now, limit: read_earlier))
        assert mail.send_due(now=now) == (0, 0)
    assert len(smtp_server.messages) == 1


def test_mail_send_command_drains_the_outbox(make_app, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url)
    with app.app_context():
        _queue(2)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 2, failed 0." in result.output
    assert len(smtp_server.messages) == 2
    assert "Sent 0, failed 0." in runner.invoke(args=["mail", "send"]).output


def test_mail_send_watch_keeps_sending_until_interrupted(make_app, smtp_server, monkeypatch):
    app = make_app(MAIL_URL=smtp_server.url)
    with app.app_context():
        _queue()
    rounds = []

    def sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("forum.commands.time.sleep", sleep)
    result = app.test_cli_runner().invoke(args=["mail", "send", "--watch", "--interval", "2"])
    assert result.exit_code == 0, result.output
    # An idle round prints nothing, so a watching sender does not fill the terminal.
    assert result.output == "Sent 1, failed 0.\n"
    assert rounds == [2, 2] and len(smtp_server.messages) == 1


def test_bad_mail_url_stops_the_command_and_leaves_the_outbox_alone(make_app):
    app = make_app(MAIL_URL="smtp://user:s3cret@mail.example.org:587?startls=1")
    with app.app_context():
        [queued] = _queue()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code != 0
    assert "FORUM_MAIL_URL" in result.output and "startls" in result.output
    assert "s3cret" not in result.output
    with app.app_context():
        row = OutboxMessage.get_by_id(queued.id)
        assert row.attempts == 0 and row.next_attempt_at == queued.next_attempt_at


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example.org", mail.MailServer("mail.example.org", 25)),
        ("smtp://127.0.0.1:2525", mail.MailServer("127.0.0.1", 2525)),
        (
            "smtp://forum:pa%2Fss@mail.example.org?starttls=1",
            mail.MailServer("mail.example.org", 587, starttls=True, username="forum", password="pa/ss"),
        ),
        (
            "smtps://forum%40belong.example:pw@mail.example.org",
            mail.MailServer(
                "mail.example.org", 465, tls=True, username="forum@belong.example", password="pw"
            ),
        ),
    ],
)
def test_mail_url_forms(url, expected):
    assert mail.MailServer.from_url(url) == expected


@pytest.mark.parametrize(
    "url",
    ["http://mail.example.org", "smtp://", "smtps://mail.example.org?starttls=1", "smtp://u:pw@h:99999"],
)
def test_bad_mail_urls_name_the_setting_and_not_the_password(url):
    with pytest.raises(ConfigError, match="FORUM_MAIL_URL") as error:
        mail.MailServer.from_url(url)
    assert "pw" not in str(error.value)
