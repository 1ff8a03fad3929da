"""Categories: creating and changing them (admins, the CLI), and reading the lists of threads
that the home page, a category's page and a member's unread list show.

Every list here is a fixed number of queries whatever its length, and pages of threads go by
keyset (last activity, id) rather than OFFSET, so page 1,000 of a large category costs what
page 1 does. A page's position is carried in the URL as `?before=<ISO time>_<thread id>`.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from peewee import JOIN, IntegrityError, fn

from .. import policy
from ..errors import Conflict, DomainError, Invalid, NotFound
from ..models import POST_ACCESS, READ_ACCESS, THREADS_PER_PAGE, Category, Member, ReadState, Thread
from ..models.base import MAX_ID, parse_id
from ..models.db import db
from ..models.prepared import prepared, whole_rows
from ..models.threads import PageOfThreads, keyset_before
from . import self_moderation

NAME_MAX = 80
DESCRIPTION_MAX = 500

# -- categories ----------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """The address form of a name: "Events & Training" -> "events-training". Accents are
    dropped; letters of other scripts are kept (URLs carry them percent-encoded)."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\W_]+", "-", plain).strip("-")[:NAME_MAX].strip("-")


def _check(name: str, description: str, read_access: str, post_access: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    description = (description or "").strip()
    if not name:
        raise Invalid("Give the category a name.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Use at most {NAME_MAX} characters for the name.", field="name")
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"Use at most {DESCRIPTION_MAX} characters for the description.", field="description")
    if read_access not in READ_ACCESS:
        raise Invalid(f"Who can read must be one of: {', '.join(READ_ACCESS)}.", field="read_access")
    if post_access not in POST_ACCESS:
        raise Invalid(f"Who can start threads must be one of: {', '.join(POST_ACCESS)}.", field="post_access")
    return name, description


def create_category(
    name: str,
    description: str = "",
    read_access: str = "public",
    post_access: str = "members",
    position: int | None = None,
) -> Category:
    """A new category, last in the list unless given a position. Its slug comes from its name
    and never changes afterwards, so links to it keep working when it is renamed."""
    name, description = _check(name, description, read_access, post_access)
    slug = slugify(name)
    if not slug:
        raise Invalid("Give the category a name with at least one letter or digit.", field="name")
    taken = f"A category with the address /c/{slug} already exists: choose another name."
    try:
        with db.atomic():
            if Category.select().where(Category.slug == slug).exists():
                raise Conflict(taken, field="name")
            if position is None:
                position = (Category.select(fn.MAX(Category.position)).scalar() or 0) + 1
            return Category.create(
                name=name,
                slug=slug,
                description=description,
                read_access=read_access,
                post_access=post_access,
                position=position,
            )
    except IntegrityError:
        # Two admins creating the same name at once: the unique slug index decides.
        raise Conflict(taken, field="name") from None


def category_by_id(category_id: int) -> Category:
    category = Category.get_or_none(Category.id == category_id)
    if category is None:
        raise NotFound("There is no such category.")
    return category


def update_category(category_id: int, data: dict) -> Category:
    """Change a category's name, description, position and who may read and post in it.
    The slug stays as it was. A group's space stays members only: its group's members and staff
    read it whatever read_access says (policy.Reading), so anything else would only mislead."""
    category = category_by_id(category_id)
    name, description = _check(data["name"], data["description"], data["read_access"], data["post_access"])
    if category.group_id is not None and data["read_access"] != "members":
        raise Invalid(
            "This is a group's space: only the group's members and staff read it, so it stays members only.",
            field="read_access",
        )
    category.name = name
    category.description = description
    category.read_access = data["read_access"]
    category.post_access = data["post_access"]
    if data.get("position") is not None:
        category.position = data["position"]
    category.save()
    return category


def refresh_latest(*category_ids: int) -> None:
    """Set each category's latest thread (its id, title and time, which the home page shows
    without a join) from the listed threads it holds now. Called when a thread leaves or enters
    a category (moved): a category must never name a thread that is not in it, least of all one
    moved into a group's space, whose title is then the group's alone. Two queries a category."""
    for category_id in category_ids:
        latest = (
            Thread.select(Thread.id, Thread.title, Thread.last_post_at)
            .where((Thread.category == category_id) & Thread.listed())
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .first()
        )
        Category.update(
            last_thread_id=latest.id if latest else None,
            last_thread_title=latest.title if latest else "",
            last_post_at=latest.last_post_at if latest else None,
        ).where(Category.id == category_id).execute()


def readable_categories(member) -> list[Category]:
    """The categories the member may read, in the forum's order: one query."""
    reading = policy.reading(member)
    return prepared(
        ("listed categories", reading),
        lambda: Category.listed().where(Category.readable_by(reading)),
        rows=whole_rows(Category),
    )


def readable_category(member, slug: str) -> Category:
    """A category by its slug. One the member may not read answers exactly as one that does
    not exist, so a members-only category's existence stays private."""
    reading = policy.reading(member)
    found = prepared(
        ("category by slug", reading),
        lambda s: Category.select().where((Category.slug == s) & Category.readable_by(reading)),
        slug,
        rows=whole_rows(Category),
    )
    if not found:
        raise NotFound("There is no such category.")
    return found[0]


