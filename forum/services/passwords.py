"""Passwords: what a new one must be, and how they are kept and checked."""

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from ..errors import Invalid

PASSWORD_MIN = 10
PASSWORD_MAX = 128
# zxcvbn's 0-4 scale; 2 refuses common passwords, names and keyboard walks without
# demanding symbols, which members on phones find hard to type.
PASSWORD_MIN_SCORE = 2


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why a new password will not do, in words for the member; None when it is fine."""
    if len(password) < PASSWORD_MIN:
        return f"Use at least {PASSWORD_MIN} characters: a few unrelated words make a good password."
    if len(password) > PASSWORD_MAX:
        return f"Use at most {PASSWORD_MAX} characters."
    hints = [part.lower() for part in (email.split("@")[0], *name.split()) if len(part) >= 3]
    if _mostly_made_of(password.lower(), hints):
        return "Your password is built from your name or email. Try a few unrelated words together."
    result = zxcvbn(password, user_inputs=[*hints, email, "belong", "forum", "charter"])
    if result["score"] < PASSWORD_MIN_SCORE:
        warning = result["feedback"].get("warning") or "This password is too easy to guess."
        return f"{warning.rstrip('.')}. Try a few unrelated words together."
    return None


def _mostly_made_of(password: str, parts: list[str]) -> bool:
    # zxcvbn matches only one of several personal words, so check them together here.
    rest = password
    for part in sorted(parts, key=len, reverse=True):
        rest = rest.replace(part, "")
    return len(rest) < len(password) and len([c for c in rest if c.isalnum()]) < 6


def check_new_password(password, member_email="", member_name="") -> None:
    problem = password_problem(password, email=member_email, name=member_name)
    if problem:
        raise Invalid(problem, field="password")


def hashed(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)


def matches(password_hash: str | None, password: str | None) -> bool:
    """Whether the password is the one hashed. Without a hash (no such account) a hash is checked
    all the same, so that an unknown address takes as long as a wrong password."""
    if password_hash is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password or "")
        return False
    return check_password_hash(password_hash, password or "")
