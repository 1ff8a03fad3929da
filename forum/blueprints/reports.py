"""The Report button, its form, and "My reports".

`GET /report/<kind>/<id>` is the `Report` button: a page with the form without JavaScript, the
form in place next to the item for htmx. `POST` to the same address sends it: a redirect back
with a flashed message, or in place, "Thanks" and a `Reported` button. A member who has reported
the item already gets their report and a form that adds to its note instead.
"""

from flask import Blueprint, flash, redirect, render_template, request
from flask_login import current_user

from .. import policy
from ..errors import DomainError
from ..forms.reports import AddToReportForm, ReportForm
from ..models.reports import Report
from ..policy import can, requires
from ..services import reporting
from ..web import add_form_error, announce, row_id

bp = Blueprint("reports", __name__)

# What can be reported; photos, when uploads land, are one more name here and in reporting.py.
KINDS = "any(post, thread, member, photo, message, resource)"
THANKS = "Thanks — the team will review this."
ADDED = "Thanks — your note is added to your report."


# -- for templates: the Report buttons on a page -------------------------------------------------


def report_target(item, thread=None):
    """The Target for an item's Report button. `thread`: the page's thread, already loaded, which
    a post on it is given so that the policy reads it without a query per post."""
    if thread is not None and getattr(item, "thread_id", None) == thread.id:
        item.thread = thread
    return reporting.target_for(item)


def load_reported_by_me(posts=(), thread=None, member=None, photos=()) -> set[tuple[str, int]]:
    """The items on a page the viewer has reported, as {(kind, id)}: one query for a whole page
    of posts (and its thread, or a profile); none for visitors, nor for the many members who
    have never reported anything (their count is on their row, loaded with the session)."""
    if not can(current_user, "report") or not current_user.report_count:
        return set()
    loaded = _carry(posts, "reader_reported") and (thread is None or _carry([thread], "reader_reported"))
    if member is None and loaded:
        # Loaded with the page's rows (Thread.with_category, Post.page_of_thread): no query.
        reported = {("post", p.id) for p in posts if p.reader_reported}
        if thread is not None and thread.reader_reported:
            reported.add(("thread", thread.id))
        return reported
    return Report.reported_by(
        current_user,
        {
            "post": [p.id for p in posts],
            "thread": [thread.id] if thread is not None else [],
            "member": [member.id] if member is not None else [],
            "photo": [p.id for p in photos],
        },
    )


def load_open_report_counts(posts=()) -> dict[int, int]:
    """Open reports on each post of a page, for staff (who may Dismiss them there); one query for
    the page, none for anyone else."""
    if not can(current_user, "resolve_report"):
        return {}
    if _carry(posts, "open_reports"):
        return {p.id: p.open_reports for p in posts if p.open_reports}
    return Report.open_counts("post", [p.id for p in posts])


def _carry(items, attribute) -> bool:
    """Whether every item was loaded with `attribute` (asked for in the query that loaded it)."""
    return all(attribute in vars(item) for item in items)


# -- the button and its form ---------------------------------------------------------------------


def _focus(target, form, existing) -> str:
    """Where focus goes when the form opens in place: what to fix first, or the first field."""
    base = f"#report-{target.key}"
    if form.form_errors:
        return f"{base}-errors"
    if existing or (form.note.errors and not form.reason.errors):
        return f"{base}-note"
    return f"{base}-reason-1"


def _show(target, form, existing=None, status=200, message=""):
    context = {
        "target": target,
        "report_form": form,
        "report_existing": existing,
        "is_reported": bool(existing),
    }
    if request.htmx:
        body = render_template("reports/_report_control.html", **context)
        kind = "error" if status >= 400 and not existing else "info"
        return announce(body, message, _focus(target, form, existing), kind), status
    return render_template("reports/report.html", message=message, **context), status


def _thanks(target, message):
    if request.htmx:
        body = render_template(
            "reports/_report_control.html", target=target, is_reported=True, report_thanks=message
        )
        return announce(body, message, f"#report-{target.key}-button")
    flash(message, "success")
    return redirect(target.url)


def _add_form(note=""):
    return AddToReportForm(formdata=None, data={"note": note})


@bp.get(f"/report/<{KINDS}:kind>/<int:target_id>")
@requires("report")
def report(kind, target_id):
    target = reporting.load_target(current_user, kind, target_id)
    if request.args.get("closed"):
        # Cancel: the button alone again in place; without JavaScript, back to the item.
        if request.htmx:
            is_reported = Report.by(current_user, kind, target.id) is not None
            body = render_template("reports/_report_control.html", target=target, is_reported=is_reported)
            # The Cancel link is gone with the form: focus goes back to the button that opened it.
            return announce(body, "", f"#report-{target.key}-button")
        return redirect(target.url)
    existing = Report.by(current_user, kind, target.id)
    if existing:
        return _show(target, _add_form(), existing)
    problem = policy.report_refusal(current_user, kind, target.item)
    if problem:
        raise problem
    return _show(target, ReportForm(formdata=None))


@bp.post(f"/report/<{KINDS}:kind>/<int:target_id>")
@requires("report")
def send(kind, target_id):
    target = reporting.load_target(current_user, kind, target_id)
    existing = Report.by(current_user, kind, target.id)
    if existing and request.form.get("adding"):
        return _add(target, existing)
    if existing:
        # A second "Send report" (an old tab): their report, with what they wrote ready to add.
        error = reporting.AlreadyReported(existing)
        return _show(target, _add_form(request.form.get("note", "")), existing, error.status, error.message)
    form = ReportForm()
    if not form.validate_on_submit():
        return _show(target, form, status=422)
    try:
        reporting.report(current_user, target, form.data)
    except reporting.AlreadyReported as error:
        return _show(target, _add_form(form.note.data), error.report, error.status, error.message)
    except DomainError as error:
        if error.status not in (422, 429):
            raise  # not allowed, not found, already hidden: the error page or message says why
        add_form_error(form, error)
        return _show(target, form, status=error.status)
    return _thanks(target, THANKS)


def _add(target, existing):
    form = AddToReportForm()
    if not form.validate_on_submit():
        return _show(target, form, existing, 422)
    try:
        reporting.add_to_report(current_user, existing, form.data, target)
    except DomainError as error:
        if error.status != 422:
            raise  # decided meanwhile: the error page or message says so
        add_form_error(form, error)
        return _show(target, form, existing, error.status)
    return _thanks(target, ADDED)


# -- the reporter's view -------------------------------------------------------------------------


@bp.get("/reports")
@requires("see_own_reports")
def mine():
    rows, older = reporting.reports_of(current_user, request.args.get("before", type=row_id))
    return render_template("reports/mine.html", rows=rows, older=older)
