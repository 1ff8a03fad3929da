"""The bell, the notifications page, marking read, email choices, and one-click unsubscribe.

Every control is a plain form first; htmx swaps the same partial in place."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import csrf
from ..errors import DomainError
from ..forms import EmptyForm
from ..forms.notifications import settings_form
from ..models.base import parse_id
from ..models.db import db
from ..models.notifications import FREQUENCIES, KINDS, PER_PAGE
from ..policy import can, requires
from ..services import notifying
from ..web import announce, render_page_or_part, safe_next

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _cursor():
    raw = request.args.get("before", "")
    return parse_id(raw)


@bp.get("")
@requires("read_notifications")
def index():
    rows = notifying.page_of(current_user, _cursor())
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    return render_page_or_part(
        "notifications/index.html",
        "notifications/_list.html",
        notifications=rows,
        next_cursor=rows[-1].id if more else None,
    )


@bp.get("/bell")
def bell():
    # A fragment for htmx alone; a browser that opens its address gets the page it stands for.
    if not request.htmx:
        return redirect(url_for(".index"))
    # Polled by htmx: for someone signed out meanwhile, a redirect to the sign-in page would be
    # followed and swapped into the header; 204 leaves the bell as it was.
    if not can(current_user, "read_notifications"):
        return "", 204
    return render_template("notifications/_bell.html")


# The one GET here that writes, on purpose: the notifications page links through it so that
# following a notification marks it read, and it stays a real link (open in a new tab, copy, read
# out as a link), which a POST button is not. It is safe as a GET because it is idempotent (read
# once or ten times, the same row says read), only ever touches the signed-in owner's own row
# (anyone else gets 404), and the worst a forged cross-site request can do is mark one
# notification read. Marking read without going anywhere stays a POST (`read` below).
@bp.get("/<int:notification_id>/open")
@requires("read_notifications")
def follow(notification_id):
    with db.atomic():
        notification = notifying.mark_read(current_user, notification_id)
    response = redirect(safe_next(notification.link, url_for(".index")))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:notification_id>/read")
@requires("read_notifications")
def read(notification_id):
    if not EmptyForm().validate_on_submit():
        flash("The form expired: try again.", "error")
        return redirect(url_for(".index"))
    with db.atomic():
        notification = notifying.mark_read(current_user, notification_id)
    if request.htmx:
        body = render_template("notifications/_item.html", notification=notification, oob_bell=True)
        return announce(body, "Marked as read.", f"#notification-{notification.id} a")
    flash("Marked as read.", "success")
    return redirect(url_for(".index"))


@bp.post("/read-all")
@requires("read_notifications")
def read_all():
    if not EmptyForm().validate_on_submit():
        flash("The form expired: try again.", "error")
        return redirect(url_for(".index"))
    with db.atomic():
        notifying.mark_all_read(current_user)
    message = "All notifications are marked as read."
    if request.htmx:
        rows = notifying.page_of(current_user)
        body = render_template(
            "notifications/_list.html",
            notifications=rows[:PER_PAGE],
            next_cursor=rows[PER_PAGE - 1].id if len(rows) > PER_PAGE else None,
            oob_bell=True,
        )
        return announce(body, message, "#notifications-heading")
    flash(message, "success")
    return redirect(url_for(".index"))


@bp.route("/settings", methods=["GET", "POST"])
@requires("read_notifications")
def settings():
    if request.method == "POST":
        form = settings_form(formdata=request.form)
        if form.validate_on_submit():
            try:
                with db.atomic():
                    notifying.choose(current_user.id, {kind: form[kind].data for kind in KINDS})
            except DomainError as error:
                flash(str(error), "error")
            else:
                flash("Your email choices are saved.", "success")
                return redirect(url_for(".settings"))
        return render_template("notifications/settings.html", form=form), 422
    form = settings_form(data=notifying.settings_of(current_user))
    return render_template("notifications/settings.html", form=form)


# RFC 8058: a mail client POSTs here without cookies or a CSRF token; the signed token is the proof.
@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token):
    if request.method == "POST":
        with db.atomic():
            member, kinds = notifying.unsubscribe(token)
        return render_template(
            "notifications/unsubscribed.html", member=member, labels=[KINDS[k] for k in kinds]
        )
    member, kinds = notifying.read_unsubscribe_token(token)
    return render_template(
        "notifications/unsubscribe.html",
        member=member,
        labels=[KINDS[k] for k in kinds],
        frequencies=FREQUENCIES,
    )
