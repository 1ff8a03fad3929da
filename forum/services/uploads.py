"""Taking an image in, making it safe, storing it, and taking it down.

`prepare` does every check and all the image work in memory and writes nothing: a refusal leaves
no file behind. `store` writes the files and the row; called inside a transaction that later rolls
back (a post with its photo: posting.py), the caller deletes the files again with `delete_files`.
Every image is decoded and encoded again by Pillow, which drops whatever else the file carried (a
script appended to a JPEG, EXIF with GPS, comments); the type is judged by the file's first bytes,
never by its name or the browser's Content-Type.
"""

import io
import math
import os
import secrets
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps

from .. import policy
from ..errors import Invalid, NotAllowed
from ..models import utcnow
from ..models.db import db
from ..models.uploads import SIZES, Upload

# Magic numbers of the formats accepted, and what each is stored as. A GIF is stored as a PNG of
# its first frame: animation is not kept (it costs data and attention for little).
SIGNATURES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
STORED_AS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "png"}
PIL_FORMAT = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
# Longest side in pixels of each stored size, by kind of upload.
BOUNDS = {
    "post": {"thumb": 400, "display": 1600},
    "avatar": {"thumb": 96, "display": 400},
    "logo": {"thumb": 96, "display": 400},
}
MAX_ALT = 300
NOT_AN_IMAGE = "That file is not a photo we can use: choose a JPEG, PNG, WebP or GIF image."


@dataclass(frozen=True)
class Photo:
    """A photo chosen on a post form, not yet checked: the file (a werkzeug FileStorage) and
    what the member said about it."""

    file: object
    alt_text: str
    shows_others: bool = False
    permission: bool = False


@dataclass
class Prepared:
    """An image that passed every check, re-encoded, waiting to be stored."""

    kind: str
    extension: str
    alt_text: str
    shows_others: bool
    permission: bool
    files: dict = field(default_factory=dict)  # size -> bytes
    dimensions: dict = field(default_factory=dict)  # size -> (width, height)

    @property
    def size_bytes(self) -> int:
        return sum(len(data) for data in self.files.values())


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def sniff(head: bytes) -> str | None:
    """The image format the bytes say they are, whatever the file is called."""
    for signature, name in SIGNATURES:
        if head.startswith(signature):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_filename(filename: str | None) -> str:
    """The member's file name is never used on disk; one that tries to climb out of a folder
    or carries control characters is refused outright, as a request nobody sends by accident."""
    name = filename or ""
    if "/" in name or "\\" in name or ".." in name or any(ord(c) < 32 for c in name):
        raise Invalid("That file name can't be used: rename the file and choose it again.", field="photo")
    return name


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Invalid(
            f"That file is too large: photos can be up to {_megabytes(limit)}. "
            "Choose a smaller photo or save it at a lower quality.",
            field="photo",
        )
    if not data:
        raise Invalid("That file is empty: choose a photo.", field="photo")
    return data


def _decode(data: bytes, fmt: str, max_pixels: int, longest: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[fmt])
            # Only the header has been read: refuse a bomb before a single pixel is decoded.
            width, height = image.size
            if width * height > max_pixels:
                raise Invalid(
                    f"That image is too large in pixels ({width:,} × {height:,}): photos can have up "
                    f"to {max_pixels // 1_000_000} million pixels. Resize it and try again.",
                    field="photo",
                )
            image.seek(0)
            # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale for almost nothing: a 40-megapixel
            # photo wanted at 1600 pixels took 2.5 s decoded whole. draft() keeps it at least
            # `longest` on each side, so the stored sizes are made from as many pixels as before.
            if fmt == "JPEG":
                scale = longest / max(width, height)
                image.draft(image.mode, (math.ceil(width * scale), math.ceil(height * scale)))
            image.load()
    except Invalid:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Invalid("That image is too large in pixels: resize it and try again.", field="photo") from None
    except (OSError, SyntaxError, ValueError, EOFError, Image.UnidentifiedImageError):
        raise Invalid(
            "That image could not be read: it may be damaged or incomplete. Try saving it again.",
            field="photo",
        ) from None
    return image


def _normalise(image: Image.Image, extension: str) -> Image.Image:
    # The camera's "this way up", applied to the pixels before the EXIF that said it is dropped.
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if extension == "jpg":
        image = image.convert("L" if image.mode == "L" else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if has_alpha else "RGB")
    # Nothing from the original's metadata travels to the stored files.
    image.info = {}
    return image


