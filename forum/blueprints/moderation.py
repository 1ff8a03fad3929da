"""The staff area. Every route here is for staff: the check is made once, for all of them."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..forms import DeclineForm, EmptyForm
from ..models import Member
from ..policy import refusal
from ..services import membership
from ..web import announce, render_page_or_part

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def staff_only():
    return refusal("moderate")


@bp.get("/")
def index():
    return redirect(url_for("moderation.applications"))


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
