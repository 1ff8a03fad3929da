"""The resource library: adding a resource, new versions of its file, and what the rest of the
forum shows of resources (a page's check, cards in posts, how to credit one). Taking one down is
in library_moderation.py.

A resource lives where its discussion thread lives: `add` starts that thread (posting.start_thread,
so the rule for where a member may put one is the rule for starting a thread there) in a public
or members-only library category, or in a group's space. Its file is checked in memory and in a
child process first (library_files.check), written under a random name, and then the rows are
written in one transaction; a refusal stores nothing, and files written for a transaction that
rolled back are deleted. A PDF's text is read for search after it is stored (library_text.py).
"""

import os
import re
import secrets
from pathlib import Path

from flask import current_app
from peewee import IntegrityError

from .. import policy
from ..errors import Conflict, Invalid, NotFound
from ..links import absolute_url, path_for
from ..models import Category, Group, Organisation, Post, utcnow
from ..models.db import db
from ..models.directory import Expertise
from ..models.library import LIBRARY_CATEGORIES, LICENCES, Resource, ResourceTheme, ResourceVersion
from ..models.search import refresh_posts
from . import library_files, library_text, posting

MAX_SUMMARY = 2000
MAX_CREDIT = 300
MAX_NOTE = 300
MAX_THEMES = 8
PERMISSION = (
    "Tick the box to confirm you have permission to share this from the people and organisations "
    "involved in it."
)


# -- files on disk ----------------------------------------------------------------------------------


def storage() -> Path:
    config = current_app.config
    path = Path(config["LIBRARY_PATH"] or Path(config["UPLOAD_PATH"]) / "library")
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(version: ResourceVersion) -> Path:
    return storage() / version.filename()


def _write(checked: library_files.Checked) -> str:
    """Write the file under a new random name (via a temporary file, so no half-written file is
    ever served); returns the name."""
    folder = storage()
    name = secrets.token_urlsafe(18)
    temporary = folder / f".{name}.tmp"
    with open(temporary, "xb") as out:
        out.write(checked.data)
    os.replace(temporary, folder / f"{name}.{checked.file_type}")
    return name


def delete_files(resource) -> None:
    for version in ResourceVersion.select().where(ResourceVersion.resource == resource):
        path_of(version).unlink(missing_ok=True)


# -- checking what the member sent ------------------------------------------------------------------


def check_file(member, upload_file, resource=None) -> library_files.Checked:
    """Every check on a file before anything is written: type by content, safety, the same file
    sent before, and the member's space."""
    config = current_app.config
    if upload_file is None or not getattr(upload_file, "filename", ""):
        raise Invalid("Choose the file you want to share.", field="file")
    checked = library_files.check(
        upload_file,
        max_bytes=config["LIBRARY_MAX_BYTES"],
        zip_entries=config["LIBRARY_ZIP_MAX_ENTRIES"],
        zip_unpacked=config["LIBRARY_ZIP_MAX_UNPACKED_BYTES"],
        pdf_seconds=config["LIBRARY_CHECK_SECONDS"],
    )
    same = (
        ResourceVersion.select(ResourceVersion, Resource)
        .join(Resource)
        .where(
            (ResourceVersion.sha256 == checked.sha256)
            & (Resource.owner == member)
            & (Resource.status != "removed")
        )
        .first()
    )
    if same is not None:
        where = (
            "this resource"
            if resource is not None and same.resource_id == resource.id
            else (f"“{same.resource.title}”")
        )
        raise Invalid(
            f"You have already shared this same file, as version {same.number} of {where}. "
            "Choose a different file.",
            field="file",
        )
    quota, used = config["LIBRARY_QUOTA_BYTES"], Resource.used_by(member)
    if used + checked.size_bytes > quota:
        mb = library_files.megabytes
        raise Invalid(
            f"You have reached your space for files in the library: {mb(used)} of {mb(quota)} is used "
            f"and this file needs {mb(checked.size_bytes)}. Remove resources you no longer need "
            "(Your resources, in the Library) and try again.",
            field="file",
        )
    return checked


def _text(value, field: str, label: str, low: int, high: int) -> str:
    value = (
        " ".join((value or "").split()) if field != "summary" else (value or "").replace("\r\n", "\n").strip()
    )
    if len(value) < low:
        raise Invalid(f"{label} needs at least {low} characters.", field=field)
    if len(value) > high:
        raise Invalid(f"{label} can be up to {high:,} characters; this has {len(value):,}.", field=field)
    return value


