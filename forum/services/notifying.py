"""Telling members what happened to them: a reply in a thread they watch, a mention, a quote of
their post, a contact request and its answer, the outcome of their report, a staff action on their
post, a new Charter. Each is one row per recipient, written in bulk in the transaction of its
cause, and emailed at once, in a daily or weekly digest, or never, as the member chose per kind.
Every notification email goes out from here (`_email_now` and `send_digests`), so each one honours
that choice and carries the one-click unsubscribe headers; a kind that says more than one line at
once (a contact request's message, a report's outcome note) brings its own template as an `Email`.

Nobody is told of what a member they muted did; nobody is told of their own doing."""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from peewee import Case, fn

from .. import policy
from ..errors import Invalid, NotFound
from ..links import absolute_link, absolute_url, path_for
from ..mail import outbox as mail
from ..models import Member, Mute, Post, utcnow
from ..models.notifications import (
    DEFAULT_FREQUENCY,
    FREQUENCIES,
    KINDS,
    Notification,
    NotificationSetting,
)
from . import email_replies

TELLABLE = ("active", "suspended")
# Rows per INSERT: well under SQLite's limit on bound parameters, even for a Charter update.
BATCH = 500
# A digest lists this many lines at most; the rest are on the notifications page.
DIGEST_LINES = 50


# -- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Email:
    """The immediate email of a kind that says more than its one line: `name` is its template
    (email/NAME.txt) and its outbox kind; `context` is what the template needs besides the member,
    the link, the unsubscribe link and the settings page that every notification email gets.
    A digest lists the notification's line instead."""

    name: str
    subject: str
    context: dict = field(default_factory=dict)
    # Files sent with the email, each (filename, content type, text): an event's .ics.
    attachments: tuple = ()


def notify(
    kind: str, recipients, *, text: str, link: str, actor=None, email: Email | None = None, thread=None
) -> int:
    """Tell `recipients` (member ids, or a query selecting them); returns how many were told.
    A fixed number of queries, however many recipients: no query per member. Of a post in
    `thread`, only those who may see the thread are told (policy.may_list_thread, the rule of every
    list), and an email carries the member's reply address for it (reply by email)."""
    query = Member.select(
        Member.id, Member.name, Member.email, Member.reply_by_email, Member.reply_generation,
        Member.status, Member.role, Member.email_verified_at, Member.suspended_until,  # for the policy
        Member.time_zone,  # the times in its email
    ).where(Member.id.in_(recipients) & Member.status.in_(TELLABLE))
    if actor is not None:
        muted_actor = Mute.select(Mute.member).where(Mute.muted == actor.id)
        query = query.where((Member.id != actor.id) & Member.id.not_in(muted_actor))
    members = [m for m in query if thread is None or policy.may_list_thread(m, thread)]
    if not members:
        return 0
    ids = [m.id for m in members]
    chosen = frequencies_for(ids, kind)
    now = utcnow()
    rows = [
        {
            "recipient": m.id,
            "actor": actor.id if actor is not None else None,
            "kind": kind,
            "text": text[:300],
            "link": link[:300],
            "created_at": now,
            "digest": chosen[m.id] if chosen[m.id] in ("daily", "weekly") else "",
        }
        for m in members
    ]
    for start in range(0, len(rows), BATCH):
        Notification.insert_many(rows[start : start + BATCH]).execute()
        Member.update(unread_notifications=Member.unread_notifications + 1).where(
            Member.id.in_(ids[start : start + BATCH])
        ).execute()
    for m in members:
        if chosen[m.id] == "immediately":
            _email_now(m, kind, text, link, email, thread)
    return len(members)


def email_only(member, kind: str, *, text: str, link: str, email: Email | None = None) -> bool:
    """An email about the member's own doing (the copy of a contact they accepted): no row on
    their notifications page, but still only if they want this kind at once, and with the same
    unsubscribe headers. Returns whether it was queued."""
    if member.status not in TELLABLE or frequencies_for([member.id], kind)[member.id] != "immediately":
        return False
    _email_now(member, kind, text, link, email)
    return True


def frequencies_for(member_ids, kind: str) -> dict[int, str]:
    """Each member's choice for one kind, in one query."""
    chosen = dict.fromkeys(member_ids, DEFAULT_FREQUENCY[kind])
    for setting in NotificationSetting.select().where(
        NotificationSetting.member.in_(list(member_ids)) & (NotificationSetting.kind == kind)
    ):
        chosen[setting.member_id] = setting.frequency
    return chosen


def after_post(member, thread, post) -> None:
    """Called by posting inside its transaction: mentions, quotes, then watchers, each member
    told once, by the most personal kind that applies."""
    from . import watching

    mentioned = _mentioned_ids(post.body_md)
    quoted = _quoted_author_ids(post.body_md) - mentioned
    where = f"“{thread.title}”"
    link = path_for("threads.post", post_id=post.id)
    if mentioned:
        text = f"{member.name} mentioned you in {where}"
        notify("mention", mentioned, actor=member, text=text, link=link, thread=thread)
    if quoted:
        text = f"{member.name} quoted your post in {where}"
        notify("quote", quoted, actor=member, text=text, link=link, thread=thread)
    if post.number > 1:
        watchers = {w.id for w in watching.watchers_of(thread, exclude=member)} - mentioned - quoted
        if watchers:
            text = f"{member.name} replied in {where}"
            notify("reply", watchers, actor=member, text=text, link=link, thread=thread)


