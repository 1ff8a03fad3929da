"""Who may do what: the one place each rule lives.

`can(member, action, target=None)` answers for routes (through `requires`), templates (`can` is a
Jinja global) and domain functions alike. `member` is flask-login's current_user: a Member or an
anonymous visitor. Rules read only what is already loaded; none of them queries the database.
"""

from dataclasses import dataclass
from functools import wraps

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from .errors import Conflict, NotAllowed, NotFound
from .models.moderation import POST_ACTIONS


def _signed_in(member) -> bool:
    return bool(getattr(member, "is_authenticated", False))


def is_active_member(member) -> bool:
    """Verified, approved and in good standing (a suspension whose time has passed is over)."""
    if not (_signed_in(member) and member.is_verified):
        return False
    return member.status == "active" or (member.status == "suspended" and not member.is_suspended)


def is_reading_member(member) -> bool:
    """A member who may read what members read: in good standing, or suspended, since a
    suspension stops a member taking part (posting, contacting, reporting), not reading."""
    if not (_signed_in(member) and member.is_verified):
        return False
    return member.status in ("active", "suspended")


def is_staff(member) -> bool:
    return is_active_member(member) and member.role in ("staff", "admin")


def is_admin(member) -> bool:
    return is_active_member(member) and member.role == "admin"


def is_applicant(member) -> bool:
    return _signed_in(member) and member.status == "applicant"


# -- reading: the one definition of what a member may see ----------------------------------------


@dataclass(frozen=True)
class Reading:
    """What one kind of member may read: the categories whose `read_access` is in `access`, and in
    them every listed thread. An unlisted thread (Thread.UNLISTED: staff removed it) is in no list,
    feed, search or notification, and only a reader who `opens_unlisted` (staff) opens it by its
    address.

    The per-object rules below decide by it, and Category.readable_by and Thread.visible_to
    (models/threads.py) build the same rule as a query from it: tests/test_visibility.py checks
    that each query agrees with its rule, and that a kind of category only some members read is
    a change to reading() alone."""

    access: tuple[str, ...]
    opens_unlisted: bool

    def reads(self, category) -> bool:
        return category.read_access in self.access

    def lists(self, thread) -> bool:
        return self.reads(thread.category) and thread.status not in thread.UNLISTED

    def opens(self, thread) -> bool:
        return self.reads(thread.category) and (thread.status not in thread.UNLISTED or self.opens_unlisted)


# By (reads what members read, is staff): the same few values for every request.
_READINGS = {
    (members, staff): Reading(("public", "members") if members else ("public",), staff)
    for members in (False, True)
    for staff in (False, True)
}


def reading(member) -> Reading:
    """What `member` (a Member or a visitor) may read; hashable, so queries built from it can be
    prepared once per kind of reader."""
    return _READINGS[is_reading_member(member), is_staff(member)]


def may_read_category(member, category) -> bool:
    return reading(member).reads(category)


def may_list_thread(member, thread) -> bool:
    """Whether lists, feeds, search and notifications show the thread to the member."""
    return reading(member).lists(thread)


def may_start_thread(member, category) -> bool:
    if not is_active_member(member) or not may_read_category(member, category):
        return False
    return category.post_access == "members" or is_staff(member)


def may_read_thread(member, thread) -> bool:
    """The thread's page: a listed thread in a readable category, or an unlisted one for staff."""
    return reading(member).opens(thread)


def may_reply(member, thread) -> bool:
    # A locked thread takes no replies from anyone, staff included: unlock it first.
    return is_active_member(member) and may_read_thread(member, thread) and not thread.locked and (
        thread.status == "visible"
    )


def is_author(member, post) -> bool:
    return _signed_in(member) and post.author_id == member.id


def may_see_post_body(member, post) -> bool:
    """Withdrawn, hidden and removed posts show a placeholder; staff see what was there. The author
    of a hidden post still reads it, and why: hiding (after reports) waits for staff to review
    it, and must not take a member's words from them before anyone has looked."""
    return (
        post.status == "visible" or is_staff(member) or (post.status == "hidden" and is_author(member, post))
    )


