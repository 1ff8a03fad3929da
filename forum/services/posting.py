"""Starting threads, replying, editing and withdrawing posts, and staff actions on threads."""

import re
from datetime import timedelta

from flask import current_app
from peewee import Case, IntegrityError, fn

from .. import policy
from ..errors import Conflict, Invalid, NotAllowed
from ..links import path_for
from ..models import SHARING, Category, Member, Post, PostRevision, ReadState, Thread, utcnow
from ..models.db import db
from ..models.search import refresh_posts
from . import notifying, uploads, watching
from .text import render_markdown


class PostingTooFast(Invalid):
    """Sent again too soon after the last post; the member's text is kept for them to resend."""

    status = 429


# @[Full Name] for names with spaces, or @Name for a one-word name.
MENTION = re.compile(r"(?<![\w@\[])@(?:\[([^\]\n]{1,80})\]|([^\W_][\w.-]{0,79}))")
# Code spans and fenced blocks are left as written: a mention there is an example, not a call.
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)


# -- validation --------------------------------------------------------------------------------


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not 3 <= len(title) <= 150:
        raise Invalid("A title needs between 3 and 150 characters.", field="title")
    return title


def _clean_message(message: str) -> str:
    message = (message or "").replace("\r\n", "\n").strip("\n")
    limit = current_app.config["MAX_POST_LENGTH"]
    if not message.strip():
        raise Invalid("Write a message before posting.", field="message")
    if len(message) > limit:
        raise Invalid(
            f"Messages can be up to {limit:,} characters; this one has {len(message):,}.", field="message"
        )
    return message


def _clean_sharing(sharing: str | None, *, allow_inherit: bool) -> str | None:
    if not sharing and allow_inherit:
        return None
    if sharing not in SHARING:
        raise Invalid("Choose one of the sharing terms.", field="sharing")
    return sharing


def _check_pace(member) -> None:
    """New members wait longer between posts: a brake on spam that costs real members little."""
    config = current_app.config
    joined = member.reviewed_at or member.created_at
    is_new = joined is None or utcnow() - joined < timedelta(days=config["NEW_MEMBER_DAYS"])
    interval = config["NEW_MEMBER_POST_INTERVAL" if is_new else "POST_INTERVAL"]
    last = Post.select(fn.MAX(Post.created_at)).where(Post.author == member).scalar()
    if last is not None:
        wait = interval - (utcnow() - last).total_seconds()
        if wait > 0:
            raise PostingTooFast(
                f"You are posting quickly: please wait {int(wait) + 1} seconds, then send it again. "
                "Your message is kept below.",
                field="message",
            )


# The forms' own tokens (secrets.token_urlsafe(16)); anything else was not made by a form of ours,
# and is ignored rather than stored, since it could be of any length.
SUBMISSION = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _submission(data: dict) -> str | None:
    value = data.get("submission") or ""
    return value if SUBMISSION.fullmatch(value) else None


def _existing_submission(member, submission: str | None):
    """The post this same form already made, if it was sent twice."""
    if not submission:
        return None
    return Post.get_or_none((Post.author == member) & (Post.submission == submission))


# -- mentions and quotes -----------------------------------------------------------------------


def link_mentions(message: str) -> str:
    """@names of members become links to their profiles, in the stored Markdown's rendering."""
    pieces = CODE.split(message)
    names = {
        (m.group(1) or m.group(2)).strip().lower()
        for piece in pieces[::2]
        for m in MENTION.finditer(piece)
    }
    if not names:
        return message
    members = {
        member.name.lower(): member
        for member in Member.select(Member.id, Member.name).where(
            fn.LOWER(Member.name).in_(list(names)) & (Member.status == "active")
        )
    }

    def link(match):
        member = members.get((match.group(1) or match.group(2)).strip().lower())
        if member is None:
            return match.group(0)
        name = member.name.replace("[", "").replace("]", "")
        return f"[@{name}]({path_for('directory.profile', member_id=member.id)})"

    return "".join(MENTION.sub(link, piece) if i % 2 == 0 else piece for i, piece in enumerate(pieces))


def quote_markdown(post, thread) -> str:
    """Markdown quoting a post, crediting its author, linking back, and naming its terms."""
    terms = SHARING[post.sharing or thread.sharing]
    link = path_for("threads.post", post_id=post.id)
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body_md.splitlines())
    return f"> **[{post.author.name} wrote]({link})** ({terms}):\n>\n{quoted}\n\n"


# -- writing -----------------------------------------------------------------------------------


def _new_post(thread, member, number: int, data: dict, *, sharing) -> Post:
    message = data["message"]
    return Post.create(
        thread=thread,
        author=member,
        number=number,
        body_md=message,
        body_html=render_markdown(link_mentions(message)),
        sharing=sharing,
        interest=(data.get("interest") or "").strip()[:300],
        submission=_submission(data) or None,
    )


def _photo(member, photo: uploads.Photo | None):
    """The photo checked and made safe in memory (uploads.prepare) before anything is written,
    so that a refused photo posts nothing."""
    return uploads.prepare_photo(member, photo) if photo is not None else None


