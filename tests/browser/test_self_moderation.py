"""Self-moderation in Chromium, with JavaScript on and off: muting a member from their profile,
hiding a thread from one's lists, low-data mode, the pause before a heated reply, My posts, My data
and deleting one's own account."""

import json
from pathlib import Path

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, HiddenThread, Member, Mute, Post
from forum.services import moderating, posting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def forum(app, make_member):
    ann = make_member("ann@example.org", name="Ann Muter")
    bob = make_member("bob@example.org", name="Bob Loud")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(ann, category, {"title": "Conversation clubs", "message": "How?"})
        thread = first.thread
        posting.reply(bob, thread, {"message": "Bob's long reply"})
        posting.start_thread(bob, category, {"title": "Bob's own thread", "message": "Hello"})
    return {"ann": ann.id, "bob": bob.id, "thread": first.thread_id}


def test_mute_from_a_profile_folds_their_posts(page, app, forum, js):
    sign_in(page, "ann@example.org")
    page.goto(f"/members/{forum['bob']}")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_role("button", name="Mute", exact=True).click()
    expect(page.get_by_role("button", name="Unmute")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("You muted Bob Loud")
    if js:
        assert navigations == []
        expect(page.get_by_role("button", name="Unmute")).to_be_focused()
    with app.app_context():
        assert Mute.select().where(Mute.member == forum["ann"]).count() == 1

    page.goto(f"/t/{forum['thread']}?page=1")
    folded = page.locator("#post-2 details.muted-post")
    expect(folded).not_to_have_attribute("open", "")
    expect(page.get_by_text("Bob's long reply")).to_be_hidden()
    folded.get_by_text("A post by a member you muted: show").click()
    expect(page.get_by_text("Bob's long reply")).to_be_visible()
    page.goto("/c/practice")
    expect(page.get_by_role("link", name="Bob's own thread")).to_have_count(0)

    page.goto("/settings/muted")
    page.get_by_role("button", name="Unmute Bob Loud").click()
    expect(page.get_by_text("You have muted nobody")).to_be_visible()


def test_hide_a_thread_then_show_it(page, app, forum, js):
    sign_in(page, "bob@example.org")
    page.goto(f"/t/{forum['thread']}?page=1")
    page.get_by_role("button", name="Hide from my lists").click()
    expect(page.get_by_role("button", name="Show in my lists")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("hidden from your lists")
    with app.app_context():
        assert HiddenThread.select().count() == 1
    page.goto("/c/practice")
    expect(page.get_by_role("link", name="Conversation clubs")).to_have_count(0)
    page.goto("/settings/threads")
    page.get_by_role("button", name="Show in my lists").click()
    page.goto("/c/practice")
    expect(page.get_by_role("link", name="Conversation clubs")).to_be_visible()
    # Bob replied, so he watches it; Stop watching changes the button in place or by a new page.
    page.goto(f"/t/{forum['thread']}?page=1")
    page.get_by_role("button", name="Stop watching").click()
    expect(page.get_by_role("button", name="Watch", exact=True)).to_be_visible()


def test_low_data_mode_loads_no_scripts(page, app, forum, js):
    sign_in(page, "ann@example.org")
    page.goto("/settings/low-data")
    page.get_by_label("Low-data mode: no images and no scripts").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("Low-data mode is on")
    scripts = []
    page.on("request", lambda r: r.resource_type in ("script", "image") and scripts.append(r.url))
    for path in ("/", f"/t/{forum['thread']}?page=1", f"/members/{forum['bob']}"):
        page.goto(path)
        assert page.locator("script, img").count() == 0, path
    assert scripts == []
    # Everything still works as plain pages: a reply posts and redirects.
    page.goto(f"/t/{forum['thread']}?page=1")
    page.get_by_label("Message").fill("Replying on a slow link")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#post-3")).to_contain_text("Replying on a slow link")
    page.goto("/settings/low-data")
    page.get_by_label("Low-data mode: no images and no scripts").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("Low-data mode is off")
    with app.app_context():
        assert Member.get_by_id(forum["ann"]).low_data is False


def test_a_heated_reply_pauses_first(page, app, forum, js):
    sign_in(page, "bob@example.org")
    page.goto(f"/t/{forum['thread']}?page=1")
    page.get_by_label("Message").fill("What a STUPID plan")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.get_by_role("heading", name="Before you post: a moment to pause")).to_be_visible()
    expect(page.get_by_label("Message")).to_have_value("What a STUPID plan")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator("#post-3")).to_contain_text("What a STUPID plan")


def test_my_posts_lead_to_editing_and_show_each_state(page, app, forum, js):
    with app.app_context():
        staff = Member.get_by_id(forum["ann"])
        bob_reply = Post.get((Post.thread == forum["thread"]) & (Post.number == 2))
        Member.update(role="staff").where(Member.id == staff.id).execute()
        moderating.act_on_post(Member.get_by_id(staff.id), Post.with_thread(bob_reply.id), "hide", "uncivil")
    sign_in(page, "bob@example.org")
    page.goto("/my/posts")
    hidden = page.locator(f"#my-post-{bob_reply.id}")
    expect(hidden).to_contain_text("Hidden by the team")
    expect(hidden).to_contain_text("Reason given: Disrespectful or uncivil")
    own_thread = page.locator(".my-post").filter(has_text="Bob's own thread")
    expect(own_thread).to_contain_text("Visible")
    own_thread.get_by_role("link", name="Edit").click()
    page.get_by_label("Message").fill("Hello, and welcome")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#messages")).to_contain_text("Your edit is saved.")
    page.goto("/my/posts")
    expect(page.locator(".my-post").filter(has_text="Bob's own thread")).to_contain_text("Edited")


def test_my_data_downloads_then_the_account_is_deleted(page, app, forum, js):
    sign_in(page, "bob@example.org")
    page.goto("/my/data")
    expect(page.get_by_role("heading", name="Posts (2)")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as a JSON file").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["profile"]["name"] == "Bob Loud"
    assert sorted(p["message"] for p in data["posts"]) == ["Bob's long reply", "Hello"]
    assert "ann@example.org" not in json.dumps(data)

    page.get_by_role("link", name="Delete my account").click()
    keep = page.get_by_label("Keep them, shown as by a former member, so threads stay readable")
    keep.check()
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#password-error")).to_be_visible()
    expect(keep).to_be_checked()
    with app.app_context():
        assert Member.get_by_id(forum["bob"]).status == "active"

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator("#messages")).to_contain_text("Your account is deleted.")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto(f"/t/{forum['thread']}?page=1")
    expect(page.locator("#post-2")).to_contain_text("Bob's long reply")
    expect(page.locator("#post-2")).to_contain_text("former member")
    expect(page.locator("#post-2")).not_to_contain_text("Bob Loud")
    with app.app_context():
        gone = Member.get_by_id(forum["bob"])
        assert gone.status == "deleted" and "bob@example.org" not in gone.email
