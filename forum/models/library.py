"""The resource library: toolkits, reports and guides that members share, on their terms and with
credit, and each version of their file.

Where a resource lives is its discussion thread's category: a public one, a members-only one, or
a group's space. So who sees a resource, its page, its file, its listing and its search hits is
the thread's rule, Thread.visible_to (for lists) and the policy's read_thread (for one): there is
no second copy of it here. A resource also has its own status: staff may hide it (its author and
staff still see it) or remove it (its files are deleted; the row stays for the record).

Files live outside `static/`, under random names, and are served only by the library blueprint
after the same check as the page.
"""

from dataclasses import dataclass

from peewee import JOIN, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .directory import Expertise
from .members import Member, Organisation
from .threads import Category, Thread

# What the library takes: code -> (name people read, MIME type it is served with).
FILE_TYPES = {
    "pdf": ("PDF", "application/pdf"),
    "docx": ("Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": ("OpenDocument text", "application/vnd.oasis.opendocument.text"),
    "ods": ("OpenDocument spreadsheet", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("OpenDocument presentation", "application/vnd.oasis.opendocument.presentation"),
    "csv": ("CSV data", "text/csv"),
    "txt": ("Plain text", "text/plain"),
}


def size_label(n: int) -> str:
    """A file's size as people read it: "3 MB", "120 kB"."""
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(n, 1) / 1024:.0f} kB"


@dataclass(frozen=True)
class Licence:
    label: str
    # The forum's sharing terms it maps onto (models.threads.SHARING): the discussion's terms.
    sharing: str
    means: str
    url: str = ""


# A short list, each mapped onto the sharing terms members already know. Never rename a code.
LICENCES = {
    "cc-by": Licence(
        "CC BY 4.0",
        "credit",
        "Anyone may share and adapt it, for any purpose, if they give the credit asked for.",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "cc-by-nc": Licence(
        "CC BY-NC 4.0",
        "credit",
        "Anyone may share and adapt it, not for commercial purposes, if they give the credit asked for.",
        "https://creativecommons.org/licenses/by-nc/4.0/",
    ),
    "members": Licence(
        "Members only: don't share outside the network",
        "members",
        "Members may use it in their own work, with credit; it is not to be passed on outside the network.",
    ),
    "ask": Licence(
        "Ask me first",
        "ask",
        "Read it here; ask its author before you use, adapt or pass it on, and give the credit asked for.",
    ),
}
# Who sees it: the kinds of space a resource can live in (a group's space is "group").
PLACES = {"public": "Everyone, visitors included", "members": "Members only"}
# The library's own categories, made when the first resource needs one (services/library.py).
LIBRARY_CATEGORIES = {
    "public": ("library", "Library", "public"),
    "members": ("library-members", "Library: members only", "members"),
}
RESOURCE_STATUSES = ("visible", "hidden", "removed")
PER_PAGE = 30


class Resource(BaseModel):
    owner = ForeignKeyField(Member, backref="resources", on_delete="CASCADE")
    # Its discussion, whose category is where it lives. Set in the transaction that adds it.
    thread = ForeignKeyField(Thread, null=True, unique=True, backref="+", on_delete="CASCADE")
    title = CharField(max_length=150)
    summary = TextField()
    organisation = ForeignKeyField(Organisation, null=True, backref="+", on_delete="SET NULL")
    licence = CharField(max_length=12)
    credit = CharField(max_length=300)
    # The current version's type, size and pages, copied here for lists and filters.
    file_type = CharField(max_length=8)
    size_bytes = IntegerField()
    pages = IntegerField(null=True)
    version_count = IntegerField(default=1)
    # Downloads of any version since counting began (migration 026): the staff's insights read it.
    download_count = IntegerField(default=0)
    # The current version's words, for search: a PDF's read after it is stored, outside the
    # request ("pending", then "done" or "failed"); CSV and text at once.
    file_text = TextField(default="")
    text_status = CharField(max_length=10, default="done")
    # The author's word: permission from the people and organisations involved.
    permission = BooleanField(default=False)
    status = CharField(max_length=10, default="visible")
    status_reason = TextField(default="")
    removed_by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    removed_at = DateTimeField(null=True)
    # The form's submission key: the same form sent twice adds one resource.
    submission = CharField(max_length=40, null=True, unique=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("owner", "status"), False), (("status", "id"), False))

    @property
    def licence_terms(self) -> Licence:
        return LICENCES[self.licence]

    @property
    def type_name(self) -> str:
        return FILE_TYPES[self.file_type][0]

    @property
    def size(self) -> str:
        return size_label(self.size_bytes)

    @classmethod
    def with_place(cls):
        """Resources with what their access check needs: thread, category, owner."""
        return (
            cls.select(cls, Thread, Category, Member)
            .join(Thread, JOIN.LEFT_OUTER)
            .join(Category, JOIN.LEFT_OUTER)
            .switch(cls)
            .join(Member, on=(cls.owner == Member.id))
        )

    @classmethod
    def by_id(cls, resource_id: int):
        return cls.with_place().where(cls.id == resource_id).first()

    @classmethod
    def as_reported(cls, ids) -> dict:
        """("resource", id) -> the resource, with its place and owner, for a page of reports or
        the staff queue: one query, none without ids."""
        if not ids:
            return {}
        return {("resource", r.id): r for r in cls.with_place().where(cls.id.in_(list(ids)))}

    @classmethod
    def used_by(cls, member) -> int:
        """Bytes of the member's kept files (every version of each resource not removed)."""
        total = (
            ResourceVersion.select(fn.SUM(ResourceVersion.size_bytes))
            .join(cls)
            .where((cls.owner == member) & (cls.status != "removed"))
            .scalar()
        )
        return int(total or 0)

    @classmethod
    def listed(cls, reading, filters=None, before_id=None, limit=PER_PAGE):
        """A page of the resources a reader may see in lists, newest first: visible resources
        whose discussion Thread.visible_to shows them (the one rule). `filters`: a dict of
        theme (Expertise id), file_type, organisation (id) and licence, each optional."""
        query = cls.with_place().where((cls.status == "visible") & Thread.visible_to(reading))
        filters = filters or {}
        if filters.get("theme"):
            themed = ResourceTheme.select(ResourceTheme.resource).where(
                ResourceTheme.expertise == filters["theme"]
            )
            query = query.where(cls.id.in_(themed))
        if filters.get("file_type"):
            query = query.where(cls.file_type == filters["file_type"])
        if filters.get("organisation"):
            query = query.where(cls.organisation == filters["organisation"])
        if filters.get("licence"):
            query = query.where(cls.licence == filters["licence"])
        if before_id:
            query = query.where(cls.id < before_id)
        return list(query.order_by(cls.id.desc()).limit(limit + 1))

    @classmethod
    def mine(cls, member):
        return list(
            cls.with_place().where((cls.owner == member) & (cls.status != "removed")).order_by(cls.id.desc())
        )


class ResourceVersion(BaseModel):
    resource = ForeignKeyField(Resource, backref="versions", on_delete="CASCADE")
    number = IntegerField()
    # Random; the file on disk is <name>.<file_type>.
    name = CharField(max_length=40, unique=True)
    # The member's name for the file, only to name the download.
    original_name = CharField(max_length=200)
    file_type = CharField(max_length=8)
    size_bytes = IntegerField()
    pages = IntegerField(null=True)
    # Of the file as sent, so the same file sent twice is recognised.
    sha256 = CharField(max_length=64, index=True)
    note = CharField(max_length=300, default="")
    # What was taken out of it before it was stored (a PDF's scripts, say), in words.
    removed = CharField(max_length=300, default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("resource", "number"), True),)

    def filename(self) -> str:
        return f"{self.name}.{self.file_type}"

    @property
    def type_name(self) -> str:
        return FILE_TYPES[self.file_type][0]

    @property
    def size(self) -> str:
        return size_label(self.size_bytes)

    @classmethod
    def of(cls, resource) -> list["ResourceVersion"]:
        """Every version, newest first."""
        return list(cls.select().where(cls.resource == resource).order_by(cls.number.desc()))


