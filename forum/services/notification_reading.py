"""Reading one's notifications: a page of them, marking one or all read; and what each notification
is about, asked again whenever it is shown or sent. A line about something its reader may no longer
see (they left the group whose space it is in since they were told, or it was taken down) is shown
without its words or its link, as the digests leave it out (services/notifying.py): the page says
only that it was about something they can no longer see. services/notifying.py names these as its
own (`notifying.mark_read`), as its callers know them."""

from urllib.parse import unquote

from peewee import JOIN, Case

from .. import policy
from ..errors import NotFound
from ..links import path_for
from ..models import Category, Group, Member, Post, Thread, utcnow
from ..models.events import Event
from ..models.notifications import Notification

WITHHELD = "About something you can no longer see"
# Ids per query when finding what notifications are about: within every database's limit on
# bound parameters, and more than any day's digests hold.
LINE_BATCH = 5000
# A link to a group's own pages beyond its front page (its reports, say): what it says is for
# those in the group. The front page itself (the answer to a request to join) is for anyone.
GROUP_PAGES = "/groups/"


# -- what a notification is about ------------------------------------------------------------------


def about(notifications) -> dict:
    """{notification id: what it is about, which its reader must still be able to see for it to be
    shown: a Thread with its category (a line about a post, a thread or an event, whose discussion
    thread it is), a Category standing for a group's space (a line about a group's own pages), or
    None when that is gone}. Lines about anything else are absent. One query for the posts, threads
    and events, whatever the lines are about (per LINE_BATCH of them), and one more when there are
    lines about a group's pages."""
    targets = _targets(notifications)
    found = {"post": {}, "thread": {}, "event": {}}
    wanted = {kind: sorted(set(targets[kind].values())) for kind in found}
    longest = max(*(len(ids) for ids in wanted.values()), 1 if notifications else 0)
    for start in range(0, longest, LINE_BATCH):
        _find_threads({kind: ids[start : start + LINE_BATCH] for kind, ids in wanted.items()}, found)
    spaces = _group_spaces(set(targets["group"].values()))
    result = {n_id: found[kind].get(target) for kind in found for n_id, target in targets[kind].items()}
    result.update({n_id: spaces.get(slug) for n_id, slug in targets["group"].items()})
    return result


def _targets(notifications) -> dict:
    """{"post" | "thread" | "event": {notification id: its id}, "group": {notification id: slug}}."""
    prefixes = {
        "post": path_for("threads.post", post_id=0)[:-1],
        "thread": path_for("threads.thread", thread_id=0)[:-1],
        "event": path_for("events.event", event_id=0)[:-1],
    }
    targets = {"post": {}, "thread": {}, "event": {}, "group": {}}
    for n in notifications:
        for kind, prefix in prefixes.items():
            rest = n.link[len(prefix) :] if n.link.startswith(prefix) else ""
            if rest.isascii() and rest.isdigit() and len(rest) < 18:
                targets[kind][n.id] = int(rest)
        if n.link.startswith(GROUP_PAGES):
            slug, _, page = n.link[len(GROUP_PAGES) :].partition("/")
            if page:
                targets["group"][n.id] = unquote(slug)
    return targets


def _find_threads(ids: dict, found: dict) -> None:
    """Into found[kind][id]: the threads, with their categories, of these posts, threads and events,
    in one query (the same query whichever lists are empty)."""
    Named, Planned = Post.alias(), Event.alias()
    query = (
        Thread.select(Thread, Category, Named.id, Planned.id)
        .join(Category)
        .switch(Thread)
        .join(
            Named, JOIN.LEFT_OUTER, on=((Named.thread == Thread.id) & Named.id.in_(ids["post"])), attr="named"
        )
        .switch(Thread)
        .join(
            Planned,
            JOIN.LEFT_OUTER,
            on=((Planned.thread == Thread.id) & Planned.id.in_(ids["event"])),
            attr="planned",
        )
        .where(Thread.id.in_(ids["thread"]) | Named.id.in_(ids["post"]) | Planned.id.in_(ids["event"]))
    )
    asked = set(ids["thread"])
    for thread in query:
        if thread.id in asked:
            found["thread"][thread.id] = thread
        for kind, attr in (("post", "named"), ("event", "planned")):
            row = getattr(thread, attr, None)
            if row is not None and row.id is not None:
                found[kind][row.id] = thread


def _group_spaces(slugs) -> dict:
    """slug -> a Category standing for that group's space (the policy reads its group), in one
    query; none without slugs."""
    if not slugs:
        return {}
    rows = Group.select(Group.id, Group.slug).where(Group.slug.in_(sorted(slugs)))
    return {g.slug: Category(group=g.id) for g in rows}


def may_see(member, thing) -> bool:
    """Whether a line about `thing` (from `about`) is shown to the member, as they are now."""
    if thing is None:
        return False
    if isinstance(thing, Category):
        return policy.may_read_category(member, thing)
    return policy.may_list_thread(member, thing)


# -- the page --------------------------------------------------------------------------------------


def withhold(member, notifications) -> list:
    """The notifications as loaded, each about something the member may no longer see losing its
    words and its link (not in the database: only in what is shown)."""
    found = about(notifications)
    for n in notifications:
        if n.id in found and not may_see(member, found[n.id]):
            n.text, n.link = WITHHELD, ""
    return notifications


def page_of(member, cursor=None) -> list:
    """A page of the member's notifications (Notification.page_for), with what they may no longer
    see withheld: a fixed number of queries, whatever the page's length."""
    return withhold(member, Notification.page_for(member, cursor))


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
    return withhold(member, [notification])[0]


def mark_all_read(member) -> int:
    changed = (
        Notification.update(read_at=utcnow())
        .where((Notification.recipient == member.id) & Notification.read_at.is_null())
        .execute()
    )
    Member.update(unread_notifications=0).where(Member.id == member.id).execute()
    member.unread_notifications = 0
    return changed
