"""Self-moderation: a member's own controls over what they see, say and share. Muting members,
hiding and watching threads, low-data mode, "My posts", and "My data" (export, deletion).

Every control is a plain form first; htmx swaps the same partial in place."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from ..errors import DomainError
from ..forms import EmptyForm
from ..forms.selfmod import DeleteAccountForm, LowDataForm
from ..policy import requires
from ..services import my_data, self_moderation, watching
from ..web import add_form_error, announce, render_page_or_part, row_id, safe_next
from .threads.posts import readable_thread

bp = Blueprint("selfmod", __name__)


def _back(default: str) -> str:
    return safe_next(request.form.get("next") or request.args.get("next"), default)


# -- muting --------------------------------------------------------------------------------------


@bp.post("/members/<int:member_id>/<any(mute, unmute):action>")
@requires("self_moderate")
def mute(member_id, action):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash("The form expired: try again.", "error")
        return redirect(url_for("directory.profile", member_id=member_id))
    if action == "mute":
        target = self_moderation.mute(current_user, member_id)
        message = (
            f"You muted {target.name}. Their posts are folded away and their threads left out of "
            "your lists."
        )
    else:
        target = self_moderation.unmute(current_user, member_id)
        message = f"You unmuted {target.name}."
    if request.htmx:
        body = render_template("selfmod/_mute_control.html", member=target, muted=action == "mute")
        return announce(body, message, "#mute-control button")
    flash(message, "success")
    return redirect(_back(url_for("directory.profile", member_id=target.id)))


@bp.get("/settings/muted")
@requires("self_moderate")
def muted():
    return render_template("selfmod/muted.html", members=self_moderation.muted_members(current_user))


# -- hiding and watching threads -----------------------------------------------------------------

THREAD_ACTIONS = {
    "hide": (
        self_moderation.hide_thread,
        "The thread is hidden from your lists. You can still open it here.",
    ),
    "show": (self_moderation.show_thread, "The thread is back in your lists."),
    "watch": (watching.start_watching, "You are watching this thread."),
    "unwatch": (watching.unwatch, "You stopped watching this thread."),
}


@bp.post("/t/<int:thread_id>/<any(hide, show, watch, unwatch):action>")
@requires("self_moderate")
def thread_action(thread_id, action):
    thread = readable_thread(thread_id)
    do, message = THREAD_ACTIONS[action]
    if EmptyForm().validate_on_submit():
        do(current_user, thread)
    else:
        message = "The form expired: try again."
    if request.htmx:
        return announce(_thread_controls(thread), message, f"#thread-controls button[name={action}]")
    flash(message, "success")
    return redirect(_back(url_for("threads.thread", thread_id=thread.id)))


def _thread_controls(thread):
    return render_template("selfmod/_thread_controls.html", thread=thread, **load_thread_marks(thread))


@bp.get("/settings/threads")
@requires("self_moderate")
def threads():
    return render_template(
        "selfmod/threads.html",
        hidden=self_moderation.hidden_threads(current_user),
        watched=watching.watched_threads(current_user),
    )


# -- low-data mode -------------------------------------------------------------------------------


@bp.route("/settings/low-data", methods=["GET", "POST"])
@requires("manage_own_account")
def low_data():
    # An unticked box sends nothing: read the form as posted even when it is empty.
    if request.method == "POST":
        form = LowDataForm(formdata=request.form)
    else:
        form = LowDataForm(data={"low_data": current_user.low_data})
    if request.method == "POST" and form.validate_on_submit():
        on = self_moderation.set_low_data(current_user, bool(form.low_data.data))
        message = (
            "Low-data mode is on: pages load no images and no scripts." if on else "Low-data mode is off."
        )
        if request.htmx and not on:
            body = render_template("selfmod/_low_data_form.html", form=LowDataForm(data={"low_data": on}))
            return announce(body, message, "#low_data")
        flash(message, "success")
        # Turning it on with htmx: a whole new page, since the scripts must go (HX-Redirect).
        if request.htmx:
            return "", 204, {"HX-Redirect": url_for("selfmod.low_data")}
        return redirect(url_for("selfmod.low_data"))
    return render_page_or_part("selfmod/low_data.html", "selfmod/_low_data_form.html", form=form)


# -- my posts ------------------------------------------------------------------------------------


@bp.get("/my/posts")
@requires("manage_own_account")
def my_posts():
    listing = self_moderation.my_posts(current_user, request.args.get("before", type=row_id))
    return render_template(
        "selfmod/my_posts.html",
        listing=listing,
        states=self_moderation.POST_STATES,
        state_of=self_moderation.post_state,
    )


# -- my data ---------------------------------------------------------------------------------------


@bp.get("/my/data")
@requires("manage_own_account")
def data():
    return render_template("selfmod/my_data.html", data=my_data.export(current_user))


@bp.get("/my/data.json")
@requires("manage_own_account")
def data_json():
    body = json.dumps(my_data.export(current_user), indent=2, ensure_ascii=False, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-forum-data.json"'},
    )


@bp.route("/my/delete", methods=["GET", "POST"])
@requires("manage_own_account")
def delete():
    form = DeleteAccountForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                my_data.delete_own_account(
                    current_user, form.password.data, keep_posts=form.posts.data == "keep"
                )
            except DomainError as error:
                add_form_error(form, error)
                status = error.status
            else:
                logout_user()
                flash("Your account is deleted. Thank you for taking part.", "success")
                return redirect(url_for("threads.index"))
        else:
            status = 422
    form.password.data = ""
    return render_template("selfmod/delete.html", form=form), status


# -- what other pages ask of self-moderation -------------------------------------------------------


def load_thread_marks(thread) -> dict:
    return self_moderation.thread_marks(current_user, thread)
