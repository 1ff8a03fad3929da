"""Telling members what happened to them: a reply in a thread they watch, a mention, a quote of
their post, a contact request and its answer, the outcome of their report, a staff action on their
post, a new Charter, a new thread in one's group, the answer to a request to join a group. Each is
one row per recipient, written in bulk in the transaction of its cause, and emailed at once, in a
daily or weekly digest, or never, as the member chose per kind (services/notification_choices.py).
Every notification email goes out from here (`_email_now` and `send_digests`), so each one honours
that choice and carries the one-click unsubscribe headers; a kind that says more than one line at
once (a contact request's message, a report's outcome note) brings its own template as an `Email`.

Nobody is told of what a member they muted did; nobody is told of their own doing. Nobody is told
of a thread they may not see, when it happens nor in a digest sent later: a member who left a
group since takes nothing of its space into their digest."""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import quote

from flask import current_app, render_template
from peewee import fn

from .. import policy
from ..errors import Invalid
from ..links import absolute_link, absolute_url, path_for
from ..mail import outbox as mail
from ..models import Category, Group, GroupMember, Member, Mute, Post, Thread, utcnow
from ..models.notifications import KINDS, Notification
from . import email_replies
from .notification_choices import (  # noqa: F401 (named as notifying's by its callers)
    choose,
    frequencies_for,
    read_unsubscribe_token,
    settings_of,
    unsubscribe,
    unsubscribe_headers,
    unsubscribe_token,
)
from .notification_reading import about, mark_all_read, mark_read, may_see, page_of  # noqa: F401 (as above)

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
    # Where a reply goes, for an email to one member about something other than a thread (a
    # private message: reply by email answers in the conversation).
    reply_to: str | None = None


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
        Member.group_roles,  # the groups they read (Member.groups)
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


def after_post(member, thread, post) -> None:
    """Called by posting inside its transaction: mentions, quotes, then watchers, each member
    told once, by the most personal kind that applies."""
    from . import watching

    mentioned = _mentioned_ids(post.body_md)
    quoted = _quoted_author_ids(post.body_md, member) - mentioned
    where = f"“{thread.title}”"
    link = path_for("threads.post", post_id=post.id)
    if mentioned:
        text = f"{member.name} mentioned you in {where}"
        notify("mention", mentioned, actor=member, text=text, link=link, thread=thread)
    if quoted:
        text = f"{member.name} quoted your post in {where}"
        notify("quote", quoted, actor=member, text=text, link=link, thread=thread)
    if post.number == 1 and thread.category.group_id is not None:
        _new_group_thread(member, thread, told=mentioned | quoted)
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
    quoted = _quoted_author_ids(post.body_md, member) - mentioned
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


def _quoted_author_ids(message: str, member) -> set[int]:
    """Quotes are written by posting.quote_markdown as "> **[Name wrote](/p/ID)**". Only a quote of a
    post the quoting member may read counts: one written by hand naming a post in a group's space
    they are not in tells its author nothing."""
    prefix = re.escape(path_for("threads.post", post_id=0)[:-1])
    ids = {int(n) for n in re.findall(r"^>\s*\*\*\[[^\]\n]*\]\(" + prefix + r"(\d{1,18})\)", message, re.M)}
    if not ids:
        return set()
    posts = (
        Post.select(Post.author, Thread, Category).join(Thread).join(Category).where(Post.id.in_(sorted(ids)))
    )
    return {p.author_id for p in posts if policy.may_list_thread(member, p.thread)}


def _new_group_thread(member, thread, told) -> None:
    """A thread started in a group's space: its members are told, but its author and those
    already told of it (mentioned or quoted in it)."""
    group = Group.get_by_id(thread.category.group_id)
    members = GroupMember.select(GroupMember.member).where(
        (GroupMember.group == group.id) & GroupMember.member.not_in(sorted(told) or [0])
    )
    text = f"{member.name} started “{thread.title}” in {group.name}"
    link = path_for("threads.thread", thread_id=thread.id)
    notify("group_thread", members, actor=member, text=text, link=link, thread=thread)


def group_request_answered(request, group) -> None:
    """The member who asked to join a group is told its leads' answer (request.status). The leads
    answer as the group, so there is no actor: a member who muted one of them still hears."""
    text = f"Your request to join {group.name} was {request.status}"
    notify("group_request", [request.member_id], text=text, link=f"/groups/{quote(group.slug)}")


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


# -- email -----------------------------------------------------------------------------------------


def _email_now(member, kind: str, text: str, link: str, email: Email | None = None, thread=None) -> None:
    site = current_app.config["SITE_NAME"]
    url = absolute_url("notifications.unsubscribe", token=unsubscribe_token(member.id, [kind]))
    headers = unsubscribe_headers(url)
    reply_to = email_replies.reply_address(member, thread.id) if thread and not thread.locked else None
    reply_to = reply_to or (email.reply_to if email else None)
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
    returns how many emails were queued. What a member already read on the site is not repeated,
    nor a line about something they may no longer see (notification_reading.about and may_see,
    asked again now: they left its group, or it was taken down, since they were told); a member
    left with no lines gets no email. The rows are cleared in the same transaction, so a digest is
    never sent twice. A fixed number of queries, plus one insert per email."""
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
            # What the policy reads to decide what they may see.
            Member.role,
            Member.email_verified_at,
            Member.suspended_until,
            Member.group_roles,
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
    threads = about([n for items in by_member.values() for n in items])
    sent = 0
    for member_id, items in by_member.items():
        member = people[member_id]
        items = [n for n in items if n.id not in threads or may_see(member, threads[n.id])]
        if not items:
            continue
        sent += 1
        replies = {
            n.id: email_replies.reply_address(member, threads[n.id].id)
            for n in items[:DIGEST_LINES]
            if isinstance(threads.get(n.id), Thread) and email_replies.takes_replies(threads[n.id])
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
        mail.queue(member.email, subject, body, f"digest-{period}", unsubscribe_headers(url))
    Notification.update(digest="").where(waiting).execute()
    return sent

