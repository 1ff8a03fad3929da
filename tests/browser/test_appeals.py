"""An appeal reversed, in Chromium, with JavaScript on and off: staff hide a member's post, the member
reads the statement of reasons on My posts and appeals it, another member of staff reverses it, and
the post is visible again. With JavaScript the appeal form opens and is sent in place."""

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, Post
from forum.models.appeals import Appeal
from forum.services import posting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def thread_id(app, make_member):
    author = make_member("author@example.org", name="Ann Author")
    make_member("staff@example.org", name="Sam Staff", role="staff")
    make_member("other.staff@example.org", name="Sue Staff", role="staff")
    make_member("reader@example.org", name="Rae Reader")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(author, category, {"title": "Clubs", "message": "Words worth keeping"})
        return first.thread_id


def person(browser, live_server, js, email):
    """A page of its own (cookies and all) for each person in the story, signed in."""
    context = browser.new_context(java_script_enabled=js, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    sign_in(page, email)
    return page


def test_an_appeal_reversed_brings_the_post_back(browser, live_server, app, thread_id, js, auditor):
    # Staff hide the post from the thread page.
    staff = person(browser, live_server, js, "staff@example.org")
    staff.goto(f"/t/{thread_id}?page=1")
    staff.locator("#post-1").get_by_role("button", name="Hide").click()
    scope = staff.locator("#post-1") if js else staff.locator("main")
    scope.get_by_label("Reason").select_option("uncivil")
    scope.get_by_role("button", name="Hide").click()
    expect(staff.locator("#post-1")).to_contain_text("Hidden")

    # The member reads why on My posts, and appeals.
    member = person(browser, live_server, js, "author@example.org")
    member.goto("/my/posts")
    mine = member.locator("#my-post-1")
    expect(mine).to_contain_text("The team hid your post in “Clubs”.")
    expect(mine).to_contain_text("Members' Charter, point 9")
    navigations = []
    member.on("framenavigated", lambda frame: navigations.append(frame.url))
    mine.get_by_role("button", name="Appeal").click()
    member.get_by_label("Your appeal").fill("I was quoting the guidance, not speaking to anyone.")
    auditor.assert_accessible(member)
    member.get_by_role("button", name="Send appeal").click()
    expect(member.locator("#messages")).to_contain_text("Your appeal is sent")
    expect(member.locator("#my-post-1")).to_contain_text("waiting for a decision")
    if js:
        assert navigations == []

    # Whoever hid it does not decide; another member of staff reverses it.
    staff.goto("/moderation/")
    staff.get_by_role("navigation", name="Moderation").get_by_role("link", name="Appeals").click()
    expect(staff.locator("main")).to_contain_text(
        "You took this decision, so another member of staff decides"
    )
    expect(staff.get_by_role("button", name="Reverse")).to_have_count(0)
    other = person(browser, live_server, js, "other.staff@example.org")
    other.goto("/moderation/appeals")
    appeal = other.locator("li.appeal").first
    expect(appeal).to_contain_text("Words worth keeping")
    expect(appeal).to_contain_text("I was quoting the guidance")
    auditor.assert_accessible(other)
    appeal.get_by_label("Your reason").fill("A quotation, fairly used.")
    appeal.get_by_role("button", name="Reverse").click()
    expect(other.locator("#messages")).to_contain_text("the decision is reversed")

    # The post is visible again, to a member reading the thread.
    reader = person(browser, live_server, js, "reader@example.org")
    reader.goto(f"/t/{thread_id}?page=1")
    expect(reader.locator("#post-1")).to_contain_text("Words worth keeping")
    member.goto("/my/posts")
    expect(member.locator("#my-post-1")).to_contain_text(
        "the team reversed the decision: A quotation, fairly used."
    )
    with app.app_context():
        assert Post.get_by_id(1).status == "visible" and Appeal.get().status == "reversed"
    for page in (staff, member, other, reader):
        assert page.console_errors == []
        page.context.close()