def may_see_upload(member, upload) -> bool:
    """A photo in a post is seen by whoever may read the post's words; avatars and logos by
    members, where the directory shows them. A removed upload by nobody (its files are gone)."""
    if upload.status != "visible":
        return False
    if upload.kind == "post":
        post = upload.post
        return post is not None and may_read_thread(member, post.thread) and may_see_post_body(member, post)
    return is_active_member(member)


def may_act_on_member(staff, member) -> bool:
    """Staff act on members; only an admin acts on staff; nobody on themselves or an admin."""
    if not is_staff(staff) or member is None or member.id == staff.id or member.role == "admin":
        return False
    return member.role == "member" or is_admin(staff)


NO_PERMISSION = "Your account does not have permission for this."


# -- rules that say why not ----------------------------------------------------------------------
# Each of these answers with the domain error to raise (its message is what the person reads), or
# None if the member may. `can` asks them like any rule; `require` raises their own answer.


def post_action_refusal(member, action, post):
    """Staff take an action (models.POST_ACTIONS) on a post whose status it applies to. Refused
    as a conflict, since the usual cause is another staff member acting first."""
    if not is_staff(member):
        return NotAllowed(NO_PERMISSION)
    if post.status not in action.applies_to:
        return Conflict(
            f"Nothing changed: this post is already {post.status}, perhaps by another staff member."
        )
    return None


def staff_post_actions(member, post) -> list:
    """The staff actions the member may take on the post now: what its controls offer."""
    return [action for action in POST_ACTIONS.values() if post_action_refusal(member, action, post) is None]


def member_action_refusal(staff, member):
    """Warn, suspend, lift, delete and notes: see may_act_on_member; never on a deleted account."""
    if not may_act_on_member(staff, member):
        return NotAllowed("You can't act on this account.")
    if member.status == "deleted":
        return Conflict("This account is already deleted.")
    return None


def mute_refusal(member, target):
    """A suspended member may still mute: it changes only what they themselves see. Staff
    cannot be muted, so nobody mutes themselves out of moderation notices. Only an active
    account is muted; to anyone but staff, one that is not does not exist."""
    if not may_self_moderate(member):
        return NotAllowed("You can't mute members.")
    if target is None or (target.status != "active" and not is_staff(member)):
        return NotFound("There is no such member.")
    if target.id == member.id:
        return NotAllowed("You can't mute yourself.")
    if target.role != "member":
        return NotAllowed("Staff can't be muted: their moderation notices must reach everyone.")
    if target.status != "active":
        return NotFound("This account is not active: there is nobody to mute.")
    return None


REFUSALS = {
    **{
        action.rule: (lambda m, p, action=action: post_action_refusal(m, action, p))
        for action in POST_ACTIONS.values()
    },
    "act_on_member": member_action_refusal,
    "mute_member": mute_refusal,
}