def after_edit(member, post) -> None:
    """Called by posting inside the edit's transaction: a member the edit mentions or quotes is
    told once, unless they were already told of this post as mentioned or quoted (an edit that
    only fixes a typo tells nobody again). Watchers are not told of edits."""
    if post.status != "visible":
        return
    mentioned = _mentioned_ids(post.body_md)
    quoted = _quoted_author_ids(post.body_md) - mentioned
    if not mentioned and not quoted:
        return
    link = path_for("threads.post", post_id=post.id)
    told = {
        n.recipient_id
        for n in Notification.select(Notification.recipient).where(
            Notification.recipient.in_(list(mentioned | quoted))
            & (Notification.link == link)
            & Notification.kind.in_(("mention", "quote"))
        )
    }
    where = f"“{post.thread.title}”"
    if mentioned - told:
        text = f"{member.name} mentioned you in {where}"
        notify("mention", mentioned - told, actor=member, text=text, link=link, thread=post.thread)
    if quoted - told:
        text = f"{member.name} quoted your post in {where}"
        notify("quote", quoted - told, actor=member, text=text, link=link, thread=post.thread)


def _mentioned_ids(message: str) -> set[int]:
    from .posting import CODE, MENTION

    names = {
        (m.group(1) or m.group(2)).strip().lower()
        for piece in CODE.split(message)[::2]
        for m in MENTION.finditer(piece)
    }
    if not names:
        return set()
    query = Member.select(Member.id).where(
        fn.LOWER(Member.name).in_(list(names)) & (Member.status == "active")
    )
    return {m.id for m in query}


def _quoted_author_ids(message: str) -> set[int]:
    """Quotes are written by posting.quote_markdown as "> **[Name wrote](/p/ID)**"."""
    prefix = re.escape(path_for("threads.post", post_id=0)[:-1])
    ids = {int(n) for n in re.findall(r"^>\s*\*\*\[[^\]\n]*\]\(" + prefix + r"(\d{1,18})\)", message, re.M)}
    if not ids:
        return set()
    return {p.author_id for p in Post.select(Post.author).where(Post.id.in_(list(ids)))}


def charter_published(version) -> None:
    """Every member is told of a new Charter (not of the first, installed with the forum)."""
    if version.document != "charter" or version.version < 2:
        return
    everyone = Member.select(Member.id).where(Member.status == "active")
    notify(
        "charter",
        everyone,
        text=f"The Charter was updated (version {version.version})",
        link=path_for("pages.document", document="charter"),
    )


def post_moderated(post, done: str, email: Email | None = None) -> None:
    """The author of a hidden or removed post is told; staff act as the team, so no actor (and
    a member who muted one of the staff still hears of it)."""
    notify(
        "moderation",
        [post.author_id],
        text=f"Staff {done} your post in “{post.thread.title}”",
        link=path_for("threads.thread", thread_id=post.thread_id),
        email=email,
    )


# -- reading ---------------------------------------------------------------------------------------


def mark_read(member, notification_id: int) -> Notification:
    notification = Notification.get_or_none(
        (Notification.id == notification_id) & (Notification.recipient == member.id)
    )
    if notification is None:
        raise NotFound("There is no such notification.")
    now = utcnow()
    changed = (
        Notification.update(read_at=now)
        .where((Notification.id == notification.id) & Notification.read_at.is_null())
        .execute()
    )
    if changed:
        Member.update(
            unread_notifications=Case(
                None, [(Member.unread_notifications > 0, Member.unread_notifications - 1)], 0
            )
        ).where(Member.id == member.id).execute()
        member.unread_notifications = max(member.unread_notifications - 1, 0)
        notification.read_at = now
    return notification


def mark_all_read(member) -> int:
    changed = (
        Notification.update(read_at=utcnow())
        .where((Notification.recipient == member.id) & Notification.read_at.is_null())
        .execute()
    )
    Member.update(unread_notifications=0).where(Member.id == member.id).execute()
    member.unread_notifications = 0
    return changed


# -- choices ---------------------------------------------------------------------------------------


def settings_of(member) -> dict[str, str]:
    chosen = dict(DEFAULT_FREQUENCY)
    for setting in NotificationSetting.select().where(NotificationSetting.member == member.id):
        if setting.kind in chosen:
            chosen[setting.kind] = setting.frequency
    return chosen


