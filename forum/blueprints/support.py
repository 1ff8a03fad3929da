"""Contact the team (members and visitors), My requests, and the team's inbox for staff."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..errors import DomainError, Invalid
from ..forms.support import AnswerForm, AssignForm, ContactForm, NoteForm, StatusForm
from ..models.base import parse_id
from ..models.support import STATUSES, TOPICS
from ..policy import refusal, requires
from ..services import support
from ..web import add_form_error, announce, render_page_or_part
from ..web.limits import limiter

bp = Blueprint("support", __name__, url_prefix="/support")
staff_bp = Blueprint("support_inbox", __name__, url_prefix="/moderation/support")

# Visitors are limited harder than members; both by address, members by account too. Only
# requests that were accepted count toward the per-sender limits.
VISITOR_PER_ADDRESS = "5 per hour"
MEMBER_PER_ACCOUNT = "10 per hour"
ANY_PER_ADDRESS = "30 per hour"


def _signed_in() -> bool:
    return bool(current_user.is_authenticated)


def _sent(response) -> bool:
    return response.status_code < 400


def _member_key() -> str:
    return f"support-member:{current_user.get_id()}"


def _contact_page(form, status=200):
    form.token.data = support.form_token()
    form.website.data = ""
    return render_page_or_part("support/contact.html", "support/_contact_form.html", form=form), status


@bp.get("")
def contact():
    return _contact_page(
        ContactForm(topic=request.args.get("topic") if request.args.get("topic") in TOPICS else None)
    )


@bp.post("")
@limiter.limit(ANY_PER_ADDRESS)
@limiter.limit(VISITOR_PER_ADDRESS, exempt_when=_signed_in, deduct_when=_sent)
@limiter.limit(
    MEMBER_PER_ACCOUNT, key_func=_member_key, exempt_when=lambda: not _signed_in(), deduct_when=_sent
)
def send():
    form = ContactForm()
    if not form.validate_on_submit():
        return _contact_page(form, 400)
    try:
        if form.website.data:
            raise Invalid("This message looks automated and was not sent. Leave the last field empty.")
        support.check_token(form.token.data)
        sent = support.create(current_user, form.data, host=request.host)
    except DomainError as error:
        add_form_error(form, error)
        return _contact_page(form, error.status)
    message = f"Thank you: your reference is {sent.reference}. We have emailed you a receipt."
    if request.htmx:
        return announce(render_template("support/_sent.html", sent=sent), message, focus="#contact-sent")
    flash(message, "success")
    if _signed_in():
        return redirect(url_for("support.my_request", request_id=sent.id))
    return redirect(url_for("help.index"))


@bp.get("/requests")
@requires("see_own_requests")
def my_requests():
    return render_template("support/mine.html", requests=support.mine(current_user))


@bp.get("/requests/<int:request_id>")
@requires("see_own_requests")
def my_request(request_id):
    req = support.own_request(current_user, request_id)
    return render_template("support/request.html", req=req, answers=support.answers(req))


# -- the team's inbox ----------------------------------------------------------------------------


@staff_bp.before_request
def staff_only():
    return refusal("moderate")


@staff_bp.get("/")
def inbox():
    context = support.inbox(current_user, request.args.get("status"), request.args.get("topic"))
    return render_page_or_part(
        "support/inbox.html", "support/_inbox_list.html", topics=TOPICS, statuses=STATUSES, **context
    )


def _staff_forms(req, answer=None, note=None):
    assign = AssignForm(formdata=None, assignee=str(req.assigned_to_id or ""))
    assign.assignee.choices = [SelectChoice("", "Nobody")] + [
        SelectChoice(str(m.id), m.name) for m in support.team(req)
    ]
    return {
        "req": req,
        "answers": support.answers(req, internal=True),
        "answer_form": answer or AnswerForm(formdata=None, seen_status=req.status),
        "note_form": note or NoteForm(formdata=None),
        "assign_form": assign,
        "status_form": StatusForm(formdata=None, status=req.status),
    }


def _staff_page(req, status=200, **forms):
    return render_page_or_part(
        "support/staff_request.html", "support/_conversation.html", **_staff_forms(req, **forms)
    ), status


@staff_bp.get("/<int:request_id>")
def staff_request(request_id):
    return _staff_page(support.for_staff(current_user, request_id))


@staff_bp.post("/<int:request_id>/answer")
def answer(request_id):
    req = support.for_staff(current_user, request_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _staff_page(req, 400, answer=form)
    try:
        support.answer(current_user, req, form.body.data, form.status.data, form.seen_status.data)
    except DomainError as error:
        add_form_error(form, error)
        return _staff_page(support.for_staff(current_user, request_id), error.status, answer=form)
    return _done(request_id, f"Your answer to {req.reference} was sent.")


@staff_bp.post("/<int:request_id>/note")
def note(request_id):
    req = support.for_staff(current_user, request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _staff_page(req, 400, note=form)
    try:
        support.add_note(current_user, req, form.note.data)
    except DomainError as error:
        add_form_error(form, error)
        return _staff_page(req, error.status, note=form)
    return _done(request_id, "Your note was added.")


@staff_bp.post("/<int:request_id>/assign")
def assign(request_id):
    req = support.for_staff(current_user, request_id)
    form = AssignForm()
    value = form.assignee.data
    # Anything but a member's id names no member (-1) and is refused as such; empty unassigns.
    support.assign(current_user, req, (parse_id(value) or -1) if value else None)
    return _done(request_id, "The request was assigned.")


@staff_bp.post("/<int:request_id>/status")
def status(request_id):
    req = support.for_staff(current_user, request_id)
    support.set_status(current_user, req, StatusForm().status.data)
    return _done(request_id, "The status was changed.")


def _done(request_id, message):
    if request.htmx:
        req = support.for_staff(current_user, request_id)
        body = render_template("support/_conversation.html", **_staff_forms(req))
        return announce(body, message, focus="#conversation")
    flash(message, "success")
    return redirect(url_for("support_inbox.staff_request", request_id=request_id))
