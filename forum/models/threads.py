"""Categories, threads, posts, their revisions, and each member's reading position.

List pages read through the named queries here so that each costs a fixed number of queries,
whatever its length: pages of threads go by keyset (last activity, id), never OFFSET; pages of
posts go by each post's number within its thread, which is dense because posts are never deleted.
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
from .members import Member, Organisation
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
# visible; withdrawn by its author; hidden (reports or staff, reversible); removed by staff.
POST_STATUSES = ("visible", "withdrawn", "hidden", "removed")
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

    @classmethod
    def listed(cls):
        return cls.select().order_by(cls.position, cls.name)


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

    class Meta:
        indexes = (
            # The category page: pinned first, then newest activity, keyset on (last_post_at, id).
            (("category", "pinned", "last_post_at", "id"), False),
            (("author", "created_at"), False),
        )

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
                query = query.select_extend(_reported_by(reader_id, "thread", cls.id))
            # Self-moderation: whether the reader hid the thread from their lists, and watches it.
            from .self_moderation import HiddenThread, Watch

            query = query.select_extend(
                _count(HiddenThread, reader_id, cls.id), _count(Watch, reader_id, cls.id)
            )
        return query

    @classmethod
    def page_for(cls, category, cursor=None, limit=THREADS_PER_PAGE, exclude=None):
        """One page of a category's threads with their authors and last posters, in one query.
        `cursor` is (last_post_at, id) of the last thread on the previous page; the first page
        also carries the pinned threads, at the top. `exclude`: a condition a thread must meet
        to be listed (what the member hid or muted)."""
        return list(cls.page_query(category, cursor, limit, exclude))

    @classmethod
    def page_query(cls, category, cursor=None, limit=THREADS_PER_PAGE, exclude=None):
        """The query of page_for. Of the authors and last posters, only what a list shows (id and
        name): their whole rows were most of the category page's time (docs/performance.md)."""
        LastAuthor = Member.alias()
        query = (
            cls.select(*cls._meta.sorted_fields, Member.id, Member.name, LastAuthor.id, LastAuthor.name)
            .join(Member, on=(cls.author == Member.id))
            .switch(cls)
            .join(LastAuthor, JOIN.LEFT_OUTER, on=(cls.last_author == LastAuthor.id), attr="last_author")
            .where((cls.category == category) & (cls.status != "removed"))
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
    def rows_of_page(cursor) -> list:
        """Threads with `.author` and `.last_author` (id and name) from a cursor over page_query,
        built directly like a page of posts: peewee's general row machinery was a quarter of the
        category page's time (docs/performance.md)."""
        fields = Thread._meta.sorted_fields
        n = len(fields)
        threads = []
        for row in cursor.fetchall():
            thread = model_from_row(Thread, fields, row[:n])
            thread.__rel__["author"] = model_from_row(Member, _NAME_FIELDS, row[n : n + 2])
            if row[n + 2] is not None:
                thread.__rel__["last_author"] = model_from_row(Member, _NAME_FIELDS, row[n + 2 : n + 4])
            threads.append(thread)
        return threads


class Post(BaseModel):
    thread = ForeignKeyField(Thread, backref="posts", on_delete="CASCADE")
    author = ForeignKeyField(Member, backref="posts", on_delete="CASCADE")
    # 1 for the opening post; dense, so page N is numbers (N-1)*20+1 .. N*20.
    number = IntegerField()
    body_md = TextField()
    # Rendered once when written or edited; pages show this.
    body_html = TextField()
    # The post's own sharing terms, when they differ from its thread's.
    sharing = CharField(max_length=10, null=True)
    # Charter: conflicts of interest managed openly; shown beside the post.
    interest = CharField(max_length=300, default="")
    status = CharField(max_length=10, default="visible")
    status_reason = TextField(default="")
    # Bumped by every edit: an edit made from an older revision is refused, not overwritten.
    revision = IntegerField(default=1)
    edited_at = DateTimeField(null=True)
    # A random value carried by the form, so pressing Post twice creates one post.
    submission = CharField(max_length=40, null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("thread", "number"), True),
            (("author", "submission"), True),
            (("author", "created_at"), False),
        )

    @classmethod
    def page_of_thread(cls, thread, page: int, reader=None, open_reports=False):
        """One page of posts with their authors and organisations, in one query. With `reader`
        (a signed-in member), whether they muted each post's author, `.author_muted`, and (once
        they have reported anything) whether they reported the post, `.reader_reported`; with
        `open_reports` (staff), each post's `.open_reports`: subqueries of this same query.

        Only the columns the page shows are read: a post's Markdown source and the authors'
        profiles are most of the bytes of these rows, and building the rows was a fifth of the
        thread page's time (docs/performance.md)."""
        first = (page - 1) * POSTS_PER_PAGE + 1
        shape = ("page of thread", reader is not None, bool(reader and reader.report_count), open_reports)
        values = (thread.id, first, first + POSTS_PER_PAGE - 1) + ((reader.id,) if reader else ())
        rows = prepared(
            shape,
            lambda *v: cls._page_of_thread(*v, reader=reader, open_reports=open_reports),
            *values,
            rows=lambda cursor: cursor.fetchall(),
        )
        extras = []
        if reader is not None:
            extras.append("author_muted")
        if reader is not None and reader.report_count:
            extras.append("reader_reported")
        if open_reports:
            extras.append("open_reports")
        posts = [_post_from_row(row, extras) for row in rows]
        for post in posts:
            if reader is not None:
                post.reader_reported = bool(getattr(post, "reader_reported", False))
                post.author_muted = bool(post.author_muted)
            if open_reports:
                post.open_reports = post.open_reports or 0
        return posts

    @classmethod
    def _page_of_thread(cls, thread_id, first, last, reader_id=None, *, reader, open_reports):
        """The query of page_of_thread; `reader_id` stands for reader.id (prepared())."""
        columns = [*PAGE_POST_FIELDS, *PAGE_AUTHOR_FIELDS, *PAGE_ORGANISATION_FIELDS]
        if reader is not None:
            # Whether the reader muted the author: their post is folded away for the reader.
            from .self_moderation import Mute

            columns.append(
                Mute.select(fn.COUNT(Mute.id))
                .where((Mute.member == reader_id) & (Mute.muted == cls.author))
                .alias("author_muted")
            )
        if reader is not None and reader.report_count:
            columns.append(_reported_by(reader_id, "post", cls.id).alias("reader_reported"))
        if open_reports:
            columns.append(_open_reports("post", cls.id).alias("open_reports"))
        return (
            cls.select(*columns)
            .join(Member, on=(cls.author == Member.id))
            .join(Organisation, JOIN.LEFT_OUTER)
            .where((cls.thread == thread_id) & cls.number.between(first, last))
            .order_by(cls.number)
            # No more rows than the range holds; but PostgreSQL's planner, guessing from how
            # common low numbers are across all threads, expected thousands and hashed the whole
            # member table for them (12 ms on a 7,000-post thread at a million posts, 1 ms with
            # the limit, which makes it walk the (thread, number) index).
            .limit(POSTS_PER_PAGE)
        )

    @classmethod
    def with_thread(cls, post_id: int):
        """A post with its thread, category and author, for the pages that act on one post."""
        return (
            cls.select(cls, Thread, Category, Member)
            .join(Thread)
            .join(Category)
            .switch(cls)
            .join(Member, on=(cls.author == Member.id))
            .where(cls.id == post_id)
            .first()
        )


