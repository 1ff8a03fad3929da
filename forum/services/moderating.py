"""What staff do: hide, restore and remove posts; lock, pin and move threads; warn, suspend,
lift and delete members; notes on members. Each action writes one log entry in its own
transaction, names its reason, and refuses a stale action (another staff member got there
first) without changing anything."""

import secrets
from datetime import timedelta

from flask import current_app, render_template

from .. import policy
from ..errors import Conflict, Invalid
from ..mail import outbox as mail
from ..models import (
    MODERATION_REASONS,
    BlockedEmail,
    Category,
    LogEntry,
    Member,
    Post,
    StaffNote,
    Thread,
    utcnow,
)
from ..models.db import db
from ..models.moderation import POST_ACTIONS
from ..models.search import refresh_posts, refresh_posts_by, refresh_thread
from . import appeals, categories, notifying, reporting
from .moderation_log import LOG_PAGE, log_page  # noqa: F401 (the log is read as moderating.log_page)

SUSPENSION_DAYS = (1, 3, 7, 30, 90)


def checked_reason(reason: str, note: str) -> tuple[str, str]:
    """A staff action's reason and note, checked: a known reason, a note for "other", 2,000 at most."""
    if reason not in MODERATION_REASONS:
        raise Invalid("Choose a reason.", field="reason")
    note = (note or "").strip()
    if reason == "other" and not note:
        raise Invalid("Say what the reason is.", field="note")
    if len(note) > 2000:
        raise Invalid("Use at most 2,000 characters for the note.", field="note")
    return reason, note


def log(
    staff,
    action: str,
    target_type: str,
    target_id: int,
    *,
    label="",
    thread_id=None,
    reason="",
    note="",
    group_id=None,
):
    """One log entry. `group_id`: the group whose space it happened in, if any (the public log
    names nothing of a group's space to those outside it)."""
    return LogEntry.create(
        group_id=group_id,
        staff=staff,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=label[:150],
        thread_id=thread_id,
        reason=reason or "",
        note=note or "",
    )


def _tell(member, subject: str, kind: str, **context) -> None:
    """Emails that must reach the member whatever they chose for notifications (a warning, a
    suspension and its end, a deletion): no unsubscribe link. A staff action on a post is a
    notification instead (notifying.post_moderated)."""
    if member.status == "deleted":
        return
    body = render_template(
        f"email/{kind}.txt",
        member=member,
        site_name=current_app.config["SITE_NAME"],
        reasons=MODERATION_REASONS,
        **context,
    )
    mail.queue(member.email, f"{subject} · {current_app.config['SITE_NAME']}", body, kind)


# -- posts -------------------------------------------------------------------------------------


def act_on_post(staff, post, action: str, reason: str, note: str = "") -> Post:
    """Hide, restore or remove a post (POST_ACTIONS); the author is told why."""
    policy.require(staff, "moderate_post", post)
    taken = POST_ACTIONS[action]
    # Staff take any action; a group's leads hide and restore in its space (the action's rule).
    policy.require(staff, taken.rule, post)
    reason, note = checked_reason(reason, note)
    why = MODERATION_REASONS[reason]
    with db.atomic():
        # The status the action applies to is checked in the update itself, so two staff acting
        # at once change it once; the rule tells the one too late why, from the post as it is now.
        changed = (
            Post.update(status=taken.becomes, status_reason=why)
            .where((Post.id == post.id) & Post.status.in_(taken.applies_to))
            .execute()
        )
        if not changed:
            # The post as it is now, with its thread and category as loaded (a lead's rule reads them).
            post.status = Post.get_by_id(post.id).status
            policy.require(staff, taken.rule, post)
            raise Conflict("Nothing changed: another staff member acted on this post a moment ago.")
        refresh_posts([post.id])
        entry = log(
            staff,
            f"{action}_post",
            "post",
            post.id,
            label=post.thread.title,
            thread_id=post.thread_id,
            reason=reason,
            note=note,
            group_id=post.thread.category.group_id,
        )
        # The author's statement of reasons, before the reports it names are closed.
        decision = None
        if taken.name != "restore":
            decision = appeals.record(entry, post.author_id, label=post.thread.title, note=note, post=post)
        # Acting on an item decides all of its open reports at once; the reporters are told.
        reporting.resolve_all(
            staff,
            "post",
            post.id,
            "dismissed" if taken.name == "restore" else "actioned",
            f"The post was {taken.done}: {why}.",
            item=post,
        )
        if taken.name != "restore":
            context = {"post": post, "done": taken.done, "reason": reason, "note": note}
            context["reasons"] = MODERATION_REASONS
            context["statement"] = decision
            email = notifying.Email("moderation-post", "About your post", context)
            notifying.post_moderated(post, taken.done, email)
    post.status, post.status_reason = taken.becomes, why
    return post


