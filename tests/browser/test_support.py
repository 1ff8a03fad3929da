"""Contact the team -> the team's inbox -> an answer by email (read from a real SMTP server) ->
My requests, in Chromium with JavaScript on and off."""

import re

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.mail import outbox as mail


@pytest.fixture
def app(make_app, smtp_server):
    # CSRF on, email through SMTP; the browser fills forms faster than the anti-spam minimum.
    return make_app(WTF_CSRF_ENABLED=True, MAIL_URL=smtp_server.url, SUPPORT_MIN_SECONDS=0)


def deliver(app, smtp_server):
    with app.app_context():
        mail.send_due()
    return smtp_server.messages[-1]


def sign_in(page, email):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_member_asks_staff_answers(page, app, smtp_server, make_member, js):
    make_member("amina@example.org", name="Amina Yusuf")
    make_member("staff@example.org", name="Sam Staff", role="staff")
    page.goto("/")
    sign_in(page, "amina@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Help", exact=True).click()
    expect(page.get_by_role("heading", name="Help", level=1)).to_be_visible()
    page.get_by_role("link", name="Contact the team").first.click()
    page.get_by_label("A question about the Charter").check()
    page.get_by_label("Message").fill("What does declaring an interest mean?")
    page.get_by_role("button", name="Send to the team").click()
    expect(page.get_by_text(re.compile(r"your reference is REQ-\d+")).first).to_be_visible()
    receipt = deliver(app, smtp_server)
    assert receipt["To"] == "amina@example.org" and "REQ-" in receipt["Subject"]
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    sign_in(page, "staff@example.org")
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("link", name="Team inbox").click()
    page.get_by_role("link", name=re.compile(r"REQ-\d+")).first.click()
    page.get_by_label("Answer").fill("Say what you gain from what you recommend.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Status: Answered")).to_be_visible()
    answer = deliver(app, smtp_server)
    assert answer["To"] == "amina@example.org"
    assert "what you gain" in answer.get_body(("plain",)).get_content()
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()

    sign_in(page, "amina@example.org")
    page.goto("/support/requests")
    expect(page.get_by_role("cell", name="Answered")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"REQ-\d+")).click()
    expect(page.get_by_text("Say what you gain")).to_be_visible()


def test_a_visitor_writes_is_corrected_then_limited(page, app, smtp_server, js):
    """A visitor's request: a missing email is refused beside the field with the message kept; the
    request is sent with a receipt; after five in an hour from one address, a clear 429 page."""
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Contact the team").click()
    page.get_by_label("Something else").check()
    page.get_by_label("Message").fill("Is the forum open to volunteers?")
    page.get_by_role("button", name="Send to the team").click()
    expect(page.get_by_text("Give an email address we can answer to.").first).to_be_visible()
    expect(page.get_by_label("Message")).to_have_value("Is the forum open to volunteers?")
    page.get_by_label("Your email address").fill("visitor@example.org")
    page.get_by_role("button", name="Send to the team").click()
    expect(page.get_by_text(re.compile(r"your reference is REQ-\d+")).first).to_be_visible()
    assert deliver(app, smtp_server)["To"] == "visitor@example.org"

    for n in range(5):
        page.goto("/support")
        page.get_by_label("Something else").check()
        page.get_by_label("Your email address").fill(f"v{n}@example.org")
        page.get_by_label("Message").fill(f"Question number {n}")
        page.get_by_role("button", name="Send to the team").click()
        if n < 4:
            expect(page.get_by_text(re.compile(r"your reference is REQ-\d+")).first).to_be_visible()
    expect(page.get_by_text("Please try again").first).to_be_visible()
