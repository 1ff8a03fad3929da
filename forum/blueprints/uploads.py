"""Photos, avatars and logos: serving them to those who may see them, the uploader's list of
their photos, and taking one down (the uploader, or staff inline).

Files are only ever sent from here, never from static/: each request checks, through policy, that
the viewer may see what the image belongs to (a post in a members-only category stays private),
and the response can only be an image: its type comes from what Pillow wrote, never the upload.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from ..errors import DomainError, NotFound
from ..forms import EmptyForm
from ..forms.uploads import PhotoForm, PictureForm
from ..models import Organisation
from ..models.uploads import Upload
from ..policy import can, require, requires
from ..services import uploads
from ..web import add_form_error, announce, safe_next

bp = Blueprint("uploads", __name__)

# Long enough to spare repeated fetches on a page, short enough that a removed photo or a
# changed permission soon stops being served from a browser's cache. Never shared caches.
CACHE_SECONDS = 3600
# An image opened directly runs nothing, is framed by nobody, and leaks no referrer.
IMAGE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


# The forms that carry a file: their requests may be as large as a photo, plus the text.
UPLOAD_ENDPOINTS = {"threads.new_thread", "threads.reply", "uploads.avatar", "uploads.logo"}
TEXT_ALLOWANCE = 1024 * 1024
PHOTO_FIELDS = ("photo", "alt_text", "shows_others", "permission")


def allow_upload_size():
    """Raise the request size limit for the forms that carry a photo, before anything (the CSRF
    check included) reads the body; every other request keeps the small limit for text."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"] + TEXT_ALLOWANCE


@bp.record_once
def _first_before_request(state):
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_upload_size)


# -- a photo in a post (used by the thread and reply routes) --------------------------------------


def chosen_photo(photo_form: PhotoForm) -> uploads.Photo | None:
    """The photo a post form carries, for posting to check and store; None when no file was
    chosen."""
    if not photo_form.photo.data:
        return None
    return uploads.Photo(
        photo_form.photo.data,
        alt_text=photo_form.alt_text.data,
        shows_others=photo_form.shows_others.data,
        permission=photo_form.permission.data,
    )


def photo_error(photo_form, error):
    """The photo form, when the error is about one of its fields; else None."""
    return photo_form if error.field in PHOTO_FIELDS else None


def blank_photo_form():
    return PhotoForm(formdata=None)


def upload_limit() -> str:
    return f"{current_app.config['UPLOAD_MAX_BYTES'] / (1024 * 1024):.0f} MB"


def load_post_photos(posts, thread=None) -> dict:
    """post id -> its visible photos, for a page of posts in one query (none without posts).
    Each photo is given its post, and each post the page's thread, already loaded, so that the
    policy checks on the photos (see, report) query nothing more."""
    if all(getattr(p, "photo_count", None) == 0 for p in posts):
        return {}  # counted with the page of posts (Post.page_of_thread): none to ask for
    photos = Upload.for_posts([p.id for p in posts])
    by_id = {p.id: p for p in posts}
    for post_id, uploads_here in photos.items():
        post = by_id[post_id]
        if thread is not None and post.thread_id == thread.id:
            post.thread = thread
        for upload in uploads_here:
            upload.post = post
    return photos


def load_member_avatars(members) -> dict:
    """member id -> their avatar, for a page of members in one query."""
    return Upload.current("avatar", member_ids=[m.id for m in members])


def load_organisation_logo(organisation):
    return Upload.current("logo", organisation_ids=[organisation.id]).get(organisation.id)



def _visible_upload(name: str) -> Upload:
    upload = Upload.by_name(name)
    if upload is None or not can(current_user, "see_upload", upload):
        # Whether it exists is private too.
        raise NotFound("There is no such photo, or you cannot see it.")
    return upload


@bp.get("/photos/<name>/<any(thumb, display):size>")
def photo(name, size):
    upload = _visible_upload(name)
    path = uploads.path_of(upload, size)
    if not path.is_file():
        raise NotFound("There is no such photo, or you cannot see it.")
    response = send_file(
        path,
        mimetype=upload.content_type,
        conditional=True,
        etag=True,
        max_age=CACHE_SECONDS,
        download_name=f"photo-{upload.id}-{size}.{upload.extension}",
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = IMAGE_CSP
    response.headers["Content-Disposition"] = f'inline; filename="photo-{upload.id}.{upload.extension}"'
    response.cache_control.private = True
    response.cache_control.public = None
    response.vary.add("Cookie")
    return response


@bp.get("/photos")
@requires("see_own_uploads")
def mine():
    return render_template("uploads/mine.html", photos=Upload.mine(current_user), form=EmptyForm(),
                           used=Upload.used_by(current_user))


@bp.post("/photos/<int:upload_id>/remove")
@requires("see_own_uploads")
def remove(upload_id):
    upload = Upload.by_id(upload_id)
    if upload is None or not (
        can(current_user, "remove_own_upload", upload) or can(current_user, "moderate_upload", upload)
    ):
        raise NotFound("There is no such photo, or you cannot remove it.")
    if EmptyForm().validate_on_submit():
        uploads.remove(current_user, upload)
    message = "The photo is removed."
    if request.htmx:
        body = render_template("uploads/_removed.html", upload=upload)
        return announce(body, message, None)
    flash(message, "success")
    return redirect(safe_next(request.form.get("next"), url_for("uploads.mine")))


# -- avatars and logos ------------------------------------------------------------------------------


def _picture_page(kind, form, current, organisation=None, status=200):
    return render_template(
        "uploads/picture.html", kind=kind, form=form, current=current, organisation=organisation
    ), status


def _set_picture(kind, organisation, done_url):
    form = PictureForm()
    current = (
        Upload.current("logo", organisation_ids=[organisation.id]).get(organisation.id)
        if kind == "logo"
        else Upload.current("avatar", member_ids=[current_user.id]).get(current_user.id)
    )
    if request.method == "GET":
        form = PictureForm(formdata=None)
        return _picture_page(kind, form, current, organisation)
    if not form.validate_on_submit():
        return _picture_page(kind, form, current, organisation, 422)
    if not form.photo.data:
        add_form_error(form, DomainError("Choose a picture to upload.", field="photo"))
        return _picture_page(kind, form, current, organisation, 422)
    try:
        prepared = uploads.prepare(current_user, form.photo.data, alt_text=form.alt_text.data, kind=kind)
        uploads.set_picture(current_user, prepared, organisation)
    except DomainError as error:
        add_form_error(form, error)
        return _picture_page(kind, form, current, organisation, error.status)
    flash("The new logo is saved." if kind == "logo" else "Your new profile picture is saved.", "success")
    return redirect(done_url)


@bp.route("/photos/avatar", methods=["GET", "POST"])
@requires("edit_profile")
def avatar():
    return _set_picture("avatar", None, url_for("directory.profile", member_id=current_user.id))


@bp.route("/photos/logo/<int:organisation_id>", methods=["GET", "POST"])
@requires("post")
def logo(organisation_id):
    organisation = Organisation.get_or_none(Organisation.id == organisation_id)
    if organisation is None:
        raise NotFound("There is no such organisation.")
    require(current_user, "edit_organisation", organisation, "Only the organisation's members can do this.")
    return _set_picture(
        "logo", organisation, url_for("directory.organisation", organisation_id=organisation.id)
    )
