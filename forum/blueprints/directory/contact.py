"""Contact requests: the Contact form on a profile, one's requests, and the recipient's answers
(accept, decline, report as unsolicited promotion), in place with htmx and as pages without."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError
from ...forms import EmptyForm
from ...forms.directory import ContactForm
from ...models.directory import ContactRequest
from ...services import contact
from ...web import add_form_error, announce
from . import bp


def _form_page(to, form, status=200, state=None):
    return render_template(
        "directory/contact.html",
        to=to,
        form=form,
        state=state or contact.state_between(current_user, to),
        policy_label=contact.policy_label(to),
    ), status


@bp.get("/members/<int:member_id>/contact")
def contact_form(member_id):
    to = contact.recipient(member_id)
    contact.check_may_send(current_user, to)
    return _form_page(to, ContactForm(formdata=None))


@bp.post("/members/<int:member_id>/contact")
def send_contact(member_id):
    to = contact.recipient(member_id)
    contact.check_may_send(current_user, to)
    form = ContactForm()
    if form.validate_on_submit():
        try:
            sent = contact.send(
                current_user, member_id, form.purpose.data, form.message.data, form.share_email.data
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            add_form_error(form, error)
            return _form_page(to, form, error.status)
        message = f"Your request is sent. {to.name} has been emailed and will answer here."
        if request.htmx:
            body = render_template("directory/_contact_sent.html", item=sent)
            return announce(body, message, "#contact-sent")
        flash(message, "success")
        return redirect(url_for("directory.contact_request", request_id=sent.id))
    return _form_page(to, form, 422)


@bp.get("/contact")
def contact_requests():
    return render_template(
        "directory/contact_requests.html",
        received=list(ContactRequest.received_by(current_user)),
        sent=list(ContactRequest.sent_by(current_user)),
        form=EmptyForm(),
    )


@bp.get("/contact/<int:request_id>")
def contact_request(request_id):
    return render_template(
        "directory/contact_request.html",
        item=contact.request_for(current_user, request_id),
        form=EmptyForm(),
    )


ANSWERS = {
    "accept": (
        contact.accept,
        "You accepted. You and {name} can now send each other messages: Send a message is on their profile.",
    ),
    "decline": (contact.decline, "You declined {name}'s request. They can't ask again for 30 days."),
    "report": (contact.report, "Thank you. The team has been told, and the request is declined."),
}


@bp.post("/contact/<int:request_id>/<any(accept, decline, report):answer>")
def answer_contact(request_id, answer):
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("directory.contact_request", request_id=request_id))
    act, message = ANSWERS[answer]
    if answer == "accept":
        answered = act(current_user, request_id, share_email=bool(request.form.get("share_email")))
    else:
        answered = act(current_user, request_id)
    message = message.format(name=answered.sender.name)
    if request.htmx:
        body = render_template(
            "directory/_contact_request.html",
            item=contact.request_for(current_user, request_id),
            form=EmptyForm(),
            outcome=message,
            # The heading level of the list it sits in, so the page's outline stays in order.
            heading=3 if request.form.get("heading") == "3" else 2,
        )
        return announce(body, message, f"#contact-{request_id}")
    flash(message, "success")
    return redirect(url_for("directory.contact_request", request_id=request_id))
