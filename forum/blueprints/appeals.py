"""Appeals: the member's `Appeal` beside each decision about them (My posts, their account page),
and the Moderation area's `Appeals`, where staff `Uphold` or `Reverse`. Plain forms without
JavaScript; with htmx the same routes answer with the part that changed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..forms.appeals import AppealForm, DecideForm
from ..policy import requires
from ..services import appeal_decisions, appeals
from ..web import add_form_error, announce, render_page_or_part

bp = Blueprint("appeals", __name__)


def _back(decision) -> str:
    """Where the member reads the decision: My posts for a post, else their account page."""
    if decision.about_post:
        return url_for("selfmod.my_posts") + f"#my-post-{decision.post_id}"
    return url_for("auth.account") + f"#decision-{decision.id}"


# -- the member ------------------------------------------------------------------------------------


@bp.route("/my/decisions/<int:decision_id>/appeal", methods=["GET", "POST"])
@requires("appeal")
def appeal(decision_id):
    """The decision with the appeal form open (a page, or in place of the decision); sending it."""
    decision = appeals.own_decision(current_user, decision_id)
    form = AppealForm()
    status = 200
    if form.validate_on_submit():
        try:
            appeals.appeal(current_user, decision.id, form.body.data)
        except DomainError as error:
            if error.status == 404:
                raise
            add_form_error(form, error)
            status = error.status
            decision = appeals.own_decision(current_user, decision_id)
        else:
            message = (
                "Your appeal is sent: someone other than whoever took the decision will look at it again."
            )
            if request.htmx:
                decision = appeals.own_decision(current_user, decision_id)
                body = render_template("appeals/_decision.html", decision=decision, back=_back(decision))
                return announce(body, message, f"#decision-{decision.id}")
            flash(message, "success")
            return redirect(_back(decision))
    return render_page_or_part(
        "appeals/appeal.html",
        "appeals/_decision.html",
        decision=decision,
        appeal_form=form,
        back=_back(decision),
    ), status


def load_post_decisions(posts) -> dict:
    """For My posts: {post id: the decision that hid or removed it}, one query for the page."""
    return appeals.on_posts(current_user, posts)


def load_account_decisions() -> list:
    """For the account page: the decisions about the member's account and groups."""
    return appeals.on_account(current_user)


def load_support_appeal(request_id: int):
    """For a request in the team's inbox: the appeal it brought, if any."""
    return appeals.for_support_request(request_id)


# -- staff -----------------------------------------------------------------------------------------


@bp.get("/moderation/appeals")
@requires("moderate")
def queue():
    """Appeals waiting, oldest first, then the latest decided, with the figures."""
    return render_template(
        "appeals/queue.html", **appeal_decisions.waiting(current_user), form=DecideForm(formdata=None)
    )


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["GET", "POST"])
@requires("moderate")
def decide(appeal_id):
    """One appeal (the page linked from the team inbox); Uphold or Reverse with a reason."""
    form = DecideForm()
    status = 200
    if form.validate_on_submit():
        try:
            appeal = appeal_decisions.decide(current_user, appeal_id, form.outcome.data, form.reason.data)
        except DomainError as error:
            if error.status == 404:
                raise
            add_form_error(form, error)
            status = error.status
        else:
            message = f"The appeal is decided: the decision is {appeal.status}. The member is emailed."
            if request.htmx:
                body = render_template(
                    "appeals/_appeal.html", appeal=appeal_decisions.for_staff(current_user, appeal_id)
                )
                return announce(body, message, f"#appeal-{appeal_id}")
            flash(message, "success")
            return redirect(url_for("appeals.queue"))
    appeal = appeal_decisions.for_staff(current_user, appeal_id)
    return render_page_or_part(
        "appeals/staff_appeal.html", "appeals/_appeal.html", appeal=appeal, form=form
    ), status
