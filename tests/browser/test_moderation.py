"""Staff hide, restore and remove a post where it is, in Chromium: in place with JavaScript (no
page load), as pages without it; the same result in the database either way."""

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, LogEntry, Post
from forum.services import posting, reporting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def thread_id(app, make_member):
    author = make_member("author@example.org", name="Ann Author")
    make_member("staff@example.org", name="Sam Staff", role="staff")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        return posting.start_thread(author, category, {"title": "Clubs", "message": "Some words"}).thread_id


def test_hide_then_restore_in_place(page, app, thread_id, js):
    sign_in(page, "staff@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    # With JavaScript the reason is asked for in place of the post's buttons; without, on a page.
    scope = page.locator("#post-1") if js else page.locator("main")
    page.locator("#post-1").get_by_role("button", name="Hide").click()
    scope.get_by_label("Reason").select_option("uncivil")
    scope.get_by_role("button", name="Hide").click()
    expect(page.locator("#post-1")).to_contain_text("Hidden while the team reviews it")
    page.locator("#post-1").get_by_role("button", name="Restore").click()
    scope.get_by_label("Reason").select_option("other")
    scope.get_by_label("Note (optional)").fill("Reviewed: fine")
    scope.get_by_role("button", name="Restore").click()
    expect(page.locator("#post-1").get_by_role("button", name="Hide")).to_be_visible()
    if js:
        assert navigations == []
        expect(page.locator("#messages")).to_contain_text("The post is restored.")
    with app.app_context():
        assert Post.get_by_id(1).status == "visible"
        assert [e.action for e in LogEntry.select().order_by(LogEntry.id)] == ["hide_post", "restore_post"]


def test_dismiss_reports_beside_the_post(page, app, thread_id, make_member, js):
    """Reports from three members hid the post; staff Dismiss them from the thread page: the post
    is back for everyone, in place with JavaScript."""
    with app.app_context():
        for name in ("ada", "ben", "cat"):
            reporter = make_member(f"{name}@example.org", name=name.title())
            target = reporting.load_target(reporter, "post", 1)
            reporting.report(reporter, target, {"reason": "uncivil"})
        assert Post.get_by_id(1).status == "hidden"
    sign_in(page, "staff@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    post = page.locator("#post-1")
    expect(post).to_contain_text("3 open reports")
    expect(post).to_contain_text("Hidden while the team reviews it")
    post.get_by_role("button", name="Dismiss").click()
    expect(page.locator("#post-1")).not_to_contain_text("open report")
    expect(page.locator("#post-1")).not_to_contain_text("Hidden while the team reviews it")
    expect(page.locator("#messages")).to_contain_text("Dismissed 3 reports; the reporters are told.")
    if js:
        assert navigations == []
    with app.app_context():
        assert Post.get_by_id(1).status == "visible"
        assert [e.action for e in LogEntry.select()] == ["dismiss_reports"]
