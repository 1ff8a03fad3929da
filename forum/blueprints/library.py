"""The resource library: the Library page and its filters, adding a resource, its page, its file
(only ever as a download, after the page's own check), new versions, and taking one down.

Without JavaScript every form is a plain (multipart) form that redirects; with htmx the same
routes answer the changed part: the form again in place with its errors, or a redirect.
"""

import re

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from .. import policy
from ..errors import DomainError, NotAllowed, NotFound
from ..forms import EmptyForm
from ..forms.library import ModerateResourceForm, ResourceForm, VersionForm, library_filters
from ..models import Category, Group, Organisation
from ..models.base import parse_id
from ..models.directory import Expertise
from ..models.library import FILE_TYPES, LICENCES, PER_PAGE, Resource, ResourceTheme, ResourceVersion
from ..models.reports import Report
from ..models.threads import Thread
from ..policy import can, requires
from ..services import library, library_moderation, library_text
from ..services.library_files import megabytes
from ..web import add_form_error, render_page_or_part

bp = Blueprint("library", __name__)

# A file is served only as a download: never shown in the browser, never sniffed as another type,
# and, opened directly, it runs nothing, is framed by nobody and leaks no referrer.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"
# The forms that carry a file may be larger than text: up to twice the file limit, so that a file
# a little over it is answered beside its field with the form kept (past that, the 413 page).
FILE_ENDPOINTS = {"library.add", "library.new_version"}
TEXT_ALLOWANCE = 1024 * 1024


def allow_file_size():
    if request.endpoint in FILE_ENDPOINTS:
        request.max_content_length = 2 * current_app.config["LIBRARY_MAX_BYTES"] + TEXT_ALLOWANCE


@bp.record_once
def _first_before_request(state):
    # Before anything (the CSRF check included) reads the body.
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_file_size)


# -- for templates ------------------------------------------------------------------------------


def load_resource_cards(post) -> list:
    """The resources a post links to that the viewer may see, for their cards (one query; none
    for a post without a link to the library)."""
    if "/library/" not in (post.body_html or ""):
        return []
    root = request.script_root
    prefixes = {root, request.host_url.rstrip("/") + root, current_app.config["BASE_URL"].rstrip("/") + root}
    return library.linked_resources(current_user, post.body_html, prefixes)


# -- the Library page ---------------------------------------------------------------------------


def _filter_options(reading) -> dict:
    """The themes and organisations of the resources the viewer may see (two queries), so a filter
    never names what only others can see."""
    visible = (
        Resource.select(Resource.id)
        .join(Thread)
        .where((Resource.status == "visible") & Thread.visible_to(reading))
    )
    themes = (
        Expertise.select(Expertise.id, Expertise.name)
        .join(ResourceTheme, on=(ResourceTheme.expertise == Expertise.id))
        .where(ResourceTheme.resource.in_(visible))
        .distinct()
        .order_by(Expertise.name)
    )
    organisations = (
        Organisation.select(Organisation.id, Organisation.name)
        .where(Organisation.id.in_(Resource.select(Resource.organisation).where(Resource.id.in_(visible))))
        .order_by(Organisation.name)
    )
    return {"themes": list(themes), "organisations": list(organisations)}


@bp.get("/library")
def index():
    filters = library_filters(request.args)
    reading = policy.reading(current_user)
    before = parse_id(request.args.get("before", ""))
    rows = Resource.listed(reading, filters, before)
    resources = rows[:PER_PAGE]
    return render_page_or_part(
        "library/index.html",
        "library/_list.html",
        resources=resources,
        more=len(rows) > len(resources),
        themes=ResourceTheme.for_resources([r.id for r in resources]),
        filters=filters,
        args={k: v for k, v in request.args.items() if k in ("theme", "type", "organisation", "licence")},
        options=_filter_options(reading),
        file_types=FILE_TYPES,
        licences=LICENCES,
    )


@bp.get("/library/mine")
@requires("read_members_area")
def mine():
    return render_template(
        "library/mine.html",
        resources=Resource.mine(current_user),
        used=Resource.used_by(current_user),
        quota=current_app.config["LIBRARY_QUOTA_BYTES"],
    )


# -- adding -------------------------------------------------------------------------------------


def _form_page(form, status=200):
    return render_page_or_part(
        "library/new.html",
        "library/_form.html",
        form=form,
        max_size=megabytes(current_app.config["LIBRARY_MAX_BYTES"]),
    ), status


def _done(resource, message):
    flash(message, "success")
    target = url_for("library.resource", resource_id=resource.id)
    if request.htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def _removed_note(removed) -> str:
    return f" We took {', '.join(removed)} out of the PDF before sharing it." if removed else ""


@bp.route("/library/new", methods=["GET", "POST"])
@requires("add_resource")
def add():
    form = ResourceForm().fill_choices(library.places_for(current_user), current_user)
    if request.method == "GET":
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, 422)
    try:
        resource, removed = library.add(current_user, form.values(), form.file.data)
    except DomainError as error:
        add_form_error(form, error)
        return _form_page(form, error.status)
    return _done(resource, "Your resource is in the library." + _removed_note(removed))