# A member's id and name, as lists of threads show their authors.
_NAME_FIELDS = [Member.id, Member.name]

# The columns of a page of posts (Post.page_of_thread), in the order _post_from_row reads them.
PAGE_POST_FIELDS = [
    Post.id,
    Post.thread,
    Post.author,
    Post.number,
    Post.body_html,
    Post.sharing,
    Post.interest,
    Post.status,
    Post.status_reason,
    Post.revision,
    Post.edited_at,
    Post.created_at,
]
PAGE_AUTHOR_FIELDS = [Member.id, Member.name, Member.status, Member.role, Member.organisation]
PAGE_ORGANISATION_FIELDS = [Organisation.id, Organisation.name]


def _post_from_row(row, extras):
    """A Post with `.author` (and its `.organisation` when it has one) from one row of
    page_of_thread, and the extra columns (author_muted, ...) as attributes."""
    posts, authors = len(PAGE_POST_FIELDS), len(PAGE_AUTHOR_FIELDS)
    organisations = len(PAGE_ORGANISATION_FIELDS)
    post = model_from_row(Post, PAGE_POST_FIELDS, row[:posts])
    author = model_from_row(Member, PAGE_AUTHOR_FIELDS, row[posts : posts + authors])
    organisation = row[posts + authors : posts + authors + organisations]
    if organisation[0] is not None:
        author.__rel__["organisation"] = model_from_row(Organisation, PAGE_ORGANISATION_FIELDS, organisation)
    post.__rel__["author"] = author
    for name, value in zip(extras, row[posts + authors + organisations :], strict=True):
        setattr(post, name, value)
    return post


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


def _reported_by(reader_id, target_type, target_id):
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


def _open_reports(target_type, target_id):
    return Report.select(fn.COUNT(Report.id)).where(
        (Report.target_type == target_type) & (Report.target_id == target_id) & (Report.status == "open")
    )


class PostRevision(BaseModel):
    """What a post said before an edit."""

    post = ForeignKeyField(Post, backref="revisions", on_delete="CASCADE")
    revision = IntegerField()
    body_md = TextField()
    body_html = TextField()
    interest = CharField(max_length=300, default="")
    created_at = DateTimeField()
    replaced_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("post", "revision"), True),)


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
        rows = cls.select(cls.thread, cls.last_read).where(
            (cls.member == member) & cls.thread.in_(list(thread_ids))
        )
        return dict(rows.tuples())