# -- pages of threads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Where a page of threads starts: just after (last activity, id) of the previous page's last."""

    at: datetime
    thread_id: int

    def __str__(self) -> str:
        return f"{self.at.isoformat()}_{self.thread_id}"

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """None for the first page; a 400 for anything that is not a cursor we wrote."""
        if not text:
            return None
        at_text, _, id_text = text.rpartition("_")
        # An id past the largest a row can have is refused here: the page query is prepared on
        # PostgreSQL, which types the cursor's id as the column's integer (an overflow, a 500).
        thread_id = parse_id(id_text)
        try:
            at = datetime.fromisoformat(at_text)
            if at.tzinfo is not None:  # stored times are naive UTC
                at = at.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            at = None
        if at is None or thread_id is None:
            raise DomainError("That page link is not valid. Start again from the first page.")
        return cls(at, thread_id)

    @classmethod
    def after(cls, thread) -> "Cursor":
        return cls(thread.last_post_at, thread.id)


@dataclass
class ThreadList:
    """One page of threads. `unread[thread id]` is how many posts the member has not read, or
    None for a thread they have never opened; threads they are up to date on are absent.
    `marked` says whether the member has reading positions at all (signed in)."""

    threads: list = field(default_factory=list)
    unread: dict = field(default_factory=dict)
    marked: bool = False
    next_cursor: Cursor | None = None
    first_page: bool = True


def _page(rows: list, limit: int, cursor: Cursor | None, pinned_first: bool = False) -> ThreadList:
    """`rows`: up to limit + 1 threads; the extra one only says that another page follows."""
    threads = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = threads[-1]
        # A first page made only of pinned threads: go on from the newest unpinned thread
        # (page_for's later pages hold no pinned threads at all).
        pinned_only = pinned_first and last.pinned
        next_cursor = Cursor(datetime.max, MAX_ID) if pinned_only else Cursor.after(last)
    return ThreadList(threads=threads, next_cursor=next_cursor, first_page=cursor is None)


def _mark_unread(listing: ThreadList, member, positions: dict[int, int]) -> ThreadList:
    listing.marked = bool(getattr(member, "is_authenticated", False))
    if listing.marked:
        threads = listing.threads
        if isinstance(threads, PageOfThreads):  # from the rows, building no thread
            counts = [(row[threads.ID], row[threads.POST_COUNT]) for row in threads.rows]
        else:
            counts = [(thread.id, thread.post_count) for thread in threads]
        for thread_id, post_count in counts:
            last_read = positions.get(thread_id)
            if last_read is None:
                listing.unread[thread_id] = None
            elif post_count > last_read:
                listing.unread[thread_id] = post_count - last_read
    return listing


def category_threads(member, category, before: str | None, limit: int = THREADS_PER_PAGE) -> ThreadList:
    """A page of a category's threads, pinned first then newest activity, with the member's
    unread marks: two queries (the threads with their authors; the member's reading positions)."""
    cursor = Cursor.parse(before)
    signed_in = bool(getattr(member, "is_authenticated", False))
    reading = policy.reading(member)
    values = [category.id]
    if cursor:
        values += [cursor.at, cursor.thread_id]
    if signed_in:
        values.append(member.id)

    def build(category_id, *rest):
        after = (rest[0], rest[1]) if cursor else None
        exclude = self_moderation.left_out_for(rest[-1]) if signed_in else None
        return Thread.page_query(category_id, reading, after, limit, exclude)

    shape = ("category page", reading, cursor is not None, signed_in, limit)
    rows = prepared(shape, build, *values, rows=Thread.rows_of_page)
    rows.category = category  # already loaded: no query per row when a template asks
    listing = _page(rows, limit, cursor, pinned_first=True)
    positions = ReadState.for_threads(member, listing.threads.ids())
    return _mark_unread(listing, member, positions)


def unread_threads(member, before: str | None, limit: int = THREADS_PER_PAGE) -> ThreadList:
    """Threads with posts newer than the member's reading position, newest activity first, with
    their categories, authors and last posters: one query. Threads the member has never opened
    are not here: they are marked New on their category's page."""
    cursor = Cursor.parse(before)
    LastAuthor = Member.alias()
    query = (
        Thread.select(Thread, ReadState, Category, Member, LastAuthor)
        .join(
            ReadState, on=((ReadState.thread == Thread.id) & (ReadState.member == member.id)), attr="reading"
        )
        .switch(Thread)
        .join(Category)
        .switch(Thread)
        .join(Member, on=(Thread.author == Member.id))
        .switch(Thread)
        .join(LastAuthor, JOIN.LEFT_OUTER, on=(Thread.last_author == LastAuthor.id), attr="last_author")
        .where((Thread.post_count > ReadState.last_read) & Thread.visible_to(policy.reading(member)))
    )
    left_out = self_moderation.left_out_of_lists(member)
    if left_out is not None:
        query = query.where(left_out)
    if cursor is not None:
        query = query.where(keyset_before(Thread.last_post_at, Thread.id, cursor.at, cursor.thread_id))
    rows = list(query.order_by(Thread.last_post_at.desc(), Thread.id.desc()).limit(limit + 1))
    listing = _page(rows, limit, cursor)
    return _mark_unread(listing, member, {t.id: t.reading.last_read for t in listing.threads})
