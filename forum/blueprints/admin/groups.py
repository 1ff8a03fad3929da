"""The admin's groups page: every group, and a new one with its first leads. Leads are appointed
and ended later by staff on the group's own page."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ...errors import DomainError
from ...forms.groups import GroupForm
from ...models import JOIN_RULES, Group
from ...services import groups
from ...web import add_form_error
from . import bp


@bp.route("/groups", methods=["GET", "POST"], endpoint="groups")
def groups_page():
    form = GroupForm()
    status = 200
    if form.validate_on_submit():
        try:
            created = groups.create_group_by(current_user, form.data)
        except DomainError as error:
            add_form_error(form, error)
            status = error.status
        else:
            flash(f"The group {created.name} is created, at /groups/{created.slug}.", "success")
            return redirect(url_for("admin.groups"))
    elif form.errors:
        status = 422
    listing = list(Group.select().order_by(Group.name))
    return render_template("admin/groups.html", groups=listing, form=form, join_rules=JOIN_RULES), status
