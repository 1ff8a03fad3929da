"""Reading one's notifications: a page of them, marking one or all read. A line about a thread its
reader may no longer see (they left its group since they were told, or it was taken down) is shown
without its words or its link, as the digests leave it out (services/notifying.py): the page says
only that it was about a thread they can no longer see. services/notifying.py names these as its
own (`notifying.mark_read`), as its callers know them."""

from peewee import Case

from .. import policy
from ..errors import NotFound
from ..models import Member, utcnow
from ..models.notifications import Notification
from . import email_replies

WITHHELD = "About a thread you can no longer see"


def may_see(member, thread) -> bool:
    """Whether a line about `thread` (None: it is gone) is shown to the member, as of now."""
    return thread is not None and policy.may_list_thread(member, thread)


def withhold(member, notifications) -> list:
    """The notifications as loaded, each about a thread the member may no longer see losing its
    words and its link (not in the database: only in what is shown). Two queries, however many."""
    threads = email_replies.threads_of(notifications)
    for n in notifications:
        if n.id in threads and not may_see(member, threads[n.id]):
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
