"""What a member may read: the one definition, asked per object here and built as a query by
Category.readable_by and Thread.visible_to (models/threads.py)."""

from dataclasses import dataclass

from .roles import is_active_member, is_author, is_reading_member, is_staff


@dataclass(frozen=True)
class Reading:
    """What one kind of member may read: the categories whose `read_access` is in `access` and the
    spaces of the groups in `groups` (of every group, for a reader who reads `all_groups`: staff),
    and in them every listed thread. A group's space is read by nobody else, whatever its
    category's read_access says. An unlisted thread (Thread.UNLISTED: staff removed it) is in no list,
    feed, search or notification, and only a reader who `opens_unlisted` (staff) opens it by its
    address.

    The per-object rules below decide by it, and Category.readable_by and Thread.visible_to
    (models/threads.py) build the same rule as a query from it: tests/test_visibility.py checks
    that each query agrees with its rule, and that a kind of category only some members read is
    a change to reading() alone."""

    access: tuple[str, ...]
    opens_unlisted: bool
    groups: frozenset[int] = frozenset()
    all_groups: bool = False

    def reads(self, category) -> bool:
        if category.group_id is not None:
            return self.all_groups or category.group_id in self.groups
        return category.read_access in self.access

    def lists(self, thread) -> bool:
        return self.reads(thread.category) and thread.status not in thread.UNLISTED

    def opens(self, thread) -> bool:
        return self.reads(thread.category) and (thread.status not in thread.UNLISTED or self.opens_unlisted)


# By (reads what members read, is staff): the same few values for every reader in no group.
_READINGS = {
    (members, staff): Reading(("public", "members") if members else ("public",), staff, all_groups=staff)
    for members in (False, True)
    for staff in (False, True)
}


def reading(member) -> Reading:
    """What `member` (a Member or a visitor) may read; hashable, so queries built from it can be
    prepared once per kind of reader (and set of groups). A member reads their groups' spaces
    while they may read what members read (a suspension included), from the groups loaded with
    them (Member.groups): no query."""
    members, staff = is_reading_member(member), is_staff(member)
    groups = member.groups if members and not staff else None
    if not groups:
        return _READINGS[members, staff]
    return Reading(("public", "members"), False, frozenset(groups))


def may_read_category(member, category) -> bool:
    return reading(member).reads(category)


def may_list_thread(member, thread) -> bool:
    """Whether lists, feeds, search and notifications show the thread to the member."""
    return reading(member).lists(thread)


def may_start_thread(member, category) -> bool:
    if not is_active_member(member) or not may_read_category(member, category):
        return False
    return category.post_access == "members" or is_staff(member)


def may_read_thread(member, thread) -> bool:
    """The thread's page: a listed thread in a readable category, or an unlisted one for staff."""
    return reading(member).opens(thread)


def may_reply(member, thread) -> bool:
    # A locked thread takes no replies from anyone, staff included: unlock it first.
    return (
        is_active_member(member)
        and may_read_thread(member, thread)
        and not thread.locked
        and (thread.status == "visible")
    )


def may_see_post_body(member, post) -> bool:
    """Withdrawn, hidden and removed posts show a placeholder; staff see what was there. The author
    of a hidden post still reads it, and why: hiding (after reports) waits for staff to review
    it, and must not take a member's words from them before anyone has looked."""
    return (
        post.status == "visible" or is_staff(member) or (post.status == "hidden" and is_author(member, post))
    )


def may_see_upload(member, upload) -> bool:
    """A photo in a post is seen by whoever may read the post's words; avatars and logos by
    members, where the directory shows them. A removed upload by nobody (its files are gone)."""
    if upload.status != "visible":
        return False
    if upload.kind == "post":
        post = upload.post
        return post is not None and may_read_thread(member, post.thread) and may_see_post_body(member, post)
    return is_active_member(member)