# -- a resource ---------------------------------------------------------------------------------


@bp.get("/library/<int:resource_id>")
def resource(resource_id):
    item = library.load(current_user, resource_id)
    reported = set()
    if can(current_user, "report_resource", item) and current_user.report_count:
        reported = Report.reported_by(current_user, {"resource": [item.id]})
    return render_template(
        "library/resource.html",
        resource=item,
        versions=ResourceVersion.of(item),
        themes=ResourceTheme.for_resources([item.id])[item.id],
        credit_text=library.how_to_credit(item),
        licence=LICENCES[item.licence],
        is_reported=("resource", item.id) in reported,
        place=_place_label(item.thread.category),
        organisation=Organisation.get_or_none(Organisation.id == item.organisation_id)
        if item.organisation_id
        else None,
    )


def _place_label(category: Category) -> str:
    if category.group_id is not None:
        group = Group.get_or_none(Group.id == category.group_id)
        return f"the members of the group {group.name}" if group else "the members of a group"
    return "everyone" if category.read_access == "public" else "members"


SAFE_NAME = re.compile(r"[^\w .()-]+")


def _download_name(item, version) -> str:
    stem = version.original_name.rsplit(".", 1)[0]
    stem = " ".join(SAFE_NAME.sub(" ", stem).split())[:80] or f"resource-{item.id}"
    suffix = f" (version {version.number})" if version.number != item.version_count else ""
    return f"{stem}{suffix}.{version.file_type}"


@bp.get("/library/<int:resource_id>/download")
def download(resource_id):
    item = library.load(current_user, resource_id)
    if not can(current_user, "download_resource", item):
        raise NotFound("This resource's file was removed.")
    number = parse_id(request.args.get("version", "")) or item.version_count
    version = ResourceVersion.get_or_none(
        (ResourceVersion.resource == item.id) & (ResourceVersion.number == number)
    )
    path = library.path_of(version) if version is not None else None
    if path is None or not path.is_file():
        raise NotFound("There is no such version of this resource.")
    if request.headers.get("Range") is None and request.method == "GET":
        library.count_download(item)
    response = send_file(
        path,
        mimetype=FILE_TYPES[version.file_type][1],
        as_attachment=True,
        download_name=_download_name(item, version),
        conditional=True,
        etag=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.cache_control.private = True
    response.cache_control.public = None
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


def _version_page(item, form, status=200):
    return render_page_or_part(
        "library/version.html",
        "library/_version_form.html",
        resource=item,
        form=form,
        max_size=megabytes(current_app.config["LIBRARY_MAX_BYTES"]),
    ), status


@bp.route("/library/<int:resource_id>/version", methods=["GET", "POST"])
@requires("add_resource")
def new_version(resource_id):
    item = library.load(current_user, resource_id)
    if not can(current_user, "update_resource", item):
        raise NotAllowed("Only the resource's author can add a new version.")
    form = VersionForm()
    if request.method == "GET":
        return _version_page(item, VersionForm(formdata=None))
    if not form.validate_on_submit():
        return _version_page(item, form, 422)
    try:
        item, removed = library.add_version(
            current_user, item, form.file.data, form.note.data, bool(form.permission.data)
        )
    except DomainError as error:
        add_form_error(form, error)
        return _version_page(item, form, error.status)
    return _done(
        item,
        f"Version {item.version_count} is shared; the earlier ones stay listed." + _removed_note(removed),
    )


@bp.route("/library/<int:resource_id>/remove", methods=["GET", "POST"])
@requires("read_members_area")
def remove(resource_id):
    item = library.load(current_user, resource_id)
    if not can(current_user, "remove_own_resource", item):
        raise NotAllowed("Only the resource's author can remove it.")
    if request.method == "POST" and EmptyForm().validate_on_submit():
        library_moderation.remove_own(current_user, item)
        flash("Your resource is removed from the library, and its files deleted.", "success")
        return redirect(url_for("library.mine"))
    return render_template("library/remove.html", resource=item)


@bp.route("/library/<int:resource_id>/moderate/<any(hide, restore, remove):action>", methods=["GET", "POST"])
@requires("moderate")
def moderate(resource_id, action):
    item = library.load(current_user, resource_id)
    form = ModerateResourceForm()
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            library_moderation.moderate(current_user, item, action, form.reason.data, form.note.data or "")
        except DomainError as error:
            if error.status != 422:
                raise
            add_form_error(form, error)
            status = 422
        else:
            flash(f"The resource is {library_moderation.STAFF_ACTIONS[action][2]}.", "success")
            return redirect(url_for("library.resource", resource_id=item.id))
    elif request.method == "POST":
        status = 422
    return render_template("library/moderate.html", resource=item, action=action, form=form), status


# -- the command that reads pending text ----------------------------------------------------------


@bp.cli.command("extract")
@click.option("--limit", default=100, show_default=True, help="Read at most this many files.")
def extract_command(limit):
    """Read the text of PDFs still waiting for it, for search (run it from cron)."""
    read = library_text.read_pending(limit)
    click.echo(f"Read the text of {read} file{'s' if read != 1 else ''}.")
