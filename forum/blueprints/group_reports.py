"""A group's reports, for its leads: `/groups/<slug>/reports` lists the open reports on the posts
and threads of the group's space, each with `Hide` or `Restore` and `Dismiss`. Staff see it too,
as they see every report in the staff queue, and may act there or here.

Plain forms without JavaScript (a redirect back to the list, with the message); with htmx the row
is swapped in place for what was done. A report someone else decided first is a 409 saying so;
who may do what is the policy's (policy/group_moderation.py), asked by the domain functions.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..forms.moderation import DismissForm, ModerationForm
from ..models.moderation import POST_ACTIONS
from ..policy import requires
from ..services import queue as review
from ..web import add_form_error, announce, render_page_or_part

bp = Blueprint("group_reports", __name__)

LEAD_ACTIONS = "any(hide, restore)"


def _page(group, status=200, failed_key=None, failed_form=None):
    """The list, or for htmx the part of it asked for: the whole list, or (after an error) the
    row whose form failed, with its errors."""
    rows = review.group_items(current_user, group)
    context = {
        "group": group,
        "rows": rows,
        "failed_key": failed_key,
        "failed_form": failed_form,
    }
    if request.htmx and failed_key is not None:
        row = next((r for r in rows if r.key == failed_key), None)
        if row is not None:
            body = render_template("group_reports/_row.html", row=row, **context)
            return announce(
                body, "Please check the form.", f"#group-report-{failed_key}-errors", "error"
            ), status
    return render_page_or_part("group_reports/queue.html", "group_reports/_rows.html", **context), status


def _done(group, key: str, message: str):
    if request.htmx:
        body = render_template("group_reports/_done.html", key=key, message=message)
        return announce(body, message, f"#group-report-{key}")
    flash(message, "success")
    return redirect(url_for("group_reports.queue", slug=group.slug))


@bp.get("/groups/<slug>/reports")
@requires("read_members_area")
def queue(slug):
    """The open reports in the group's space, urgent first, then the longest waiting."""
    return _page(review.group_for_review(current_user, slug))


@bp.post(f"/groups/<slug>/reports/posts/<int:post_id>/<{LEAD_ACTIONS}:action>")
@requires("post")
def act(slug, post_id, action):
    """Hide or restore a reported post of the group's space, with a reason told to its author."""
    group = review.group_for_review(current_user, slug)
    key = f"post-{post_id}"
    form = ModerationForm()
    if form.validate_on_submit():
        try:
            review.act_in_group(current_user, group, post_id, action, form.reason.data, form.note.data)
        except DomainError as error:
            if error.status != 422:
                raise
            add_form_error(form, error)
        else:
            return _done(group, key, f"{POST_ACTIONS[action].announcement} The reporters are told.")
    return _page(group, 422, key, form)


@bp.post("/groups/<slug>/reports/<any(post, thread):kind>/<int:target_id>/dismiss")
@requires("post")
def dismiss(slug, kind, target_id):
    """No action: the reports are closed, the reporters told, a post hidden by reports shown again."""
    group = review.group_for_review(current_user, slug)
    key = f"{kind}-{target_id}"
    form = DismissForm()
    if not form.validate_on_submit():
        return _page(group, 422, key, form)
    decided = review.dismiss_in_group(current_user, group, kind, target_id, form.outcome_note.data or "")
    many = len(decided) > 1
    return _done(group, key, f"Dismissed {len(decided)} report{'s' if many else ''}; the reporters are told.")
