"""peewee models and the named queries that read them, one module per aggregate."""

from .base import BaseModel, utcnow
from .documents import DOCUMENTS, DocumentVersion
from .members import (
    ROLES,
    STATUSES,
    Acceptance,
    AccountToken,
    Member,
    Organisation,
    normalise_email,
)
from .outbox import OutboxMessage

__all__ = [
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
    "normalise_email",
    "utcnow",
]
