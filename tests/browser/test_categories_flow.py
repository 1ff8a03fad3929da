"""A category with more than one page of threads, in Chromium: "More threads" appends the next
rows in place with JavaScript on (no page load, earlier rows kept, focus on the first new
thread) and is an ordinary link to the next page with it off."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from forum.models import THREADS_PER_PAGE, Post, Thread
from forum.services import categories, membership

EXTRA = 5


@pytest.fixture
def app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        author = membership.create_account(
            "ann@example.org", "Ann Author", "member", "kettle meadow juniper 7"
        )
        category = categories.create_category("Practice", "Sharing what works")
        start = datetime(2025, 3, 1, 9, 0)
        # Pairs of threads share a time, so the page boundary falls inside a tie.
        for i in range(THREADS_PER_PAGE + EXTRA):
            thread = Thread.create(
                category=category,
                author=author,
                title=f"Thread number {i}",
                post_count=1,
                last_post_at=start + timedelta(minutes=i // 2),
                last_author=author,
            )
            Post.create(thread=thread, author=author, number=1, body_md="Hi", body_html="<p>Hi</p>")
    return app


def test_more_threads(page, js, live_server):
    page.goto("/")
    page.get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice")
    threads = page.get_by_role("list", name="Threads").get_by_role("listitem")
    expect(threads).to_have_count(THREADS_PER_PAGE)
    newest = f"Thread number {THREADS_PER_PAGE + EXTRA - 1}"
    expect(threads.first).to_contain_text(newest)
    category_url = page.url
    if js:
        # Survives only if the page is not reloaded.
        page.evaluate("window.stillHere = true")

    page.get_by_role("link", name="More threads").click()

    if js:
        expect(threads).to_have_count(THREADS_PER_PAGE + EXTRA)
        assert page.url == category_url and page.evaluate("window.stillHere") is True
        expect(threads.first).to_contain_text(newest)
        expect(page.get_by_role("link", name="More threads")).to_have_count(0)
        expect(page.locator("#messages")).to_contain_text(f"{EXTRA} more threads shown.")
        first_new = threads.nth(THREADS_PER_PAGE).get_by_role("link").first
        expect(first_new).to_be_focused()
    else:
        expect(page).to_have_url(re.compile(r"/c/practice\?before="))
        expect(threads).to_have_count(EXTRA)
        expect(threads.first).not_to_contain_text(newest)
        expect(threads.last).to_contain_text("Thread number 0")
        page.get_by_role("link", name="Back to the newest").click()
        expect(threads).to_have_count(THREADS_PER_PAGE)
    assert page.console_errors == []
