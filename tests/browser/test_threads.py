"""Replying, quoting, editing and withdrawing in Chromium: in place with JavaScript, as whole
pages without it, and the same result in the database either way."""

import re

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, Post
from forum.services import posting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def thread_id(app, make_member):
    author = make_member("author@example.org", name="Ann Author")
    make_member("reader@example.org", name="Rae Reader")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(author, category, {"title": "Conversation clubs",
                                                        "message": "How do you run **yours**?"})
    return first.thread_id


def test_reply_and_quote(page, app, thread_id, js):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    page.get_by_role("button", name="Quote").click()
    message = page.get_by_label("Message")
    expect(message).to_have_value(re.compile(r"^> \*\*\[Ann Author wrote\]\(/p/1\)\*\*"))
    message.press("End")
    message.type("We meet on Tuesdays.")
    page.get_by_role("button", name="Reply", exact=True).click()

    reply = page.locator("#post-2")
    expect(reply).to_contain_text("We meet on Tuesdays.")
    expect(reply.locator("blockquote")).to_contain_text("How do you run yours?")
    expect(reply.get_by_role("link", name="Ann Author wrote")).to_have_attribute("href", "/p/1")
    if js:
        assert navigations == []  # in place: no page load
        expect(page.get_by_label("Message")).to_have_value("")
        expect(page.locator("#reply-count")).to_have_text("1 reply")
        expect(page.locator("#messages")).to_contain_text("Your reply is posted.")
        expect(reply).to_be_focused()
    with app.app_context():
        assert [p.number for p in Post.select().order_by(Post.number)] == [1, 2]


def test_edit_then_withdraw(page, app, thread_id, js):
    sign_in(page, "author@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    post = page.locator("#post-1")
    post.get_by_role("button", name="Edit").click()
    editor = page.locator("#post-1") if js else page
    editor.get_by_label("Message").fill("How do you run *your* club?")
    editor.get_by_role("button", name="Save").click()
    expect(page.locator("#post-1")).to_contain_text("How do you run your club?")
    expect(page.locator("#post-1").get_by_role("link", name="edited")).to_be_visible()

    page.locator("#post-1").get_by_role("button", name="Withdraw").click()
    expect(page.get_by_text("Withdraw this post?")).to_be_visible()
    page.get_by_role("button", name="Confirm withdrawal").click()
    expect(page.locator("#post-1")).to_contain_text("This post was withdrawn by its author.")
    with app.app_context():
        assert Post.get_by_id(1).status == "withdrawn" and Post.get_by_id(1).revision == 2
