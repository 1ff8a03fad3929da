"""Joining, verifying, approval by staff, signing in, and the member's own account. What a
password must be, and how it is kept and checked, is in passwords.py."""

import json
from datetime import timedelta
from secrets import token_hex

from flask import current_app, render_template, url_for
from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..mail import outbox as mail
from ..models import (
    ROLES,
    Acceptance,
    AccountToken,
    DocumentVersion,
    Member,
    Organisation,
    normalise_email,
    utcnow,
)
from ..models.db import db
from . import moderating
from .passwords import check_new_password, hashed, matches

VERIFY_LIFETIME = timedelta(hours=24)
RESET_LIFETIME = timedelta(hours=1)


# -- joining -----------------------------------------------------------------------------------


def join(details: dict, accepted: dict[str, int]) -> Member:
    """An application: the account, its acceptances and the verification email, all or nothing.

    `accepted` maps each document to the version the applicant saw and ticked.
    """
    email = normalise_email(details["email"])
    check_new_password(details["password"], email, details["name"])
    current = DocumentVersion.current_versions()
    missing = [doc for doc, version in current.items() if accepted.get(doc) != version]
    if missing:
        raise Invalid("Please accept the current Charter, Code of Conduct and Website Terms to join.")
    try:
        with db.atomic():
            if Member.by_email(email):
                raise Conflict(_duplicate_message(), field="email")
            if moderating.is_blocked(email):
                raise Conflict("This email address cannot be used to join.", field="email")
            member = Member.create(
                email=email,
                name=details["name"].strip(),
                password_hash=hashed(details["password"]),
                organisation=_organisation_named(details.get("organisation", "")),
                job_title=details.get("job_title", "").strip(),
                region=details.get("region", "").strip(),
                application_note=details.get("application_note", "").strip(),
                status="applicant",
            )
            _record_acceptance(member, current)
            _send_verification(member)
    except IntegrityError:
        # Two joins with the same address at once: the unique index lets one through.
        raise Conflict(_duplicate_message(), field="email") from None
    return member


def _duplicate_message():
    return "An account with this email already exists. Sign in, or reset your password if you forgot it."


def _organisation_named(name: str):
    name = " ".join((name or "").split())
    if not name:
        return None
    key = Organisation.key_for(name)
    existing = Organisation.get_or_none(Organisation.name_key == key)
    return existing or Organisation.create(name=name, name_key=key)


def _record_acceptance(member: Member, versions: dict[str, int]) -> None:
    accepted = member.accepted
    for document, version in versions.items():
        Acceptance.insert(member=member, document=document, version=version).on_conflict_ignore().execute()
        accepted[document] = max(version, accepted.get(document, 0))
    member.accepted_versions = json.dumps(accepted, sort_keys=True)
    member.save(only=[Member.accepted_versions])


def _send_verification(member: Member) -> None:
    raw = AccountToken.issue(member, "verify-email", VERIFY_LIFETIME)
    _email(
        member.email,
        "Confirm your email address",
        "verify-email",
        member=member,
        link=url_for("auth.verify_email", token=raw, _external=True),
    )


def resend_verification(member: Member) -> None:
    policy.require(member, "resend_verification")
    with db.atomic():
        _send_verification(member)


def _email(to: str, subject: str, kind: str, **context) -> None:
    body = render_template(f"email/{kind}.txt", site_name=current_app.config["SITE_NAME"], **context)
    mail.queue(to, f"{subject} · {current_app.config['SITE_NAME']}", body, kind)


def check_token(raw: str, purpose: str) -> AccountToken:
    """The token if it can still be used; Invalid with a clear reason if forged, used or expired."""
    token = AccountToken.find(raw, purpose)
    if token is None:
        raise Invalid("This link is not valid. Check that you copied all of it from the email.")
    if token.used_at is not None:
        raise Invalid("This link has already been used.")
    if token.expires_at < utcnow():
        raise Invalid("This link has expired.")
    return token


def _use_token(raw: str, purpose: str) -> AccountToken:
    """The token, marked used, so that no second request can use it."""
    token = check_token(raw, purpose)
    claimed = (
        AccountToken.update(used_at=utcnow())
        .where((AccountToken.id == token.id) & AccountToken.used_at.is_null())
        .execute()
    )
    if not claimed:  # used by another request a moment ago
        raise Invalid("This link has already been used.")
    return token


def verify_email(raw: str, membership_mode: str) -> Member:
    with db.atomic():
        token = _use_token(raw, "verify-email")
        member = token.member
        if not member.is_verified:
            member.email_verified_at = utcnow()
            if membership_mode == "open" and member.status == "applicant":
                member.status = "active"
                member.reviewed_at = utcnow()
            member.save()
    return member


# -- staff review ------------------------------------------------------------------------------


def pending_application(staff, member_id: int) -> Member:
    policy.require(staff, "review_applications")
    member = Member.get_or_none(Member.id == member_id)
    if member is None or not member.is_verified or member.status not in ("applicant", "active", "declined"):
        raise NotFound("There is no such application.")
    if member.status != "applicant":
        raise Conflict(
            f"This application was already {'approved' if member.status == 'active' else 'declined'}."
        )
    return member


def approve(staff, member_id: int) -> Member:
    with db.atomic():
        member = pending_application(staff, member_id)
        member.status = "active"
        member.reviewed_at = utcnow()
        member.save()
        moderating.log(staff, "approve_application", "member", member.id, label=member.name)
        _email(
            member.email,
            "Welcome: your membership is approved",
            "application-approved",
            member=member,
            link=url_for("threads.index", _external=True),
        )
    return member


