"""The Directory of Members: search, profiles, organisations, one's own profile settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, user_logged_in

from ..blueprints.auth import REGIONS
from ..errors import DomainError, NotFound
from ..forms_directory import ProfileForm, SearchForm, choices
from ..models import Organisation
from ..models.directory import Expertise, organisation_members
from ..policy import can, refusal
from ..services import directory
from ..web import add_form_error, announce, render_page_or_part

bp = Blueprint("directory", __name__)


@bp.record_once
def _track_sign_ins(state):
    # Signing in counts as activity for "recently active"; posting is the other thing that does.
    user_logged_in.connect(lambda sender, user, **extra: directory.record_activity(user), state.app)


@bp.before_request
def members_only():
    # The whole directory is for members: checked once here, so no new route can forget it.
    return refusal("browse_directory")


# -- the directory ---------------------------------------------------------------------------------


@bp.get("/members")
def index():
    search = directory.read_search(request.args)
    results = directory.search_members(current_user, search)
    if request.htmx and not request.htmx.history_restore_request:
        return render_template("directory/_results.html", results=results)
    form = SearchForm(request.args)
    if "expertise" in search.problems:
        form.expertise.errors = [search.problems["expertise"]]
    lists = directory.filter_choices(current_user)
    form.region.choices = choices([("", "Any region")] + [(r, r) for r in lists["regions"]])
    form.expertise.choices = choices([("", "Any expertise")] + [(e.id, e.name) for e in lists["expertise"]])
    return render_template("directory/index.html", form=form, results=results)


@bp.get("/members/<int:member_id>")
def profile(member_id):
    return render_template("directory/profile.html", p=directory.profile_for(current_user, member_id))


# -- one's own profile -----------------------------------------------------------------------------


def _profile_form(formdata=None, data=None) -> ProfileForm:
    form = ProfileForm(formdata=formdata, data=data)
    form.expertise.choices = choices((e.id, e.name) for e in Expertise.listed())
    return form


def _settings_page(form, status=200):
    return render_page_or_part(
        "directory/settings.html",
        "directory/_settings_form.html",
        form=form,
        organisations=Organisation.choices(),
        regions=REGIONS,
    ), status


@bp.get("/settings/profile")
def settings():
    return _settings_page(_profile_form(data=directory.profile_form_data(current_user)))


@bp.post("/settings/profile")
def save_settings():
    form = _profile_form(request.form)
    valid = form.validate_on_submit()
    if valid:
        for problem in directory.profile_problems(form.data):
            add_form_error(form, problem)
    if valid and not form.errors:
        try:
            directory.update_profile(current_user, form.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            message = "Your profile is saved."
            if request.htmx:
                body, _ = _settings_page(_profile_form(data=directory.profile_form_data(current_user)))
                return announce(body, message, "#profile-saved")
            flash(message, "success")
            return redirect(url_for("directory.settings"))
    return _settings_page(form, 422)


@bp.post("/settings/profile/check")
def check_settings():
    """Inline validation while the member fills the form in: the checks of a save, without saving.
    Answers the named field alone, with its message (if any)."""
    form = _profile_form(request.form)
    name = request.args.get("field", "")
    if name not in form or name in ("csrf_token", "expertise"):
        raise NotFound("There is no such field.")
    form.validate()
    for problem in directory.profile_problems(form.data):
        add_form_error(form, problem)
    return render_template("directory/_settings_field.html", form=form, name=name)


# -- organisations ---------------------------------------------------------------------------------


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id):
    org = Organisation.get_or_none(Organisation.id == organisation_id)
    if org is None:
        raise NotFound("There is no such organisation.")
    members = list(organisation_members(org, can(current_user, "see_whole_profile")))
    return render_template("directory/organisation.html", organisation=org, members=members)
