"""Reading the moderation log: a page of it, for staff (everything) and for members (the public log,
without staff names or notes). An entry about something in a group's space names its title, thread
and member only to those who may read that space: the template asks the policy of `entry.space`."""

from datetime import datetime, timedelta

from ..models import ACTIONS, Category, LogEntry, Thread

LOG_PAGE = 50


def log_page(
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: int | None = None,
) -> dict:
    """One page of the log, newest first, filtered by action and by day (`since` and `until`
    included); `before`: the id to page back from. An action the log does not know is ignored."""
    action = action if action in ACTIONS else None
    entries = LogEntry.page(action, since, until + timedelta(days=1) if until else None, before, LOG_PAGE)
    _mark_spaces(entries[:LOG_PAGE])
    return {
        "entries": entries[:LOG_PAGE],
        "more": len(entries) > LOG_PAGE,
        "action": action,
        "actions": ACTIONS,
        "since": since.date().isoformat() if since else "",
        "until": until.date().isoformat() if until else "",
    }


def _mark_spaces(entries) -> None:
    """Give each entry about something in a group's space `.space`, a Category standing for that
    group's space (else None), so that the log shows its title, thread and member only to those
    who may read the space (`can(viewer, "read_category", entry.space)`). The group is the one the
    entry was logged with, or else the one whose space its thread is in now (moved there since):
    one query for the page."""
    unmarked = {e.thread_id for e in entries if e.group_id is None and e.thread_id}
    moved = {}
    if unmarked:
        moved = dict(
            Thread.select(Thread.id, Category.group)
            .join(Category)
            .where(Thread.id.in_(sorted(unmarked)) & Category.group.is_null(False))
            .tuples()
        )
    for entry in entries:
        group_id = entry.group_id or moved.get(entry.thread_id)
        entry.space = Category(group=group_id) if group_id else None
