"""Private conversations in Chromium, with JavaScript on (in place: each message appended, the form
cleared, no page load) and off (a plain POST, a redirect to the conversation): a contact request
accepted without sharing an address, Send a message from the profile, a mistake answered beside the
field with the text kept, the unread count in the header, a reply, and a message reported to staff."""

import re

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Member
from forum.models.conversations import PrivateMessage
from forum.models.directory import ContactRequest
from forum.models.reports import Report


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def request_id(app, make_member):
    """Ben has asked Amina to get in touch; she has not answered yet."""
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    return ContactRequest.create(sender=ben, recipient=amina, purpose="Youth mentoring").id


def nav(page):
    return page.get_by_role("navigation", name="Main")


def sign_out(page):
    nav(page).get_by_role("button", name="Sign out").first.click()
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()


def test_a_conversation_after_an_accepted_request(page, app, request_id, js):
    # Amina accepts Ben's request, keeping her address to herself.
    sign_in(page, "amina@example.org")
    page.goto(f"/contact/{request_id}")
    request = page.get_by_role("article")
    expect(request.get_by_label("Share my email address with Ben Carter")).not_to_be_checked()
    request.get_by_role("button", name="Accept").click()
    expect(page.get_by_role("article")).to_contain_text("Accepted")
    expect(page.get_by_text("amina@example.org")).to_have_count(0)
    expect(page.get_by_text("ben@example.org")).to_have_count(0)

    # From Ben's profile: Send a message.
    page.get_by_role("article").get_by_role("link", name="Ben Carter").click()
    page.get_by_role("link", name="Send a message").click()
    expect(page.get_by_role("heading", name="Conversation with Ben Carter", level=1)).to_be_visible()
    expect(page.get_by_text("Staff cannot read it")).to_be_visible()
    if js:  # a marker on the window survives only if the page is never loaded again
        page.evaluate("window.stillHere = true")

    # Sent empty: the answer is beside the field.
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#message-error")).to_have_text("Write a message before sending it.")
    page.get_by_label("Message", exact=True).fill("Hello Ben, glad to talk about **mentoring**.")
    page.get_by_role("button", name="Send", exact=True).click()
    messages = page.locator("#conversation-messages article")
    expect(messages).to_have_count(1)
    expect(messages.first.locator("strong")).to_have_text("mentoring")
    expect(page.get_by_label("Message", exact=True)).to_have_value("")
    expect(page).to_have_url(re.compile(r"/messages/\d+(#message-1)?$"))
    page.get_by_label("Message", exact=True).fill("Are you free on Friday?")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(messages).to_have_count(2)
    if js:
        assert page.evaluate("window.stillHere") is True  # in place; the page took the conversation's address
        expect(page.locator("#messages")).to_contain_text("Your message is sent.")
        expect(page.get_by_label("Message", exact=True)).to_be_focused()
    sign_out(page)

    # Ben sees two unread beside the bell, reads them, and answers.
    sign_in(page, "ben@example.org")
    expect(nav(page).get_by_role("link", name="Messages")).to_contain_text("2")
    nav(page).get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", name="Messages", level=1)).to_be_visible()
    page.get_by_role("link", name=re.compile("^Amina Yusuf")).click()
    expect(page.locator("#conversation-messages article")).to_have_count(2)
    expect(page.locator(".new-marker")).to_have_count(2)
    expect(nav(page).get_by_role("link", name="Messages")).to_have_text("Messages")
    page.get_by_label("Message", exact=True).fill("Friday suits me.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#conversation-messages article")).to_have_count(3)
    expect(page.locator("#message-3")).to_contain_text("Friday suits me.")

    # And reports one of Amina's messages to staff.
    first = page.locator("#message-1")
    first.get_by_role("button", name="Report", exact=True).click()
    form = first if js else page
    form.get_by_role("group", name="Reason").get_by_label("Unsolicited promotion or sales pitch").check()
    form.get_by_role("button", name="Send report").click()
    expect(page.locator("#messages")).to_contain_text("Thanks — the team will review this.")
    expect(page.locator("#message-1").get_by_role("button", name="Reported")).to_be_visible()
    with app.app_context():
        (report,) = Report.select()
        message = PrivateMessage.get_by_id(report.target_id)
        assert (report.target_type, message.number) == ("message", 1)
        assert Member.by_email("ben@example.org").unread_messages == 0
    assert [e for e in page.console_errors if "422" not in e] == []
