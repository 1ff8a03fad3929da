"""Events: the Events page and a category's or group's events, an event's page, creating,
changing and cancelling one, Going / Not going / the waiting list, the organiser's email to those
going, the .ics file, the Atom feed of new events in public spaces, and each member's private
calendar address.

Every step is a plain form first; with htmx the same route answers with the part that changed
(the answer box, in place, announced; a form with its errors)."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import Conflict, DomainError, NotAllowed, NotFound
from ..forms import EmptyForm, new_submission
from ..forms.events import AttendForm, CancelForm, EventForm, MessageForm
from ..policy import can, requires
from ..services import (
    categories,
    event_calendars,
    event_details,
    event_lists,
    event_places,
    events,
    time_zones,
)
from ..web import add_form_error, announce, render_page_or_part
from ..web.conditional import conditional

bp = Blueprint("events", __name__)

ATOM = "application/atom+xml; charset=utf-8"


# -- lists ---------------------------------------------------------------------------------------


def _here(**args) -> str:
    """This list's own address with `args` changed (None leaves one out)."""
    values = {
        **request.view_args,
        **{k: v for k, v in request.args.items() if k in ("group", "when")},
        **args,
    }
    return url_for(request.endpoint, **{k: v for k, v in values.items() if v is not None})


def _list_page(title: str, category=None, group=None):
    past = request.args.get("when") == "past"
    listing = event_lists.events_page(
        current_user,
        past=past,
        after=request.args.get("after"),
        category=category,
        group_id=group.id if group else None,
    )
    return render_template(
        "events/index.html",
        title=title,
        listing=listing,
        past=past,
        first_page=not request.args.get("after"),
        category=category,
        group=group,
        upcoming_url=_here(when=None, after=None),
        past_url=_here(when="past", after=None),
        next_url=_here(after=listing.next_cursor) if listing.next_cursor else None,
        new_url=url_for("events.new", **({"in": category.slug} if category else {})),
    )


@bp.get("/events")
@conditional
def index():
    group_slug = request.args.get("group")
    if group_slug:
        group = event_lists.readable_group(current_user, group_slug)
        return _list_page(f"Events of {group.name}", group=group)
    return _list_page("Events")


@bp.get("/c/<slug>/events")
@conditional
def category(slug):
    category = categories.readable_category(current_user, slug)
    return _list_page(f"Events in {category.name}", category=category)


@bp.get("/events/feed.atom")
def feed():
    response = make_response(
        render_template("events/feed.xml", events=event_lists.new_public_events(), self_url=request.url)
    )
    response.headers["Content-Type"] = ATOM
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- one event -----------------------------------------------------------------------------------


def _page_context(event, **extra):
    return {
        "event": event,
        "people": event_lists.people(current_user, event),
        "when": event_details.in_zone(event.starts_at, event.timezone),
        "until": event_details.in_zone(event.ends_at, event.timezone),
        "ended": event.ended(),
        # The event's own zone is named beside the reader's times when it is not theirs.
        "reader_zone": time_zones.zone_of(current_user),
        "attend_form": AttendForm(formdata=None),
        "message_form": extra.pop("message_form", None) or MessageForm(formdata=None),
        **extra,
    }


@bp.get("/events/<int:event_id>")
@conditional
def event(event_id):
    event = events.readable_event(current_user, event_id)
    return render_template("events/event.html", **_page_context(event))


@bp.get("/events/<int:event_id>.ics")
def ics(event_id):
    event = events.readable_event(current_user, event_id)
    response = make_response(event_calendars.event_ics(current_user, event))
    response.headers["Content-Type"] = event_calendars.CONTENT_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{event_calendars.filename(event)}"'
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# -- creating and changing -----------------------------------------------------------------------


