"""Categories, threads and each member's reading position (posts are in posts.py).

Which categories and threads a member may see is one query each, Category.readable_by and
Thread.visible_to: every list, feed, search and notification starts from them. List pages read
through the named queries here so that each costs a fixed number of queries, whatever its length:
pages of threads go by keyset (last activity, id), never OFFSET.
"""

from peewee import (
    JOIN,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import BaseModel, utcnow
from .groups import Group
from .members import Member
from .prepared import model_from_row, prepared
from .reports import Report

READ_ACCESS = ("public", "members")
POST_ACCESS = ("members", "staff")
# The author's terms for their ideas and project details (Charter: treat them as they specify).
SHARING = {
    "credit": "Share with credit",
    "members": "Members only: don't share outside the network",
    "ask": "Ask me first",
}
POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 30


def keyset_before(at_field, id_field, at, row_id):
    """Rows strictly before (at, row_id) in (at, id) order, for keyset pages. The first,
    redundant `at <= ?` is what lets SQLite bound its index scan: with the OR alone it walked
    the index from the newest row and skipped every row of the earlier pages (measured on 10,000
    threads: 5 ms for page 100, 0.5 ms with the bound; PostgreSQL plans both well)."""
    return (at_field <= at) & ((at_field < at) | ((at_field == at) & (id_field < row_id)))


class Category(BaseModel):
    name = CharField(max_length=80)
    slug = CharField(max_length=80, unique=True)
    description = TextField(default="")
    position = IntegerField(default=0)
    read_access = CharField(max_length=10, default="public")
    post_access = CharField(max_length=10, default="members")
    thread_count = IntegerField(default=0)
    post_count = IntegerField(default=0)
    last_post_at = DateTimeField(null=True)
    # The thread with the latest activity, copied here so the home page needs no join.
    last_thread_id = IntegerField(null=True)
    last_thread_title = CharField(max_length=150, default="")
    created_at = DateTimeField(default=utcnow)
    # A group's own space (migration 020): read by its members and staff alone, whatever
    # read_access says (policy.Reading).
    group = ForeignKeyField(Group, null=True, backref="categories", on_delete="RESTRICT")

    @classmethod
    def listed(cls):
        return cls.select().order_by(cls.position, cls.name)

    @classmethod
    def readable_by(cls, reading):
        """A condition on Category: those a reader may read. `reading` is policy.reading(member),
        whose Reading.reads(category) is the same rule for one category."""
        condition = cls.group.is_null() & cls.read_access.in_(reading.access)
        if reading.all_groups:
            return condition | cls.group.is_null(False)
        if reading.groups:
            return condition | cls.group.in_(sorted(reading.groups))
        return condition


class Thread(BaseModel):
    category = ForeignKeyField(Category, backref="threads", on_delete="CASCADE")
    author = ForeignKeyField(Member, backref="threads", on_delete="CASCADE")
    title = CharField(max_length=150)
    sharing = CharField(max_length=10, default="credit")
    pinned = BooleanField(default=False)
    locked = BooleanField(default=False)
    status = CharField(max_length=10, default="visible")
    post_count = IntegerField(default=0)
    last_post_at = DateTimeField(default=utcnow)
    last_author = ForeignKeyField(Member, null=True, on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    # A thread is "visible", or "removed" by staff: unlisted, in no list, feed, search or
    # notification (visible_to); staff alone open it by its address (policy.Reading.opens).
    UNLISTED = ("removed",)

    class Meta:
        indexes = (
            # The category page: pinned first, then newest activity, keyset on (last_post_at, id).
            (("category", "pinned", "last_post_at", "id"), False),
            (("author", "created_at"), False),
            # A period's threads, for the staff's insights (migration 026).
            (("created_at",), False),
        )

    @classmethod
    def visible_to(cls, reading, thread=None, *, by_category=True):
        """A condition on Thread (or on `thread`, an alias of it, for SQL written by hand): the
        threads a reader may see in any list, feed, search or notification, the listed ones in the
        categories they may read. `reading` is policy.reading(member), whose Reading.lists(thread)
        is the same rule for one thread. A removed thread is in none of them, even for the staff
        who may open it by its address (Reading.opens).

        by_category=False, for a query that starts from a much smaller table joined to its threads
        (events): the category is compared as `category_id + 0`, which no index serves, so the
        database does not start from the readable categories' threads instead. Without it SQLite
        read the home page's next events through every thread of the public categories: 54 ms
        with no event at all, on benchmark data (docs/performance.md)."""
        readable = Category.select(Category.id).where(Category.readable_by(reading))
        category = (thread or cls).category
        if not by_category:
            category = category + 0
        return category.in_(readable) & cls.listed(thread)

    @classmethod
    def listed(cls, thread=None):
        """A condition on Thread (or an alias): the threads that lists show to whoever may read
        their category; the search index holds the posts of these alone."""
        return (thread or cls).status.not_in(cls.UNLISTED)

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def last_page(self) -> int:
        return max(1, -(-self.post_count // POSTS_PER_PAGE))

    @staticmethod
    def page_of(number: int) -> int:
        return max(1, -(-number // POSTS_PER_PAGE))

    @classmethod
    def with_category(cls, thread_id: int, reader=None):
        """The thread with its category; with `reader` (a signed-in member), also how far they have
        read it, as `.reader_last_read` (None if never), whether they reported it, hid it from their
        lists or watch it (`.reader_reported`, `.reader_hidden`, `.reader_watching`), in the same
        query: the thread page is the most visited page, and each of these was a query of its own
        (or part of one, for the last two)."""
        shape = ("thread with category", reader is not None, bool(reader and reader.report_count))
        extras = []
        if reader is not None:
            extras.append("reader_last_read")
            if reader.report_count:
                extras.append("reader_reported")
            extras += ["reader_hidden", "reader_watching"]
        rows = prepared(
            shape,
            lambda *v: cls._with_category(*v, reader=reader),
            thread_id,
            *((reader.id,) if reader is not None else ()),
            rows=lambda cursor: cursor.fetchall(),
        )
        if not rows:
            return None
        thread = _thread_from_row(rows[0], extras)
        if reader is not None:
            thread.reader_reported = bool(getattr(thread, "reader_reported", False))
            thread.reader_hidden = bool(thread.reader_hidden)
            thread.reader_watching = bool(thread.reader_watching)
        return thread

    @classmethod
    def _with_category(cls, thread_id, reader_id=None, *, reader):
        """The query of with_category, its columns in the order _thread_from_row reads them;
        `reader_id` stands for reader.id (prepared())."""
        query = (
            cls.select(*cls._meta.sorted_fields, *Category._meta.sorted_fields)
            .join(Category)
            .where(cls.id == thread_id)
        )
        if reader is not None:
            query = (
                query.select_extend(ReadState.last_read)
                .switch(cls)
                .join(
                    ReadState,
                    JOIN.LEFT_OUTER,
                    on=((ReadState.thread == cls.id) & (ReadState.member == reader_id)),
                )
            )
            if reader.report_count:
                query = query.select_extend(reported_by(reader_id, "thread", cls.id))
            # Self-moderation: whether the reader hid the thread from their lists, and watches it.
            from .self_moderation import HiddenThread, Watch

            query = query.select_extend(
                _count(HiddenThread, reader_id, cls.id), _count(Watch, reader_id, cls.id)
            )
        return query

    @classmethod
    def page_query(cls, category, reading, cursor=None, limit=THREADS_PER_PAGE, exclude=None):
        """One page of a category's threads that a reader may see (visible_to), with their authors
        and last posters, in one query. `cursor` is (last_post_at, id) of the last thread on the
        previous page; the first page also carries the pinned threads, at the top. `exclude`: a
        condition a thread must meet to be listed (what the member hid or muted). Of the authors
        and last posters, only what a list shows (id and name): their whole rows were most of the
        category page's time (docs/performance.md)."""
        LastAuthor = Member.alias()
        query = (
            cls.select(*cls._meta.sorted_fields, Member.id, Member.name, LastAuthor.id, LastAuthor.name)
            .join(Member, on=(cls.author == Member.id))
            .switch(cls)
            .join(LastAuthor, JOIN.LEFT_OUTER, on=(cls.last_author == LastAuthor.id), attr="last_author")
            .where((cls.category == category) & cls.visible_to(reading))
        )
        if exclude is not None:
            query = query.where(exclude)
        if cursor is None:
            query = query.order_by(cls.pinned.desc(), cls.last_post_at.desc(), cls.id.desc())
        else:
            at, thread_id = cursor
            query = query.where(
                (cls.pinned == False)  # noqa: E712 (peewee builds SQL from ==)
                & keyset_before(cls.last_post_at, cls.id, at, thread_id)
            ).order_by(cls.last_post_at.desc(), cls.id.desc())
        return query.limit(limit + 1)

    @staticmethod
    def rows_of_page(cursor) -> "PageOfThreads":
        """The threads of a cursor over page_query, kept as read and built one by one when asked
        for, with `.author` and `.last_author` (id and name), like a page of posts: building them
        all with peewee's row machinery was a quarter of the category page's time, and a row kept
        drawn (kept_blocks.thread_rows) needs no thread built at all (docs/performance.md)."""
        return PageOfThreads(cursor.fetchall())


# A member's id and name, as lists of threads show their authors.
_NAME_FIELDS = [Member.id, Member.name]


class PageOfThreads:
    """Threads as Thread.page_query read them (`rows`: the thread's columns, then the author's and
    the last poster's id and name), each built on first use; `category`, when set, is given to
    each thread built (already loaded: no query per row)."""

    FIELDS = Thread._meta.sorted_fields
    _NAMES = [f.name for f in FIELDS]
    ID, POST_COUNT = _NAMES.index("id"), _NAMES.index("post_count")
    PINNED, LAST_POST_AT = _NAMES.index("pinned"), _NAMES.index("last_post_at")

    def __init__(self, rows, category=None):
        self.rows = rows
        self.category = category
        self._built: dict[int, Thread] = {}

    def thread(self, index: int) -> Thread:
        thread = self._built.get(index)
        if thread is None:
            row, n = self.rows[index], len(self.FIELDS)
            thread = model_from_row(Thread, self.FIELDS, row[:n])
            thread.__rel__["author"] = model_from_row(Member, _NAME_FIELDS, row[n : n + 2])
            if row[n + 2] is not None:
                thread.__rel__["last_author"] = model_from_row(Member, _NAME_FIELDS, row[n + 2 : n + 4])
            if self.category is not None:
                thread.__rel__["category"] = self.category
            self._built[index] = thread
        return thread

    def ids(self) -> list[int]:
        return [row[self.ID] for row in self.rows]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return PageOfThreads(self.rows[index], self.category)
        return self.thread(index if index >= 0 else len(self.rows) + index)

    def __iter__(self):
        return (self.thread(i) for i in range(len(self.rows)))

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def _thread_from_row(row, extras):
    """A Thread with `.category` from one row of Thread.with_category, and the extra columns
    (reader_last_read, ...) as attributes: built directly, like a page of posts."""
    thread_fields, category_fields = Thread._meta.sorted_fields, Category._meta.sorted_fields
    threads, categories = len(thread_fields), len(category_fields)
    thread = model_from_row(Thread, thread_fields, row[:threads])
    category = row[threads : threads + categories]
    thread.__rel__["category"] = model_from_row(Category, category_fields, category)
    for name, value in zip(extras, row[threads + categories :], strict=True):
        setattr(thread, name, value)
    return thread


def reported_by(reader_id, target_type, target_id):
    """1 when the reader reported the item, else 0: a subquery on the unique index of reports."""
    return fn.COALESCE(
        Report.select(fn.COUNT(Report.id)).where(
            (Report.reporter == reader_id) & (Report.target_type == target_type)
            & (Report.target_id == target_id)
        ),
        0,
    )


def _count(model, member_id, thread_id):
    """1 when the member has a row of `model` (member, thread) for the thread, else 0."""
    return model.select(fn.COUNT(model.id)).where((model.member == member_id) & (model.thread == thread_id))


class ReadState(BaseModel):
    """How far a member has read a thread: the number of the last post they were shown."""

    member = ForeignKeyField(Member, on_delete="CASCADE")
    thread = ForeignKeyField(Thread, on_delete="CASCADE")
    last_read = IntegerField(default=0)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "thread"), True),)

    @classmethod
    def for_threads(cls, member, thread_ids) -> dict[int, int]:
        """thread id -> last post read, for the threads on one page, in one query."""
        if not thread_ids or not getattr(member, "is_authenticated", False):
            return {}
        ids = list(thread_ids)

        def build(member_id, *thread_ids):
            return cls.select(cls.thread, cls.last_read).where(
                (cls.member == member_id) & cls.thread.in_(list(thread_ids))
            )

        return prepared(("read states", len(ids)), build, member.id, *ids, rows=lambda c: dict(c.fetchall()))
