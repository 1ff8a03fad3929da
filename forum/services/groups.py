"""Groups: creating them (admins, the CLI), what a member sees of them, joining, asking, leaving;
what leads do (answering, inviting, removing, pinning) is in services/group_leads.py, named here
too. Each change to who is in a group rewrites the members' `group_roles` in the same
transaction (_sync), so the policy, which reads them from the member as loaded, is never behind:
someone removed from a group loses its space with their next request."""

from dataclasses import dataclass, field

from peewee import IntegrityError, fn

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..models import (
    GROUP_KINDS,
    JOIN_RULES,
    Category,
    Group,
    GroupMember,
    GroupRequest,
    Member,
    Thread,
    utcnow,
)
from ..models.db import db
from ..models.groups import groups_with_activity
from ..policy.groups import NO_SUCH_GROUP, group_role
from .categories import slugify

NAME_MAX = 80
DESCRIPTION_MAX = 2000
NOTE_MAX = 500
THREADS_ON_PAGE = 20
MEMBERS_ON_PAGE = 200


# -- keeping each member's groups on their row --------------------------------------------------


def _sync(member_id: int) -> None:
    """Rewrite the member's group_roles from their GroupMember rows. The member's row is locked
    first (PostgreSQL; SQLite writes one transaction at a time), so two changes at once for the
    same member cannot each write what they read before the other."""
    if getattr(db.obj, "for_update", False):
        list(Member.select(Member.id).where(Member.id == member_id).for_update())
    Member.update(group_roles=GroupMember.roles_of(member_id)).where(Member.id == member_id).execute()


def _recount(group_id: int) -> None:
    count = GroupMember.select(fn.COUNT(GroupMember.id)).where(GroupMember.group == group_id)
    Group.update(member_count=count).where(Group.id == group_id).execute()


def put_in_group(group, member, role: str) -> bool:
    """Make `member` a member (or lead) of the group; False if they already were, as that."""
    row = GroupMember.get_or_none((GroupMember.group == group) & (GroupMember.member == member))
    if row is not None and row.role == role:
        return False
    if row is None:
        GroupMember.create(group=group, member=member, role=role)
    else:
        GroupMember.update(role=role).where(GroupMember.id == row.id).execute()
    _recount(group.id)
    _sync(member.id)
    return True


def take_out_of_group(group, member_id: int) -> bool:
    gone = (
        GroupMember.delete().where((GroupMember.group == group) & (GroupMember.member == member_id)).execute()
    )
    if gone:
        _recount(group.id)
        _sync(member_id)
    return bool(gone)


def _close_pending(group, member_id: int, status: str, by=None) -> None:
    GroupRequest.update(status=status, decided_at=utcnow(), by=by).where(
        (GroupRequest.group == group)
        & (GroupRequest.member == member_id)
        & (GroupRequest.status == "pending")
    ).execute()


# -- creating ---------------------------------------------------------------------------------


def _check(name: str, description: str, kind: str, join_rule: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())
    description = (description or "").strip()
    kind = " ".join((kind or "").split()).lower() or GROUP_KINDS[0]
    if not name:
        raise Invalid("Give the group a name.", field="name")
    if len(name) > NAME_MAX:
        raise Invalid(f"Use at most {NAME_MAX} characters for the name.", field="name")
    if not slugify(name):
        raise Invalid("Give the group a name with at least one letter or digit.", field="name")
    if len(description) > DESCRIPTION_MAX:
        raise Invalid(f"Use at most {DESCRIPTION_MAX:,} characters for the description.", field="description")
    if len(kind) > 40:
        raise Invalid("Use at most 40 characters for the kind of group.", field="kind")
    if join_rule not in JOIN_RULES:
        raise Invalid(f"How members join must be one of: {', '.join(JOIN_RULES)}.", field="join_rule")
    return name, description, kind


def _free_category_slug(slug: str) -> str:
    taken = {c.slug for c in Category.select(Category.slug).where(Category.slug.startswith(slug))}
    if slug not in taken:
        return slug
    candidate, n = f"{slug}-group", 2
    while candidate in taken:
        candidate, n = f"{slug}-group-{n}", n + 1
    return candidate


