"""The Directory of Members: areas of expertise, contact requests, and the named queries that
read profiles and search results.

A directory page costs a fixed number of queries whatever its size: the count, the page of members
(with their organisation, joined), and the expertise of exactly those members (one IN query).
Search is LIKE on a few short columns of active members: a scan of at most a few thousand
short rows, which both SQLite and PostgreSQL do in milliseconds at 10,000 members.
"""

from dataclasses import dataclass, field

from peewee import (
    JOIN,
    SQL,
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    ForeignKeyField,
    TextField,
    fn,
)

from .base import BaseModel, utcnow
from .groups import GroupMember
from .members import Member, Organisation

# The regions offered as a member's or an organisation's region (members may still type another).
REGIONS = (
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "Northern Ireland",
    "Scotland",
    "South East",
    "South West",
    "Wales",
    "West Midlands",
    "Yorkshire and the Humber",
)

CONTACT_POLICIES = {
    "nobody": "Nobody: I don't take contact requests",
    "shared": "Members who share an area of expertise or my region",
    "anyone": "Any member",
}
CONTACT_STATUSES = ("pending", "accepted", "declined")
SORTS = {"name": "Name", "active": "Recently active"}
PAGE_SIZE = 20


class Expertise(BaseModel):
    """An area of expertise from the shared list; members extend it from their profile."""

    name = CharField(max_length=40)
    # Lower-cased, spaces collapsed, unique: "Youth work" and "youth  work" are one area.
    name_key = CharField(max_length=40, unique=True)
    created_by = ForeignKeyField(Member, null=True, on_delete="SET NULL", backref="+")
    created_at = DateTimeField(default=utcnow)

    @staticmethod
    def key_for(name: str) -> str:
        return " ".join((name or "").split()).lower()

    @classmethod
    def listed(cls):
        return cls.select(cls.id, cls.name).order_by(cls.name_key)


class MemberExpertise(BaseModel):
    member = ForeignKeyField(Member, on_delete="CASCADE", backref="expertise_links")
    expertise = ForeignKeyField(Expertise, on_delete="CASCADE", backref="member_links")

    class Meta:
        # The second index serves the filter "members with this expertise".
        indexes = ((("member", "expertise"), True), (("expertise", "member"), False))

    @classmethod
    def for_members(cls, member_ids) -> dict[int, list[Expertise]]:
        """member id -> their areas, by name, for a page of members in one query."""
        found: dict[int, list[Expertise]] = {mid: [] for mid in member_ids}
        if not found:
            return found
        rows = (
            cls.select(cls.member, Expertise)
            .join(Expertise)
            .where(cls.member.in_(list(found)))
            .order_by(Expertise.name_key)
        )
        for row in rows:
            found[row.member_id].append(row.expertise)
        return found


class ContactRequest(BaseModel):
    """An introduction sent through the forum; emails are exchanged only if it is accepted."""

    sender = ForeignKeyField(Member, on_delete="CASCADE", backref="contact_requests_sent")
    recipient = ForeignKeyField(Member, on_delete="CASCADE", backref="contact_requests_received")
    purpose = CharField(max_length=200)
    message = TextField(default="")
    status = CharField(max_length=10, default="pending")
    created_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)
    # Reported by the recipient as unsolicited promotion (a Charter breach).
    reported_at = DateTimeField(null=True)
    # Whether each of the two chose to share their email address (migration 024): accepting no
    # longer shares them by itself; the two talk in a private conversation instead.
    sender_shares_email = BooleanField(default=False)
    recipient_shares_email = BooleanField(default=False)

    class Meta:
        indexes = (
            (("sender", "created_at"), False),
            (("recipient", "status", "created_at"), False),
            (("sender", "recipient", "status"), False),
        )

    @classmethod
    def between(cls, a, b):
        """Requests either way between two members, newest first."""
        return (
            cls.select()
            .where(((cls.sender == a) & (cls.recipient == b)) | ((cls.sender == b) & (cls.recipient == a)))
            .order_by(cls.created_at.desc(), cls.id.desc())
        )

    @classmethod
    def with_people(cls):
        """Requests with both people loaded (two joins, no query per row)."""
        Sender = Member.alias("sender_member")
        Recipient = Member.alias("recipient_member")
        return (
            cls.select(cls, Sender, Recipient)
            .join(Sender, on=(cls.sender == Sender.id))
            .switch(cls)
            .join(Recipient, on=(cls.recipient == Recipient.id))
        )

    @classmethod
    def received_by(cls, member, limit: int = 50):
        """Waiting ones first, then the latest answered."""
        waiting = Case(None, [(cls.status == "pending", 0)], 1)
        return (
            cls.with_people()
            .where(cls.recipient == member)
            .order_by(waiting, cls.created_at.desc(), cls.id.desc())
            .limit(limit)
        )

    @classmethod
    def sent_by(cls, member, limit: int = 50):
        return (
            cls.with_people()
            .where(cls.sender == member)
            .order_by(cls.created_at.desc(), cls.id.desc())
            .limit(limit)
        )

    @property
    def is_pending(self) -> bool:
        return self.status == "pending"


