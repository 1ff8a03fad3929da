"""The resource library: who sees a resource, adds one, keeps one up to date, and takes one down.

A resource is seen where its discussion thread is: `may_read_thread` (the one visibility rule)
decides for the page and the file, and lists start from Thread.visible_to. On top of that, the
resource's own status: one hidden by staff is seen by its author and staff alone; a removed one
by staff alone (its files are gone), as a record. Rules read only what is loaded: the resource
with its thread and the thread's category (Resource.with_place).
"""

from ..errors import NotAllowed, NotFound
from .roles import is_active_member, is_reading_member, is_staff, signed_in
from .visibility import may_read_thread

NO_SUCH_RESOURCE = "There is no such resource, or you cannot see it."


def _owns(member, resource) -> bool:
    return signed_in(member) and resource.owner_id == member.id


def may_see_resource(member, resource) -> bool:
    """Its page: wherever its discussion may be read, while it is visible (hidden: its author and
    staff; removed: staff, who see what it was)."""
    thread = resource.thread
    if thread is None or not may_read_thread(member, thread):
        return False
    if resource.status == "visible":
        return True
    if resource.status == "hidden":
        return is_staff(member) or (_owns(member, resource) and is_reading_member(member))
    return is_staff(member)


def may_download(member, resource) -> bool:
    """Its file: as the page, while the file is kept (not once removed)."""
    return resource.status != "removed" and may_see_resource(member, resource)


def report_refusal(member, resource):
    """Why `member` may not report the resource (reports.report_refusal's "resource" kind)."""
    if not is_active_member(member):
        return NotAllowed("Only members can report.")
    if not may_see_resource(member, resource):
        return NotFound(NO_SUCH_RESOURCE)
    if _owns(member, resource):
        return NotAllowed("You can't report your own resource: remove it instead, or add a new version.")
    if resource.status != "visible":
        return NotFound("This resource is hidden or removed already: there is nothing left to report.")
    return None


RULES = {
    "see_resource": may_see_resource,
    "download_resource": may_download,
    # Adding one: a member in good standing (where it may live is start_thread's rule).
    "add_resource": lambda m, t: is_active_member(m),
    # The author keeps it up to date, and may take it down; a suspended author may still remove.
    "update_resource": lambda m, t: is_active_member(m) and _owns(m, t) and t.status == "visible",
    "remove_own_resource": lambda m, t: _owns(m, t) and is_reading_member(m) and t.status != "removed",
    # Staff: hide (the author and staff still see it), restore a hidden one, remove (files deleted).
    "hide_resource": lambda m, t: is_staff(m) and t.status == "visible",
    "restore_resource": lambda m, t: is_staff(m) and t.status == "hidden",
    "remove_resource": lambda m, t: is_staff(m) and t.status != "removed",
    "moderate_resource": lambda m, t: is_staff(m),
    "report_resource": lambda m, t: report_refusal(m, t) is None,
}
