"""Reply by email, on the member's email settings page: switch it on or off, and revoke every
reply address sent so far. Plain forms first; htmx swaps the same partial in place."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from ..forms import EmptyForm
from ..models.db import db
from ..policy import requires
from ..services import email_replies
from ..web import announce

bp = Blueprint("email_replies", __name__, url_prefix="/notifications/reply-by-email")


class ReplyByEmailForm(FlaskForm):
    enabled = BooleanField("Reply by email")


def _done(message: str, focus: str):
    if request.htmx:
        return announce(render_template("notifications/_reply_by_email.html"), message, focus)
    flash(message, "success")
    return redirect(url_for("notifications.settings") + "#reply-by-email")


def _expired():
    flash("The form expired: try again.", "error")
    return redirect(url_for("notifications.settings") + "#reply-by-email")


@bp.post("")
@requires("reply_by_email")
def switch():
    # An unticked box sends nothing: an empty form means "off".
    form = ReplyByEmailForm(formdata=request.form)
    if not form.validate_on_submit():
        return _expired()
    with db.atomic():
        email_replies.set_enabled(current_user, bool(form.enabled.data))
    if current_user.reply_by_email:
        return _done("Reply by email is on: emails about posts carry a reply address.", "#reply-by-email-on")
    return _done("Reply by email is off: replies to earlier emails are not posted.", "#reply-by-email-on")


@bp.post("/revoke")
@requires("reply_by_email")
def revoke():
    if not EmptyForm().validate_on_submit():
        return _expired()
    with db.atomic():
        email_replies.revoke(current_user)
    return _done(
        "Every reply address sent to you so far is revoked; new emails carry new ones.",
        "#reply-by-email-heading",
    )