def choose(member_id: int, choices: dict[str, str]) -> None:
    for kind, frequency in choices.items():
        if kind not in KINDS:
            raise Invalid("There is no such kind of notification.")
        if frequency not in FREQUENCIES:
            raise Invalid("Choose immediately, a daily or weekly digest, or never.", field=kind)
    for kind, frequency in choices.items():
        NotificationSetting.insert(member=member_id, kind=kind, frequency=frequency).on_conflict(
            conflict_target=[NotificationSetting.member, NotificationSetting.kind],
            update={NotificationSetting.frequency: frequency},
        ).execute()


# -- unsubscribing without signing in --------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="notifications-unsubscribe")


def unsubscribe_token(member_id: int, kinds) -> str:
    return _serializer().dumps([member_id, sorted(kinds)])


def read_unsubscribe_token(token: str) -> tuple[Member, list[str]]:
    """The member and kinds a token names; NotFound for a forged or stale one (never a 500)."""
    try:
        member_id, kinds = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.") from None
    if not isinstance(member_id, int) or not isinstance(kinds, list) or not set(kinds) <= set(KINDS):
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.")
    member = Member.get_or_none(Member.id == member_id)
    if member is None:
        raise NotFound("This unsubscribe link is not valid. Choose your emails in your settings.")
    return member, kinds


def unsubscribe(token: str) -> tuple[Member, list[str]]:
    member, kinds = read_unsubscribe_token(token)
    choose(member.id, dict.fromkeys(kinds, "never"))
    return member, kinds


def _unsubscribe_headers(url: str) -> dict[str, str]:
    # RFC 8058: a mail client may POST "List-Unsubscribe=One-Click" to the URL, without cookies.
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# -- email -----------------------------------------------------------------------------------------


def _email_now(member, kind: str, text: str, link: str, email: Email | None = None, thread=None) -> None:
    site = current_app.config["SITE_NAME"]
    url = absolute_url("notifications.unsubscribe", token=unsubscribe_token(member.id, [kind]))
    headers = _unsubscribe_headers(url)
    reply_to = email_replies.reply_address(member, thread.id) if thread and not thread.locked else None
    if reply_to:
        headers["Reply-To"] = reply_to
    body = render_template(
        f"email/{email.name if email else 'notification'}.txt",
        **(email.context if email else {}),
        member=member,
        text=text,
        link=absolute_link(link),
        kind_label=KINDS[kind],
        unsubscribe=url,
        settings=absolute_url("notifications.settings"),
        site_name=site,
        reply_by_email=bool(reply_to),
    )
    subject = email.subject if email else text
    outbox_kind = email.name if email else f"notify-{kind}"
    attachments = list(email.attachments) if email else None
    mail.queue(member.email, f"{subject} · {site}", body, outbox_kind, headers, attachments)


def send_digests(period: str, now=None) -> int:
    """One email per member with everything waiting for this period's digest up to `now`;
    returns how many emails were queued. What a member already read on the site is not
    repeated. The rows are cleared in the same transaction, so a digest is never sent twice."""
    if period not in ("daily", "weekly"):
        raise Invalid("A digest is daily or weekly.")
    now = now or utcnow()
    waiting = (Notification.digest == period) & (Notification.created_at <= now)
    rows = (
        Notification.select(
            Notification,
            Member.id,
            Member.name,
            Member.email,
            Member.status,
            Member.reply_by_email,
            Member.reply_generation,
            Member.time_zone,
        )
        .join(Member, on=(Notification.recipient == Member.id))
        .where(waiting)
        .order_by(Notification.recipient, Notification.created_at, Notification.id)
    )
    by_member = defaultdict(list)
    people = {}
    for row in rows:
        if row.read_at is None and row.recipient.status in TELLABLE:
            by_member[row.recipient_id].append(row)
            people[row.recipient_id] = row.recipient
    site = current_app.config["SITE_NAME"]
    threads = email_replies.threads_of([n for items in by_member.values() for n in items[:DIGEST_LINES]])
    for member_id, items in by_member.items():
        member = people[member_id]
        replies = {
            n.id: email_replies.reply_address(member, threads[n.id].id)
            for n in items[:DIGEST_LINES]
            if n.id in threads
        }
        kinds = sorted({n.kind for n in items})
        url = absolute_url("notifications.unsubscribe", token=unsubscribe_token(member_id, kinds))
        body = render_template(
            "email/notification-digest.txt",
            member=member,
            period=period,
            items=[(n, absolute_link(n.link), replies.get(n.id)) for n in items[:DIGEST_LINES]],
            replies_accepted=any(replies.values()),
            more=max(len(items) - DIGEST_LINES, 0),
            kinds=[(KINDS[k], absolute_url(
                "notifications.unsubscribe", token=unsubscribe_token(member_id, [k])
            )) for k in kinds],
            page=absolute_url("notifications.index"),
            settings=absolute_url("notifications.settings"),
            site_name=site,
        )
        count = len(items)
        subject = f"Your {period} digest: {count} new notification{'s' if count != 1 else ''} · {site}"
        mail.queue(member.email, subject, body, f"digest-{period}", _unsubscribe_headers(url))
    Notification.update(digest="").where(waiting).execute()
    return len(by_member)
