"""The admin's category pages: create a category, change its name, description, access and order."""

from flask import flash, redirect, render_template, url_for

from ...errors import DomainError
from ...forms.admin import CategoryForm
from ...models import Category
from ...services import categories
from ...web import add_form_error
from . import bp


def _admin_page(form, editing=None, status=200):
    return render_template(
        "admin/categories.html", categories=list(Category.listed()), form=form, editing=editing
    ), status


@bp.route("/categories", methods=["GET", "POST"], endpoint="categories")
def categories_page():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            created = categories.create_category(
                form.name.data,
                form.description.data,
                form.read_access.data,
                form.post_access.data,
                form.position.data,
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(f"The category {created.name} is created, at /c/{created.slug}.", "success")
            return redirect(url_for("admin.categories"))
    return _admin_page(form, status=422 if form.errors else 200)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"], endpoint="category")
def category_page(category_id):
    editing = categories.category_by_id(category_id)
    form = CategoryForm(obj=editing)
    if form.validate_on_submit():
        try:
            changed = categories.update_category(category_id, form.data)
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(f"The category {changed.name} is saved.", "success")
            return redirect(url_for("admin.categories"))
    return _admin_page(form, editing=editing, status=422 if form.errors else 200)
