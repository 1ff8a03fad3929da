"""The staff area. Every route here is for staff: the check is made once, for all of them, but
for actions on posts, which a group's leads take too (Hide and Restore in their group's space:
the route asks the post's own rule).

Applications, the moderation log, actions on posts (Hide, Restore, Remove: also inline on the
thread page) and on members (warn, suspend, lift, delete, notes)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError, NotAllowed, NotFound
from ..forms import EmptyForm
from ..forms.moderation import (
    DeclineForm,
    DeleteMemberForm,
    DismissForm,
    ModerationForm,
    StaffNoteForm,
    SuspendForm,
    WarnForm,
    log_filters,
    queue_filters,
)
from ..models import LogEntry, Member, Post, StaffNote
from ..models.moderation import POST_ACTIONS
from ..models.reports import REASONS
from ..policy import can, refusal
from ..policy.refusals import post_action_refusal
from ..services import membership, moderating, queue
from ..web import add_form_error, announce, render_page_or_part

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def staff_only():
    if request.endpoint == "moderation.post_action":
        # Staff, and a group's leads in its space: decided per post by the route.
        return refusal("post")
    return refusal("moderate")


@bp.get("/")
def index():
    """The queue: open reports grouped by item, urgent first, then the longest waiting."""
    filters = queue_filters(request.args)
    return render_template(
        "moderation/queue.html",
        rows=queue.open_items(filters),
        filters=filters,
        categories=queue.categories(),
        reasons=REASONS,
        form=ModerationForm(formdata=None),
        dismiss_form=DismissForm(formdata=None),
    )


@bp.post("/queue/<any(post, thread, member, photo, resource):kind>/<int:target_id>/dismiss")
def dismiss(kind, target_id):
    """No action: the reports are closed, the reporters told, an auto-hidden post comes back."""
    form = DismissForm()
    if not form.validate_on_submit():
        raise DomainError("Use at most 2,000 characters for the note.")
    decided = queue.dismiss(current_user, kind, target_id, form.outcome_note.data or "")
    message = f"Dismissed {len(decided)} report{'s' if len(decided) > 1 else ''}; the reporters are told."
    if kind == "post" and request.form.get("in_thread"):
        # Dismissed on the thread page, beside the post: the post comes back in place.
        post = Post.with_thread(target_id)
        if request.htmx:
            body = render_template("threads/_post.html", post=post, thread=post.thread, last_read=None)
            return announce(body, message, f"#post-{post.number}")
        flash(message, "success")
        return redirect(url_for("threads.post", post_id=post.id))
    if request.htmx:
        body = render_template("moderation/_queue_done.html", key=f"{kind}-{target_id}", message=message)
        return announce(body, message, f"#queue-{kind}-{target_id}")
    flash(message, "success")
    return redirect(url_for("moderation.index"))


@bp.post("/summary")
def toggle_summary():
    """A staff member's own choice: a daily email summarising the queue, or none."""
    if EmptyForm().validate_on_submit():
        wanted = moderating.set_queue_summary(current_user, not current_user.queue_summary)
        flash(
            "You will get a daily summary of the queue." if wanted else "No more daily summaries.", "success"
        )
    return redirect(url_for("moderation.index"))


@bp.get("/applications")
def applications():
    return render_template(
        "moderation/applications.html",
        applications=list(Member.pending_applications()),
        decline_form=DeclineForm(formdata=None),
        form=EmptyForm(),
    )


def _answer(member, message, decline_form=None, status=200):
    """The application's row, in place for htmx; otherwise back to the list."""
    if request.htmx:
        response = render_page_or_part(
            "moderation/applications.html",
            "moderation/_application.html",
            application=member,
            outcome=message if status == 200 else None,
            decline_form=decline_form or DeclineForm(formdata=None),
            form=EmptyForm(),
        )
        return announce(response, message, f"#application-{member.id}"), status
    if status != 200:
        return render_template(
            "moderation/applications.html",
            applications=list(Member.pending_applications()),
            decline_form=decline_form,
            decline_for=member.id,
            form=EmptyForm(),
        ), status
    flash(message, "success")
    return redirect(url_for("moderation.applications"))


@bp.post("/applications/<int:member_id>/approve")
def approve(member_id):
    member = membership.approve(current_user, member_id)
    return _answer(member, f"{member.name} is now a member. They have been emailed.")


@bp.post("/applications/<int:member_id>/decline")
def decline(member_id):
    form = DeclineForm()
    if form.validate_on_submit():
        member = membership.decline(current_user, member_id, form.reason.data)
        return _answer(member, f"{member.name}'s application is declined. They have been emailed.")
    member = membership.pending_application(current_user, member_id)
    return _answer(member, "Please give the applicant a reason.", decline_form=form, status=422)


