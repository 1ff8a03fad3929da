"""A thread's page; starting threads, replying, quoting, previewing, editing and withdrawing;
staff locking, pinning and moving threads.

Each route answers a browser with a whole page and an htmx request with the partial that
changed, from the same template the page includes."""

from functools import partial

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...errors import DomainError, NotFound
from ...forms import EmptyForm, new_submission
from ...forms.moderation import ModerationForm
from ...forms.threads import EditPostForm, MoveThreadForm, ReplyForm, ThreadForm
from ...forms.uploads import PhotoForm
from ...links import row_link
from ...models import Category, Post, PostRevision, Thread
from ...models.base import parse_id
from ...policy import can, requires
from ...services import moderating, posting, self_moderation
from ...services.text import render_markdown
from ...web import add_form_error, announce, layout, render_page_or_part, row_id
from ...web.conditional import conditional
from ..uploads import chosen_photo, photo_error
from . import bp, kept_blocks

# -- loading, with visibility decided once -----------------------------------------------------


def readable_thread(thread_id: int, with_reading=False, viewer=None) -> Thread:
    """The thread, or 404 when the viewer may not read it (its existence is private too).
    with_reading: also the signed-in viewer's reading position (`.reader_last_read`). viewer: the
    member as loaded, when the caller has it (current_user otherwise)."""
    viewer = viewer or current_user._get_current_object()
    reader = viewer if with_reading and viewer.is_authenticated else None
    thread = Thread.with_category(thread_id, reader)
    if thread is None or not can(viewer, "read_thread", thread):
        raise NotFound("There is no such thread, or it is for members only.")
    return thread


def readable_post(post_id: int) -> Post:
    post = Post.with_thread(post_id)
    if post is None or not can(current_user, "read_thread", post.thread):
        raise NotFound("There is no such post, or it is for members only.")
    return post


def post_url(post) -> str:
    return url_for("threads.thread", thread_id=post.thread_id, page=Thread.page_of(post.number)) + (
        f"#post-{post.number}"
    )


def thread_url(thread_id: int) -> str:
    """url_for("threads.thread", thread_id=thread_id), for lists of threads and page links."""
    return row_link("threads.thread", "thread_id", thread_id)


# -- reading -----------------------------------------------------------------------------------


@bp.get("/t/<int:thread_id>")
@conditional
def thread(thread_id):
    # The member as loaded, once: each use of current_user goes through werkzeug's proxy and
    # flask-login, and the page's queries and rules read the member dozens of times
    # (docs/performance.md).
    viewer = current_user._get_current_object()
    thread = readable_thread(thread_id, with_reading=True, viewer=viewer)
    page = request.args.get("page", type=row_id)
    member = viewer if viewer.is_authenticated else None
    last_read = thread.reader_last_read if member else None
    if page is None and last_read is not None and last_read < thread.post_count:
        # Back to where they left off: the first post they have not seen.
        first_unread = last_read + 1
        return redirect(
            url_for("threads.thread", thread_id=thread.id, page=Thread.page_of(first_unread))
            + f"#post-{first_unread}"
        )
    page = page or 1
    if not 1 <= page <= thread.last_page:
        raise NotFound("This thread has no such page.")
    posts = Post.page_of_thread(thread, page, reader=member, open_reports=can(viewer, "resolve_report"))
    if member and posts:
        posting.mark_read(member, thread, posts.last_number, last_read)
    context = {"thread": thread, "posts": posts, "page": page, "last_read": last_read}
    if request.htmx and not request.htmx.history_restore_request:
        # "Next page" in place: the posts are appended and the page links replaced.
        return render_template("threads/_posts_page.html", **context)
    staff_move_form = move_form() if can(viewer, "manage_thread", thread) else None
    # The page's main part, kept once drawn, in the layout, kept too (kept_blocks.py, web/layout.py).
    # The blank reply form is built only when its kept block is not there yet, which gives it its
    # submission key.
    reply_form = partial(ReplyForm, formdata=None)
    main, digest = kept_blocks.thread_main(thread, posts, page, last_read, reply_form, staff_move_form)
    return layout.page(thread.title, main, digest)


@bp.get("/p/<int:post_id>")
def post(post_id):
    """A post's permalink: its place in its thread, or the post alone for htmx (Cancel an edit)."""
    post = readable_post(post_id)
    if request.htmx:
        return render_template("threads/_post.html", post=post, thread=post.thread, last_read=None)
    return redirect(post_url(post))


