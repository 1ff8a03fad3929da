"""Who may do what: the one place each rule lives.

`can(member, action, target=None)` answers for routes (through `requires`), templates (`can` is a
Jinja global) and domain functions alike. `member` is flask-login's current_user: a Member or an
anonymous visitor. Rules read only what is already loaded; none of them queries the database.

The rules live in modules by what they ask: `roles` (who someone is), `visibility` (what they may
read: the one visibility rule), `refusals` (rules that say why not) and `rules` (the table of
every action by name). This module answers with them: `can`, `require`, and for routes `requires`.
"""

from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from ..errors import NotAllowed
from ..models.base import local_text
from .refusals import (  # noqa: F401
    NO_PERMISSION,
    contact_refusal,
    may_act_on_member,
    report_counts,
    report_refusal,
    staff_post_actions,
)
from .roles import (  # noqa: F401
    is_active_member,
    is_admin,
    is_applicant,
    is_author,
    is_reading_member,
    is_staff,
    may_self_moderate,
    signed_in,
)
from .rules import REFUSALS, RULES
from .visibility import (  # noqa: F401 (the policy's vocabulary, imported from here)
    Reading,
    may_list_thread,
    may_read_category,
    may_read_thread,
    may_reply,
    may_see_post_body,
    may_see_upload,
    may_start_thread,
    reading,
)


def can(member, action: str, target=None) -> bool:
    try:
        rule = RULES[action]
    except KeyError:
        raise ValueError(f"No policy rule named {action!r}") from None
    return bool(rule(member, target))


def require(member, action: str, target=None, message: str = "") -> None:
    """For domain functions: raise the rule's own refusal (REFUSALS), else NotAllowed with
    `message`, unless the member may."""
    why_not = REFUSALS.get(action)
    if why_not is not None:
        error = why_not(member, target)
        if error is not None:
            raise error
    elif not can(member, action, target):
        raise NotAllowed(message or NO_PERMISSION)


def refusal(action: str):
    """None if the current person may; otherwise the answer to give them. A visitor is sent to
    sign in (and back); an applicant sees where their application stands, as a page rather than
    an error; anyone else gets 403."""
    if can(current_user, action):
        return None
    if not signed_in(current_user):
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if is_applicant(current_user):
        return redirect(url_for("auth.application"))
    if current_user.is_suspended:
        site = current_app.config["TIMEZONE"]
        until = local_text(current_user.suspended_until, current_user.time_zone or site, site)
        raise NotAllowed(f"Your membership is suspended until {until}: {current_user.suspension_reason}")
    raise NotAllowed()


def requires(action: str):
    """Route decorator: the view runs only for those who may."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return refusal(action) or view(*args, **kwargs)

        return wrapped

    return decorate
