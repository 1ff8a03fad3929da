"""Groups: the Groups page, a group's page, and everything done on it: joining, asking to join,
leaving, and for its leads answering requests, inviting, removing members and pinning threads in
its space; staff appoint and end leads there. For members only.

Every control is a plain form that posts and redirects back with a message; with htmx the same
route answers with the group's part of the page (groups/_group.html), drawn afresh. A refusal
comes back with the form, the message beside what it is about and the text kept, with its status."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import policy
from ..errors import DomainError, NotFound
from ..forms.groups import AskForm, InviteForm, RemoveMemberForm
from ..models import JOIN_RULES
from ..policy import refusal
from ..services import groups
from ..web import add_form_error, announce, render_page_or_part

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.before_request
def members_only():
    # Every page here is for members: checked once, so no new route can forget it.
    return refusal("read_members_area")


@bp.get("")
def index():
    return render_template(
        "groups/index.html",
        groups=groups.visible_groups(current_user),
        waiting=groups.waiting_on(current_user),
        join_rules=JOIN_RULES,
    )


@bp.get("/<slug>")
def group(slug):
    return _page(groups.group_for(current_user, slug))


# -- drawing the page --------------------------------------------------------------------------


def _context(group, problems=None, forms=None) -> dict:
    """What groups/_group.html draws. `problems`: {section: message} for a refused button;
    `forms`: a form sent back with its errors, by name (ask, invite, remove), and for `remove`
    `remove_for`, the member it was about."""
    forms = forms or {}
    blank_remove = RemoveMemberForm(formdata=None)
    return {
        "group": group,
        "view": groups.page(current_user, group),
        "join_rules": JOIN_RULES,
        "problems": problems or {},
        "ask_form": forms.get("ask") or AskForm(formdata=None),
        "invite_form": forms.get("invite") or InviteForm(formdata=None),
        "blank_remove": blank_remove,
        "remove_form": forms.get("remove") or blank_remove,
        "remove_for": forms.get("remove_for"),
    }


def _page(group, status=200, problems=None, forms=None, focus=None, message=""):
    """The group's page, or for htmx its part; a refusal's message is announced there too."""
    body = render_page_or_part("groups/group.html", "groups/_group.html", **_context(group, problems, forms))
    if request.htmx and status >= 400:
        return announce(body, message or "Please check the form.", focus, kind="error"), status
    return body, status


def _refused(group, error, section: str):
    """A refused button: the message at the top of the section of the page it is about."""
    problems = {section: error.message}
    return _page(group, error.status, problems, focus=f"#{section}-problem", message=error.message)


def _form_back(group, form, name: str, error=None, field_id=None, **extra):
    """A form sent back: a domain error beside its field (or at the form's top), and the text kept;
    422 when the form itself did not validate."""
    if error is not None:
        add_form_error(form, error)
    status = error.status if error is not None else 422
    said = [message for messages in form.errors.values() for message in messages]
    message = error.message if error is not None else next(iter(said), "Please check the form.")
    first = next(iter(form.errors), None)
    focus = f"#{field_id or first}" if first else f"#{name}-form-error"
    return _page(group, status, forms={name: form, **extra}, focus=focus, message=message)


def _done(group, message: str, focus: str):
    """Done: back to the group's page with the message (without JavaScript, after a redirect);
    with htmx the group's part drawn afresh and the message announced. Someone who has left a
    group they can no longer see goes to the Groups page."""
    groups.refresh_roles(current_user)
    try:
        group = groups.group_for(current_user, group.slug)
    except NotFound:
        group = None
    if request.htmx and group is not None:
        return announce(render_template("groups/_group.html", **_context(group)), message, focus)
    flash(message, "success")
    target = url_for("groups.group", slug=group.slug) if group is not None else url_for("groups.index")
    if request.htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


# -- joining and leaving -------------------------------------------------------------------------


def _membership_action(slug, do, message: str):
    """A button of the viewer's own membership: Join group, Withdraw request, Decline, Leave."""
    group = groups.group_for(current_user, slug)
    try:
        do(current_user, group)
    except DomainError as error:
        return _refused(group, error, "membership")
    return _done(group, message.format(group=group.name), "#membership")


@bp.post("/<slug>/join")
def join(slug):
    return _membership_action(slug, groups.join, "You joined {group}: its threads are open to you.")


@bp.post("/<slug>/withdraw")
def withdraw(slug):
    return _membership_action(slug, groups.withdraw_request, "Your request to join {group} is withdrawn.")


@bp.post("/<slug>/decline")
def decline(slug):
    return _membership_action(slug, groups.decline_invitation, "You declined the invitation to join {group}.")


@bp.post("/<slug>/leave")
def leave(slug):
    return _membership_action(slug, groups.leave, "You left {group}.")


@bp.post("/<slug>/ask")
def ask(slug):
    group = groups.group_for(current_user, slug)
    form = AskForm()
    if not form.validate_on_submit():
        return _form_back(group, form, "ask")
    try:
        groups.ask(current_user, group, form.note.data)
    except DomainError as error:
        return _form_back(group, form, "ask", error)
    return _done(group, f"Your request to join {group.name} is sent: a lead will answer.", "#membership")


# -- what leads do -------------------------------------------------------------------------------


@bp.post("/<slug>/requests/<int:request_id>/<any(approve, decline):answer>")
def answer(slug, request_id, answer):
    group = groups.group_for(current_user, slug)
    policy.require(current_user, "lead_group", group, "Only the group's leads can answer requests to join.")
    try:
        answered = groups.answer(current_user, group, request_id, approve=answer == "approve")
    except DomainError as error:
        return _refused(group, error, "requests")
    name = answered.member.name
    if answer == "approve":
        return _done(group, f"{name} is now a member of {group.name}.", "#requests")
    return _done(group, f"You declined {name}'s request to join.", "#requests")


@bp.post("/<slug>/invite")
def invite(slug):
    group = groups.group_for(current_user, slug)
    policy.require(current_user, "invite_to_group", group)
    form = InviteForm()
    if not form.validate_on_submit():
        return _form_back(group, form, "invite")
    try:
        sent = groups.invite(current_user, group, form.who.data)
    except DomainError as error:
        return _form_back(group, form, "invite", error)
    name = sent.member.name
    if sent.kind == "request":
        return _done(group, f"{name} had asked to join: they are now a member.", "#invite-form")
    message = f"{name} is invited: they will find the invitation here and on the Groups page."
    return _done(group, message, "#invite-form")


@bp.post("/<slug>/members/<int:member_id>/remove")
def remove(slug, member_id):
    group = groups.group_for(current_user, slug)
    policy.require(current_user, "lead_group", group, "Only the group's leads can remove members.")
    form = RemoveMemberForm()
    back = {"remove_for": member_id, "field_id": f"reason-{member_id}"}
    if not form.validate_on_submit():
        return _form_back(group, form, "remove", **back)
    try:
        removed = groups.remove_member(current_user, group, member_id, form.reason.data)
    except DomainError as error:
        if error.field:
            return _form_back(group, form, "remove", error, **back)
        return _refused(group, error, "members")
    return _done(group, f"{removed.name} is removed from {group.name}.", "#members")


@bp.post("/<slug>/leads/<int:member_id>/<any(appoint, end):change>")
def set_lead(slug, member_id, change):
    group = groups.group_for(current_user, slug)
    policy.require(current_user, "manage_groups", group, "Only staff appoint group leads.")
    try:
        member = groups.set_lead(current_user, group, member_id, lead=change == "appoint")
    except DomainError as error:
        return _refused(group, error, "members")
    if change == "appoint":
        return _done(group, f"{member.name} is now a lead of {group.name}.", "#members")
    return _done(group, f"{member.name} is no longer a lead of {group.name}.", "#members")


@bp.post("/<slug>/threads/<int:thread_id>/<any(pin, unpin):action>")
def pin(slug, thread_id, action):
    group = groups.group_for(current_user, slug)
    thread = groups.space_thread(current_user, group, thread_id)
    policy.require(current_user, "pin_thread", thread, "Only the group's leads and staff pin its threads.")
    try:
        groups.pin(current_user, group, thread_id, pinned=action == "pin")
    except DomainError as error:
        return _refused(group, error, "threads")
    if action == "pin":
        return _done(group, f"“{thread.title}” is pinned at the top of the group's threads.", "#threads")
    return _done(group, f"“{thread.title}” is no longer pinned.", "#threads")
