"""Groups: working groups, regional networks and the like, each with a private space of its own
(one or more categories whose `group` is the group), its members and leads, and the requests to
join it and invitations into it.

Who is in which group is kept twice, on purpose: the GroupMember rows, and each member's
`group_roles` (models/members.py), rewritten from those rows in the same transaction as every
change to them (services/groups.py). The policy reads the second, from the member already loaded
for the request, so that deciding what someone may read never queries, and a member removed
from a group loses access with the next request.
"""

from peewee import JOIN, BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField, fn

from .base import BaseModel, utcnow
from .members import Member

# How a member gets in: joins at once, asks and a lead approves, or is invited by a lead.
JOIN_RULES = {
    "open": "Anyone may join",
    "request": "Members ask to join; a lead approves",
    "invite": "By invitation of a lead",
}
GROUP_KINDS = ("working group", "regional network")
GROUP_ROLES = ("member", "lead")
# A request to join (from the member) or an invitation (from a lead), while it waits and after.
REQUEST_KINDS = ("request", "invitation")
REQUEST_STATUSES = ("pending", "approved", "declined", "withdrawn")


class Group(BaseModel):
    name = CharField(max_length=80)
    # The name folded for comparison, so "ESOL Practice" and "esol practice" are one group.
    name_key = CharField(max_length=80, unique=True)
    slug = CharField(max_length=80, unique=True)
    description = TextField(default="")
    kind = CharField(max_length=40, default="working group")
    listed = BooleanField(default=True)
    join_rule = CharField(max_length=10, default="request")
    member_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)

    @staticmethod
    def key_of(name: str) -> str:
        return " ".join(name.split()).casefold()

    @classmethod
    def by_slug(cls, slug: str):
        return cls.get_or_none(cls.slug == slug)


class GroupMember(BaseModel):
    group = ForeignKeyField(Group, backref="memberships", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="group_memberships", on_delete="CASCADE")
    role = CharField(max_length=10, default="member")
    joined_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("group", "member"), True), (("member",), False))

    @classmethod
    def roles_of(cls, member_id: int) -> str:
        """The member's groups as Member.group_roles writes them: "3 5:lead 8", by group id."""
        rows = cls.select(cls.group, cls.role).where(cls.member == member_id).order_by(cls.group)
        return " ".join(f"{r.group_id}:lead" if r.role == "lead" else str(r.group_id) for r in rows)

    @classmethod
    def leads_of(cls, group):
        return list(
            Member.select(Member)
            .join(cls, on=(cls.member == Member.id))
            .where((cls.group == group) & (cls.role == "lead"))
            .order_by(Member.name)
        )

    @classmethod
    def lead_count(cls, group) -> int:
        return cls.select().where((cls.group == group) & (cls.role == "lead")).count()


class GroupRequest(BaseModel):
    """A member's request to join, or a lead's invitation; one pending of each kind at most."""

    group = ForeignKeyField(Group, backref="requests", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=12, default="request")
    status = CharField(max_length=10, default="pending")
    note = TextField(default="")
    # The lead who invited, or who answered the request.
    by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    decided_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("group", "status", "created_at"), False), (("member", "status"), False))

    @classmethod
    def pending(cls, group, member=None, kind=None):
        query = cls.select().where((cls.group == group) & (cls.status == "pending"))
        if member is not None:
            query = query.where(cls.member == member)
        if kind is not None:
            query = query.where(cls.kind == kind)
        return query

    @classmethod
    def waiting_for(cls, group):
        """The group's pending requests and invitations with the members they name, oldest first."""
        return list(
            cls.select(cls, Member)
            .join(Member, on=(cls.member == Member.id))
            .where((cls.group == group) & (cls.status == "pending"))
            .order_by(cls.created_at, cls.id)
        )


def groups_with_activity(condition):
    """Groups meeting `condition`, each with `.last_activity_at`, the latest post in any of its
    categories, in one query."""
    from .threads import Category

    return list(
        Group.select(Group, fn.MAX(Category.last_post_at).alias("last_activity_at"))
        .join(Category, JOIN.LEFT_OUTER, on=(Category.group == Group.id))
        .where(condition)
        .group_by(Group.id)
        .order_by(Group.name)
    )
