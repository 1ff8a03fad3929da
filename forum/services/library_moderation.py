"""Taking resources down: by their author, by staff (hide, restore, remove, logged, with their
reports decided and the author told), and with their author's account; and the author's own record
of them, for My data. A removed resource keeps its row for the record; its files are deleted."""

from flask import current_app, render_template

from .. import policy
from ..errors import Conflict
from ..links import absolute_url
from ..mail import outbox as mail
from ..models import MODERATION_REASONS, utcnow
from ..models.db import db
from ..models.library import LICENCES, Resource, ResourceVersion
from ..models.search import refresh_posts
from . import moderating, reporting
from .library import delete_files, opening_posts


def _take_down(resource, status: str, by, reason: str = "") -> bool:
    """Move the resource to `status` (from the one it was loaded with: a stale action changes
    nothing) and bring the search index in step; restoring clears who took it down."""
    now = utcnow()
    down = status != "visible"
    changed = (
        Resource.update(
            status=status,
            status_reason=reason,
            removed_by=by if down else None,
            removed_at=now if down else None,
            updated_at=now,
        )
        .where((Resource.id == resource.id) & (Resource.status == resource.status))
        .execute()
    )
    if changed:
        refresh_posts(opening_posts([resource]))
    return bool(changed)


def remove_own(member, resource) -> Resource:
    """The author takes their resource down: it leaves the library and search, its files are
    deleted; its discussion stays."""
    policy.require(member, "remove_own_resource", resource, "Only the resource's author can remove it.")
    with db.atomic():
        if not _take_down(resource, "removed", member, "Removed by its author"):
            raise Conflict("This resource changed a moment ago: look at the page again.")
    delete_files(resource)
    return Resource.by_id(resource.id)


STAFF_ACTIONS = {
    "hide": ("visible", "hidden", "hidden"),
    "restore": ("hidden", "visible", "restored"),
    "remove": (None, "removed", "removed"),
}


def moderate(staff, resource, action: str, reason: str, note: str = "") -> Resource:
    """Staff hide (its author and staff still see it), restore or remove it (files deleted). Logged,
    its open reports decided, and its author told why."""
    policy.require(staff, f"{action}_resource", resource, "This resource can't be changed that way now.")
    reason, note = moderating.checked_reason(reason, note)
    _, becomes, done = STAFF_ACTIONS[action]
    why = MODERATION_REASONS[reason]
    with db.atomic():
        if not _take_down(resource, becomes, staff, "" if action == "restore" else why):
            raise Conflict("Nothing changed: another staff member acted on this resource a moment ago.")
        moderating.log(
            staff,
            f"{action}_resource",
            "resource",
            resource.id,
            label=resource.title,
            thread_id=resource.thread_id,
            reason=reason,
            note=note,
            group_id=resource.thread.category.group_id,
        )
        if action != "restore":
            reporting.resolve_all(
                staff, "resource", resource.id, "actioned", f"The resource was {done}: {why}."
            )
            _tell_author(resource, done, why, note)
    if action == "remove":
        delete_files(resource)
    return Resource.by_id(resource.id)


def _tell_author(resource, done: str, why: str, note: str) -> None:
    owner = resource.owner
    if owner.status == "deleted":
        return
    site = current_app.config["SITE_NAME"]
    body = render_template(
        "library/email-moderated.txt",
        member=owner,
        resource=resource,
        done=done,
        why=why,
        note=note,
        site_name=site,
        link=absolute_url("library.resource", resource_id=resource.id),
    )
    mail.queue(owner.email, f"About your resource in the library · {site}", body, "library-moderated")


def close_account(member, posts: str) -> int:
    """Inside moderating.close_account's transaction: the member's resources follow their posts.
    Kept ("keep"), they stay in the library with their files, credited as the author asked;
    otherwise they are removed and their files deleted. Returns how many were removed."""
    if posts == "keep":
        return 0
    resources = list(Resource.select().where((Resource.owner == member.id) & (Resource.status != "removed")))
    for resource in resources:
        _take_down(resource, "removed", None, "Removed with its author's account")
        delete_files(resource)
    return len(resources)


def export(member) -> list[dict]:
    """My data: the member's own resources, each with its versions."""

    def when(dt):
        return dt.strftime("%Y-%m-%dT%H:%M:%SZ") if dt else None

    resources = list(Resource.select().where(Resource.owner == member.id).order_by(Resource.id))
    versions = {}
    for v in ResourceVersion.select().where(ResourceVersion.resource.in_([r.id for r in resources])):
        versions.setdefault(v.resource_id, []).append(
            {
                "version": v.number,
                "file": v.original_name,
                "type": v.file_type,
                "bytes": v.size_bytes,
                "added": when(v.created_at),
                "note": v.note,
            }
        )
    return [
        {
            "id": r.id,
            "title": r.title,
            "summary": r.summary,
            "licence": LICENCES[r.licence].label,
            "credit": r.credit,
            "status": r.status,
            "added": when(r.created_at),
            "versions": sorted(versions.get(r.id, []), key=lambda v: v["version"]),
        }
        for r in resources
    ]
