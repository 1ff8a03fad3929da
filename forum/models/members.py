"""Members, their organisations, their acceptances of the Charter, and single-use account tokens."""

import hashlib
import json
import secrets

from flask_login import UserMixin
from peewee import (
    JOIN,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from .base import BaseModel, parse_id, utcnow
from .documents import DocumentVersion
from .prepared import model_from_row, prepared

ROLES = ("member", "staff", "admin")
STAFF_ROLES = ("staff", "admin")
STATUSES = ("applicant", "active", "suspended", "declined", "deleted")


def normalise_email(email: str) -> str:
    """One spelling per address, so duplicates are caught whatever the case or spacing."""
    return (email or "").strip().lower()


class Organisation(BaseModel):
    name = CharField(max_length=120)
    # The lower-cased name, unique, so "Belong" and "belong " are one organisation.
    name_key = CharField(max_length=120, unique=True)
    created_at = DateTimeField(default=utcnow)
    # The directory's page for it (migration 005); the description is rendered once, like posts.
    description_md = TextField(default="")
    description_html = TextField(default="")
    website = CharField(max_length=200, default="")
    region = CharField(max_length=80, default="")
    sector = CharField(max_length=80, default="")

    @staticmethod
    def key_for(name: str) -> str:
        return " ".join((name or "").split()).lower()

    @classmethod
    def choices(cls):
        return cls.select(cls.id, cls.name).order_by(fn.LOWER(cls.name))


class Member(UserMixin, BaseModel):
    email = CharField(max_length=254, unique=True)
    name = CharField(max_length=80)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=10, default="member")
    status = CharField(max_length=10, default="applicant", index=True)
    organisation = ForeignKeyField(Organisation, null=True, backref="members", on_delete="SET NULL")
    job_title = CharField(max_length=120, default="")
    region = CharField(max_length=80, default="")
    # What the applicant wrote for the staff who review the application.
    application_note = TextField(default="")
    email_verified_at = DateTimeField(null=True)
    reviewed_at = DateTimeField(null=True)
    review_reason = TextField(default="")
    # Part of every session's identity: changing it signs the member out everywhere.
    session_token = CharField(max_length=64, default=lambda: secrets.token_hex(16))
    # {"charter": 2, ...}: the latest version of each document accepted, read with the member's
    # row so that the acceptance check on every request costs no extra query. The history, with
    # times, is in Acceptance.
    accepted_versions = TextField(default="{}")
    created_at = DateTimeField(default=utcnow)
    # The directory profile (migration 005). The bio is rendered once when saved, like a post.
    bio_md = TextField(default="")
    bio_html = TextField(default="")
    website = CharField(max_length=200, default="")
    projects = TextField(default="")
    # Declared interests (Charter: conflicts of interest managed openly): never hidden from members.
    interests = TextField(default="")
    # What the directory shows of the member to other members; staff always see everything.
    listed = BooleanField(default=True)
    show_organisation = BooleanField(default=True)
    show_region = BooleanField(default=True)
    show_bio = BooleanField(default=True)
    show_website = BooleanField(default=True)
    # Who may send a contact request: "nobody", "shared" (an expertise or region in common), "anyone".
    contact_policy = CharField(max_length=10, default="shared")
    contact_note = CharField(max_length=200, default="")
    # Signing in and posting move it; the directory sorts by it ("recently active").
    last_active_at = DateTimeField(null=True, index=True)
    # Set by staff (or `flask users trust`): this member's single report hides a post at once,
    # as a staff member's does (migration 007).
    trusted = BooleanField(default=False)
    # How many reports the member has made: pages skip looking up which of their items the
    # member reported when it is 0, as it is for most members (migration 007).
    report_count = IntegerField(default=0)

    # A suspension (migration 008): until then the member may sign in and read, but not post.
    suspended_until = DateTimeField(null=True)
    suspension_reason = TextField(default="")
    # Staff who want a daily email summarising the moderation queue (migration 009).
    queue_summary = BooleanField(default=False)
    # Low-data mode (migration 011): pages leave out htmx, scripts and images, for slow or
    # metered links. Templates and uploads read `current_user.low_data`.
    low_data = BooleanField(default=False)
    # Unread notifications (migration 015), kept by services/notifying.py: the header's bell
    # reads it from the member already loaded, with no query of its own.
    unread_notifications = IntegerField(default=0)
    # Unread private messages (migration 024), kept the same way by services/conversations.py:
    # the count beside the bell is read from the member already loaded.
    unread_messages = IntegerField(default=0)
    # Reply by email (migration 016): whether notifications carry a reply address, and the
    # generation of those addresses; revoking them all moves it on (services/email_replies.py).
    reply_by_email = BooleanField(default=True)
    reply_generation = IntegerField(default=0)
    # The member's groups, "3 5:lead 8" by group id (migration 020): rewritten from their
    # GroupMember rows in the same transaction as every change to them (services/groups.py), so
    # that the policy reads them from the member as loaded, with no query (models/groups.py).
    group_roles = TextField(default="")
    # Whether the profile lists the (listed) groups the member is in.
    show_groups = BooleanField(default=True)
    # The time zone the member reads times in, an IANA name (migration 022); "" follows the site's
    # (FORUM_TIMEZONE). Read from the member as loaded (forum/services/time_zones.py).
    time_zone = CharField(max_length=64, default="")

    @property
    def groups(self) -> dict[int, str]:
        """group id -> "member" or "lead", read from group_roles (parsed once per text)."""
        raw = self.group_roles or ""
        kept = self.__dict__.get("_groups")
        if kept is None or kept[0] != raw:
            parsed = {}
            for item in raw.split():
                group_id, _, role = item.partition(":")
                parsed[int(group_id)] = role or "member"
            kept = self.__dict__["_groups"] = (raw, parsed)
        return kept[1]

    @property
    def is_suspended(self) -> bool:
        """Suspended now; a suspension whose time has passed ends by itself."""
        if self.status != "suspended":
            return False
        return self.suspended_until is None or self.suspended_until > utcnow()

    # flask-login: a deleted or declined account cannot sign in.
    @property
    def is_active(self) -> bool:
        return self.status in ("applicant", "active", "suspended")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def accepted(self) -> dict[str, int]:
        return json.loads(self.accepted_versions or "{}")

    def documents_to_accept(self, current: dict[str, int]) -> list[str]:
        accepted = self.accepted
        return [doc for doc, version in current.items() if accepted.get(doc, 0) < version]

    @classmethod
    def by_email(cls, email: str):
        return cls.get_or_none(cls.email == normalise_email(email))

    @classmethod
    def for_session(cls, session_id: str):
        """The member a session cookie names, or None if it was signed out everywhere."""
        member_id, _, token = (session_id or "").partition(":")
        member_id = parse_id(member_id)
        if member_id is None or not token:
            return None
        fields = cls._meta.sorted_fields
        rows = prepared(
            "member for session",
            lambda i: cls.select(*fields, *DocumentVersion.latest_columns()).where(cls.id == i),
            member_id,
            rows=lambda cursor: cursor.fetchall(),
        )
        member = None
        if rows:
            row = rows[0]
            member = model_from_row(cls, fields, row[: len(fields)])
            # Each document's latest version, read with the member (require_current_acceptance).
            member.current_versions = DocumentVersion.versions_from_columns(row[len(fields) :])
        if member and secrets.compare_digest(member.session_token, token):
            return member
        return None

    @classmethod
    def active_staff(cls, admins_only: bool = False):
        """The staff (or the admins alone) who act and are told as the team: active and verified.
        Alerts, the queue's daily summary and the support inbox's assignees all start from it."""
        roles = ("admin",) if admins_only else STAFF_ROLES
        return cls.select().where(
            cls.role.in_(roles) & (cls.status == "active") & cls.email_verified_at.is_null(False)
        )

    @classmethod
    def pending_applications(cls):
        """Verified applicants waiting for staff, oldest first, with their organisation."""
        return (
            cls.select(cls, Organisation)
            .join(Organisation, JOIN.LEFT_OUTER)
            .where((cls.status == "applicant") & cls.email_verified_at.is_null(False))
            .order_by(cls.email_verified_at, cls.id)
        )