def places_for(member) -> list[tuple[str, str]]:
    """Where the member may put a resource: everyone, members, or a group they are in."""
    places = [("public", "Everyone, visitors included"), ("members", "Members only")]
    if getattr(member, "is_authenticated", False) and member.groups:
        groups = (
            Group.select(Group.id, Group.name).where(Group.id.in_(sorted(member.groups))).order_by(Group.name)
        )
        places += [(f"group-{g.id}", f"Only the group {g.name}") for g in groups]
    return places


def category_for(member, place: str) -> Category:
    """The category a resource placed `place` lives in: the library's public or members-only one
    (not saved yet if it does not exist: `saved` makes it, inside the transaction that needs it),
    or a group's space (its first category)."""
    if place in LIBRARY_CATEGORIES:
        slug, name, read_access = LIBRARY_CATEGORIES[place]
        return Category.get_or_none(Category.slug == slug) or Category(
            slug=slug,
            name=name,
            read_access=read_access,
            position=1000,
            description="The discussions of the resources in the Library: one thread each.",
        )
    match = re.fullmatch(r"group-(\d{1,10})", place or "")
    group_id = int(match.group(1)) if match else None
    if group_id is None or group_id not in getattr(member, "groups", {}):
        raise Invalid("Choose who can see it from the list.", field="place")
    category = (
        Category.select().where(Category.group == group_id).order_by(Category.position, Category.id).first()
    )
    if category is None:
        raise Invalid("That group has no space to share in yet: choose another.", field="place")
    return category


def saved(category: Category) -> Category:
    """The library's category, made now if it was not there (another request may make it at the
    same moment: then theirs is used)."""
    if category.id is not None:
        return category
    try:
        with db.atomic():
            category.save()
    except IntegrityError:
        return Category.get(Category.slug == category.slug)
    return category


def _clean(member, data: dict) -> dict:
    licence = data.get("licence")
    if licence not in LICENCES:
        raise Invalid("Choose the licence it is shared under.", field="licence")
    if data.get("place") == "public" and licence == "members":
        raise Invalid(
            "A resource for members only can't be shown to everyone: choose “Members only” or a group "
            "under “Who can see it”, or another licence.",
            field="licence",
        )
    organisation = None
    if data.get("organisation"):
        organisation = Organisation.get_or_none(Organisation.id == data["organisation"])
        if organisation is None:
            raise Invalid("Choose the organisation from the list.", field="organisation")
    themes = sorted({int(t) for t in data.get("themes") or []})
    if len(themes) > MAX_THEMES:
        raise Invalid(f"Choose at most {MAX_THEMES} themes.", field="themes")
    if themes and Expertise.select().where(Expertise.id.in_(themes)).count() != len(themes):
        raise Invalid("Choose the themes from the list.", field="themes")
    credit = " ".join((data.get("credit") or "").split())
    if len(credit) > MAX_CREDIT:
        raise Invalid(f"The credit line can be up to {MAX_CREDIT} characters.", field="credit")
    if not credit:
        credit = member.name + (f", {organisation.name}" if organisation else "")
    if not data.get("permission"):
        raise Invalid(PERMISSION, field="permission")
    return {
        "title": _text(data.get("title"), "title", "The title", 3, 150),
        "summary": _text(data.get("summary"), "summary", "The summary", 10, MAX_SUMMARY),
        "licence": licence,
        "organisation": organisation,
        "themes": themes,
        "credit": credit,
    }


# -- adding and new versions ------------------------------------------------------------------------


def add(member, data: dict, upload_file) -> tuple[Resource, list[str]]:
    """A new resource with its file, themes and discussion thread. Returns it and what was taken
    out of the file (a PDF's scripts), for the member to be told."""
    policy.require(member, "add_resource", None, "Only members can add resources to the library.")
    submission = data.get("submission") or None
    if submission:
        earlier = Resource.get_or_none((Resource.owner == member) & (Resource.submission == submission))
        if earlier is not None:
            return earlier, []
    fields = _clean(member, data)
    category = category_for(member, data.get("place") or "")
    policy.require(member, "start_thread", category, "You can't share resources there: choose another place.")
    checked = check_file(member, upload_file)
    name = _write(checked)
    try:
        with db.atomic():
            resource = Resource.create(
                owner=member,
                title=fields["title"],
                summary=fields["summary"],
                organisation=fields["organisation"],
                licence=fields["licence"],
                credit=fields["credit"],
                file_type=checked.file_type,
                size_bytes=checked.size_bytes,
                pages=checked.pages,
                file_text=checked.text,
                text_status="pending" if checked.text_later else "done",
                permission=True,
                submission=submission,
            )
            _version(resource, 1, name, checked, "")
            for theme in fields["themes"]:
                ResourceTheme.create(resource=resource, expertise=theme)
            post = _start_discussion(member, saved(category), resource)
            Resource.update(thread=post.thread_id).where(Resource.id == resource.id).execute()
            refresh_posts([post.id])
    except BaseException:
        (storage() / f"{name}.{checked.file_type}").unlink(missing_ok=True)
        raise
    if checked.text_later:
        library_text.read_later(resource.id)
    return Resource.by_id(resource.id), checked.removed


