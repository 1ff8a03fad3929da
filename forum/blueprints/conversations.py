"""Private conversations: the Messages page, a conversation, sending (in place with htmx, a plain
POST and redirect without), leaving, blocking and reopening, and for staff a reported message
with the messages around it.

`/messages/<id>` is the conversation: GET shows it (and marks it read), POST sends a message to
it. `/messages/with/<member id>` is where `Send a message` on a profile leads: the conversation
with that member if there is one, else the form whose first message starts it."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import DomainError
from ..forms import EmptyForm
from ..forms.conversations import MessageForm, blank_message_form
from ..forms.moderation import DismissForm
from ..models.conversations import REPORT_CONTEXT
from ..models.reports import Report
from ..policy import can, requires
from ..policy.conversations import send_refusal
from ..services import conversation_records, conversations
from ..web import add_form_error, announce, row_id

bp = Blueprint("conversations", __name__)

CLOSED = {
    "leave": "You left the conversation with {name}. It is closed: neither of you can send a message.",
    "block": "You blocked {name} here. The conversation is closed: neither of you can send a message.",
    "reopen": "The conversation is open again.",
}


# -- the Messages page ---------------------------------------------------------------------------


@bp.get("/messages")
@requires("read_conversations")
def index():
    page = request.args.get("page", type=row_id) or 1
    rows, more = conversations.inbox(current_user, page)
    return render_template("conversations/index.html", rows=rows, more=more, page=page)


# -- a conversation ------------------------------------------------------------------------------


def _reported_by_me(messages) -> set[int]:
    """Which of the other's messages on the page the viewer reported: one query, none for the
    many members who have never reported anything."""
    theirs = [m.id for m in messages if m.author_id != current_user.id]
    if not theirs or not current_user.report_count or not can(current_user, "report"):
        return set()
    return {target_id for _, target_id in Report.reported_by(current_user, {"message": theirs})}


def _page(view, form, status=200, before=None, last_read=None):
    shown = conversations.page(view, before)
    return render_template(
        "conversations/conversation.html",
        view=view,
        other=view.other,
        messages=shown.messages,
        earlier=shown.earlier,
        later=before is not None,
        last_read=last_read,
        reported=_reported_by_me(shown.messages),
        closed=send_refusal(current_user, view),
        form=form,
    ), status


@bp.get("/messages/<int:conversation_id>")
@requires("read_conversations")
def conversation(conversation_id):
    view = conversations.conversation_for(current_user, conversation_id)
    before = request.args.get("before", type=row_id)
    last_read = view.last_read
    if before is None:
        conversations.mark_read(current_user, view)
    return _page(view, blank_message_form(), before=before, last_read=last_read)


def _form_error(view, form, status, other=None):
    """The form again with what to fix, the text kept: in place with htmx, else the page."""
    if request.htmx:
        body = render_template(
            "conversations/_message_form.html",
            form=form,
            action=_action(view, other),
            closed=send_refusal(current_user, view) if view is not None else None,
        )
        return body, status, {"HX-Retarget": "#message-form", "HX-Reswap": "outerHTML"}
    if view is None:
        return _start_page(other, form, status)
    return _page(view, form, status)


def _action(view, other=None) -> str:
    if view is None:
        return url_for(".start", member_id=other.id)
    return url_for(".conversation", conversation_id=view.conversation_id)


def _sent(view, message, **headers):
    if request.htmx:
        body = render_template(
            "conversations/_sent.html",
            message=message,
            form=blank_message_form(),
            action=_action(view),
            reported=set(),
            last_read=None,
        )
        response = announce(body, "Your message is sent.", "#message")
        response.headers.update(headers)
        return response
    where = url_for(".conversation", conversation_id=view.conversation_id)
    return redirect(f"{where}#message-{message.number}")


@bp.post("/messages/<int:conversation_id>")
@requires("read_conversations")
def send(conversation_id):
    view = conversations.conversation_for(current_user, conversation_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _form_error(view, form, 422)
    try:
        message = conversations.send(current_user, view, form.data)
    except DomainError as error:
        if error.status == 404:
            raise
        add_form_error(form, error)
        return _form_error(view, form, error.status)
    return _sent(view, message)


# -- starting one from a profile -----------------------------------------------------------------


def _start_page(other, form, status=200):
    return render_template("conversations/start.html", other=other, form=form), status


@bp.get("/messages/with/<int:member_id>")
@requires("read_conversations")
def start(member_id):
    existing = conversations.existing_with(current_user, member_id)
    if existing is not None:
        return redirect(url_for(".conversation", conversation_id=existing.conversation_id))
    terms = conversations.check_may_start(current_user, member_id)
    return _start_page(terms.other, blank_message_form())


@bp.post("/messages/with/<int:member_id>")
@requires("read_conversations")
def send_first(member_id):
    existing = conversations.existing_with(current_user, member_id)
    if existing is not None:
        other = existing.other
    else:
        other = conversations.check_may_start(current_user, member_id).other
    form = MessageForm()
    if not form.validate_on_submit():
        return _form_error(existing, form, 422, other)
    try:
        if existing is not None:
            view, message = existing, conversations.send(current_user, existing, form.data)
        else:
            view, message = conversations.start(current_user, member_id, form.data)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        add_form_error(form, error)
        return _form_error(existing, form, error.status, other)
    # With htmx the page stays, and its address becomes the conversation's.
    where = url_for(".conversation", conversation_id=view.conversation_id)
    return _sent(view, message, **{"HX-Replace-Url": where})


# -- leaving, blocking, reopening ----------------------------------------------------------------


@bp.post("/messages/<int:conversation_id>/<any(leave, block, reopen):action>")
@requires("read_conversations")
def close(conversation_id, action):
    view = conversations.conversation_for(current_user, conversation_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for(".conversation", conversation_id=conversation_id))
    getattr(conversations, action)(current_user, view)
    other = "a former member" if view.other.status == "deleted" else view.other.name
    flash(CLOSED[action].format(name=other), "success")
    if action == "leave":
        return redirect(url_for(".index"))
    return redirect(url_for(".conversation", conversation_id=conversation_id))


# -- where a message is (a report's link) --------------------------------------------------------


@bp.get("/messages/m/<int:message_id>")
@requires("read_conversations")
def message(message_id):
    found = conversations.load_message(current_user, message_id)
    return redirect(conversations.locate(current_user, found))


# -- for staff: a reported message with the messages around it -----------------------------------


@bp.get("/moderation/messages/<int:message_id>")
@requires("moderate")
def review(message_id):
    found = conversations.load_message(current_user, message_id)
    around, reports = conversation_records.reported_context(current_user, found)
    return render_template(
        "conversations/review.html",
        reported=found,
        around=around,
        reports=reports,
        people=conversation_records.people_of(found.conversation),
        context_size=REPORT_CONTEXT,
        dismiss_form=DismissForm(formdata=None),
    )


@bp.post("/moderation/messages/<int:message_id>/dismiss")
@requires("moderate")
def dismiss(message_id):
    found = conversations.load_message(current_user, message_id)
    form = DismissForm()
    if not form.validate_on_submit():
        raise DomainError("Use at most 2,000 characters for the note.")
    decided = conversation_records.dismiss_reports(current_user, found, form.outcome_note.data or "")
    done = f"Dismissed {len(decided)} report{'s' if len(decided) > 1 else ''}."
    if request.htmx and request.form.get("queue"):
        body = render_template("moderation/_queue_done.html", key=f"message-{found.id}", message=done)
        return announce(body, done, f"#queue-message-{found.id}")
    flash(done, "success")
    return redirect(url_for("moderation.index"))
