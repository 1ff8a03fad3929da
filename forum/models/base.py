"""What every model shares: its base class, ids read from text, and the time as stored."""

from datetime import UTC, datetime

from peewee import Model

from .db import db

# The largest id a row can have on either database (PostgreSQL's integer); a larger number names
# nothing, and handing it to the database would fail with an overflow instead of finding nothing.
MAX_ID = 2**31 - 1


def parse_id(value) -> int | None:
    """A row id (or page number) typed or sent as text: from 1 to MAX_ID, else None. Plain ASCII
    digits only: str.isdigit() also takes "²" and "١", which int() refuses."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def utcnow() -> datetime:
    """Naive UTC, the same on SQLite and PostgreSQL; templates mark it as UTC for the reader."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False