@bp.get("/p/<int:post_id>/history")
def history(post_id):
    post = readable_post(post_id)
    if not can(current_user, "read_post_history", post):
        raise NotFound("There is no such post, or it is for members only.")
    revisions = list(
        PostRevision.select().where(PostRevision.post == post).order_by(PostRevision.revision.desc())
    )
    return render_template("threads/history.html", post=post, thread=post.thread, revisions=revisions)


# -- starting a thread -------------------------------------------------------------------------


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
@requires("post")
def new_thread(slug):
    category = Category.get_or_none(Category.slug == slug)
    if category is None or not can(current_user, "read_category", category):
        raise NotFound("There is no such category.")
    if not can(current_user, "start_thread", category):
        abort(403, "Only staff start threads in this category.")
    form = ThreadForm()
    photo_form = PhotoForm()
    if request.method == "GET":
        form.submission.data = new_submission()
    preview_html, pause, status = None, [], 200
    if form.validate_on_submit():
        pause = _pause(form.message.data)
        if request.form.get("preview"):
            preview_html = render_markdown(posting.link_mentions(form.message.data))
        elif not pause:
            try:
                post = posting.start_thread(current_user, category, form.data, photo=chosen_photo(photo_form))
            except DomainError as error:
                add_form_error(photo_error(photo_form, error) or form, error)
                status = error.status
            else:
                return redirect(post_url(post))
    elif request.method == "POST":
        status = 422
    return render_page_or_part(
        "threads/new_thread.html",
        "threads/_thread_form.html",
        form=form,
        photo_form=photo_form,
        category=category,
        preview_html=preview_html,
        pause=pause,
    ), status


# -- replying ----------------------------------------------------------------------------------


def _reply_form(**data):
    form = ReplyForm(formdata=None, data=data)
    form.submission.data = new_submission()
    return form


def _pause(message: str) -> list[str]:
    """Why to pause before posting this message, unless the member was already asked once."""
    return [] if request.form.get("paused") else self_moderation.pause_reasons(message)


def _reply_page(thread, form, status=200, preview_html=None, pause=(), photo_form=None):
    """The reply form alone for htmx, or a page with it (JavaScript off: quote, preview, errors)."""
    response = render_page_or_part(
        "threads/reply.html",
        "threads/_reply_form.html",
        thread=thread,
        reply_form=form,
        preview_html=preview_html,
        pause=pause,
        photo_form=photo_form,
    )
    return response, status


@bp.get("/t/<int:thread_id>/reply")
@requires("post")
def reply_form(thread_id):
    """The reply form, prefilled with a quote when asked (the `Quote` button)."""
    thread = readable_thread(thread_id)
    message = request.args.get("message", "")
    quote_id = request.args.get("quote", type=row_id)
    if quote_id:
        quoted = Post.with_thread(quote_id)
        if quoted is None or quoted.thread_id != thread.id or not can(current_user, "quote_post", quoted):
            raise NotFound("There is no such post to quote.")
        message = (message.rstrip() + "\n\n" if message.strip() else "") + posting.quote_markdown(
            quoted, thread
        )
    form = _reply_form(message=message)
    if request.htmx:
        return announce(
            render_template("threads/_reply_form.html", thread=thread, reply_form=form),
            "Quote added to your reply." if quote_id else "",
            "#message",
        )
    return _reply_page(thread, form)


@bp.post("/t/<int:thread_id>/reply")
@requires("post")
def reply(thread_id):
    thread = readable_thread(thread_id)
    form = ReplyForm()
    photo_form = PhotoForm()
    if not form.validate_on_submit():
        return _reply_error(thread, form, 422, photo_form)
    pause = _pause(form.message.data)
    if request.form.get("preview"):
        return _reply_page(
            thread,
            form,
            preview_html=render_markdown(posting.link_mentions(form.message.data)),
            pause=pause,
            photo_form=photo_form,
        )
    if pause:
        # Not an error: the form comes back in place of itself, the message kept, with a reminder.
        response, status = _reply_page(thread, form, pause=pause, photo_form=photo_form)
        if request.htmx:
            return announce(response, "Before you post: a moment to pause.", "#pause-heading", "info"), 200, {
                "HX-Retarget": "#reply-form", "HX-Reswap": "outerHTML"
            }
        return response, status
    try:
        post = posting.reply(current_user, thread, form.data, photo=chosen_photo(photo_form))
    except DomainError as error:
        add_form_error(photo_error(photo_form, error) or form, error)
        return _reply_error(thread, form, error.status, photo_form)
    if request.htmx:
        # Append the post, clear the form, and bring the counters up to date.
        body = render_template(
            "threads/_reply_appended.html", post=post, thread=thread, reply_form=_reply_form(), last_read=None
        )
        return announce(body, "Your reply is posted.", f"#post-{post.number}")
    return redirect(post_url(post))


