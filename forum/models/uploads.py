"""Uploaded images: photos in posts, members' avatars and organisations' logos.

The row keeps what the uploader declared (alt text, whether others are shown, their permission),
so staff can see it beside the photo. Files live outside `static/`, under a random name, and are
only ever served through the uploads blueprint, which checks who may see them.
"""

from peewee import JOIN, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, fn

from .base import BaseModel, utcnow
from .members import Member, Organisation
from .posts import Post
from .prepared import prepared

# post: a photo in a post; avatar: a member's picture; logo: an organisation's.
UPLOAD_KINDS = ("post", "avatar", "logo")
# visible; removed by its uploader or by staff (the files are deleted, the row kept for the record).
UPLOAD_STATUSES = ("visible", "removed")
# The two sizes every upload is stored in.
SIZES = ("thumb", "display")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class Upload(BaseModel):
    owner = ForeignKeyField(Member, backref="uploads", on_delete="CASCADE")
    kind = CharField(max_length=10, default="post")
    post = ForeignKeyField(Post, null=True, backref="uploads", on_delete="CASCADE")
    organisation = ForeignKeyField(Organisation, null=True, backref="uploads", on_delete="CASCADE")
    # Random; the files are <name>-thumb.<extension> and <name>-display.<extension>.
    name = CharField(max_length=40, unique=True)
    extension = CharField(max_length=5)
    width = IntegerField()
    height = IntegerField()
    thumb_width = IntegerField()
    thumb_height = IntegerField()
    # Both files together: what counts toward the member's quota.
    size_bytes = IntegerField()
    alt_text = CharField(max_length=300)
    # The uploader's word: whether others are shown, and that they have their permission.
    shows_others = BooleanField(default=False)
    permission = BooleanField(default=False)
    status = CharField(max_length=10, default="visible")
    removed_by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    removed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("post", "status"), False),
            (("owner", "kind", "status"), False),
            (("organisation", "kind", "status"), False),
        )

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]

    def filename(self, size: str) -> str:
        return f"{self.name}-{size}.{self.extension}"

    @property
    def is_visible(self) -> bool:
        return self.status == "visible"

    @classmethod
    def used_by(cls, member) -> int:
        """Bytes of the member's photos that are still kept: their quota in use."""
        total = (
            cls.select(fn.SUM(cls.size_bytes))
            .where((cls.owner == member) & (cls.status == "visible"))
            .scalar()
        )
        return int(total or 0)

    @classmethod
    def for_posts(cls, post_ids) -> dict[int, list["Upload"]]:
        """post id -> its visible photos, oldest first, for a page of posts in one query."""
        if not post_ids:
            return {}
        photos = {}
        post_ids = list(post_ids)
        rows = prepared(
            ("photos of posts", len(post_ids)),
            lambda *ids: cls.select().where(cls.post.in_(ids) & (cls.status == "visible")).order_by(cls.id),
            *post_ids,
        )
        for upload in rows:
            photos.setdefault(upload.post_id, []).append(upload)
        return photos

    @classmethod
    def current(cls, kind: str, *, member_ids=(), organisation_ids=()) -> dict[int, "Upload"]:
        """member (avatar) or organisation (logo) id -> its latest visible picture, in one query."""
        if kind == "avatar":
            column, ids = cls.owner, list(member_ids)
        else:
            column, ids = cls.organisation, list(organisation_ids)
        if not ids:
            return {}
        rows = (
            cls.select()
            .where(column.in_(ids) & (cls.kind == kind) & (cls.status == "visible"))
            .order_by(cls.id)
        )
        return {(u.owner_id if kind == "avatar" else u.organisation_id): u for u in rows}

    @classmethod
    def with_post(cls):
        """Uploads with what their access check needs: post, thread, category, and the owner."""
        from .threads import Category, Thread

        return (
            cls.select(cls, Post, Thread, Category, Member)
            .join(Post, JOIN.LEFT_OUTER)
            .join(Thread, JOIN.LEFT_OUTER)
            .join(Category, JOIN.LEFT_OUTER)
            .switch(cls)
            .join(Member, on=(cls.owner == Member.id))
        )

    @classmethod
    def by_name(cls, name: str):
        return cls.with_post().where(cls.name == name).first()

    @classmethod
    def by_id(cls, upload_id: int):
        return cls.with_post().where(cls.id == upload_id).first()

    @classmethod
    def mine(cls, member):
        return list(
            cls.select()
            .where((cls.owner == member) & (cls.status == "visible"))
            .order_by(cls.id.desc())
        )


__all__ = ["CONTENT_TYPES", "SIZES", "UPLOAD_KINDS", "UPLOAD_STATUSES", "Upload"]
