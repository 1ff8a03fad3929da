from datetime import UTC, datetime

from peewee import Model

from ..db import db


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; templates mark it as UTC for the reader."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False