def _version(resource, number: int, name: str, checked, note: str) -> ResourceVersion:
    return ResourceVersion.create(
        resource=resource,
        number=number,
        name=name,
        original_name=checked.original_name,
        file_type=checked.file_type,
        size_bytes=checked.size_bytes,
        pages=checked.pages,
        sha256=checked.sha256,
        note=note,
        removed="; ".join(checked.removed)[:300],
    )


def _start_discussion(member, category, resource) -> Post:
    link = path_for("library.resource", resource_id=resource.id)
    message = (
        f"A resource shared in the Library: [{resource.title}]({link})\n\n"
        "This is its discussion: how you used it, what worked, and questions for its author."
    )
    data = {"title": resource.title, "message": message, "sharing": LICENCES[resource.licence].sharing}
    try:
        return posting.start_thread(member, category, data)
    except posting.PostingTooFast:
        raise Conflict(
            "You are adding things quickly: please wait a few seconds, then send it again "
            "(choose the file again too).",
        ) from None


def add_version(member, resource, upload_file, note: str = "", permission: bool = False):
    """The author's new version of the file; the earlier ones stay listed, with their dates."""
    policy.require(member, "update_resource", resource, "Only the resource's author can add a new version.")
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE:
        raise Invalid(f"Say what changed in up to {MAX_NOTE} characters.", field="note")
    if not permission:
        raise Invalid(PERMISSION, field="permission")
    checked = check_file(member, upload_file, resource)
    name = _write(checked)
    try:
        with db.atomic():
            number = resource.version_count + 1
            changed = (
                Resource.update(
                    version_count=number,
                    file_type=checked.file_type,
                    size_bytes=checked.size_bytes,
                    pages=checked.pages,
                    file_text=checked.text,
                    updated_at=utcnow(),
                    text_status="pending" if checked.text_later else "done",
                )
                .where((Resource.id == resource.id) & (Resource.version_count == resource.version_count))
                .execute()
            )
            if not changed:
                raise Conflict("Another version was added a moment ago: look at the page again.")
            _version(resource, number, name, checked, note)
            refresh_posts(opening_posts([resource]))
    except BaseException:
        (storage() / f"{name}.{checked.file_type}").unlink(missing_ok=True)
        raise
    if checked.text_later:
        library_text.read_later(resource.id)
    return Resource.by_id(resource.id), checked.removed


def opening_posts(resources) -> list[int]:
    thread_ids = [r.thread_id for r in resources if r.thread_id]
    if not thread_ids:
        return []
    return [p.id for p in Post.select(Post.id).where(Post.thread.in_(thread_ids) & (Post.number == 1))]


# -- what other pages show of resources -------------------------------------------------------------


def how_to_credit(resource) -> str:
    """The credit to give, ready to copy: the title, the author's credit line, the licence."""
    terms = LICENCES[resource.licence]
    site = current_app.config["SITE_NAME"]
    base = f"“{resource.title}” by {resource.credit}"
    if resource.licence == "members":
        return f"{base}, shared with the members of {site}. For members only: not to be shared outside it."
    if resource.licence == "ask":
        return f"{base}. Used with its author's permission, given when asked ({site})."
    link = absolute_url("library.resource", resource_id=resource.id)
    return f"{base}, shared on {site} under {terms.label} ({terms.url}). {link}"


LINK = re.compile(r'href="([^"]*?)/library/(\d{1,9})"')


def linked_resources(viewer, html: str, prefixes) -> list[Resource]:
    """The resources a post's HTML links to (relative links, or absolute ones to this forum: the
    `prefixes`) that the viewer may see, in the order first linked; one query."""
    ids = []
    for prefix, resource_id in LINK.findall(html or ""):
        if prefix in prefixes and int(resource_id) not in ids:
            ids.append(int(resource_id))
    if not ids:
        return []
    found = {r.id: r for r in Resource.with_place().where(Resource.id.in_(ids[:10]))}
    return [found[i] for i in ids if i in found and policy.can(viewer, "see_resource", found[i])]


def load(viewer, resource_id: int) -> Resource:
    resource = Resource.by_id(resource_id)
    if resource is None or not policy.can(viewer, "see_resource", resource):
        raise NotFound("There is no such resource, or you cannot see it.")
    return resource


def count_download(item: Resource) -> None:
    """One more download of the resource, counted in the database, not read back: the staff's insights."""
    Resource.update(download_count=Resource.download_count + 1).where(Resource.id == item.id).execute()
