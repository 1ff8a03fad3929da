"""Delegated moderation: a group's leads decide on reports about their group's space.

Staff decide on every report. A lead of a group sees the open reports on posts and threads in
its space (`review_group_reports`) and decides on them (`resolve_reports_on`): hiding and
restoring posts (refusals.LEAD_POST_ACTIONS) or dismissing the reports. Removing stays with
staff, and so do reports about a lead's own content: nobody judges themselves. Urgent reports
still reach staff whatever space they are in (services/reporting.py).

`target` is a reported item as services/report_targets.py gives it (`.kind`, `.item`,
`.subject_id`), with its thread and category loaded, so that no rule here queries.
"""

from .groups import leads_group, leads_space
from .roles import is_staff

# What a group's leads decide on: reports about posts and threads, the content of its space.
# Profiles and photos stay with staff.
GROUP_REPORT_KINDS = ("post", "thread")


def space_of(target):
    """The category a reported post or thread is in, or None for other kinds of target."""
    if target is None or target.kind not in GROUP_REPORT_KINDS:
        return None
    item = target.item
    return item.thread.category if target.kind == "post" else item.category


def group_of(target) -> int | None:
    """The id of the group whose space the reported item is in, if any."""
    category = space_of(target)
    return category.group_id if category is not None else None


def may_review_group_reports(member, group) -> bool:
    """The queue of a group's reports: its leads in good standing, and staff."""
    return group is not None and (is_staff(member) or leads_group(member, group.id))


def may_resolve_reports_on(member, target) -> bool:
    """Decide the reports on an item: staff, any item (target None: any report); a lead, a post or
    thread in their group's space that is not their own."""
    if is_staff(member):
        return True
    category = space_of(target)
    if category is None or not leads_space(member, category):
        return False
    return target.subject_id != member.id


RULES = {
    "review_group_reports": may_review_group_reports,
    "resolve_reports_on": may_resolve_reports_on,
}