class ResourceTheme(BaseModel):
    """A resource's themes: the directory's areas of expertise, so documents and members meet."""

    resource = ForeignKeyField(Resource, backref="theme_links", on_delete="CASCADE")
    expertise = ForeignKeyField(Expertise, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("resource", "expertise"), True), (("expertise", "resource"), False))

    @classmethod
    def for_resources(cls, resource_ids) -> dict[int, list[Expertise]]:
        """resource id -> its themes, by name, for a page of resources in one query."""
        found: dict[int, list[Expertise]] = {rid: [] for rid in resource_ids}
        if not found:
            return found
        rows = (
            cls.select(cls.resource, Expertise)
            .join(Expertise)
            .where(cls.resource.in_(list(found)))
            .order_by(Expertise.name_key)
        )
        for row in rows:
            found[row.resource_id].append(row.expertise)
        return found


def indexed_text_sql(post: str = "p", thread: str = "t") -> str:
    """SQL for what the search index holds of a resource beyond its discussion's opening post: its
    summary and its file's words, on the opening post of a visible resource's thread (else '').
    models/search.py adds it to each post it indexes; `post` and `thread` are its aliases."""
    sql = "COALESCE((SELECT r.summary || ' ' || r.file_text FROM resource r WHERE r.thread_id = {t}.id "
    sql += "AND r.status = 'visible' AND {p}.number = 1), '')"
    return sql.format(t=thread, p=post)


__all__ = [
    "FILE_TYPES",
    "LIBRARY_CATEGORIES",
    "LICENCES",
    "PLACES",
    "RESOURCE_STATUSES",
    "Licence",
    "Resource",
    "ResourceTheme",
    "ResourceVersion",
    "indexed_text_sql",
]