RULES = {
    # Reading what only members see, and taking part.
    "read_members_area": lambda m, t: is_reading_member(m),
    "post": lambda m, t: is_active_member(m),
    # An unverified applicant may ask for the verification email again.
    "resend_verification": lambda m, t: is_applicant(m) and not m.is_verified,
    "manage_own_account": lambda m, t: _signed_in(m) and m.status in ("applicant", "active", "suspended"),
    "review_applications": lambda m, t: is_staff(m),
    "moderate": lambda m, t: is_staff(m),
    # The admin pages: categories, and new versions of the Charter, Code of Conduct and Terms.
    "administer": lambda m, t: is_admin(m),
    # Threads and posts: the target is the category, thread or post acted on.
    "read_category": may_read_category,
    "start_thread": may_start_thread,
    "read_thread": may_read_thread,
    "reply": may_reply,
    "see_post_body": may_see_post_body,
    "edit_post": lambda m, p: is_active_member(m) and is_author(m, p) and p.status == "visible",
    "withdraw_post": lambda m, p: (
        is_active_member(m) and is_author(m, p) and p.status in ("visible", "hidden")
    ),
    "quote_post": lambda m, p: may_see_post_body(m, p) and p.status == "visible",
    "read_post_history": lambda m, p: is_reading_member(m) and (p.status == "visible" or is_staff(m)),
    "manage_thread": lambda m, t: is_staff(m),
    # Staff moderation: the staff controls on a post (hide_post, restore_post and remove_post, one
    # rule per PostAction), and acting on members (act_on_member): see REFUSALS.
    "moderate_post": lambda m, p: is_staff(m),
    **{action: (lambda m, t, why_not=why_not: why_not(m, t) is None) for action, why_not in REFUSALS.items()},
    "read_moderation_log": lambda m, t: is_reading_member(m),
    "manage_roles": lambda m, t: is_admin(m),
    # Reporting (see report_refusal). "report": may use Report buttons at all; the target of
    # report_<kind> is the Post, Thread, Member or photo (Upload) reported.
    "report": lambda m, t: is_active_member(m),
    "report_post": lambda m, t: report_refusal(m, "post", t) is None,
    "report_thread": lambda m, t: report_refusal(m, "thread", t) is None,
    "report_member": lambda m, t: report_refusal(m, "member", t) is None,
    "report_photo": lambda m, t: report_refusal(m, "photo", t) is None,
    "see_own_reports": lambda m, t: is_reading_member(m),
    # A single report from staff or a trusted member hides a post at once.
    "hide_by_single_report": lambda m, t: is_staff(m) or (is_active_member(m) and bool(m.trusted)),
    # Whether a report counts toward hiding; t: the reporter's (dismissed, actioned) record.
    "count_toward_hiding": lambda m, t: report_counts(m, t),
    "resolve_report": lambda m, t: is_staff(m),
    "manage_trust": lambda m, t: is_staff(m),
    # The Directory of Members: for members only. Staff see every field of every profile and
    # unlisted members too; each member sees all of their own.
    "browse_directory": lambda m, t: is_reading_member(m),
    "see_whole_profile": lambda m, t: is_staff(m) or (is_active_member(m) and t is not None and t.id == m.id),
    "edit_profile": lambda m, t: is_active_member(m),
    "edit_organisation": lambda m, t: (
        is_staff(m) or (is_active_member(m) and t is not None and m.organisation_id == t.id)
    ),
    "merge_organisations": lambda m, t: is_staff(m),
    # Contact on the recipient's terms. t: ContactTerms (recipient, shared) for sending;
    # a ContactRequest for the rest.
    "send_contact_request": lambda m, t: contact_refusal(m, t) is None,
    # Only the two people; staff too once it is reported, since they must judge it.
    "view_contact_request": lambda m, t: (
        (is_active_member(m) and m.id in (t.sender_id, t.recipient_id))
        or (is_staff(m) and t.reported_at is not None)
    ),
    "answer_contact_request": lambda m, t: (
        is_active_member(m) and m.id == t.recipient_id and t.status == "pending"
    ),
    "report_contact_request": lambda m, t: (
        is_active_member(m) and m.id == t.recipient_id and t.reported_at is None
    ),
    # Both people's addresses, once the recipient has accepted: the only way a member sees another's.
    "see_contact_emails": lambda m, t: (
        is_active_member(m) and m.id in (t.sender_id, t.recipient_id) and t.status == "accepted"
    ),
    # Help and support: anyone may contact the team; whoever is signed in sees their own
    # requests; staff handle the inbox, and a complaint about staff only admins.
    "see_own_requests": lambda m, t: _signed_in(m) and m.status in ("applicant", "active", "suspended"),
    "view_own_support_request": lambda m, t: _signed_in(m) and t.member_id == m.id,
    "handle_support_request": lambda m, t: is_staff(m) and (is_admin(m) or not t.admins_only),
    # Uploads (photos in posts, avatars, logos). t: the Upload.
    "upload": lambda m, t: is_active_member(m),
    "see_upload": may_see_upload,
    # A suspended member still sees and removes their own photos: responsibility for them does
    # not stop with a suspension.
    "see_own_uploads": lambda m, t: is_reading_member(m),
    "remove_own_upload": lambda m, t: _signed_in(m) and t.owner_id == m.id and t.status == "visible",
    "moderate_upload": lambda m, t: is_staff(m) and t.status == "visible",
    # Self-moderation: a member's own controls. A suspended member may still mute and hide,
    # since those change only what they themselves see. mute_member (t: the Member to mute):
    # see REFUSALS.
    "self_moderate": lambda m, t: may_self_moderate(m),
    "read_notifications": lambda m, t: may_self_moderate(m),
    "reply_by_email": lambda m, t: may_self_moderate(m),
}


