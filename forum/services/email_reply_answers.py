"""The emails that answer a reply by email (services/email_replies.py): posted, refused (with the
member's own words, so nothing they wrote is lost), or paused for a second look. A refusal about a
thread the member may no longer read is given no thread (None), and names none."""

from flask import current_app, render_template

from ..links import absolute_url
from ..mail import outbox as mail

# Answers are responses (RFC 3834): a responder must not answer them, and we never answer one.
_ANSWER_HEADERS = {"Auto-Submitted": "auto-replied"}


def _answer(member, subject: str, template: str, kind: str, headers=None, **context) -> None:
    site = current_app.config["SITE_NAME"]
    body = render_template(
        f"email/{template}",
        member=member,
        site_name=site,
        settings=absolute_url("notifications.settings"),
        **context,
    )
    mail.queue(member.email, f"{subject} · {site}", body, kind, {**_ANSWER_HEADERS, **(headers or {})})


def _thread_url(thread) -> str:
    return absolute_url("threads.thread", thread_id=thread.id) if thread else ""


def tell_posted(member, thread, post, attachments) -> None:
    _answer(
        member,
        f"Posted in “{thread.title}”",
        "reply-posted.txt",
        "reply-posted",
        thread=thread,
        link=absolute_url("threads.post", post_id=post.id),
        attachments=attachments,
    )


def tell_refused(member, thread, reason: str, text: str) -> None:
    where = f"“{thread.title}”" if thread else "the forum"
    _answer(
        member,
        f"Not posted in {where}",
        "reply-refused.txt",
        "reply-refused",
        thread=thread,
        reason=reason,
        text=text,
        link=_thread_url(thread),
    )


def tell_paused(member, thread, reasons, text: str, address: str) -> None:
    """`address`: the pause's own reply address, whose reply is posted as written."""
    _answer(
        member,
        f"Before you post in “{thread.title}”",
        "reply-paused.txt",
        "reply-paused",
        headers={"Reply-To": address},
        thread=thread,
        reasons=reasons,
        text=text,
        link=_thread_url(thread),
    )