# -- posts -------------------------------------------------------------------------------------


@bp.route(f"/posts/<int:post_id>/<any({', '.join(POST_ACTIONS)}):action>", methods=["GET", "POST"])
def post_action(post_id, action):
    """Asks for a reason (a page, or a form in place of the post's actions), then acts."""
    done = POST_ACTIONS[action].announcement
    post = Post.with_thread(post_id)
    if post is None or not can(current_user, "read_thread", post.thread):
        raise NotFound("There is no such post.")
    problem = post_action_refusal(current_user, POST_ACTIONS[action], post)
    if isinstance(problem, NotAllowed):
        raise problem
    form = ModerationForm()
    status = 200
    if form.validate_on_submit():
        try:
            post = moderating.act_on_post(current_user, post, action, form.reason.data, form.note.data)
        except DomainError as error:
            if error.status != 422:
                raise
            add_form_error(form, error)
            status = 422
        else:
            if request.htmx and request.form.get("queue"):
                # Acted on from the queue: the row says what was done.
                body = render_template("moderation/_queue_done.html", key=f"post-{post.id}", message=done)
                return announce(body, done, f"#queue-post-{post.id}")
            if request.htmx:
                body = render_template("threads/_post.html", post=post, thread=post.thread, last_read=None)
                return announce(body, done, f"#post-{post.number}")
            flash(done, "success")
            return redirect(url_for("threads.post", post_id=post.id))
    elif request.method == "POST":
        status = 422
    return render_page_or_part(
        "moderation/post_action.html",
        "moderation/_post_action_form.html",
        post=post,
        action=action,
        label=POST_ACTIONS[action].label,
        form=form,
    ), status


# -- members -----------------------------------------------------------------------------------


def _member_or_404(member_id):
    member = Member.get_or_none(Member.id == member_id)
    if member is None:
        raise NotFound("There is no such member.")
    return member


@bp.get("/members/<int:member_id>")
def member(member_id):
    return _member_page(_member_or_404(member_id))


def _member_page(member, status=200, **forms):
    forms.setdefault("warn_form", WarnForm(formdata=None))
    forms.setdefault("suspend_form", SuspendForm(formdata=None))
    forms.setdefault("delete_form", DeleteMemberForm(formdata=None))
    forms.setdefault("note_form", StaffNoteForm(formdata=None))
    history = (
        LogEntry.select(LogEntry, Member)
        .join(Member, on=(LogEntry.staff == Member.id))
        .where((LogEntry.target_type == "member") & (LogEntry.target_id == member.id))
        .order_by(LogEntry.id.desc())
    )
    return render_template(
        "moderation/member.html",
        member=member,
        notes=StaffNote.for_member(member),
        history=list(history),
        form=EmptyForm(),
        **forms,
    ), status


MEMBER_ACTIONS = {
    "warn": (WarnForm, "warn_form", "Your warning is sent."),
    "suspend": (SuspendForm, "suspend_form", "The member is suspended and has been told why."),
    "lift": (EmptyForm, None, "The suspension is lifted."),
    "delete": (DeleteMemberForm, "delete_form", "The account is deleted."),
    "note": (StaffNoteForm, "note_form", "Your note is added."),
}


@bp.post("/members/<int:member_id>/<any(warn, suspend, lift, delete, note):action>")
def member_action(member_id, action):
    member = _member_or_404(member_id)
    form_class, form_name, done = MEMBER_ACTIONS[action]
    form = form_class()
    if form.validate_on_submit():
        try:
            _do_member_action(member, action, form)
        except DomainError as error:
            if error.status != 422 or form_name is None:
                raise
            add_form_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("moderation.member", member_id=member.id))
    if form_name is None:
        raise DomainError("The form expired. Please try again.")
    return _member_page(member, 422, **{form_name: form})


def _do_member_action(member, action, form):
    staff = current_user
    if action == "warn":
        moderating.warn_member(staff, member, form.reason.data, form.note.data)
    elif action == "suspend":
        moderating.suspend_member(staff, member, int(form.days.data), form.reason.data, form.note.data)
    elif action == "lift":
        moderating.lift_suspension(staff, member)
    elif action == "delete":
        moderating.delete_member(
            staff,
            member,
            form.reason.data,
            form.note.data,
            remove_posts=form.posts.data == "remove",
            block_email=form.block_email.data,
        )
    else:
        moderating.add_note(staff, member, form.body.data)


# -- the log -----------------------------------------------------------------------------------


@bp.get("/log")
def log():
    """The whole log for staff: who did what, to what, why and when."""
    return render_template(
        "moderation/log.html", **moderating.log_page(**log_filters(request.args)), staff_view=True
    )
