"""peewee models and the named queries that read them, one module per aggregate."""

from .base import BaseModel, utcnow
from .documents import DOCUMENTS, DocumentVersion
from .groups import GROUP_KINDS, JOIN_RULES, Group, GroupMember, GroupRequest
from .members import (
    ROLES,
    STATUSES,
    Acceptance,
    AccountToken,
    Member,
    Organisation,
    normalise_email,
)
from .moderation import ACTIONS, MODERATION_REASONS, BlockedEmail, LogEntry, StaffNote
from .outbox import OutboxMessage
from .posts import POST_STATUSES, Post, PostRevision
from .self_moderation import HiddenThread, Mute, Watch
from .threads import (
    POST_ACCESS,
    POSTS_PER_PAGE,
    READ_ACCESS,
    SHARING,
    THREADS_PER_PAGE,
    Category,
    ReadState,
    Thread,
)

__all__ = [
    "GROUP_KINDS",
    "JOIN_RULES",
    "Group",
    "GroupMember",
    "GroupRequest",
    "ACTIONS",
    "MODERATION_REASONS",
    "BlockedEmail",
    "LogEntry",
    "StaffNote",
    "POST_ACCESS",
    "POST_STATUSES",
    "POSTS_PER_PAGE",
    "READ_ACCESS",
    "SHARING",
    "THREADS_PER_PAGE",
    "Category",
    "Post",
    "PostRevision",
    "ReadState",
    "Thread",
    "ROLES",
    "STATUSES",
    "Acceptance",
    "AccountToken",
    "BaseModel",
    "DOCUMENTS",
    "DocumentVersion",
    "Member",
    "Organisation",
    "OutboxMessage",
    "HiddenThread",
    "Mute",
    "Watch",
    "normalise_email",
    "utcnow",
]