# -- threads -----------------------------------------------------------------------------------


def set_locked(staff, thread, locked: bool, reason: str = "other", note: str = "") -> None:
    _thread_flag(staff, thread, "locked", locked, "lock_thread" if locked else "unlock_thread", reason, note)


def set_pinned(staff, thread, pinned: bool, reason: str = "", note: str = "") -> None:
    """Staff anywhere, and a group's leads in its space (the rule pin_thread)."""
    action = "pin_thread" if pinned else "unpin_thread"
    _thread_flag(staff, thread, "pinned", pinned, action, reason, note, rule="pin_thread")


def _thread_flag(staff, thread, flag, value, action, reason, note, rule="manage_thread"):
    policy.require(staff, rule, thread)
    if reason or note:
        reason, note = checked_reason(reason or "other", note)
    field = getattr(Thread, flag)
    with db.atomic():
        if not Thread.update({field: value}).where((Thread.id == thread.id) & (field != value)).execute():
            raise Conflict(f"Nothing changed: the thread is already {'' if value else 'un'}{flag}.")
        log(
            staff,
            action,
            "thread",
            thread.id,
            label=thread.title,
            thread_id=thread.id,
            reason=reason,
            note=note,
            group_id=thread.category.group_id,
        )


def move_thread(staff, thread, category, reason: str = "", note: str = "") -> None:
    """Move a thread, carrying its counts from one category to the other."""
    policy.require(staff, "manage_thread", thread)
    if category.id == thread.category_id:
        raise Conflict(f"The thread is already in {category.name}.")
    with db.atomic():
        moved = (
            Thread.update(category=category)
            .where((Thread.id == thread.id) & (Thread.category == thread.category_id))
            .execute()
        )
        if not moved:
            raise Conflict("Nothing changed: the thread was moved by someone else a moment ago.")
        for target, sign in ((thread.category_id, -1), (category.id, 1)):
            Category.update(
                thread_count=Category.thread_count + sign,
                post_count=Category.post_count + sign * thread.post_count,
            ).where(Category.id == target).execute()
        # The search index tags each post with its category; each category names its latest thread.
        refresh_thread(thread.id)
        categories.refresh_latest(thread.category_id, category.id)
        log(
            staff,
            "move_thread",
            "thread",
            thread.id,
            label=f"{thread.title} → {category.name}",
            thread_id=thread.id,
            reason=reason,
            note=note,
            # Out of a group's space or into one: the title was, or is now, the group's.
            group_id=thread.category.group_id or category.group_id,
        )


# -- members -----------------------------------------------------------------------------------


def _member_action(staff, member):
    policy.require(staff, "act_on_member", member)


def warn_member(staff, member, reason: str, message: str) -> None:
    _member_action(staff, member)
    reason, message = checked_reason(reason, message)
    if not message:
        raise Invalid("Write the warning the member will read.", field="note")
    with db.atomic():
        StaffNote.create(
            member=member, staff=staff, body=f"Warning ({MODERATION_REASONS[reason]}): {message}"
        )
        entry = log(staff, "warn_member", "member", member.id, label=member.name, reason=reason, note=message)
        decision = appeals.record(entry, member.id, label=member.name, note=message, content=message)
        subject = "A message from the team"
        _tell(member, subject, "moderation-warning", reason=reason, note=message, statement=decision)


def suspend_member(staff, member, days: int, reason: str, note: str = "") -> None:
    """The member can still sign in and read, and is told until when and why; they cannot post."""
    _member_action(staff, member)
    if days not in SUSPENSION_DAYS:
        raise Invalid("Choose how long the suspension lasts.", field="days")
    reason, note = checked_reason(reason, note)
    until = utcnow() + timedelta(days=days)
    why = MODERATION_REASONS[reason] + (f": {note}" if note else "")
    with db.atomic():
        Member.update(status="suspended", suspended_until=until, suspension_reason=why).where(
            Member.id == member.id
        ).execute()
        entry = log(
            staff,
            "suspend_member",
            "member",
            member.id,
            label=member.name,
            reason=reason,
            note=f"{days} days. {note}".strip(),
        )
        decision = appeals.record(
            entry, member.id, label=member.name, note=note, detail=f"For {days} day{'s' if days > 1 else ''}."
        )
        subject = "Your membership is suspended"
        _tell(member, subject, "moderation-suspended", until=until, why=why, statement=decision)