def _event_form(spaces, **kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.category.choices = [(c.id, c.name) for c in spaces]
    return form


def _form_answer(page: str, form, status: int, **context):
    response = render_page_or_part(page, "events/_form.html", form=form, **context)
    return response, status


@bp.route("/events/new", methods=["GET", "POST"])
@requires("post")
def new():
    spaces = events.spaces_for(current_user)
    if not spaces:
        raise NotFound("There is nowhere you may create events yet.")
    form = _event_form(spaces)
    if request.method == "GET":
        chosen = next((c for c in spaces if c.slug == request.args.get("in")), spaces[0])
        form.category.data = chosen.id
        form.timezone.data = time_zones.zone_of(current_user)
        form.submission.data = new_submission()
        return render_template("events/new.html", form=form, action=url_for("events.new"))
    status = 422
    if form.validate_on_submit():
        try:
            space = events.space_for(current_user, form.category.data)
            created = events.create_event(current_user, space, form.data)
        except DomainError as error:
            add_form_error(form, error)
            status = error.status
        else:
            flash("Your event is created. Its discussion thread is open too.", "success")
            target = url_for("events.event", event_id=created.id)
            if request.htmx:
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
    return _form_answer("events/new.html", form, status, action=url_for("events.new"))


def _require_manager(event_id):
    event = events.readable_event(current_user, event_id)
    if not can(current_user, "manage_event", event):
        raise NotAllowed("Only the organiser and staff can change this event.")
    return event


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@requires("post")
def edit(event_id):
    event = _require_manager(event_id)
    if event.cancelled:
        raise Conflict("This event is cancelled: it can't be changed.")
    spaces = [event.thread.category]
    action = url_for("events.edit", event_id=event.id)
    if request.method == "GET":
        form = _event_form(spaces, formdata=None, data=_form_data(event))
        return render_template("events/edit.html", form=form, event=event, action=action)
    form = _event_form(spaces)
    status = 422
    if form.validate_on_submit():
        try:
            saved, changes = events.update_event(current_user, event, form.data)
        except DomainError as error:
            add_form_error(form, error)
            status = error.status
            if status == 409:
                # Show the latest version, keeping nothing stale in the form's version.
                form.sequence.data = str(events.readable_event(current_user, event_id).sequence)
        else:
            flash(
                "Your changes are saved; those going are emailed what changed."
                if changes
                else "Nothing changed.",
                "success",
            )
            target = url_for("events.event", event_id=saved.id)
            if request.htmx:
                return "", 204, {"HX-Redirect": target}
            return redirect(target)
    return _form_answer("events/edit.html", form, status, event=event, action=action)


def _form_data(event) -> dict:
    return {
        "title": event.title,
        "category": event.thread.category_id,
        "description": event.description_md,
        "starts": event_details.input_value(event.starts_at, event.timezone),
        "ends": event_details.input_value(event.ends_at, event.timezone),
        "timezone": event.timezone,
        "venue": event.venue,
        "online_url": event.online_url,
        "capacity": "" if event.capacity is None else str(event.capacity),
        "sequence": str(event.sequence),
    }


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
@requires("post")
def cancel(event_id):
    event = _require_manager(event_id)
    form = CancelForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                events.cancel_event(current_user, event, form.note.data or "")
            except DomainError as error:
                add_form_error(form, error)
                status = error.status
            else:
                flash("The event is cancelled; those going and waiting are told.", "success")
                return redirect(url_for("events.event", event_id=event.id))
    return render_template("events/cancel.html", event=event, form=form), status


@bp.post("/events/<int:event_id>/email")
@requires("post")
def email(event_id):
    event = _require_manager(event_id)
    form = MessageForm()
    status = 422
    if form.validate_on_submit():
        try:
            told = events.email_goers(current_user, event, form.message.data)
        except DomainError as error:
            add_form_error(form, error)
            status = error.status
        else:
            flash(f"Your message is on its way to {told} {'person' if told == 1 else 'people'}.", "success")
            return redirect(url_for("events.event", event_id=event.id) + "#people")
    return render_template("events/event.html", **_page_context(event, message_form=form)), status


# -- answering -----------------------------------------------------------------------------------

ANSWERS = {
    "going": "You're going. The online link and calendar file are yours to use.",
    "waiting": "The event is full: you're on the waiting list, and will be emailed if a place frees up.",
    "declined": "You're not going.",
    "gave_up": "You're not going: your place is free for someone else.",
    "left_list": "You've left the waiting list.",
}


@bp.post("/events/<int:event_id>/<any(going, 'not-going'):answer>")
@requires("read_members_area")
def answer(event_id, answer):
    event = events.readable_event(current_user, event_id)
    if answer == "going":
        form = AttendForm()
        if not form.validate_on_submit():
            raise DomainError("The form expired: reload the page and try again.")
        done = event_places.attend(current_user, event, form.show_name.data)
        message = ANSWERS[done.status]
    else:
        if not EmptyForm().validate_on_submit():
            raise DomainError("The form expired: reload the page and try again.")
        done = event_places.decline(current_user, event)
        message = {"going": ANSWERS["gave_up"], "waiting": ANSWERS["left_list"]}.get(
            done.before, ANSWERS["declined"]
        )
    if request.htmx:
        fresh = events.readable_event(current_user, event_id)
        body = render_template("events/_answer.html", **_page_context(fresh))
        return announce(body, message, "#answer-status")
    flash(message, "success")
    return redirect(url_for("events.event", event_id=event.id) + "#answer")


# -- the private calendar address ----------------------------------------------------------------


@bp.get("/events/calendar/<token>.ics")
def calendar(token):
    response = make_response(event_calendars.calendar_feed(token))
    response.headers["Content-Type"] = event_calendars.CONTENT_TYPE
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.get("/settings/calendar")
@requires("read_members_area")
def calendar_settings():
    return render_template("events/calendar_settings.html", token=event_calendars.token_of(current_user))


@bp.post("/settings/calendar/token")
@requires("read_members_area")
def new_calendar_token():
    had = event_calendars.token_of(current_user)
    if EmptyForm().validate_on_submit():
        event_calendars.new_token(current_user)
        flash(
            "Your calendar address is changed: the old one no longer works."
            if had
            else "Your calendar address is ready.",
            "success",
        )
    return redirect(url_for("events.calendar_settings"))


@bp.post("/settings/calendar/revoke")
@requires("read_members_area")
def revoke_calendar_token():
    if EmptyForm().validate_on_submit() and event_calendars.revoke(current_user):
        flash("Your calendar address is revoked: calendars using it get nothing more.", "success")
    return redirect(url_for("events.calendar_settings"))
