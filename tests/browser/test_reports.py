"""Reporting in Chromium, with JavaScript (in place, no page load) and without (pages, redirects):
report a post, add to the report, see a mistake answered beside its field, urgent reports read
from a real SMTP server by every staff member, a hidden post as its author and others see it,
and "My reports" once staff have decided."""

import re

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.mail import outbox as mail
from forum.models import Category
from forum.models.reports import Report
from forum.services import posting, reporting


@pytest.fixture
def app(make_app, smtp_server):
    # The real thing: CSRF on, email through SMTP.
    return make_app(WTF_CSRF_ENABLED=True, MAIL_URL=smtp_server.url)


@pytest.fixture
def thread_id(app, make_member):
    author = make_member("author@example.org", name="Ann Author")
    for email, name in (("reader@example.org", "Rae Reader"), ("ben@example.org", "Ben Bell")):
        make_member(email, name=name)
    make_member("staff@example.org", name="Sam Staff", role="staff")
    make_member("admin@example.org", name="Al Admin", role="admin")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(
            author, category, {"title": "Conversation clubs", "message": "Buy my **course** now"}
        )
    return first.thread_id


def test_report_a_post_then_add_to_it(page, app, thread_id, smtp_server, js):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    post = page.locator("#post-1")

    post.get_by_role("button", name="Report", exact=True).click()
    form = post if js else page  # in place beside the post, or a page of its own
    reasons = form.get_by_role("group", name="Reason")
    expect(reasons.get_by_role("radio")).to_have_count(11)
    if js:
        expect(reasons.get_by_label("Disrespectful or uncivil")).to_be_focused()
    else:
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Report the post by Ann Author in “Conversation clubs”"
        )
    # "Something else" needs a note: the message is beside the field, the choice is kept.
    reasons.get_by_label("Something else").check()
    form.get_by_label(re.compile("^Urgent")).check()
    form.get_by_role("button", name="Send report").click()
    note = form.get_by_label("Note")
    expect(form.get_by_text("a note is needed when the reason is “Something else”").first).to_be_visible()
    expect(form.get_by_role("group", name="Reason").get_by_label("Something else")).to_be_checked()
    expect(form.get_by_label(re.compile("^Urgent"))).to_be_checked()
    if js:
        expect(note).to_be_focused()
    note.fill("Selling a course to members, and pressuring them by message.")
    form.get_by_role("button", name="Send report").click()

    expect(page.locator("#messages")).to_contain_text("Thanks — the team will review this.")
    reported = page.locator("#post-1").get_by_role("button", name="Reported")
    expect(reported).to_be_visible()
    if js:
        assert navigations == []  # everything happened in place
        expect(reported).to_be_focused()
        expect(page.locator("#post-1")).to_contain_text("Thanks — the team will review this.")
    else:
        assert page.url.endswith(f"/t/{thread_id}?page=1#post-1")
    with app.app_context():
        (report,) = Report.select()
        assert (report.reason, report.urgent, report.target_id) == ("other", True, 1)

    # Every active staff member is emailed at once, through the real SMTP server.
    with app.app_context():
        mail.send_due()
    assert sorted(m["To"] for m in smtp_server.messages) == ["admin@example.org", "staff@example.org"]
    assert "Selling a course" in smtp_server.messages[0].get_content()

    # A second press: it is reported already, and they can add to the note.
    reported.click()
    form = page.locator("#post-1") if js else page
    expect(form.get_by_text("You reported this on")).to_be_visible()
    form.get_by_label("Add to your note").fill("They messaged me again today.")
    form.get_by_role("button", name="Add to report").click()
    expect(page.locator("#messages")).to_contain_text("your note is added to your report")
    with app.app_context():
        assert Report.get().note.endswith("They messaged me again today.")
    # The refused first try (422) is the only thing the browser and htmx logged as an error.
    assert all("422" in e or "responseError" in e or "HTMLDivElement" in e for e in page.console_errors), (
        page.console_errors
    )


def test_hidden_for_others_readable_by_its_author_and_my_reports(page, app, thread_id, js):
    with app.app_context():
        from forum.models import Member

        trusted = reporting.set_trusted(Member.by_email("ben@example.org"), True)
        target = reporting.load_target(trusted, "post", 1)
        reporting.report(trusted, target, {"reason": "promotion", "note": "An advert"})
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    expect(page.locator("#post-1")).to_contain_text("This post is hidden while the team reviews it.")
    expect(page.locator("#post-1")).not_to_contain_text("Buy my course")
    expect(page.locator("#post-1").get_by_role("button", name="Report")).to_have_count(0)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "author@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    expect(page.locator("#post-1")).to_contain_text("Buy my course now")
    expect(page.locator("#post-1")).to_contain_text(
        "Hidden while the team reviews it. Reported as: Unsolicited promotion or sales pitch."
    )
    expect(page.locator("#post-1")).not_to_contain_text("Ben Bell")

    with app.app_context():
        from forum.models import Member

        staff = Member.by_email("staff@example.org")
        reporting.resolve_all(staff, "post", 1, "actioned", "We removed the advert and spoke to them.")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "ben@example.org")
    page.get_by_role("link", name="Account").click()
    page.get_by_role("link", name="My reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My reports")
    item = page.get_by_role("listitem").filter(has_text="A post by Ann Author")
    expect(item).to_contain_text("Action taken")
    expect(item).to_contain_text("We removed the advert and spoke to them.")
    assert page.console_errors == []


def test_cancel_closes_the_form_and_goes_back(page, thread_id, js):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}?page=1")
    page.locator("#post-1").get_by_role("button", name="Report", exact=True).click()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("group", name="Reason")).to_have_count(0)
    button = page.locator("#post-1").get_by_role("button", name="Report", exact=True)
    if js:  # closed in place, focus back on the button that opened it
        expect(button).to_be_focused()
    else:
        assert page.url.endswith(f"/t/{thread_id}?page=1#post-1")
    expect(button).to_be_visible()
