"""What a member does to look after themselves: mute members, hide threads from their lists,
switch low-data mode, pause before a heated post, and look over their own posts.

Muting is silent on purpose: the muted member is never told, and nothing they can see changes,
so muting cannot itself become a provocation. Only the muter reads their Mute rows.
"""

import re
from dataclasses import dataclass

from flask import current_app
from peewee import JOIN, Value

from .. import policy
from ..errors import NotFound
from ..models import Category, HiddenThread, Member, Mute, Post, Thread, Watch

MY_POSTS_PAGE = 30


# -- muting --------------------------------------------------------------------------------------


def mute(member, target_id: int) -> Member:
    target = Member.get_or_none(Member.id == target_id)
    policy.require(member, "mute_member", target)
    # Pressed twice (or twice at once): the unique index keeps one row, the second is ignored.
    Mute.insert(member=member.id, muted=target.id).on_conflict_ignore().execute()
    _forget_muted(member)
    return target


def unmute(member, target_id: int) -> Member:
    policy.require(member, "self_moderate", None, "You can't mute members.")
    target = Member.get_or_none(Member.id == target_id)
    if target is None:
        raise NotFound("There is no such member.")
    Mute.delete().where((Mute.member == member.id) & (Mute.muted == target.id)).execute()
    _forget_muted(member)
    return target


def is_muted(member, target) -> bool:
    return target.id in muted_ids(member)


def muted_ids(member) -> set[int]:
    """The ids the member muted: one query, kept on the member as loaded (the signed-in member is
    loaded for each request), shared by every post on a page."""
    if not getattr(member, "is_authenticated", False):
        return set()
    cached = getattr(member, "_muted_ids", None)
    if cached is None:
        cached = member._muted_ids = Mute.muted_ids(member)
    return cached


def _forget_muted(member):
    member._muted_ids = None


def thread_marks(member, thread) -> dict:
    """Whether the member hid and watches the thread, and (seeding muted_ids) whom they muted:
    one query for all of it, so a thread page pays once for self-moderation."""
    if not getattr(member, "is_authenticated", False):
        return {"hidden": False, "watching": False}
    if "reader_hidden" in vars(thread):
        # Loaded with the thread for this member (Thread.with_category): no query.
        return {"hidden": thread.reader_hidden, "watching": thread.reader_watching}
    query = (
        Mute.select(Mute.muted, Value("m")).where(Mute.member == member.id)
        .union_all(
            HiddenThread.select(HiddenThread.thread, Value("h")).where(
                (HiddenThread.member == member.id) & (HiddenThread.thread == thread.id)
            )
        )
        .union_all(
            Watch.select(Watch.thread, Value("w")).where(
                (Watch.member == member.id) & (Watch.thread == thread.id)
            )
        )
    )
    rows = list(query.tuples())
    member._muted_ids = {row_id for row_id, kind in rows if kind == "m"}
    kinds = {kind for _, kind in rows}
    return {"hidden": "h" in kinds, "watching": "w" in kinds}


def muted_members(member) -> list[Member]:
    return list(
        Member.select(Member.id, Member.name, Member.status)
        .join(Mute, on=(Mute.muted == Member.id))
        .where(Mute.member == member.id)
        .order_by(Mute.created_at.desc(), Mute.id.desc())
    )


# -- hiding threads from one's lists ----------------------------------------------------------------


def hide_thread(member, thread) -> None:
    policy.require(member, "self_moderate", None, "You can't hide threads.")
    HiddenThread.insert(member=member.id, thread=thread.id).on_conflict_ignore().execute()


def show_thread(member, thread) -> None:
    policy.require(member, "self_moderate", None, "You can't hide threads.")
    HiddenThread.delete().where(
        (HiddenThread.member == member.id) & (HiddenThread.thread == thread.id)
    ).execute()