def decline(staff, member_id: int, reason: str) -> Member:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Please give the applicant a reason.")
    with db.atomic():
        member = pending_application(staff, member_id)
        member.status = "declined"
        member.reviewed_at = utcnow()
        member.review_reason = reason
        member.save()
        moderating.log(staff, "decline_application", "member", member.id, label=member.name, note=reason)
        _email(member.email, "About your application", "application-declined", member=member, reason=reason)
    return member


# -- signing in and the Charter ----------------------------------------------------------------


def authenticate(email: str, password: str) -> Member | None:
    """The member these credentials belong to, or None. The same time and answer whether the
    email is unknown or the password wrong, so nobody learns which accounts exist."""
    member = Member.by_email(email)
    if member is None or not member.is_active:
        matches(None, password)  # the same time as a wrong password
        return None
    if not matches(member.password_hash, password):
        return None
    return member


def documents_to_accept(member: Member) -> list[DocumentVersion]:
    pending = member.documents_to_accept(DocumentVersion.current_versions())
    return [DocumentVersion.current(doc) for doc in pending]


def accept_documents(member: Member, versions: dict[str, int]) -> None:
    """Record acceptance of exactly the versions the member was shown."""
    current = DocumentVersion.current_versions()
    stale = [doc for doc, version in versions.items() if current.get(doc) != version]
    if stale:
        raise Conflict("A document changed while you were reading it. Please read the new version.")
    with db.atomic():
        _record_acceptance(member, versions)


# -- the member's own account ------------------------------------------------------------------


def change_name(member: Member, name: str) -> None:
    policy.require(member, "manage_own_account")
    member.name = name.strip()
    member.save(only=[Member.name])


def request_email_change(member: Member, new_email: str, password: str) -> None:
    """Send a confirmation link to the new address; the email changes when it is used."""
    policy.require(member, "manage_own_account")
    if not matches(member.password_hash, password):
        raise Invalid("Your current password is not right.", field="password")
    new_email = normalise_email(new_email)
    if new_email == member.email:
        raise Invalid("That is already your email address.", field="email")
    with db.atomic():
        if Member.by_email(new_email):
            raise Conflict("Another account already uses this email address.", field="email")
        raw = AccountToken.issue(member, "change-email", VERIFY_LIFETIME, new_email=new_email)
        _email(
            new_email,
            "Confirm your new email address",
            "change-email",
            member=member,
            link=url_for("auth.confirm_email_change", token=raw, _external=True),
        )


def confirm_email_change(raw: str) -> Member:
    try:
        with db.atomic():
            token = _use_token(raw, "change-email")
            member = token.member
            if Member.by_email(token.new_email):
                raise Conflict("Another account already uses this email address.")
            member.email = token.new_email
            member.email_verified_at = utcnow()
            member.save()
    except IntegrityError:
        raise Conflict("Another account already uses this email address.") from None
    return member


def change_password(member: Member, current: str, new: str) -> None:
    """A new password ends every other session of this member."""
    policy.require(member, "manage_own_account")
    if not matches(member.password_hash, current):
        raise Invalid("Your current password is not right.", field="current_password")
    check_new_password(new, member.email, member.name)
    _set_password(member, new)


def _set_password(member: Member, password: str) -> None:
    member.password_hash = hashed(password)
    member.session_token = token_hex(16)
    member.save(only=[Member.password_hash, Member.session_token])


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; the caller says the same either way."""
    member = Member.by_email(email)
    if member is None or not member.is_active:
        return
    with db.atomic():
        raw = AccountToken.issue(member, "reset-password", RESET_LIFETIME)
        _email(
            member.email,
            "Reset your password",
            "reset-password",
            member=member,
            link=url_for("auth.reset_password", token=raw, _external=True),
        )


def reset_password(raw: str, new: str) -> Member:
    token = check_token(raw, "reset-password")
    check_new_password(new, token.member.email, token.member.name)
    with db.atomic():
        token = _use_token(raw, "reset-password")
        AccountToken.retire_others(token.member, "reset-password")
        _set_password(token.member, new)
        if not token.member.is_verified:
            # The link reached their inbox, which is what verifying proves.
            token.member.email_verified_at = utcnow()
            token.member.save(only=[Member.email_verified_at])
    return token.member


# -- admin -------------------------------------------------------------------------------------


def create_account(email: str, name: str, role: str, password: str) -> Member:
    """An active, verified account that has accepted the current documents (the CLI's)."""
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.")
    email = normalise_email(email)
    if "@" not in email:
        raise Invalid("That is not an email address.")
    if not name.strip():
        raise Invalid("A name is needed.")
    try:
        with db.atomic():
            if Member.by_email(email):
                raise Conflict(f"An account with the email {email} already exists.")
            member = Member.create(
                email=email,
                name=name.strip(),
                password_hash=hashed(password),
                role=role,
                status="active",
                email_verified_at=utcnow(),
                reviewed_at=utcnow(),
            )
            _record_acceptance(member, DocumentVersion.current_versions())
    except IntegrityError:
        raise Conflict(f"An account with the email {email} already exists.") from None
    return member


def set_role(email: str, role: str) -> Member:
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.")
    member = Member.by_email(email)
    if member is None:
        raise NotFound(f"No account has the email {normalise_email(email)}.")
    member.role = role
    member.save(only=[Member.role])
    return member