def create_group(
    name: str,
    description: str = "",
    kind: str = GROUP_KINDS[0],
    join_rule: str = "request",
    listed: bool = True,
    leads=(),
    by=None,
) -> Group:
    """A group and its space (a category of its own, read by its members and staff alone), with
    its first leads, in one transaction. `by`: the admin creating it (None from the CLI)."""
    if by is not None:
        policy.require(by, "create_group", message="Only admins create groups.")
    name, description, kind = _check(name, description, kind, join_rule)
    key, slug = Group.key_of(name), slugify(name)
    taken = f"There is already a group called {name}: choose another name."
    try:
        with db.atomic():
            if Group.select().where((Group.name_key == key) | (Group.slug == slug)).exists():
                raise Conflict(taken, field="name")
            group = Group.create(
                name=name,
                name_key=key,
                slug=slug,
                description=description,
                kind=kind,
                join_rule=join_rule,
                listed=listed,
            )
            position = (Category.select(fn.MAX(Category.position)).scalar() or 0) + 1
            Category.create(
                name=name,
                slug=_free_category_slug(slug),
                description=f"The space of the group {name}: its members and staff read it, nobody else.",
                read_access="members",
                post_access="members",
                position=position,
                group=group,
            )
            for lead in leads:
                put_in_group(group, lead, "lead")
    except IntegrityError:
        # Two admins creating the same name at once: the unique name index decides.
        raise Conflict(taken, field="name") from None
    return group


def add_member(group, member, lead: bool = False) -> bool:
    """For the CLI and staff: put an existing member in the group (as a lead with `lead`).
    False if they were already there, in that role."""
    if member.status not in ("active", "suspended"):
        raise Invalid(f"{member.email} is not an active member.")
    with db.atomic():
        added = put_in_group(group, member, "lead" if lead else "member")
        _close_pending(group, member.id, "approved")
    return added


# -- what a member sees -----------------------------------------------------------------------


def _loaded(viewer, group) -> Group:
    """The group with what the policy asks of it loaded: the viewer's pending request or
    invitation, and how many leads it has."""
    group.viewer_request = None
    if policy.is_reading_member(viewer) and group.id not in viewer.groups:
        group.viewer_request = GroupRequest.pending(group, viewer.id).order_by(GroupRequest.id.desc()).first()
    group.lead_count = GroupMember.lead_count(group)
    return group


def group_for(viewer, slug: str) -> Group:
    """The group at `slug`, for someone who may see it; otherwise not found, as for a group
    that does not exist, so an unlisted group's name is not confirmed to outsiders."""
    group = Group.by_slug(slug)
    if group is None:
        raise NotFound(NO_SUCH_GROUP)
    _loaded(viewer, group)
    if not policy.can(viewer, "see_group", group):
        raise NotFound(NO_SUCH_GROUP)
    return group


def visible_groups(viewer) -> list[Group]:
    """The groups the Groups page lists to the viewer: the listed ones, those they are in, and
    for staff every group; each with its size and latest activity. One query."""
    if policy.is_staff(viewer):
        condition = Group.id.is_null(False)
    else:
        condition = Group.listed | Group.id.in_(sorted(viewer.groups) or [0])
    return groups_with_activity(condition)


@dataclass
class GroupPage:
    group: Group
    role: str | None
    leads: list
    members: list
    hidden_members: int
    categories: list
    threads: list
    waiting: list = field(default_factory=list)
    # Ids of the members shown whom the viewer may remove (leads and staff).
    removable: set = field(default_factory=set)


