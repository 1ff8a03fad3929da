"""Who someone is: signed in, a member in good standing, staff, an admin, an applicant. Every other
rule is built on these, and they read only the member as loaded."""


def signed_in(member) -> bool:
    return bool(getattr(member, "is_authenticated", False))


def is_active_member(member) -> bool:
    """Verified, approved and in good standing (a suspension whose time has passed is over)."""
    if not (signed_in(member) and member.is_verified):
        return False
    return member.status == "active" or (member.status == "suspended" and not member.is_suspended)


def is_reading_member(member) -> bool:
    """A member who may read what members read: in good standing, or suspended, since a
    suspension stops a member taking part (posting, contacting, reporting), not reading."""
    if not (signed_in(member) and member.is_verified):
        return False
    return member.status in ("active", "suspended")


def is_staff(member) -> bool:
    return is_active_member(member) and member.role in ("staff", "admin")


def is_admin(member) -> bool:
    return is_active_member(member) and member.role == "admin"


def is_applicant(member) -> bool:
    return signed_in(member) and member.status == "applicant"


def may_self_moderate(member) -> bool:
    return signed_in(member) and member.is_verified and member.status in ("active", "suspended")


def is_author(member, post) -> bool:
    return signed_in(member) and post.author_id == member.id
