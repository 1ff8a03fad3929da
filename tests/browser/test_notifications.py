"""Notifications in Chromium, with JavaScript on and off: the bell's count, the page, and marking
all read (in place with htmx, by post / redirect / get without), and opening one, which marks it
read."""

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, Member
from forum.services import posting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def forum(app, make_member):
    ann = make_member("ann@example.org", name="Ann")
    bob = make_member("bob@example.org", name="Bob")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(ann, category, {"title": "Conversation clubs", "message": "How?"})
        posting.reply(bob, first.thread, {"message": "Weekly."})
        posting.reply(bob, first.thread, {"message": "Ask @Ann"})
    return {"ann": ann.id}


def test_the_bell_and_mark_all_read(page, app, forum, js):
    sign_in(page, "ann@example.org")
    bell = page.get_by_role("link", name="Notifications 2 unread")
    expect(bell).to_be_visible()
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    expect(page.get_by_role("link", name="Bob mentioned you in “Conversation clubs”")).to_be_visible()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_role("button", name="Mark all read").click()
    expect(page.locator("#messages")).to_contain_text("All notifications are marked as read")
    expect(page.get_by_role("button", name="Mark all read")).to_have_count(0)
    expect(page.get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    if js:
        assert navigations == []
    with app.app_context():
        assert Member.get_by_id(forum["ann"]).unread_notifications == 0


def test_mark_one_read(page, app, forum, js):
    sign_in(page, "ann@example.org")
    page.goto("/notifications")
    mark = page.get_by_role("button", name="Mark “Bob replied in “Conversation clubs”” as read")
    mark.click()
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    expect(mark).to_have_count(0)


def test_opening_a_notification_marks_it_read(page, app, forum, js):
    sign_in(page, "ann@example.org")
    page.goto("/notifications")
    page.get_by_role("link", name="Bob mentioned you in “Conversation clubs”").click()
    expect(page.get_by_text("Ask @Ann")).to_be_visible()
    assert "/notifications" not in page.url
    expect(page.get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    page.goto("/notifications")
    mentioned = "Mark “Bob mentioned you in “Conversation clubs”” as read"
    replied = "Mark “Bob replied in “Conversation clubs”” as read"
    expect(page.get_by_role("button", name=mentioned)).to_have_count(0)
    expect(page.get_by_role("button", name=replied)).to_be_visible()
