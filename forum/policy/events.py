"""Events: who sees one, who creates, changes and cancels it, who answers it and who sees the
people going. An event is seen where its discussion thread is (the one visibility rule), so every
rule here asks about `event.thread`, loaded with its category (Event.with_thread). What the viewer
answered is loaded onto the event by services/events.py as `viewer_status` before a rule asks.
"""

from .roles import is_active_member, is_staff
from .visibility import may_read_thread, may_start_thread, reading


def may_read_event(member, event) -> bool:
    """The event's page, .ics and answers: whoever may open its discussion thread."""
    return may_read_thread(member, event.thread)


def may_list_event(member, event) -> bool:
    return reading(member).lists(event.thread)


def may_manage_event(member, event) -> bool:
    """Change or cancel it, see who is going, email them: its organiser in good standing, and staff."""
    if not may_read_event(member, event):
        return False
    return is_staff(member) or (is_active_member(member) and member.id == event.organiser_id)


def may_attend(member, event) -> bool:
    """Answer Going or Not going: a member in good standing who may see the event."""
    return is_active_member(member) and may_read_event(member, event)


def may_see_online_link(member, event) -> bool:
    """The online link is for those going, the organiser and staff."""
    return may_manage_event(member, event) or (
        may_read_event(member, event) and getattr(event, "viewer_status", None) == "going"
    )


def may_see_names(member, event) -> bool:
    """The names of those going who chose to show them: members who may see the event. Visitors
    see how many are going, not who."""
    return is_active_member(member) and may_read_event(member, event) or may_manage_event(member, event)


RULES = {
    # The category is where the event would live: the rule of starting a thread there.
    "create_event": lambda m, category: may_start_thread(m, category),
    "read_event": may_read_event,
    "list_event": may_list_event,
    "manage_event": may_manage_event,
    "attend_event": may_attend,
    "see_event_link": may_see_online_link,
    "see_event_names": may_see_names,
}