def may_self_moderate(member) -> bool:
    return _signed_in(member) and member.is_verified and member.status in ("active", "suspended")


def contact_refusal(member, terms) -> str | None:
    """Why `member` may not send a contact request to `terms.recipient`, or None if they may.
    `terms.shared`: whether the two share an area of expertise or a region (read by the caller)."""
    recipient = terms.recipient
    if not is_active_member(member):
        return "Only members can send contact requests."
    if recipient.id == member.id:
        return "You can't send a contact request to yourself."
    if recipient.status != "active":
        return "This member can't be contacted."
    if getattr(terms, "muted", False):
        # Said as for a member who takes no requests, so the sender cannot tell they are muted.
        return f"{recipient.name} doesn't take contact requests."
    if recipient.contact_policy == "anyone":
        return None
    if recipient.contact_policy == "shared" and terms.shared:
        return None
    if recipient.contact_policy == "shared":
        return (
            f"{recipient.name} takes contact requests only from members who share "
            "an area of expertise or their region."
        )
    return f"{recipient.name} doesn't take contact requests."


def report_refusal(member, kind: str, target):  # noqa: C901 (one flat list of refusals per kind of target)
    """Why `member` may not report `target` (kind: "post", "thread" or "member"), as the domain
    error to raise, or None if they may. What they cannot see is not found, so a report cannot
    confirm that something hidden from them exists."""
    if not is_active_member(member):
        return NotAllowed("Only members can report.")
    if kind == "post":
        if not may_read_thread(member, target.thread):
            return NotFound("There is no such post, or it is for members only.")
        if is_author(member, target):
            return NotAllowed("You can't report your own post.")
        if target.status == "hidden":
            return Conflict("This post is already hidden while the team reviews it.")
        if target.status != "visible":
            return NotFound("This post was withdrawn or removed: there is nothing left to report.")
        return None
    if kind == "thread":
        if not may_read_thread(member, target):
            return NotFound("There is no such thread, or it is for members only.")
        if target.author_id == member.id:
            return NotAllowed("You can't report your own thread.")
        if target.status != "visible":
            return NotFound("This thread was removed: there is nothing left to report.")
        return None
    if kind == "photo":
        if not may_see_upload(member, target):
            return NotFound("There is no such photo, or you cannot see it.")
        if target.owner_id == member.id:
            return NotAllowed("You can't report your own photo: remove it instead.")
        return None
    if kind == "member":
        if target.status != "active" and not is_staff(member):
            return NotFound("There is no such member.")
        if target.id == member.id:
            return NotAllowed("You can't report yourself.")
        if target.status != "active":
            return NotFound("This account is no longer active: there is nothing to report.")
        return None
    return NotFound("There is nothing like that to report.")


def report_counts(member, record) -> bool:
    """Whether `member`'s report counts toward hiding a post. record: (dismissed, actioned), how
    many of their reports staff decided each way. Someone whose reports are repeatedly dismissed
    (REPORT_DISMISSED_LIMIT or more, and more than were actioned) stops counting, so that a few
    members cannot use the threshold to silence someone; their reports still reach staff."""
    if is_staff(member):
        return True
    dismissed, actioned = record
    return not (dismissed >= current_app.config["REPORT_DISMISSED_LIMIT"] and dismissed > actioned)


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
    if not _signed_in(current_user):
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if is_applicant(current_user):
        return redirect(url_for("auth.application"))
    if current_user.is_suspended:
        until = current_user.suspended_until.strftime("%-d %B %Y, %H:%M UTC")
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


def init_app(app):
    app.jinja_env.globals.update(can=can, staff_post_actions=staff_post_actions)
