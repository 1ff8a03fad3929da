"""peewee models and the named queries that read them, one module per aggregate."""

from .base import BaseModel, utcnow
from .documents import DOCUMENTS, DocumentVersion
from .outbox import OutboxMessage

__all__ = ["BaseModel", "DOCUMENTS", "DocumentVersion", "OutboxMessage", "utcnow"]
