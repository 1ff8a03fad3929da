"""Posts and what an edit replaced, and the named query of the thread page: a page of posts.

A page of posts goes by each post's number within its thread, which is dense because posts are
never deleted: page N is numbers (N-1)*20+1 .. N*20, whatever the thread's length.
"""

from peewee import JOIN, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .members import Member, Organisation
from .prepared import model_from_row, prepared
from .reports import Report
from .threads import POSTS_PER_PAGE, Category, Thread, reported_by

# visible; withdrawn by its author; hidden (reports or staff, reversible); removed by staff.
POST_STATUSES = ("visible", "withdrawn", "hidden", "removed")


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
            # A period's posts, for the staff's insights (migration 026).
            (("created_at",), False),
        )

    @classmethod
    def page_of_thread(cls, thread, page: int, reader=None, open_reports=False) -> "PageOfPosts":
        """One page of posts with their authors and organisations, and how many photos each shows
        (`.photo_count`), in one query. With `reader` (a signed-in member), whether they muted
        each post's author, `.author_muted`, and (once they have reported anything) whether they
        reported the post, `.reader_reported`; with `open_reports` (staff), each post's
        `.open_reports`: subqueries of this same query.

        Only the columns the page shows are read: a post's Markdown source and the authors'
        profiles are most of the bytes of these rows, and building the rows was a fifth of the
        thread page's time (docs/performance.md). The rows are kept as read, and the posts built
        from them when asked for: a page kept whole (kept_blocks.thread_main) needs only the rows."""
        first = (page - 1) * POSTS_PER_PAGE + 1
        shape = ("page of thread", reader is not None, bool(reader and reader.report_count), open_reports)
        values = (thread.id, first, first + POSTS_PER_PAGE - 1) + ((reader.id,) if reader else ())
        rows = prepared(
            shape,
            lambda *v: cls._page_of_thread(*v, reader=reader, open_reports=open_reports),
            *values,
            rows=lambda cursor: cursor.fetchall(),
        )
        extras = ["photo_count"]
        if reader is not None:
            extras.append("author_muted")
        if reader is not None and reader.report_count:
            extras.append("reader_reported")
        if open_reports:
            extras.append("open_reports")
        return PageOfPosts(rows, tuple(extras))

    @classmethod
    def _page_of_thread(cls, thread_id, first, last, reader_id=None, *, reader, open_reports):
        """The query of page_of_thread; `reader_id` stands for reader.id (prepared())."""
        from .uploads import Upload

        columns = [*PAGE_POST_FIELDS, *PAGE_AUTHOR_FIELDS, *PAGE_ORGANISATION_FIELDS]
        # How many photos each post shows: the page asks for them only when one has some
        # (most pages have none; the query for them was a twentieth of the page).
        columns.append(
            Upload.select(fn.COUNT(Upload.id))
            .where((Upload.post == cls.id) & (Upload.status == "visible"))
            .alias("photo_count")
        )
        if reader is not None:
            # Whether the reader muted the author: their post is folded away for the reader.
            from .self_moderation import Mute

            columns.append(
                Mute.select(fn.COUNT(Mute.id))
                .where((Mute.member == reader_id) & (Mute.muted == cls.author))
                .alias("author_muted")
            )
        if reader is not None and reader.report_count:
            columns.append(reported_by(reader_id, "post", cls.id).alias("reader_reported"))
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


class PageOfPosts:
    """A page of posts as read (`rows`, each the columns of page_of_thread then `extras`), and
    the posts built from them on first use (`posts`, or iterating, indexing, len)."""

    # Where a row holds the post's number and author's id.
    NUMBER = [f.name for f in PAGE_POST_FIELDS].index("number")
    AUTHOR = [f.name for f in PAGE_POST_FIELDS].index("author")
    # Where the extras start: photo_count is always the first.
    PHOTO_COUNT = len(PAGE_POST_FIELDS) + len(PAGE_AUTHOR_FIELDS) + len(PAGE_ORGANISATION_FIELDS)

    def __init__(self, rows, extras):
        self.rows, self.extras = rows, extras
        self._posts = None

    @property
    def posts(self) -> list:
        if self._posts is None:
            self._posts = [_post_from_row(row, self.extras) for row in self.rows]
            for post in self._posts:
                if "author_muted" in self.extras:
                    post.reader_reported = bool(getattr(post, "reader_reported", False))
                    post.author_muted = bool(post.author_muted)
                if "open_reports" in self.extras:
                    post.open_reports = post.open_reports or 0
        return self._posts

    @property
    def last_number(self):
        return self.rows[-1][self.NUMBER] if self.rows else None

    def __iter__(self):
        return iter(self.posts)

    def __getitem__(self, index):
        return self.posts[index]

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


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
