"""The Directory of Members: reading profiles as the viewer may see them, editing one's own
profile, organisations (editing, merging), and the shared list of areas of expertise.

Groups in the directory: a profile lists the groups the member is in, if they choose
(`show_groups`), and only those the viewer may see (a listed group, or one the viewer is in:
an unlisted group's name never reaches outsiders); the search filters by a group the viewer may
see, matching members who show their groups. Staff and the member themselves see them all."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from peewee import JOIN, IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..models import Group, Member, Organisation, utcnow
from ..models.base import parse_id
from ..models.db import db
from ..models.directory import (
    CONTACT_POLICIES,
    PAGE_SIZE,
    SORTS,
    Expertise,
    MemberExpertise,
    Search,
    regions_in_use,
    search_page,
)
from .text import render_markdown

# A profile has room for a focused list; more stops saying anything about the person.
MAX_EXPERTISE = 12
EXPERTISE_MAX_LENGTH = 40
# Letters of any script, digits, spaces and a little punctuation: a tag, not a sentence or markup.
EXPERTISE_PUNCTUATION = set(" -&'/().,+")


@dataclass
class Profile:
    """What one viewer may see of one member. Hidden fields are None for members; staff and the
    member themselves get them, with `hidden` naming the ones other members do not see."""

    member: Member
    whole: bool
    organisation: Organisation | None
    region: str
    bio_html: str
    website: str
    expertise: list = field(default_factory=list)
    hidden: set = field(default_factory=set)
    # The groups shown: (Group, "member" or "lead"), by name.
    groups: list = field(default_factory=list)


def profile_for(viewer, member_id: int) -> Profile:
    """The profile as `viewer` may see it. Members see active members only, listed or not (an
    author's name links here from every post); staff see everyone."""
    member = (
        Member.select(Member, Organisation)
        .join(Organisation, JOIN.LEFT_OUTER)
        .where(Member.id == member_id)
        .first()
    )
    if member is None:
        raise NotFound("There is no such member.")
    whole = policy.can(viewer, "see_whole_profile", member)
    if member.status != "active" and not policy.is_staff(viewer):
        raise NotFound("There is no such member.")
    hidden = {
        name
        for name, shown in (
            ("organisation", member.show_organisation),
            ("region", member.show_region),
            ("bio", member.show_bio),
            ("website", member.show_website),
        )
        if not shown
    }
    if not member.listed:
        hidden.add("listing")
    if not member.show_groups and member.groups:
        hidden.add("groups")

    def show(name, value, empty=""):
        return value if (whole or name not in hidden) else empty

    return Profile(
        member=member,
        whole=whole,
        organisation=show("organisation", member.organisation, None),
        region=show("region", member.region),
        bio_html=show("bio", member.bio_html),
        website=show("website", member.website),
        expertise=MemberExpertise.for_members([member.id])[member.id],
        hidden=hidden if whole else set(),
        groups=_profile_groups(viewer, member, whole),
    )


def _profile_groups(viewer, member, whole: bool) -> list:
    """The member's groups as this viewer may see them on the profile, with the member's role in
    each: none if they chose not to show them (but to staff and themselves), and of the rest the
    listed ones and those the viewer is in. One query, none for a member in no group."""
    roles = member.groups
    if not roles or not (whole or member.show_groups):
        return []
    mine = getattr(viewer, "groups", None) or {}
    query = Group.select(Group.id, Group.name, Group.slug, Group.listed).where(Group.id.in_(sorted(roles)))
    return [
        (group, roles[group.id])
        for group in query.order_by(Group.name)
        if whole or group.listed or group.id in mine
    ]


def record_activity(member) -> None:
    """Mark the member as active now (for "recently active"); posting and signing in call it."""
    Member.update(last_active_at=utcnow()).where(Member.id == member.id).execute()


# -- checking what a member typed ----------------------------------------------------------------


def clean_website(raw: str, field_name: str = "website") -> str:
    """An http(s) address, or "" for none. Anything else (javascript:, data:, a bare word) is
    refused rather than guessed at, because it is shown as a link to every member."""
    value = (raw or "").strip()
    if not value:
        return ""
    if "://" not in value and not value.lower().startswith(("javascript:", "data:", "mailto:")):
        value = "https://" + value
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:  # an unclosed "[" (an IPv6 address) and the like
        hostname = None
    if hostname is None or parts.scheme.lower() not in ("http", "https") or "." not in hostname:
        raise Invalid("Enter a web address starting with http:// or https://.", field=field_name)
    if any(c.isspace() or c in "<>\"'" for c in value):
        raise Invalid("A web address can't contain spaces, quotes or angle brackets.", field=field_name)
    if len(value) > 200:
        raise Invalid("Use a web address of at most 200 characters.", field=field_name)
    return value


def clean_expertise_name(raw: str) -> str:
    name = " ".join((raw or "").split())
    if not name:
        return ""
    if len(name) > EXPERTISE_MAX_LENGTH:
        raise Invalid(
            f"“{name[:20]}…” is too long: name an area of expertise in {EXPERTISE_MAX_LENGTH} characters.",
            field="new_expertise",
        )
    if not all(c.isalnum() or c in EXPERTISE_PUNCTUATION for c in name):
        raise Invalid(
            f"“{name}” has characters an area of expertise can't have: use letters, numbers and spaces.",
            field="new_expertise",
        )
    return name


def organisation_name(raw: str | None) -> str:
    """A name typed into the organisation field, tidied; "" means none. Only spaces is a mistake,
    not a choice of none, so it gets a message rather than silently clearing the field."""
    if raw is None or raw == "":
        return ""
    name = " ".join(raw.split())
    if not name:
        raise Invalid(
            "Enter the organisation's name, or leave the field empty for none.", field="organisation"
        )
    return name


def _organisation_named(name: str):
    if not name:
        return None
    key = Organisation.key_for(name)
    return Organisation.get_or_none(Organisation.name_key == key) or Organisation.create(
        name=name, name_key=key
    )


def _known_expertise(chosen_ids) -> list[Expertise]:
    chosen_ids = {int(i) for i in chosen_ids}
    known = list(Expertise.select().where(Expertise.id.in_(list(chosen_ids)))) if chosen_ids else []
    if len(known) != len(chosen_ids):
        raise Invalid(
            "One of the areas you chose is not on the list. Please choose again.", field="expertise"
        )
    return known


def _expertise_for(member, chosen_ids, new_names: str) -> list[Expertise]:
    """The areas a member chose from the list plus the ones they added, created if new."""
    by_key = {e.name_key: e for e in _known_expertise(chosen_ids)}
    for name in filter(None, (clean_expertise_name(raw) for raw in new_names.split(","))):
        key = Expertise.key_for(name)
        if key not in by_key:
            by_key[key] = Expertise.get_or_none(Expertise.name_key == key) or Expertise.create(
                name=name, name_key=key, created_by=member
            )
    if len(by_key) > MAX_EXPERTISE:
        raise Invalid(f"Choose at most {MAX_EXPERTISE} areas of expertise.", field="expertise")
    return list(by_key.values())


# -- editing one's profile -------------------------------------------------------------------------


def profile_problems(data: dict) -> list[Invalid]:
    """Everything wrong with a profile form's data that the form itself cannot see, each beside its
    field; reads the database but writes nothing (inline validation calls it too)."""
    problems = []
    checks = (
        lambda: clean_website(data.get("website", "")),
        lambda: organisation_name(data.get("organisation")),
        lambda: [clean_expertise_name(n) for n in (data.get("new_expertise") or "").split(",")],
        lambda: _known_expertise(data.get("expertise") or []),
    )
    for check in checks:
        try:
            check()
        except Invalid as problem:
            problems.append(problem)
    if data.get("contact_policy") not in CONTACT_POLICIES:
        problems.append(Invalid("Choose who may send you contact requests.", field="contact_policy"))
    return problems


def update_profile(member, data: dict) -> Member:
    """Save the whole profile form, or nothing: every check runs before the first write, and the
    writes share one transaction."""
    policy.require(member, "edit_profile")
    problems = profile_problems(data)
    if problems:
        raise problems[0]
    try:
        with db.atomic():
            areas = _expertise_for(member, data.get("expertise") or [], data.get("new_expertise") or "")
            member.organisation = _organisation_named(organisation_name(data.get("organisation")))
            member.job_title = (data.get("job_title") or "").strip()
            member.region = " ".join((data.get("region") or "").split())
            member.bio_md = (data.get("bio") or "").strip()
            member.bio_html = render_markdown(member.bio_md)
            member.website = clean_website(data.get("website", ""))
            member.projects = (data.get("projects") or "").strip()
            member.interests = (data.get("interests") or "").strip()
            for flag in (
                "listed",
                "show_organisation",
                "show_region",
                "show_bio",
                "show_website",
                "show_groups",
            ):
                setattr(member, flag, bool(data.get(flag)))
            member.contact_policy = data["contact_policy"]
            member.contact_note = (data.get("contact_note") or "").strip()
            member.save()
            MemberExpertise.delete().where(MemberExpertise.member == member).execute()
            if areas:
                MemberExpertise.insert_many(
                    [(member.id, e.id) for e in areas],
                    fields=[MemberExpertise.member, MemberExpertise.expertise],
                ).execute()
    except IntegrityError:
        # Two saves adding the same new area at once: the unique name lets one through.
        raise Conflict("Your profile changed while you were saving it. Please save again.") from None
    return member


def profile_form_data(member) -> dict:
    """The profile as the settings form shows it."""
    return {
        "organisation": member.organisation.name if member.organisation_id else "",
        "job_title": member.job_title,
        "region": member.region,
        "bio": member.bio_md,
        "website": member.website,
        "projects": member.projects,
        "interests": member.interests,
        "expertise": [e.id for e in MemberExpertise.for_members([member.id])[member.id]],
        "listed": member.listed,
        "show_organisation": member.show_organisation,
        "show_region": member.show_region,
        "show_bio": member.show_bio,
        "show_website": member.show_website,
        "show_groups": member.show_groups,
        "contact_policy": member.contact_policy,
        "contact_note": member.contact_note,
    }


# -- searching -------------------------------------------------------------------------------------

# Deeper than this, OFFSET starts to cost; nobody pages through 1,000 pages of a directory.
MAX_PAGE = 500


@dataclass
class Results:
    search: Search
    total: int
    members: list
    expertise: dict
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def read_search(args, viewer=None) -> Search:
    """A Search from a query string, forgiving anything malformed (it is only a link). A group is
    kept only if `viewer` may see it; any other is left out with the same words as a group that
    does not exist, so the filter confirms no unlisted group's name."""
    page = args.get("page", "1")
    expertise = args.get("expertise", "")
    group_slug = args.get("group", "")
    search = Search(
        q=" ".join(args.get("q", "").split())[:100],
        region=" ".join(args.get("region", "").split())[:80],
        organisation=" ".join(args.get("organisation", "").split())[:120],
        sort=args.get("sort") if args.get("sort") in SORTS else "name",
        page=min(parse_id(page) or 1, MAX_PAGE),
    )
    expertise_id = parse_id(expertise)
    if expertise_id and Expertise.get_or_none(Expertise.id == expertise_id):
        search.expertise = expertise_id
    elif expertise:
        search.problems["expertise"] = "That area of expertise is not on the list, so it was left out."
    group = Group.by_slug(group_slug[:80]) if group_slug else None
    if group is not None and policy.can(viewer, "see_group", group):
        search.group, search.group_id = group.slug, group.id
    elif group_slug:
        search.problems["group"] = "That group is not on the list, so it was left out."
    return search


def search_members(viewer, search: Search, per_page: int = PAGE_SIZE) -> Results:
    """One page of the directory as `viewer` may see it: two queries, whatever per_page is."""
    policy.require(viewer, "browse_directory")
    total, members, expertise = search_page(search, policy.can(viewer, "see_whole_profile"), per_page)
    return Results(search=search, total=total, members=members, expertise=expertise, per_page=per_page)


def filter_choices(viewer) -> dict:
    """The search form's lists: regions in use, the areas of expertise, and the groups the viewer
    may see: listed ones and their own, every group for staff (three queries)."""
    everything = policy.can(viewer, "see_whole_profile")
    return {
        "regions": regions_in_use(everything),
        "expertise": list(Expertise.listed()),
        "groups": _groups_to_filter_by(viewer),
    }


def _groups_to_filter_by(viewer) -> list:
    query = Group.select(Group.id, Group.name, Group.slug).order_by(Group.name)
    if not policy.is_staff(viewer):
        query = query.where(Group.listed | Group.id.in_(sorted(getattr(viewer, "groups", None) or {}) or [0]))
    return list(query)


RECENT = 5


def recent_activity(member, viewer) -> tuple[list, list]:
    """The member's latest threads and posts that the viewer may read (the threads module's
    named queries decide what that is)."""
    from ..models import Post, Thread

    if not (hasattr(Thread, "recent_by") and hasattr(Post, "recent_by")):
        return [], []  # until the threads module offers them
    return list(Thread.recent_by(member, viewer, RECENT)), list(Post.recent_by(member, viewer, RECENT))
