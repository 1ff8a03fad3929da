"""An event in Chromium, with JavaScript on and off: the organiser creates it with one place, a
member takes the place and another joins the waiting list, the place is given up and the second
is moved up (the email read from a real SMTP server, its .ics parsed), and the .ics downloaded from
`Add to calendar` parses with icalendar."""

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.mail import outbox as mail
from forum.models import Category, utcnow
from forum.models.events import Attendance, Event


@pytest.fixture
def app(make_app, smtp_server):
    return make_app(WTF_CSRF_ENABLED=True, MAIL_URL=smtp_server.url)


@pytest.fixture
def people(app, make_member):
    make_member("ann@example.org", name="Ann Organiser")
    make_member("bob@example.org", name="Bob Early")
    make_member("cat@example.org", name="Cat Later")
    with app.app_context():
        Category.create(name="Practice", slug="practice")


def _as(browser, live_server, js, email):
    context = browser.new_context(java_script_enabled=js, base_url=live_server.url, accept_downloads=True)
    page = context.new_page()
    sign_in(page, email)
    return page


def _answer(page, name: str, js: bool):
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_role("button", name=name, exact=True).click()
    expect(page.locator("#messages")).not_to_be_empty()
    if js:
        assert navigations == [], "answered in place"


def test_create_fill_move_up_and_download(page, browser, live_server, app, people, smtp_server, js):
    day = (utcnow() + timedelta(days=10)).date()
    sign_in(page, "ann@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="New event").click()
    page.get_by_label("Title").fill("Regional meeting: North")
    page.get_by_label("Description").fill("Plans for the **spring** programme.")
    page.get_by_label("Starts").fill(f"{day}T18:30")
    page.get_by_label("Ends").fill(f"{day}T20:00")
    page.get_by_label("Where").fill("Community Hall, 1 High Street, Leeds")
    page.get_by_label("Online link").fill("https://meet.example.org/north")
    page.get_by_label("Places").fill("1")
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_role("heading", level=1, name="Regional meeting: North")).to_be_visible()
    expect(page.locator("#going-count")).to_contain_text("0 going · 1 of 1 places left")
    event_url = page.url
    event_id = int(re.search(r"/events/(\d+)", event_url).group(1))

    bob = _as(browser, live_server, js, "bob@example.org")
    bob.goto(event_url)
    expect(bob.get_by_text("the link is shown to those going")).to_be_visible()
    _answer(bob, "Going", js)
    expect(bob.locator("#answer-status")).to_have_text("You're going.")
    expect(bob.get_by_role("link", name="https://meet.example.org/north").first).to_be_visible()

    cat = _as(browser, live_server, js, "cat@example.org")
    cat.goto(event_url)
    expect(cat.get_by_role("button", name="Going", exact=True)).to_have_count(0)
    _answer(cat, "Join the waiting list", js)
    expect(cat.locator("#answer-status")).to_contain_text("You're on the waiting list")

    _answer(bob, "Not going", js)
    expect(bob.locator("#messages")).to_contain_text("your place is free")
    with app.app_context():
        rows = {a.member.name: a.status for a in Attendance.select()}
        assert rows == {"Bob Early": "declined", "Cat Later": "going"}
        assert Event.get_by_id(event_id).going_count == 1
        mail.send_due()
    moved = next(m for m in smtp_server.messages if m["To"] == "cat@example.org")
    assert moved["Subject"].startswith("A place is yours: Regional meeting: North")
    assert "https://meet.example.org/north" in moved.get_body(("plain",)).get_content()
    (attached,) = list(moved.iter_attachments())
    assert attached.get_content_type() == "text/calendar"
    assert attached.get_filename() == f"event-{event_id}.ics"
    emailed = icalendar.Calendar.from_ical(attached.get_content())

    cat.reload()
    expect(cat.locator("#answer-status")).to_have_text("You're going.")
    with cat.expect_download() as download:
        cat.get_by_role("link", name="Add to calendar").click()
    downloaded = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    (item,) = [c for c in downloaded.walk() if c.name == "VEVENT"]
    (sent,) = [c for c in emailed.walk() if c.name == "VEVENT"]
    assert str(item["uid"]) == str(sent["uid"]) and str(item["summary"]) == "Regional meeting: North"
    assert item.decoded("dtstart").strftime("%Y-%m-%d %H:%M") == f"{day} 18:30"
    assert str(item.decoded("dtstart").tzinfo) == "Europe/London"
    assert "https://meet.example.org/north" in str(item["description"])
    assert page.console_errors == []


def test_event_pages_pass_the_audit(page, browser, live_server, app, people, auditor, js):
    """The refused form, the event as its organiser sees it (who is coming, the email form), the
    answer as it is after Going, and the lists: axe, reflow and described errors."""
    day = (utcnow() + timedelta(days=3)).date()
    sign_in(page, "ann@example.org")
    page.goto("/events/new")
    page.get_by_label("Title").fill("Training: welcome walks")
    page.get_by_label("Starts").fill(f"{day}T10:00")
    page.get_by_label("Ends").fill(f"{day}T09:00")
    page.get_by_label("Where").fill("The park gates")
    page.get_by_label("Places").fill("0")
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_text("The end must come after the start.").first).to_be_visible()
    auditor.assert_accessible(page)
    page.get_by_label("Ends").fill(f"{day}T12:00")
    page.get_by_label("Places").fill("")
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_role("heading", level=1, name="Training: welcome walks")).to_be_visible()
    event_url = page.url

    bob = _as(browser, live_server, js, "bob@example.org")
    bob.goto(event_url)
    _answer(bob, "Going", js)
    auditor.assert_accessible(bob)
    page.reload()
    expect(page.get_by_role("heading", name="Who is coming")).to_be_visible()
    auditor.assert_accessible(page)
    for path in ("/events", "/events?when=past", "/c/practice/events", "/settings/calendar", "/"):
        page.goto(path)
        auditor.assert_accessible(page)
