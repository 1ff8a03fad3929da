"""Join -> verify (the link read from a real SMTP server) -> approval by staff -> sign in ->
a new Charter version -> accept -> continue, in Chromium with JavaScript on and off."""

import re

import pytest
from helpers import PASSWORD, link_in
from playwright.sync_api import expect

from forum.mail import outbox as mail
from forum.services import documents


@pytest.fixture
def app(make_app, smtp_server):
    # The real thing: CSRF on, email through SMTP.
    return make_app(WTF_CSRF_ENABLED=True, MAIL_URL=smtp_server.url)


def deliver(app, smtp_server):
    """Run the sender once and return the newest message the SMTP server received."""
    with app.app_context():
        mail.send_due()
    return smtp_server.messages[-1]


def sign_in(page, email, password):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in")).to_be_visible()


def test_join_verify_approve_sign_in_accept(page, app, smtp_server, make_member, js):
    make_member("staff@example.org", name="Sam Staff", role="staff")
    password = "kettle meadow juniper 7"

    # Join, first forgetting the Code of Conduct: the form says which is missing and keeps the text.
    page.goto("/")
    page.get_by_role("link", name="Join").click()
    page.get_by_label("Name").fill("Amina Yusuf")
    page.get_by_label("Email").fill("amina@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_label("Organisation").fill("Bridges Trust")
    page.get_by_label("About your work").fill("I run conversation clubs.")
    page.get_by_label("I accept the Members' Charter").check()
    page.get_by_label("I accept the Website Terms and Conditions").check()
    page.get_by_role("button", name="Apply to join").click()
    expect(page.get_by_text("Please accept the Code of Conduct to join.").first).to_be_visible()
    expect(page.get_by_label("About your work")).to_have_value("I run conversation clubs.")
    page.get_by_label("Password").fill(password)  # passwords are never sent back
    page.get_by_label("I accept the Code of Conduct").check()
    page.get_by_role("button", name="Apply to join").click()
    expect(page.get_by_role("heading", name="Your application")).to_be_visible()
    expect(page.get_by_text("Please confirm your email address")).to_be_visible()

    # Verify from the link in the email.
    message = deliver(app, smtp_server)
    assert message["To"] == "amina@example.org"
    page.goto(link_in(message.get_content()))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(page.get_by_text("Your application is with the team")).to_be_visible()
    sign_out(page)

    # Staff approve it where they see it.
    sign_in(page, "staff@example.org", PASSWORD)
    page.get_by_role("link", name="Moderation").click()
    page.get_by_role("navigation", name="Moderation").get_by_role("link", name="Applications").click()
    application = page.get_by_role("listitem").filter(has_text="Amina Yusuf")
    expect(application).to_contain_text("I run conversation clubs.")
    application.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Amina Yusuf is now a member").first).to_be_visible()
    if js:  # swapped in place, announced, and focus moved to the changed row
        expect(page).to_have_url(re.compile("/moderation/applications$"))
        expect(page.locator("#messages")).to_contain_text("Amina Yusuf is now a member")
        expect(page.locator("li.application")).to_be_focused()
    assert "approved" in deliver(app, smtp_server)["Subject"].lower()
    sign_out(page)

    # The new member signs in; a new Charter version is accepted before anything else.
    sign_in(page, "amina@example.org", password)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    with app.app_context():
        documents.publish("charter", "## Revised\n\nListen first.", "A clause on listening")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Members' Charter has changed")
    expect(page.get_by_text("A clause on listening")).to_be_visible()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_text("Please tick each box to accept")).to_be_visible()
    page.get_by_label("I accept the Members' Charter, version 2").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    # The refused forms answered 422, which Chromium logs; anything else is a real error.
    assert [e for e in page.console_errors if "status of 422" not in e] == []
