"""The moderation log, and staff notes on members.

Every staff action writes exactly one LogEntry, naming one target, in the same transaction as
the action (as Lobsters does), so the log is complete and can be shown to members. Rows are
never updated or deleted: the log is append-only.
"""

from typing import NamedTuple

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .members import Member

# Why staff acted: the Charter's words, kept short for a select.
MODERATION_REASONS = {
    "uncivil": "Disrespectful or uncivil",
    "unprofessional": "Unprofessional conduct",
    "harmful": "Harmful to others",
    "dishonest": "Dishonest or misleading",
    "interest": "Undeclared conflict of interest",
    "promotion": "Unsolicited promotion or sales pitch",
    "permission": "Posted without permission",
    "terms": "Shared against its owner's terms",
    "personal": "Personal information exposed",
    "spam": "Spam",
    "other": "Something else",
}


class PostAction(NamedTuple):
    """A staff action on a post: the statuses it applies to and the one it leaves (who may take
    it: policy, rule `rule`). `label` is its button and its page's heading; `done` is what the
    post is afterwards, in every message that says so: "The post is hidden." to staff, "Staff
    hidden your post" and "The team has hidden your post" to its author, "The post was hidden:
    ..." to those who reported it."""

    name: str
    label: str
    applies_to: tuple[str, ...]
    becomes: str
    done: str

    @property
    def rule(self) -> str:
        return f"{self.name}_post"

    @property
    def announcement(self) -> str:
        return f"The post is {self.done}."


POST_ACTIONS = {
    action.name: action
    for action in (
        PostAction("hide", "Hide", ("visible",), "hidden", "hidden"),
        PostAction("restore", "Restore", ("hidden", "removed"), "visible", "restored"),
        PostAction("remove", "Remove", ("visible", "hidden"), "removed", "removed"),
    )
}

# action -> how the public log says it
ACTIONS = {
    "hide_post": "hid a post",
    "restore_post": "restored a post",
    "remove_post": "removed a post",
    "dismiss_reports": "dismissed reports",
    "lock_thread": "locked a thread",
    "unlock_thread": "unlocked a thread",
    "pin_thread": "pinned a thread",
    "unpin_thread": "unpinned a thread",
    "move_thread": "moved a thread",
    "warn_member": "warned a member",
    "suspend_member": "suspended a member",
    "lift_suspension": "lifted a suspension",
    "delete_member": "deleted an account",
    "close_account": "closed their own account",
    "approve_application": "approved an application",
    "decline_application": "declined an application",
    "answer_support": "answered a request to the team",
    "note_support": "added a note to a request to the team",
    "assign_support": "assigned a request to the team",
    "status_support": "changed the status of a request to the team",
    "remove_photo": "removed a photo",
    "hide_resource": "hid a resource in the library",
    "restore_resource": "restored a resource in the library",
    "remove_resource": "removed a resource from the library",
    "remove_from_group": "removed a member from a group",
    "appoint_lead": "appointed a group lead",
    "step_down_lead": "ended a group lead's role",
    "uphold_appeal": "upheld a decision on appeal",
    "reverse_appeal": "reversed a decision on appeal",
}
TARGET_TYPES = ("post", "thread", "member", "group")


class LogEntry(BaseModel):
    staff = ForeignKeyField(Member, backref="+", on_delete="RESTRICT")
    action = CharField(max_length=30, index=True)
    target_type = CharField(max_length=10)
    target_id = IntegerField()
    # What the target was called when acted on (a thread's title, a member's name), so the
    # log reads well even after the target changes; never the removed content itself.
    target_label = CharField(max_length=150, default="")
    # The thread a post or thread action happened in, for links from the log.
    thread_id = IntegerField(null=True)
    reason = CharField(max_length=20, default="")
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow, index=True)
    # The group whose space the action happened in (migration 020): the public log names no
    # thread, title or member of a group's space to those outside it.
    group_id = IntegerField(null=True)

    class Meta:
        indexes = ((("target_type", "target_id"), False),)

    @property
    def reason_label(self) -> str:
        return MODERATION_REASONS.get(self.reason, "")

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @classmethod
    def page(cls, action: str | None = None, since=None, until=None, before_id: int | None = None, limit=50):
        """Newest first, keyset on id; with the staff member, in one query."""
        query = cls.select(cls, Member).join(Member, on=(cls.staff == Member.id))
        if action:
            query = query.where(cls.action == action)
        if since:
            query = query.where(cls.created_at >= since)
        if until:
            query = query.where(cls.created_at < until)
        if before_id:
            query = query.where(cls.id < before_id)
        return list(query.order_by(cls.id.desc()).limit(limit + 1))


class StaffNote(BaseModel):
    """Context on a member that only staff see: a history of warnings and why."""

    member = ForeignKeyField(Member, backref="staff_notes", on_delete="CASCADE")
    staff = ForeignKeyField(Member, backref="+", on_delete="RESTRICT")
    body = TextField()
    created_at = DateTimeField(default=utcnow)

    @classmethod
    def for_member(cls, member):
        Author = Member.alias()
        return list(
            cls.select(cls, Author)
            .join(Author, on=(cls.staff == Author.id), attr="staff")
            .where(cls.member == member)
            .order_by(cls.created_at.desc())
        )


class BlockedEmail(BaseModel):
    """An address that may not join again, after staff deleted its account."""

    email = CharField(max_length=254, unique=True)
    created_at = DateTimeField(default=utcnow)