@dataclass
class Search:
    """What a member asked the directory for, already cleaned; also builds the page's links."""

    q: str = ""
    region: str = ""
    expertise: int | None = None
    organisation: str = ""
    # A group the viewer may see, by its slug (for links) and its id (for the query).
    group: str = ""
    group_id: int | None = None
    sort: str = "name"
    page: int = 1
    # Set when a filter named something that does not exist, to say so beside the filter.
    problems: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        # A handful of words is plenty; more only slows the scan down.
        return [w for w in self.q.lower().split() if w][:6]

    def args(self, **changes) -> dict:
        """Query-string arguments for a link to this search, with some changed; empty ones dropped."""
        values = {
            "q": self.q,
            "region": self.region,
            "expertise": self.expertise,
            "organisation": self.organisation,
            "group": self.group,
            "sort": self.sort if self.sort != "name" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, 1)}


def directory_query(search: Search, see_everything: bool):
    """Active members matching a search. Members see only listed profiles and match only on what
    each one shows; staff (see_everything) see and match everyone."""
    query = (
        Member.select(Member, Organisation)
        .join(Organisation, JOIN.LEFT_OUTER)
        .where(Member.status == "active")
    )
    if not see_everything:
        query = query.where(Member.listed == True)  # noqa: E712 (peewee builds SQL from ==)
    for word in search.words:
        query = query.where(_word_matches(word, see_everything))
    if search.region:
        query = query.where(fn.LOWER(Member.region) == search.region.lower())
        if not see_everything:
            query = query.where(Member.show_region == True)  # noqa: E712
    if search.organisation:
        query = query.where(Organisation.name.contains(search.organisation))
        if not see_everything:
            query = query.where(Member.show_organisation == True)  # noqa: E712
    if search.expertise:
        has = MemberExpertise.select(MemberExpertise.member).where(
            MemberExpertise.expertise == search.expertise
        )
        query = query.where(Member.id.in_(has))
    if search.group_id:
        # Members match on a group only if they show their groups (staff see every membership).
        in_group = GroupMember.select(GroupMember.member).where(GroupMember.group == search.group_id)
        query = query.where(Member.id.in_(in_group))
        if not see_everything:
            query = query.where(Member.show_groups == True)  # noqa: E712
    return query


def _word_matches(word: str, see_everything: bool):
    """One searched word, found in the name, role, organisation, an expertise or the bio."""
    expertise = (
        MemberExpertise.select(MemberExpertise.member)
        .join(Expertise)
        .where(Expertise.name_key.contains(word))
    )
    organisation = Organisation.name.contains(word)
    bio = Member.bio_md.contains(word)
    if not see_everything:
        organisation &= Member.show_organisation == True  # noqa: E712
        bio &= Member.show_bio == True  # noqa: E712
    return (
        Member.name.contains(word)
        | Member.job_title.contains(word)
        | organisation
        | bio
        | Member.id.in_(expertise)
    )


def ordered(query, sort: str):
    if sort == "active":
        # Never-active members last on both databases (NULLs sort differently by default).
        never = Case(None, [(Member.last_active_at.is_null(), 1)], 0)
        return query.order_by(never, Member.last_active_at.desc(), Member.id.desc())
    return query.order_by(fn.LOWER(Member.name), Member.id)


def search_page(search: Search, see_everything: bool, per_page: int = PAGE_SIZE):
    """(total, members on the page, {member id: expertise}): two queries, whatever per_page is.

    The page's rows carry how many members match (a window count): a search by words reads every
    member either way (LIKE '%word%' cannot use an index), and a separate COUNT read them all a
    second time (11 ms on SQLite and 30 ms on PostgreSQL at 10,000 members). Only a page past
    the last, which has no row to carry it, counts on its own."""
    query = directory_query(search, see_everything)
    counted = query.select_extend(fn.COUNT(SQL("*")).over().alias("matching"))
    members = list(ordered(counted, search.sort).paginate(search.page, per_page))
    total = members[0].matching if members else (query.count() if search.page > 1 else 0)
    return total, members, MemberExpertise.for_members([m.id for m in members])


def regions_in_use(see_everything: bool) -> list[str]:
    """Regions of listed members that show them, for the filter (one query)."""
    query = Member.select(fn.MIN(Member.region).alias("region")).where(
        (Member.status == "active") & (Member.region != "")
    )
    if not see_everything:
        query = query.where((Member.listed == True) & (Member.show_region == True))  # noqa: E712
    query = query.group_by(fn.LOWER(Member.region)).order_by(fn.LOWER(Member.region))
    return [row.region for row in query]


def organisation_members(organisation, see_everything: bool, limit: int = 200):
    """The organisation's members in the directory, by name."""
    query = Member.select().where((Member.organisation == organisation) & (Member.status == "active"))
    if not see_everything:
        query = query.where((Member.listed == True) & (Member.show_organisation == True))  # noqa: E712
    return query.order_by(fn.LOWER(Member.name), Member.id).limit(limit)