def _post_once(member, data: dict, prepared, write) -> Post:
    """Write a post, and its photo if one was chosen, in one transaction. The same form sent
    twice returns the post it already made (its photo with it); a photo's files written before
    the transaction rolled back are deleted. `write(now)` makes the post (and its thread)."""
    submission = _submission(data)
    stored = None
    try:
        with db.atomic():
            existing = _existing_submission(member, submission)
            if existing:
                return existing
            _check_pace(member)
            post = write(utcnow())
            if prepared is not None:
                stored = uploads.store(member, prepared, post=post)
            # Writing at the end of a thread means having read it to there.
            mark_read(member, post.thread, post.number, None)
            watching.watch(member, post.thread)
            refresh_posts([post.id])
            notifying.after_post(member, post.thread, post)
    except BaseException as error:
        if stored is not None:
            uploads.delete_files(stored)
        # The same form sent twice at once: the unique submission key let one through.
        existing = _existing_submission(member, submission) if isinstance(error, IntegrityError) else None
        if existing is None:
            raise
        return existing
    return post


def start_thread(member, category, data: dict, photo: uploads.Photo | None = None) -> Post:
    """A new thread and its opening post, with the photo if one was chosen; returns the post."""
    policy.require(member, "start_thread", category, "Only staff can start threads here.")
    prepared = _photo(member, photo)
    title = _clean_title(data.get("title"))
    data = {**data, "message": _clean_message(data.get("message"))}
    sharing = _clean_sharing(data.get("sharing") or "credit", allow_inherit=False)

    def write(now) -> Post:
        thread = Thread.create(
            category=category, author=member, title=title, sharing=sharing,
            post_count=1, last_post_at=now, last_author=member,
        )
        post = _new_post(thread, member, 1, data, sharing=None)
        Category.update(
            thread_count=Category.thread_count + 1,
            post_count=Category.post_count + 1,
            last_post_at=now,
            last_thread_id=thread.id,
            last_thread_title=title,
        ).where(Category.id == category.id).execute()
        return post

    return _post_once(member, data, prepared, write)


def reply(member, thread, data: dict, photo: uploads.Photo | None = None) -> Post:
    """A reply at the end of a thread, with the photo if one was chosen; returns it."""
    if thread.locked:
        raise NotAllowed("This thread is locked: nobody can reply to it.")
    policy.require(member, "reply", thread, "You can't reply to this thread.")
    prepared = _photo(member, photo)
    data = {**data, "message": _clean_message(data.get("message"))}
    sharing = _clean_sharing(data.get("sharing"), allow_inherit=True)

    def write(now) -> Post:
        # The update takes the thread's row lock, so concurrent replies get numbers in turn.
        Thread.update(
            post_count=Thread.post_count + 1, last_post_at=now, last_author=member
        ).where(Thread.id == thread.id).execute()
        number = Thread.select(Thread.post_count).where(Thread.id == thread.id).scalar()
        post = _new_post(thread, member, number, data, sharing=sharing)
        Category.update(
            post_count=Category.post_count + 1,
            last_post_at=now,
            last_thread_id=thread.id,
            last_thread_title=thread.title,
        ).where(Category.id == thread.category_id).execute()
        return post

    post = _post_once(member, data, prepared, write)
    if post.thread_id == thread.id:
        thread.post_count = max(thread.post_count, post.number)
    return post


def edit_post(member, post, data: dict, revision: int) -> Post:
    """Save an edit, keeping what the post said before. An edit made from an older revision
    than the current one is refused, so nobody's words are overwritten unseen."""
    policy.require(member, "edit_post", post, "Only the author can edit this post.")
    message = _clean_message(data.get("message"))
    interest = (data.get("interest") or "").strip()[:300]
    with db.atomic():
        PostRevision.create(
            post=post, revision=post.revision, body_md=post.body_md, body_html=post.body_html,
            interest=post.interest, created_at=post.edited_at or post.created_at,
        )
        changed = (
            Post.update(
                body_md=message,
                body_html=render_markdown(link_mentions(message)),
                interest=interest,
                revision=Post.revision + 1,
                edited_at=utcnow(),
            )
            .where((Post.id == post.id) & (Post.revision == revision))
            .execute()
        )
        if not changed:
            raise Conflict(
                "This post was changed elsewhere since you opened it. The latest version is shown; "
                "your text is kept in the box.",
                field="message",
            )
        refresh_posts([post.id])
        edited = Post.with_thread(post.id)
        notifying.after_edit(member, edited)
    return edited


def withdraw_post(member, post) -> Post:
    """The author takes their post down: others see that it was withdrawn; staff keep it."""
    policy.require(member, "withdraw_post", post, "Only the author can withdraw this post.")
    Post.update(status="withdrawn").where(Post.id == post.id).execute()
    refresh_posts([post.id])
    post.status = "withdrawn"
    return post


# -- reading -----------------------------------------------------------------------------------


def mark_read(member, thread, number: int, previous: int | None) -> None:
    """Move the member's reading position forward to `number` (never back)."""
    if previous is not None and previous >= number:
        return
    now = utcnow()
    ReadState.insert(member=member, thread=thread, last_read=number, updated_at=now).on_conflict(
        conflict_target=[ReadState.member, ReadState.thread],
        update={
            ReadState.last_read: Case(None, [(ReadState.last_read < number, number)], ReadState.last_read),
            ReadState.updated_at: now,
        },
    ).execute()