class Acceptance(BaseModel):
    """A member's acceptance of one version of a document, and when."""

    member = ForeignKeyField(Member, backref="acceptances", on_delete="CASCADE")
    document = CharField(max_length=40)
    version = IntegerField()
    accepted_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("member", "document", "version"), True),)


TOKEN_PURPOSES = ("verify-email", "reset-password", "change-email")


class AccountToken(BaseModel):
    """A single-use, expiring link sent by email. Only a hash is stored, so a leaked
    database cannot be used to take over accounts."""

    member = ForeignKeyField(Member, backref="tokens", on_delete="CASCADE")
    purpose = CharField(max_length=20)
    token_hash = CharField(max_length=64, unique=True)
    # For a change of email: the address that becomes the member's when the link is used.
    new_email = CharField(max_length=254, default="")
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, member, purpose: str, lifetime, new_email: str = "") -> str:
        """Create a token and return the raw value for the email; it is never stored."""
        raw = secrets.token_urlsafe(32)
        cls.create(
            member=member,
            purpose=purpose,
            token_hash=cls.hash(raw),
            new_email=new_email,
            expires_at=utcnow() + lifetime,
        )
        return raw

    @classmethod
    def find(cls, raw: str, purpose: str):
        """The token for a raw value and purpose, used or not, or None."""
        return (
            cls.select(cls, Member)
            .join(Member)
            .where((cls.token_hash == cls.hash(raw or "")) & (cls.purpose == purpose))
            .first()
        )

    @classmethod
    def retire_others(cls, member, purpose: str):
        """Older links for the same purpose stop working when a new one is used."""
        cls.update(used_at=utcnow()).where(
            (cls.member == member) & (cls.purpose == purpose) & cls.used_at.is_null()
        ).execute()


__all__ = [
    "ROLES",
    "STATUSES",
    "AccountToken",
    "Acceptance",
    "Member",
    "Organisation",
    "normalise_email",
]