def is_hidden(member, thread) -> bool:
    if not getattr(member, "is_authenticated", False):
        return False
    return (
        HiddenThread.select()
        .where((HiddenThread.member == member.id) & (HiddenThread.thread == thread.id))
        .exists()
    )


def hidden_threads(member) -> list[Thread]:
    """The threads the member hid from their lists and may still see, last hidden first."""
    return list(
        Thread.select(Thread, Category)
        .join(Category)
        .switch(Thread)
        .join(HiddenThread, on=(HiddenThread.thread == Thread.id))
        .where((HiddenThread.member == member.id) & Thread.visible_to(policy.reading(member)))
        .order_by(HiddenThread.created_at.desc(), HiddenThread.id.desc())
    )


def left_out_of_lists(member):
    """A condition on Thread for lists of threads: none the member hid, none started by someone
    they muted. Subqueries, so a list page stays one query; None for visitors."""
    if not getattr(member, "is_authenticated", False):
        return None
    return left_out_for(member.id)


def left_out_for(member_id):
    """left_out_of_lists for a signed-in member, by id."""
    hidden = HiddenThread.select(HiddenThread.thread).where(HiddenThread.member == member_id)
    muted = Mute.select(Mute.muted).where(Mute.member == member_id)
    return Thread.id.not_in(hidden) & Thread.author.not_in(muted)


# -- low-data mode ---------------------------------------------------------------------------------


def set_low_data(member, wanted: bool) -> bool:
    policy.require(member, "manage_own_account")
    Member.update(low_data=wanted).where(Member.id == member.id).execute()
    member.low_data = wanted
    return wanted


# -- pausing before posting --------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def pause_reasons(message: str) -> list[str]:
    """Why a message might read as uncivil: words from FORUM_PAUSE_WORDS, or shouting in capitals.
    Only a reminder: the member can post anyway, so a false alarm costs one click."""
    reasons = []
    words = WORD.findall(message or "")
    listed = current_app.config["PAUSE_WORDS"]
    lowered = " ".join(w.lower() for w in words)
    found = sorted(
        {w.lower() for w in words if w.lower() in listed}
        # Phrases ("shut up") are matched on the words in order, whatever the spacing between.
        | {p for p in listed if " " in p and re.search(rf"(?<!\S){re.escape(p)}(?!\S)", lowered)}
    )
    if found:
        reasons.append("It uses " + ", ".join(f"“{w}”" for w in found) + ".")
    long_words = [w for w in words if len(w) >= 2]
    capitals = [w for w in long_words if w.isupper()]
    if len(long_words) >= current_app.config["PAUSE_CAPITALS_MIN_WORDS"] and (
        len(capitals) >= current_app.config["PAUSE_CAPITALS_SHARE"] * len(long_words)
    ):
        reasons.append("Most of it is in capitals, which reads as shouting.")
    return reasons


# -- my posts ------------------------------------------------------------------------------------------


@dataclass
class MyPosts:
    posts: list
    next_before: int | None


POST_STATES = {
    "visible": "Visible",
    "edited": "Edited",
    "withdrawn": "Withdrawn by you",
    "hidden": "Hidden while the team reviews reports",
    "removed": "Removed by staff",
}


def post_state(post) -> str:
    if post.status == "visible":
        return "edited" if post.edited_at else "visible"
    return post.status


def my_posts(member, before: int | None = None, limit: int = MY_POSTS_PAGE) -> MyPosts:
    """The member's own posts, newest first, with their threads: one query, keyset on id."""
    policy.require(member, "manage_own_account")
    query = (
        Post.select(Post, Thread, Category)
        .join(Thread)
        .join(Category, JOIN.INNER)
        .where(Post.author == member.id)
    )
    if before:
        query = query.where(Post.id < before)
    rows = list(query.order_by(Post.id.desc()).limit(limit + 1))
    posts = rows[:limit]
    return MyPosts(posts, posts[-1].id if len(rows) > limit else None)

