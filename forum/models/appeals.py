"""Statements of reasons and appeals.

Every staff (or group lead) action on a member's content or account that the member may contest
writes one Decision beside its log entry, in the same transaction: what was done, under which
clause of the Members' Charter, whether reports or the team started it, the content as it was, and
a reference the member can quote. A member appeals a decision once (Appeal.decision is unique),
until its `appeal_until`; someone other than whoever took the decision upholds or reverses it.
"""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .members import Member
from .moderation import ACTIONS, LogEntry

# The actions a member may appeal, and how a statement says what was done to them.
APPEALABLE = {
    "hide_post": "hid your post",
    "remove_post": "removed your post",
    "warn_member": "warned you",
    "suspend_member": "suspended your membership",
    "delete_member": "deleted your account",
    "remove_from_group": "removed you from a group",
}
# What the member sees on their own pages: posts on My posts, the rest on their account page.
POST_DECISIONS = ("hide_post", "remove_post")

# The clauses of the Members' Charter (forum/content/charter.md, "Members will:", numbered in order)
# that each of the moderation reasons (MODERATION_REASONS) stands for. "other" names no single
# clause: the team's note says which rule, and the statement says so.
CHARTER_CLAUSES = {
    "unprofessional": (
        1,
        "Adhere to Professional Standards and Behaviours, upholding the highest professional "
        "standards of personal conduct in every professional situation.",
    ),
    "harmful": (
        6,
        "Act with integrity and avoid any acts, omissions or practices which harm supporters, "
        "beneficiaries, your organisation, the Network as a whole, and the general public.",
    ),
    "dishonest": (7, "Act honestly at all times."),
    "interest": (
        8,
        "Be alert to, and manage openly, any conflicts of interest between yourself and other members.",
    ),
    "uncivil": (
        9,
        "Engage with other members constructively and in a spirit of civility, respect, mutual trust "
        "and good faith.",
    ),
    "permission": (
        11,
        "Take responsibility for any photos and content you upload to the Belong website, including "
        "ensuring you have gained permission from individuals and organisations involved.",
    ),
    "personal": (
        11,
        "Take responsibility for any photos and content you upload to the Belong website, including "
        "ensuring you have gained permission from individuals and organisations involved.",
    ),
    "terms": (
        12,
        "Treat the project details and ideas of other members as they specify and make sure sources "
        "are given appropriate credit.",
    ),
    "promotion": (
        13,
        "You will not approach other members with unsolicited self-promotion or sales pitches.",
    ),
    "spam": (13, "You will not approach other members with unsolicited self-promotion or sales pitches."),
}
# A group's leads remove members by their own judgement, saying why: no Charter clause is claimed.
GROUP_RULE = "A group's leads decide who takes part in its private space, and say why they remove someone."
NO_CLAUSE = "No single clause of the Members' Charter: the team's note below says which rule applies."

STARTED_BY = {
    "reports": "Members reported it to the team",
    "staff": "The team, on its own review",
    "lead": "A lead of the group, on their own review",
}
APPEAL_STATUSES = {"waiting": "Waiting for a decision", "upheld": "Upheld", "reversed": "Reversed"}
# The letters of a reference: no 0/O, 1/I/L, so that it survives being read out or copied by hand.
REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def clause_text(reason: str) -> str:
    """The statement's "which rule": the Charter clause quoted, with its number."""
    found = CHARTER_CLAUSES.get(reason)
    if found is None:
        return NO_CLAUSE
    number, words = found
    return f"Members' Charter, point {number}: “{words}”"


class Decision(BaseModel):
    """A statement of reasons: one per appealable action, never deleted."""

    # The log entry the action wrote (the log is append-only).
    entry = ForeignKeyField(LogEntry, backref="+", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    staff = ForeignKeyField(Member, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=30)
    post_id = IntegerField(null=True, index=True)
    thread_id = IntegerField(null=True)
    group_id = IntegerField(null=True)
    # What it was about, as named then: a thread's title, a group's name.
    label = CharField(max_length=150, default="")
    reason = CharField(max_length=20, default="")
    clause = TextField(default="")
    note = TextField(default="")
    # More on what was done: "7 days, until ...", "Your posts were removed with it".
    detail = TextField(default="")
    started_by = CharField(max_length=10, default="staff")
    # Taken by a group's lead rather than the team.
    by_lead = BooleanField(default=False)
    # The content as it was when the decision was taken (a post's Markdown), for the appeal.
    content = TextField(default="")
    reference = CharField(max_length=12, unique=True)
    # A deleted account's blocked address, freed if the deletion is reversed on appeal.
    blocked_email = CharField(max_length=254, default="")
    appeal_until = DateTimeField()
    created_at = DateTimeField(default=utcnow)
    # Set when an appeal reversed it.
    reversed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("member", "action"), False),)

    @property
    def done(self) -> str:
        return APPEALABLE.get(self.action, self.action)

    @property
    def what(self) -> str:
        """What was done, as the statement tells the member."""
        who = "A lead of the group" if self.by_lead else "The team"
        if self.action in POST_DECISIONS:
            return f"{who} {self.done} in “{self.label}”."
        if self.action == "remove_from_group":
            return f"{who} removed you from the group {self.label}."
        return f"{who} {self.done}."

    @property
    def summary(self) -> str:
        """What was done, as staff read it: "Hid a post: “Clubs”"."""
        text = ACTIONS.get(self.action, self.action).capitalize()
        return f"{text}: “{self.label}”" if self.label else text

    @property
    def started_by_label(self) -> str:
        return STARTED_BY.get(self.started_by, self.started_by)

    @property
    def about_post(self) -> bool:
        return self.action in POST_DECISIONS

    @property
    def appeal_open(self) -> bool:
        return utcnow() <= self.appeal_until


class Appeal(BaseModel):
    """A member's appeal against one decision, and its outcome."""

    decision = ForeignKeyField(Decision, unique=True, backref="+", on_delete="CASCADE")
    member = ForeignKeyField(Member, backref="+", on_delete="CASCADE")
    body = TextField()
    # Sent through Contact the team (a deleted account): the request and the address to answer.
    support_request_id = IntegerField(null=True, index=True)
    email = CharField(max_length=254, default="")
    status = CharField(max_length=10, default="waiting", index=True)
    created_at = DateTimeField(default=utcnow, index=True)
    decided_by = ForeignKeyField(Member, null=True, backref="+", on_delete="SET NULL")
    decided_at = DateTimeField(null=True)
    outcome = TextField(default="")

    @property
    def status_label(self) -> str:
        return APPEAL_STATUSES.get(self.status, self.status)