def _reply_error(thread, form, status, photo_form=None):
    response, status = _reply_page(thread, form, status, photo_form=photo_form)
    if request.htmx:
        return response, status, {"HX-Retarget": "#reply-form", "HX-Reswap": "outerHTML"}
    return response, status


# -- editing and withdrawing -------------------------------------------------------------------


def _revision(raw) -> int:
    """The revision the edit form was opened at; anything else (not a number, or past any the
    database can hold) matches no revision, so the edit is refused as stale (with the text kept)
    rather than failing."""
    return parse_id(raw) or -1


def _own_post(post_id, action):
    post = readable_post(post_id)
    if not can(current_user, action, post):
        abort(403, "Only the author can do this, while the post is visible.")
    return post


@bp.route("/p/<int:post_id>/edit", methods=["GET", "POST"])
@requires("post")
def edit(post_id):
    post = _own_post(post_id, "edit_post")
    form = EditPostForm(data={"message": post.body_md, "interest": post.interest, "revision": post.revision})
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                post = posting.edit_post(current_user, post, form.data, _revision(form.revision.data))
            except DomainError as error:
                add_form_error(form, error)
                status = error.status
                post = Post.with_thread(post.id)  # show the latest, keep their text
                form.revision.data = post.revision
            else:
                if request.htmx:
                    body = render_template(
                        "threads/_post.html", post=post, thread=post.thread, last_read=None
                    )
                    return announce(body, "Your edit is saved.", f"#post-{post.number}")
                flash("Your edit is saved.", "success")
                return redirect(post_url(post))
        else:
            status = 422
    return render_page_or_part(
        "threads/edit.html", "threads/_post_edit.html", post=post, thread=post.thread, form=form
    ), status


@bp.route("/p/<int:post_id>/withdraw", methods=["GET", "POST"])
@requires("post")
def withdraw(post_id):
    post = _own_post(post_id, "withdraw_post")
    form = EmptyForm()
    if form.validate_on_submit():
        post = posting.withdraw_post(current_user, post)
        if request.htmx:
            body = render_template("threads/_post.html", post=post, thread=post.thread, last_read=None)
            return announce(body, "Your post is withdrawn.", f"#post-{post.number}")
        flash("Your post is withdrawn.", "success")
        return redirect(post_url(post))
    # Asking first: a page without JavaScript, the question in place of the post with it.
    return render_page_or_part(
        "threads/withdraw.html", "threads/_withdraw_confirm.html", post=post, thread=post.thread, form=form
    )


# -- staff -------------------------------------------------------------------------------------


def _staff_done(thread, message):
    flash(message, "success")
    return redirect(url_for("threads.thread", thread_id=thread.id, page=thread.last_page))


@bp.post("/t/<int:thread_id>/lock")
@requires("manage_thread")
def lock(thread_id):
    thread = readable_thread(thread_id)
    form = ModerationForm()
    if not form.validate_on_submit():
        flash("Choose a reason for locking or unlocking the thread.", "error")
        return redirect(url_for("threads.thread", thread_id=thread.id))
    moderating.set_locked(current_user, thread, not thread.locked, form.reason.data, form.note.data)
    return _staff_done(thread, "The thread is unlocked." if thread.locked else "The thread is locked.")


@bp.post("/t/<int:thread_id>/pin")
@requires("manage_thread")
def pin(thread_id):
    thread = readable_thread(thread_id)
    if EmptyForm().validate_on_submit():
        moderating.set_pinned(current_user, thread, not thread.pinned)
    return _staff_done(thread, "The thread is unpinned." if thread.pinned else "The thread is pinned.")


@bp.post("/t/<int:thread_id>/move")
@requires("manage_thread")
def move(thread_id):
    thread = readable_thread(thread_id)
    form = move_form()
    if form.validate_on_submit():
        target = Category.get_or_none(Category.id == form.category.data)
        if target is None:
            raise NotFound("There is no such category.")
        moderating.move_thread(current_user, thread, target, form.reason.data, form.note.data)
        return _staff_done(thread, f"The thread is moved to {target.name}.")
    flash("Choose a category and a reason to move the thread.", "error")
    return redirect(url_for("threads.thread", thread_id=thread.id))


def move_form():
    form = MoveThreadForm(formdata=None if request.method == "GET" else request.form)
    form.category.choices = [SelectChoice(c.id, c.name) for c in Category.listed()]
    return form