def _encode(image: Image.Image, extension: str, longest: int) -> tuple[bytes, tuple[int, int]]:
    copy = image.copy()
    copy.info = {}
    copy.thumbnail((longest, longest), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options = {"jpg": {"quality": 85, "optimize": True}, "webp": {"quality": 85}, "png": {}}[extension]
    copy.save(out, PIL_FORMAT[extension], **options)
    return out.getvalue(), copy.size


def prepare(member, upload_file, *, alt_text: str, shows_others: bool = False, permission: bool = False,
            kind: str = "post") -> Prepared:
    """Check and process an uploaded image (a werkzeug FileStorage); nothing is written."""
    policy.require(member, "upload", None, "Only members can upload photos.")
    config = current_app.config
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise Invalid(
            "Describe the image in a few words (alt text), for members who use a screen reader.",
            field="alt_text",
        )
    if len(alt_text) > MAX_ALT:
        raise Invalid(f"Alt text can be up to {MAX_ALT} characters.", field="alt_text")
    if kind == "post" and shows_others and not permission:
        raise Invalid(
            "Tick the box to confirm you have permission from the people and organisations shown, "
            "or leave this photo out.",
            field="permission",
        )
    clean_filename(upload_file.filename)
    data = _read_limited(upload_file.stream, config["UPLOAD_MAX_BYTES"])
    fmt = sniff(data[:16])
    if fmt is None:
        raise Invalid(NOT_AN_IMAGE, field="photo")
    image = _decode(data, fmt, config["UPLOAD_MAX_PIXELS"], max(BOUNDS[kind].values()))
    extension = STORED_AS[fmt]
    image = _normalise(image, extension)
    prepared = Prepared(kind, extension, alt_text, bool(shows_others), bool(permission))
    for size in SIZES:
        prepared.files[size], prepared.dimensions[size] = _encode(image, extension, BOUNDS[kind][size])
    quota = config["UPLOAD_QUOTA_BYTES"]
    used = Upload.used_by(member)
    if used + prepared.size_bytes > quota:
        raise Invalid(
            f"You have reached your space for photos: {_megabytes(used)} of {_megabytes(quota)} is used "
            f"and this one needs {_megabytes(prepared.size_bytes)}. Remove photos you no longer need "
            "(Your photos, on your account page) and try again.",
            field="photo",
        )
    return prepared


def storage() -> Path:
    path = Path(current_app.config["UPLOAD_PATH"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(upload: Upload, size: str) -> Path:
    return storage() / upload.filename(size)


def store(member, prepared: Prepared, *, post=None, organisation=None) -> Upload:
    """Write the files under a random name and record the upload."""
    folder = storage()
    name = secrets.token_urlsafe(18)
    written = []
    try:
        for size, data in prepared.files.items():
            final = folder / f"{name}-{size}.{prepared.extension}"
            temporary = folder / f".{name}-{size}.tmp"
            with open(temporary, "xb") as out:
                out.write(data)
            os.replace(temporary, final)
            written.append(final)
        with db.atomic():
            return Upload.create(
                owner=member,
                kind=prepared.kind,
                post=post,
                organisation=organisation,
                name=name,
                extension=prepared.extension,
                width=prepared.dimensions["display"][0],
                height=prepared.dimensions["display"][1],
                thumb_width=prepared.dimensions["thumb"][0],
                thumb_height=prepared.dimensions["thumb"][1],
                size_bytes=prepared.size_bytes,
                alt_text=prepared.alt_text,
                shows_others=prepared.shows_others,
                permission=prepared.permission,
            )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def set_picture(member, prepared: Prepared, organisation=None) -> Upload:
    """A member's avatar, or their organisation's logo: the new picture replaces the old, whose
    files are deleted (it no longer counts toward the quota)."""
    if prepared.kind == "logo":
        policy.require(
            member, "edit_organisation", organisation, "Only the organisation's members can do this."
        )
        previous = Upload.select().where(
            (Upload.organisation == organisation) & (Upload.kind == "logo") & (Upload.status == "visible")
        )
    else:
        previous = Upload.select().where(
            (Upload.owner == member) & (Upload.kind == "avatar") & (Upload.status == "visible")
        )
    previous = list(previous)
    upload = store(member, prepared, organisation=organisation)
    for old in previous:
        Upload.update(status="removed", removed_by=member, removed_at=utcnow()).where(
            Upload.id == old.id
        ).execute()
        delete_files(old)
    return upload


def prepare_photo(member, photo: Photo) -> Prepared:
    """`prepare` for a photo in a post."""
    return prepare(
        member, photo.file, alt_text=photo.alt_text, shows_others=photo.shows_others,
        permission=photo.permission,
    )


def delete_files(upload: Upload) -> None:
    for size in SIZES:
        path_of(upload, size).unlink(missing_ok=True)


def remove(member, upload: Upload) -> Upload:
    """The uploader, or staff, take a photo down: it disappears wherever it was shown, and its
    files are deleted (the row stays, so reports and the record still say what it was)."""
    if not (policy.can(member, "remove_own_upload", upload) or policy.can(member, "moderate_upload", upload)):
        raise NotAllowed("Only the member who uploaded this photo, or staff, can remove it.")
    if upload.status == "removed":
        return upload
    by_staff = upload.owner_id != member.id
    with db.atomic():
        Upload.update(status="removed", removed_by=member, removed_at=utcnow()).where(
            Upload.id == upload.id
        ).execute()
        if by_staff:
            # Staff taking a photo down is a decision on its reports, and goes in the public log.
            from . import moderating, reporting

            reporting.resolve_all(member, "photo", upload.id, "actioned")
            moderating.log(
                member,
                "remove_photo",
                "photo",
                upload.id,
                label=f"A photo by {upload.owner.name}",
                thread_id=upload.post.thread_id if upload.post_id else None,
            )
    delete_files(upload)
    upload.status = "removed"
    upload.removed_by = member
    return upload
