"""Small helpers the tests share (import them: `from helpers import PASSWORD, signed_in`), and the
cast: the people the tests tell their stories about, each defined once here."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# The password of every account made by the make_member fixture.
PASSWORD = "lantern orchard velvet 42"


@dataclass(frozen=True)
class Part:
    """One person in the cast: who they are (email, name) and where they stand (role, status)."""

    email: str
    name: str
    role: str = "member"
    status: str = "active"
    verified: bool = True
    trusted: bool = False
    # A suspension that ends by itself this many days from now, with a reason, as staff set one.
    suspended_days: int = 0
    # Their place in the cast's group (CAST_GROUP, made with the first who has one): "member",
    # "lead", or "former" (joined, then left).
    group: str = ""


# The cast, by the part each person plays. A new kind of person (a group's lead, a former group
# member) is one more line here, and one more field on Part with its step in Cast.make if the
# part needs more than an account.
CAST = {
    "visitor": None,  # nobody signed in
    "author": Part("author@example.org", "Ann Author"),  # the member whose threads the story is about
    "member": Part("member@example.org", "Mo Member"),
    "other": Part("other@example.org", "Oli Other"),  # another member, who owns none of the above
    "trusted": Part("trusted@example.org", "Tess Trusted", trusted=True),
    "suspended": Part("suspended@example.org", "Sid Suspended", status="suspended", suspended_days=3),
    "applicant": Part("applicant@example.org", "Abe Applicant", status="applicant"),  # verified, waiting
    "unverified": Part("unverified@example.org", "Una Unverified", status="applicant", verified=False),
    "staff": Part("staff@example.org", "Sam Staff", role="staff"),
    "other_staff": Part("other.staff@example.org", "Sue Staff", role="staff"),
    "admin": Part("admin@example.org", "Ada Admin", role="admin"),
    # The cast's group, a working group whose space only its members and staff read.
    "lead": Part("lead@example.org", "Lee Lead", group="lead"),
    "group_member": Part("group.member@example.org", "Gil Group", group="member"),
    "former_member": Part("former.member@example.org", "Fay Former", group="former"),
}
CAST_GROUP = "ESOL Practice"


class Cast(dict):
    """cast("author", "staff") -> the cast so far, read as cast.author or cast["author"]. Each part
    is made once per test, in the order first asked for; "visitor" is None (nobody signed in).
    A test that makes its own app (make_app) asks for its parts after: that app's database is new."""

    def __init__(self, make_member):
        super().__init__()
        self._make_member = make_member

    def __call__(self, *parts: str) -> "Cast":
        for part in parts:
            if part not in self:
                self[part] = self.make(CAST[part])
        return self

    def __getattr__(self, part: str):
        try:
            return self[part]
        except KeyError:
            raise AttributeError(f"{part!r} is not in the cast yet: ask for it with cast({part!r})") from None

    def make(self, part: Part | None):
        if part is None:
            return None
        fields = {"trusted": True} if part.trusted else {}
        if part.suspended_days:
            from datetime import timedelta

            from forum.models import utcnow

            fields["suspended_until"] = utcnow() + timedelta(days=part.suspended_days)
            fields["suspension_reason"] = "Testing"
        member = self._make_member(
            part.email, name=part.name, role=part.role, status=part.status, verified=part.verified, **fields
        )
        if part.group:
            member = self._place_in_group(member, part.group)
        return member

    @property
    def group(self):
        """The cast's group (made with the first part that has a place in it)."""
        from forum.models import Group

        with self._make_member.app.app_context():
            return Group.get(Group.name == CAST_GROUP)

    def _place_in_group(self, member, place: str):
        from forum.models import Group, Member
        from forum.services import groups

        with self._make_member.app.app_context():
            group = Group.get_or_none(Group.name == CAST_GROUP) or groups.create_group(
                CAST_GROUP, "Teachers of English to speakers of other languages.", join_rule="request"
            )
            groups.add_member(group, member, lead=place == "lead")
            if place == "former":
                groups.leave(Member.get_by_id(member.id), group)
            return Member.get_by_id(member.id)


def signed_in(app, who):
    """A new test client signed in as this member (a Member or an email); None: nobody signed in."""
    client = app.test_client()
    if who is not None:
        email = getattr(who, "email", who)
        response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def link_in(body: str) -> str:
    """The path of the first link in an email body."""
    url = re.search(r"https?://\S+", body).group(0)
    return urlsplit(url).path