def lift_suspension(staff, member) -> None:
    _member_action(staff, member)
    with db.atomic():
        if (
            not Member.update(status="active", suspended_until=None, suspension_reason="")
            .where((Member.id == member.id) & (Member.status == "suspended"))
            .execute()
        ):
            raise Conflict("This member is not suspended.")
        log(staff, "lift_suspension", "member", member.id, label=member.name)
        _tell(member, "Your suspension is lifted", "moderation-lifted")


def delete_member(
    staff, member, reason: str, note: str = "", *, remove_posts: bool, block_email: bool
) -> None:
    """Charter: staff may delete accounts that do not follow it. The member is emailed, signed
    out everywhere at once, leaves the directory; their posts stay under "former member" or are
    removed; their address is blocked from joining again, or freed."""
    _member_action(staff, member)
    reason, note = checked_reason(reason, note)
    email = member.email
    with db.atomic():
        entry = log(
            staff,
            "delete_member",
            "member",
            member.id,
            label=member.name,
            reason=reason,
            note=f"{note} Posts {'removed' if remove_posts else 'kept'}; "
            f"email {'blocked' if block_email else 'freed'}.".strip(),
        )
        decision = appeals.record_deletion(entry, member, note, remove_posts, email if block_email else "")
        subject = "Your account is deleted"
        context = {"reason": reason, "note": note, "deleting": True, "statement": decision}
        _tell(member, subject, "moderation-deleted", **context)
        if block_email:
            BlockedEmail.insert(email=email).on_conflict_ignore().execute()
        close_account(member, posts="remove" if remove_posts else "keep")


# What a member who deletes their own account leaves behind of their profile: nothing personal.
ERASED_PROFILE = {
    "name": "Former member",
    "organisation": None,
    "job_title": "",
    "region": "",
    "application_note": "",
    "bio_md": "",
    "bio_html": "",
    "website": "",
    "projects": "",
    "interests": "",
    "contact_note": "",
    "contact_policy": "nobody",
    "listed": False,
    "suspension_reason": "",
    # No password matches this, so the account cannot be taken over even with the old one.
    "password_hash": "!",
}


def close_account(member, *, posts: str = "keep", erase_profile: bool = False) -> None:
    """Close an account, inside the caller's transaction: staff deleting a member and a member
    deleting their own account both end here. Signed out everywhere at once; the row stays for
    the record and the log, under an address nobody can use, so the real one is free again.
    posts: "keep" (shown as by a former member), "remove" (staff) or "withdraw" (the member's
    choice)."""
    changes = {
        "status": "deleted",
        "session_token": secrets.token_hex(16),
        "email": f"deleted-{member.id}@deleted.invalid",
    }
    if erase_profile:
        changes.update(ERASED_PROFILE)
    Member.update(**changes).where(Member.id == member.id).execute()
    if posts == "remove":
        Post.update(status="removed", status_reason="Removed with the author's account").where(
            (Post.author == member) & (Post.status != "withdrawn")
        ).execute()
    elif posts == "withdraw":
        Post.update(status="withdrawn").where(
            (Post.author == member) & Post.status.in_(("visible", "hidden"))
        ).execute()
    if posts != "keep":
        refresh_posts_by(member.id)
    # Their resources in the library follow their posts: kept with their files, or removed and
    # their files deleted (library_moderation.close_account).
    from .library_moderation import close_account as close_library_account

    close_library_account(member, posts)


def add_note(staff, member, body: str) -> StaffNote:
    policy.require(staff, "moderate")
    body = (body or "").strip()
    if not body:
        raise Invalid("Write the note.", field="body")
    if len(body) > 5000:
        raise Invalid("Use at most 5,000 characters.", field="body")
    return StaffNote.create(member=member, staff=staff, body=body)


def set_queue_summary(staff, wanted: bool) -> bool:
    policy.require(staff, "moderate")
    Member.update(queue_summary=wanted).where(Member.id == staff.id).execute()
    return wanted


def is_blocked(email: str) -> bool:
    return BlockedEmail.select().where(BlockedEmail.email == email).exists()
