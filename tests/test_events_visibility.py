"""A group's event is as private as the group's space: those outside the group find no event page,
.ics, list, feed entry or calendar entry (404 where an address names it, as for one that does not
exist), and the group's members are told of a new one."""

import re

import pytest
from events_support import calendar, make_event
from helpers import signed_in, text

from forum.models import Category, Member, OutboxMessage
from forum.services import event_calendars, event_places, groups


@pytest.fixture
def group_event(app, cast):
    cast("lead", "group_member", "member", "staff")
    with app.app_context():
        space = Category.get(Category.group == cast.group)
        Category.create(name="Practice", slug="practice")
    made = make_event(app, cast.lead, space, title="Our planning day", description="Secret agenda items.")
    return made, space


def test_outsiders_get_404_everywhere_an_address_names_it(app, cast, group_event):
    event, space = group_event
    paths = [
        f"/events/{event.id}",
        f"/events/{event.id}.ics",
        f"/c/{space.slug}/events",
        f"/events?group={cast.group.slug}",
        f"/events?group={cast.group.slug}&when=past",
    ]
    for who in (None, cast.member):
        client = signed_in(app, who)
        for path in paths:
            assert client.get(path).status_code == 404, (who, path)
        for path in ("/events", "/", "/events/feed.atom", "/search?q=agenda"):
            assert "Our planning day" not in text(client.get(path)), (who, path)
    member = signed_in(app, cast.member)
    assert member.post(f"/events/{event.id}/going", data={"show_name": "y"}).status_code == 404
    assert member.post(f"/events/{event.id}/not-going").status_code == 404
    assert member.get(f"/events/{event.id}/edit").status_code == 404


def test_the_groups_members_and_staff_see_it(app, cast, group_event):
    event, space = group_event
    for who in (cast.group_member, cast.staff):
        client = signed_in(app, who)
        for path in (
            f"/events/{event.id}",
            f"/c/{space.slug}/events",
            f"/events?group={cast.group.slug}",
            "/events",
        ):
            assert "Our planning day" in text(client.get(path)), (who, path)
        assert client.get(f"/events/{event.id}.ics").status_code == 200
    # Public feeds never carry it, even for those who may see it.
    assert "Our planning day" not in text(signed_in(app, cast.group_member).get("/events/feed.atom"))


def test_the_groups_members_are_told_of_a_new_event(app, cast, group_event):
    event, _ = group_event
    with app.app_context():
        told = {m.to_address: m for m in OutboxMessage.select() if m.kind == "event-new"}
    assert set(told) == {cast.group_member.email}  # not the lead who made it, nor outsiders
    message = told[cast.group_member.email]
    assert "Lee Lead planned “Our planning day” in" in message.body_text
    assert "https://meet.example.org/club" not in message.body_text  # the link is for those going
    _, (item,) = calendar(message.attached[0][2].encode())
    assert str(item["uid"]) == event.uid and "meet.example.org" not in str(item.get("location", ""))


def test_a_member_who_leaves_the_group_loses_it_from_their_calendar(app, cast, group_event):
    event, _ = group_event
    with app.app_context():
        member = Member.get_by_id(cast.group_member.id)
        event_places.attend(member, event)
        token = event_calendars.new_token(member)
    client = app.test_client()
    _, items = calendar(client.get(f"/events/calendar/{token}.ics").data)
    assert [str(i["uid"]) for i in items] == [event.uid]
    assert "https://meet.example.org/club" in str(items[0]["description"])  # theirs: they are going
    with app.app_context():
        groups.leave(Member.get_by_id(member.id), cast.group)
    _, items = calendar(client.get(f"/events/calendar/{token}.ics").data)
    assert items == []
    page = signed_in(app, member)
    assert page.get(f"/events/{event.id}").status_code == 404


def test_an_event_moves_with_its_thread(app, cast, group_event):
    """Staff moving the discussion thread out of the group's space move the event with it."""
    event, _ = group_event
    with app.app_context():
        from forum.models import Thread

        public = Category.get(Category.slug == "practice")
        Thread.update(category=public.id).where(Thread.id == event.thread_id).execute()
    page = text(signed_in(app, cast.member).get("/events"))
    assert re.search(r">Our planning day</a>", page)