def page(viewer, group) -> GroupPage:
    """A group's page: its leads, the members the viewer may see (a member who is not listed in
    the directory is counted, not named, except to staff and themselves), its space and latest
    threads, and for its leads the requests and invitations waiting. A fixed number of queries."""
    members = list(
        Member.select(Member, GroupMember.role.alias("group_role"))
        .join(GroupMember, on=(GroupMember.member == Member.id))
        .where(GroupMember.group == group)
        .order_by(Member.name)
        .limit(MEMBERS_ON_PAGE)
        .objects()
    )
    staff = policy.is_staff(viewer)
    shown = [m for m in members if m.listed or staff or m.id == viewer.id]
    categories = list(Category.select().where(Category.group == group).order_by(Category.position))
    role = group_role(viewer, group.id)
    threads = []
    if categories and policy.can(viewer, "read_category", categories[0]):
        threads = list(
            Thread.select(Thread, Member)
            .join(Member, on=(Thread.author == Member.id))
            .where(
                Thread.category.in_([c.id for c in categories]) & Thread.visible_to(policy.reading(viewer))
            )
            .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
            .limit(THREADS_ON_PAGE)
        )
    spaces = {c.id: c for c in categories}
    for thread in threads:
        thread.category = spaces[thread.category_id]  # loaded: the pin rule asks, with no query
    leading = policy.can(viewer, "lead_group", group)
    waiting = GroupRequest.waiting_for(group) if leading else []
    removable = set()
    if leading:
        removable = {
            m.id
            for m in shown
            if policy.can(viewer, "remove_from_group", GroupMember(group=group, member=m, role=m.group_role))
        }
    return GroupPage(
        group=group,
        role=role,
        leads=[m for m in members if m.group_role == "lead"],
        members=shown,
        hidden_members=max(group.member_count - len(shown), 0),
        categories=categories,
        threads=threads,
        waiting=waiting,
        removable=removable,
    )


# -- joining and leaving ------------------------------------------------------------------------


def join(member, group) -> None:
    """Join an open group, or accept an invitation into any group."""
    _loaded(member, group)
    policy.require(member, "join_group", group)
    with db.atomic():
        put_in_group(group, member, "member")
        _close_pending(group, member.id, "approved")


def ask(member, group, note: str = "") -> GroupRequest:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise Invalid(f"Use at most {NOTE_MAX} characters for your note.", field="note")
    _loaded(member, group)
    policy.require(member, "ask_to_join_group", group)
    with db.atomic():
        # Asked twice at once (two tabs): the second finds the first in the same transaction.
        if GroupRequest.pending(group, member.id).exists():
            raise Conflict("You have already asked to join this group: a lead will answer.")
        return GroupRequest.create(group=group, member=member, kind="request", note=note)


def withdraw_request(member, group) -> None:
    with db.atomic():
        closed = (
            GroupRequest.update(status="withdrawn", decided_at=utcnow())
            .where(
                (GroupRequest.group == group)
                & (GroupRequest.member == member.id)
                & (GroupRequest.status == "pending")
            )
            .execute()
        )
    if not closed:
        raise Conflict("There is no request or invitation waiting.")


def leave(member, group) -> None:
    _loaded(member, group)
    policy.require(member, "leave_group", group)
    with db.atomic():
        if not take_out_of_group(group, member.id):
            raise Conflict("You are not in this group.")
        # The last lead leaving at once as another: checked again inside the transaction.
        if GroupMember.lead_count(group) == 0 and member.groups.get(group.id) == "lead":
            raise Conflict(
                "You are this group's only lead: ask staff to appoint another lead before you leave."
            )


def decline_invitation(member, group) -> None:
    with db.atomic():
        closed = (
            GroupRequest.update(status="declined", decided_at=utcnow())
            .where(
                (GroupRequest.group == group)
                & (GroupRequest.member == member.id)
                & (GroupRequest.kind == "invitation")
                & (GroupRequest.status == "pending")
            )
            .execute()
        )
    if not closed:
        raise Conflict("There is no invitation waiting.")


# -- what the pages need besides --------------------------------------------------------------


def refresh_roles(member) -> None:
    """After a change to who is in a group, the member as loaded for this request reads their
    groups again, so the rest of the request (the page drawn after) sees the change."""
    member.group_roles = Member.select(Member.group_roles).where(Member.id == member.id).scalar() or ""


def waiting_on(member) -> list[GroupRequest]:
    """The member's own requests to join and invitations still waiting, with their groups."""
    if not policy.is_reading_member(member):
        return []
    return list(
        GroupRequest.select(GroupRequest, Group)
        .join(Group, on=(GroupRequest.group == Group.id))
        .where((GroupRequest.member == member.id) & (GroupRequest.status == "pending"))
        .order_by(GroupRequest.created_at.desc(), GroupRequest.id.desc())
    )


# What leads do lives in services/group_leads.py; named here too, so callers say groups.answer.
from .group_leads import (  # noqa: E402,F401
    answer,
    create_group_by,
    invite,
    membership_of,
    pin,
    remove_member,
    request_by_id,
    set_lead,
    space_thread,
)
