"""Atom feeds of a category and of a thread, and the private feed tokens that open the feeds of
members-only categories to a member's feed reader.

Who reads a feed: the member whose token is in the address (as they are now: a member who has
left a group since their address was made reads nothing more of its space), else whoever is signed
in (a browser), else a visitor. Then the same policy rules as the pages decide: a feed shows only what
its reader may read, and a category or thread they may not read answers as one that does not
exist. Entries are the newest visible posts; withdrawn, hidden and removed posts are left out.
"""

import secrets
from dataclasses import dataclass

from peewee import IntegrityError

from .. import policy
from ..errors import NotFound
from ..models import Category, Member, Post, Thread
from ..models.feeds import FeedToken
from . import categories

ENTRIES = 30
REVOKED = (
    "This private feed address is not valid: it was replaced or revoked. "
    "Find your current address under Feeds in your account."
)


# -- tokens --------------------------------------------------------------------------------------


def token_of(member, model=FeedToken) -> str | None:
    """The member's private address token of `model` (FeedToken here; CalendarToken for events)."""
    row = model.get_or_none(model.member == member.id)
    return row.token if row else None


def new_token(member, model=FeedToken, refused="Only members have private feeds.") -> str:
    """A fresh token for the member; any earlier one stops working at once."""
    policy.require(member, "read_members_area", None, refused)
    for _ in range(3):
        token = secrets.token_urlsafe(24)
        try:
            model.delete().where(model.member == member.id).execute()
            model.create(member=member.id, token=token)
            return token
        except IntegrityError:  # two requests at once; the other one's token stands
            continue
    return token_of(member, model)


def revoke(member, model=FeedToken) -> bool:
    return bool(model.delete().where(model.member == member.id).execute())


def reader(viewer, token: str | None):
    """Who the feed is for. A token that matches nobody (revoked, mistyped) is refused rather
    than quietly falling back to the public view, so a feed reader shows the problem."""
    if token is None:
        return viewer
    member = (
        Member.select(Member).join(FeedToken, on=(FeedToken.member == Member.id))
        .where(FeedToken.token == token[:64])
        .first()
    )
    if member is None or not policy.is_active_member(member):
        raise NotFound(REVOKED)
    return member


# -- feeds ---------------------------------------------------------------------------------------


@dataclass
class Feed:
    title: str
    subtitle: str
    # The page the feed is of (endpoint, values).
    page: tuple
    posts: list
    private: bool


def _posts(reader, where):
    """The newest visible posts meeting `where`, in threads the reader may see."""
    return list(
        Post.select(Post, Thread, Member)
        .join(Thread)
        .switch(Post)
        .join(Member, on=(Post.author == Member.id))
        .where(where & (Post.status == "visible") & Thread.visible_to(policy.reading(reader)))
        .order_by(Post.id.desc())
        .limit(ENTRIES)
    )


def category_feed(reader, slug: str) -> Feed:
    category = categories.readable_category(reader, slug)
    return Feed(
        title=category.name,
        subtitle=category.description,
        page=("threads.category", {"slug": category.slug}),
        posts=_posts(reader, Thread.category == category.id),
        private=category.read_access != "public" or category.group_id is not None,
    )


def thread_feed(reader, thread_id: int) -> Feed:
    thread = Thread.with_category(thread_id)
    if thread is None or not policy.may_list_thread(reader, thread):
        raise NotFound("There is no such thread.")
    return Feed(
        title=thread.title,
        subtitle=f"A thread in {thread.category.name}",
        page=("threads.thread", {"thread_id": thread.id}),
        posts=_posts(reader, Post.thread == thread.id),
        private=thread.category.read_access != "public" or thread.category.group_id is not None,
    )


def feed_categories(member) -> list[Category]:
    """The categories the member can follow by feed, for the settings page."""
    return categories.readable_categories(member)
