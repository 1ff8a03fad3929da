"""Organisation pages: read by members, edited by the organisation's own members and staff,
merged into another by staff when two are the same organisation."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ...errors import DomainError
from ...forms.directory import MergeForm, OrganisationForm
from ...models import Organisation
from ...models.directory import REGIONS, organisation_members
from ...policy import can, require
from ...services import organisations
from ...web import add_form_error
from . import bp

EDITORS_ONLY = "Only the organisation's own members and staff can edit its page."


def _page(organisation, status=200, merge_form=None):
    members = list(organisation_members(organisation, can(current_user, "see_whole_profile")))
    return render_template(
        "directory/organisation.html",
        organisation=organisation,
        members=members,
        merge_form=merge_form or MergeForm(formdata=None),
        others=Organisation.choices() if can(current_user, "merge_organisations") else [],
    ), status


@bp.get("/organisations/<int:organisation_id>")
def organisation(organisation_id):
    return _page(organisations.get(organisation_id))


def _edit_page(organisation, form, status=200):
    return render_template(
        "directory/organisation_edit.html", organisation=organisation, form=form, regions=REGIONS
    ), status


def _editable(organisation_id):
    organisation = organisations.get(organisation_id)
    require(current_user, "edit_organisation", organisation, EDITORS_ONLY)
    return organisation


@bp.get("/organisations/<int:organisation_id>/edit")
def edit_organisation(organisation_id):
    organisation = _editable(organisation_id)
    return _edit_page(organisation, OrganisationForm(data=organisations.form_data(organisation)))


@bp.post("/organisations/<int:organisation_id>/edit")
def save_organisation(organisation_id):
    organisation = _editable(organisation_id)
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisations.update(current_user, organisation_id, form.data)
        except DomainError as error:
            if error.field is None:
                raise
            add_form_error(form, error)
        else:
            flash("The organisation's page is saved.", "success")
            return redirect(url_for("directory.organisation", organisation_id=organisation_id))
    return _edit_page(organisation, form, 422)


@bp.post("/organisations/<int:organisation_id>/merge")
def merge_organisation(organisation_id):
    duplicate = organisations.get(organisation_id)
    require(current_user, "merge_organisations", message="Only staff can merge organisations.")
    form = MergeForm()
    if form.validate_on_submit():
        try:
            keep = organisations.merge(current_user, organisation_id, form.into.data)
        except DomainError as error:
            if error.field is None:
                raise
            add_form_error(form, error)
        else:
            flash(f"{duplicate.name} is merged into {keep.name}.", "success")
            return redirect(url_for("directory.organisation", organisation_id=keep.id))
    return _page(duplicate, 422, merge_form=form)
