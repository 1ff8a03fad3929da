"""Watching threads. Starting or replying to a thread watches it; a member may stop, or start
watching any thread they can read. Notifications are built on `watchers_of(thread)`."""

from .. import policy
from ..models import Category, Member, Thread, Watch


def watch(member, thread) -> None:
    """Idempotent, and safe inside the posting transaction (a second row is simply ignored)."""
    Watch.insert(member=member.id, thread=thread.id).on_conflict_ignore().execute()


def unwatch(member, thread) -> None:
    policy.require(member, "self_moderate", None, "You can't change what you watch.")
    Watch.delete().where((Watch.member == member.id) & (Watch.thread == thread.id)).execute()


def start_watching(member, thread) -> None:
    policy.require(member, "self_moderate", None, "You can't change what you watch.")
    watch(member, thread)


def is_watching(member, thread) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    return Watch.select().where((Watch.member == member.id) & (Watch.thread == thread.id)).exists()


def watchers_of(thread, *, exclude=None) -> list[Member]:
    """The members watching a thread who can still be told of it (active, not deleted), in one
    query; `exclude` (a member, e.g. the one who just posted) is left out."""
    query = (
        Member.select()
        .join(Watch, on=(Watch.member == Member.id))
        .where((Watch.thread == thread.id) & (Member.status.in_(("active", "suspended"))))
    )
    if exclude is not None:
        query = query.where(Member.id != exclude.id)
    return list(query.order_by(Member.id))


def watched_threads(member):
    """The threads the member watches and may still see, newest activity first."""
    return list(
        Thread.select(Thread, Category)
        .join(Category)
        .switch(Thread)
        .join(Watch, on=(Watch.thread == Thread.id))
        .where((Watch.member == member.id) & Thread.visible_to(policy.reading(member)))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
    )
