"""Searching the directory, reading a profile, and editing one's own."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError, NotFound
from ...forms.directory import ProfileForm, SearchForm, choices
from ...models import Organisation
from ...models.directory import REGIONS, Expertise
from ...services import contact, directory
from ...web import add_form_error, announce, render_page_or_part
from . import bp

# -- the directory ---------------------------------------------------------------------------------


@bp.get("/members")
def index():
    search = directory.read_search(request.args, current_user)
    results = directory.search_members(current_user, search)
    if request.htmx and not request.htmx.history_restore_request:
        return render_template("directory/_results.html", results=results)
    form = SearchForm(request.args)
    for name in ("expertise", "group"):
        if name in search.problems:
            form[name].errors = [search.problems[name]]
    lists = directory.filter_choices(current_user)
    form.region.choices = choices([("", "Any region")] + [(r, r) for r in lists["regions"]])
    form.expertise.choices = choices([("", "Any expertise")] + [(e.id, e.name) for e in lists["expertise"]])
    form.group.choices = choices([("", "Any group")] + [(g.slug, g.name) for g in lists["groups"]])
    return render_template("directory/index.html", form=form, results=results)


@bp.get("/members/<int:member_id>")
def profile(member_id):
    p = directory.profile_for(current_user, member_id)
    threads, posts = directory.recent_activity(p.member, current_user)
    return render_template(
        "directory/profile.html",
        p=p,
        contact=contact.state_between(current_user, p.member),
        recent_threads=threads,
        recent_posts=posts,
    )


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
