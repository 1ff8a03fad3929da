"""Search in Chromium, with JavaScript on (results swapped in place, the address pushed) and off
(the form submits and the page shows the results): words, a filter, a hint, and the next page."""

import re

import pytest
from playwright.sync_api import expect

from forum.models import Category, Member
from forum.services import posting


@pytest.fixture
def forum(app, make_member):
    amina = make_member("amina@example.org", name="Amina Yusuf")
    with app.app_context():
        practice = Category.create(name="Practice", slug="practice")
        events = Category.create(name="Events", slug="events")
        amina = Member.get_by_id(amina.id)
        posting.start_thread(amina, practice, {"title": "Housing advice", "message": "A housing clinic."})
        posting.start_thread(amina, events, {"title": "Housing fair", "message": "Come to the fair."})
        for i in range(23):
            posting.start_thread(amina, practice, {"title": f"Garden {i}", "message": "Community garden"})


def results(page):
    return page.locator("#search-results").get_by_role("heading", level=2)


def submit(page, js):
    if not js:
        page.get_by_role("button", name="Search", exact=True).click()


def test_search_in_place_and_by_submitting(page, forum, js):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()
    page.evaluate("window.stillHere = true") if js else None

    page.get_by_label("Search for").fill("housing")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_count(2)
    expect(page.locator("#search-results mark").first).to_have_text(re.compile("housing", re.I))
    expect(page.locator("#search-status")).to_have_text("2 posts found.")
    expect(page).to_have_url(re.compile(r"/search\?q=housing"))

    # Choosing a category searches at once with JavaScript; without, the form is sent.
    page.get_by_label("Category").select_option("Events")
    submit(page, js)
    expect(results(page)).to_have_text(["Housing fair"])
    expect(page).to_have_url(re.compile(r"category=events"))

    page.get_by_label("Category").select_option("")
    submit(page, js)
    page.get_by_label("Search for").fill('"the" (*')
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_count(0)
    expect(page.locator("#search-status")).to_contain_text("too common")

    page.get_by_label("Search for").fill("garden")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(results(page)).to_have_count(20)
    page.get_by_role("link", name="Next page").click()
    expect(results(page)).to_have_count(3)
    expect(page).to_have_url(re.compile(r"page=2"))
    if js:
        assert page.evaluate("window.stillHere") is True
    # The address is the search: opened afresh, it shows the same page of results.
    page.goto(page.url)
    expect(results(page)).to_have_count(3)
    expect(page.get_by_label("Search for")).to_have_value("garden")
    results(page).first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Garden")
    assert page.console_errors == []
