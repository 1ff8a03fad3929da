"""What a member may see is one rule (policy.reading), asked per object by the policy and as a query
by every list (Category.readable_by, Thread.visible_to). Here: the queries and the rules agree for
every kind of reader, category and thread; and every place content reaches a reader (the category
lists, feeds, search, the unread and watched lists, notifications and digests) keeps to it, shown
by a private space made the way a new one would be: by changing policy.reading alone."""

import pytest
from flask_login import AnonymousUserMixin
from helpers import signed_in, text

from forum import policy
from forum.models import READ_ACCESS, Category, ReadState, Thread, Watch
from forum.models.notifications import Notification
from forum.models.outbox import OutboxMessage
from forum.services import notifying, posting

READERS = ("visitor", "applicant", "member", "suspended", "staff", "admin")
STATUSES = ("visible", "removed")

# What each reader finds in lists, and what they open by address, as (category access, thread status).
LISTED = {("public", "visible")}
LISTED_FOR_MEMBERS = LISTED | {("members", "visible")}
EXPECTED = {
    "visitor": (LISTED, LISTED),
    "applicant": (LISTED, LISTED),
    "member": (LISTED_FOR_MEMBERS, LISTED_FOR_MEMBERS),
    "suspended": (LISTED_FOR_MEMBERS, LISTED_FOR_MEMBERS),
    "staff": (LISTED_FOR_MEMBERS, LISTED_FOR_MEMBERS | {("public", "removed"), ("members", "removed")}),
    "admin": (LISTED_FOR_MEMBERS, LISTED_FOR_MEMBERS | {("public", "removed"), ("members", "removed")}),
}


@pytest.fixture
def every_kind(app, cast):
    """A category of each read access, with a visible and a removed thread in each."""
    cast("author")
    with app.app_context():
        threads = {}
        for access in READ_ACCESS:
            category = Category.create(name=f"Read by {access}", slug=access, read_access=access)
            for status in STATUSES:
                thread = Thread.create(category=category, author=cast.author, title=status, status=status)
                threads[access, status] = thread.id
    return threads


@pytest.mark.parametrize("role", READERS)
def test_each_query_agrees_with_its_rule(app, cast, every_kind, role):
    member = AnonymousUserMixin() if role == "visitor" else cast(role)[role]
    with app.app_context():
        reading = policy.reading(member)
        categories = list(Category.select())
        readable = {c.id for c in Category.select().where(Category.readable_by(reading))}
        assert readable == {c.id for c in categories if policy.may_read_category(member, c)}
        threads = list(Thread.select(Thread, Category).join(Category))
        visible = {t.id for t in Thread.select().where(Thread.visible_to(reading))}
        assert visible == {t.id for t in threads if policy.may_list_thread(member, t)}
        opened = {t.id for t in threads if policy.may_read_thread(member, t)}
    listed, opens = EXPECTED[role]
    assert visible == {every_kind[key] for key in listed}
    assert opened == {every_kind[key] for key in opens}


# -- every place content reaches a reader --------------------------------------------------------


@pytest.fixture
def space(app, cast, monkeypatch):
    """A kind of category the forum does not have ("group"), read by the author and the member
    alone: policy.reading is the one thing changed. Its thread is watched and half read by the
    member and by another member outside it, who both want replies in a daily digest."""
    cast("author", "member", "other")
    inside = {cast.author.id, cast.member.id}
    everyone = policy.reading

    def reading(member):
        kind = everyone(member)
        if getattr(member, "id", None) in inside:
            return policy.Reading((*kind.access, "group"), kind.opens_unlisted)
        return kind

    # The rules ask it where it is written (policy/visibility.py); the services, as policy.reading.
    monkeypatch.setattr(policy, "reading", reading)
    monkeypatch.setattr(policy.visibility, "reading", reading)
    with app.app_context():
        room = Category.create(name="Group room", slug="group-room", read_access="group")
        opening = posting.start_thread(
            cast.author, room, {"title": "Garden plans", "message": "Seedlings in March."}
        )
        thread = Thread.with_category(opening.thread_id)
        posting.reply(cast.author, thread, {"message": "Tomatoes too."})
        for member in (cast.member, cast.other):
            Watch.create(member=member, thread=thread)
            ReadState.create(member=member, thread=thread, last_read=1)
            notifying.choose(member.id, {"reply": "daily", "mention": "daily"})
    return thread.id


def test_the_category_list_and_page_show_the_space_to_those_in_it(app, cast, space):
    inside, outside, visitor = (signed_in(app, who) for who in (cast.member, cast.other, None))
    assert "Group room" in text(inside.get("/"))
    assert "Garden plans" in text(inside.get("/c/group-room"))
    for reader in (outside, visitor):
        assert "Group room" not in text(reader.get("/"))
        assert reader.get("/c/group-room").status_code == 404
        assert reader.get(f"/t/{space}").status_code == 404


def test_feeds_keep_to_the_space(app, cast, space):
    inside, outside = signed_in(app, cast.member), signed_in(app, cast.other)
    for path in ("/c/group-room/feed.atom", f"/t/{space}/feed.atom"):
        assert "Tomatoes too." in text(inside.get(path))
        assert outside.get(path).status_code == 404


def test_search_keeps_to_the_space(app, cast, space):
    inside, outside = signed_in(app, cast.member), signed_in(app, cast.other)
    assert "Garden plans" in text(inside.get("/search?q=tomatoes"))
    assert "Garden plans" not in text(outside.get("/search?q=tomatoes"))
    assert "Garden plans" not in text(outside.get("/search?order=date"))


def test_the_unread_and_watched_lists_keep_to_the_space(app, cast, space):
    inside, outside = signed_in(app, cast.member), signed_in(app, cast.other)
    for path in ("/unread", "/settings/threads"):
        assert "Garden plans" in text(inside.get(path)), path
        assert "Garden plans" not in text(outside.get(path)), path


def test_notifications_and_digests_keep_to_the_space(app, cast, space):
    with app.app_context():
        thread = Thread.with_category(space)
        posting.reply(cast.author, thread, {"message": "Who brings the seeds, @[Oli Other] or @[Mo Member]?"})
        told = {n.recipient_id for n in Notification.select()}
        assert told == {cast.member.id}
        assert notifying.send_digests("daily") == 1
        assert [m.to_address for m in OutboxMessage.select().where(OutboxMessage.kind == "digest-daily")] == [
            cast.member.email
        ]


def test_a_removed_thread_is_in_no_list_even_for_staff_who_still_open_it(app, cast):
    cast("author", "staff")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        opening = posting.start_thread(cast.author, category, {"title": "Spam offer", "message": "Buy now."})
        Watch.create(member=cast.staff, thread=opening.thread_id)
        ReadState.create(member=cast.staff, thread=opening.thread_id, last_read=0)
        Thread.update(status="removed").where(Thread.id == opening.thread_id).execute()
    staff = signed_in(app, cast.staff)
    for path in ("/c/practice", "/unread", "/settings/threads", "/search?q=buy", "/c/practice/feed.atom"):
        assert "Spam offer" not in text(staff.get(path)), path
    assert staff.get(f"/t/{opening.thread_id}/feed.atom").status_code == 404
    assert staff.get(f"/t/{opening.thread_id}", follow_redirects=True).status_code == 200
