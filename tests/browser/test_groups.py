"""A group in Chromium, with JavaScript on and off: a member asks to join, a lead approves, the member
posts a thread in the group's space, and someone outside the group finds no such thread there."""

import re

import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category, GroupMember, Thread
from forum.services import groups


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def group(app, make_member):
    lead = make_member("lead@example.org", name="Lee Lead")
    make_member("asker@example.org", name="Asha Asker")
    make_member("outsider@example.org", name="Oli Outsider")
    with app.app_context():
        return groups.create_group(
            "ESOL Practice", "Teachers of English to speakers of other languages.", leads=[lead]
        )


def signed_in_page(browser, live_server, js, email):
    """A page of a browser context of its own (a second person), signed in."""
    context = browser.new_context(java_script_enabled=js, base_url=live_server.url)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    sign_in(page, email)
    return page


def test_ask_approve_post_and_outsiders_find_nothing(page, browser, live_server, app, group, js):
    # The member asks to join, from the Groups page.
    sign_in(page, "asker@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="ESOL Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ESOL Practice")
    expect(page.get_by_role("link", name="New thread")).to_have_count(0)
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_label("A note for the leads (optional)").fill("I run conversation clubs in Leeds.")
    page.get_by_role("button", name="Ask to join").click()
    expect(page.locator("#messages")).to_contain_text("Your request to join ESOL Practice is sent")
    expect(page.get_by_role("button", name="Withdraw request")).to_be_visible()
    if js:
        assert navigations == []  # in place
        expect(page.locator("#membership")).to_be_focused()

    # A lead approves.
    lead = signed_in_page(browser, live_server, js, "lead@example.org")
    lead.goto(f"/groups/{group.slug}")
    request = lead.locator("li", has_text="Asha Asker").filter(has_text="I run conversation clubs")
    expect(request).to_be_visible()
    request.get_by_role("button", name="Approve").click()
    expect(lead.locator("#messages")).to_contain_text("Asha Asker is now a member of ESOL Practice.")
    expect(lead.get_by_text("No requests are waiting.")).to_be_visible()
    assert lead.console_errors == []
    lead.context.close()

    # The member, now in the group, starts a thread in its space.
    page.goto(f"/groups/{group.slug}")
    expect(page.get_by_role("button", name="Leave group")).to_be_visible()
    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill("Conversation club resources")
    page.get_by_label("Message").fill("Here are the worksheets we use.")
    page.get_by_role("button", name="Post thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conversation club resources")
    expect(page).to_have_url(re.compile(r"/t/\d+"))
    thread_path = page.url.removeprefix(live_server.url).split("#")[0]
    assert page.console_errors == []

    with app.app_context():
        thread = Thread.get(Thread.title == "Conversation club resources")
        assert thread.category_id == Category.get(Category.group == group.id).id
        assert GroupMember.select().where(GroupMember.group == group.id).count() == 2

    # Someone outside the group: no such thread, and the group's page does not list it.
    outsider = signed_in_page(browser, live_server, js, "outsider@example.org")
    response = outsider.goto(thread_path)
    assert response.status == 404
    outsider.goto(f"/groups/{group.slug}")
    expect(outsider.get_by_text("Conversation club resources")).to_have_count(0)
    expect(outsider.get_by_text("read by its members and staff alone")).to_be_visible()
    outsider.context.close()


def test_the_group_pages_in_each_state_pass_the_audit(
    page, browser, live_server, app, group, make_member, js, auditor
):
    make_member("member@example.org", name="Gil Group")
    make_member("admin@example.org", name="Ada Admin", role="admin")
    with app.app_context():
        from forum.models import Member

        groups.add_member(group, Member.get(Member.email == "member@example.org"))
    sign_in(page, "asker@example.org")
    page.goto(f"/groups/{group.slug}")
    auditor.assert_accessible(page)
    page.get_by_role("button", name="Ask to join").click()
    expect(page.get_by_role("button", name="Withdraw request")).to_be_visible()
    auditor.assert_accessible(page)
    page.goto("/groups")
    expect(page.get_by_text("a lead will answer")).to_be_visible()
    auditor.assert_accessible(page)

    # A lead: the request, a refused invitation, a removal sent without its reason.
    lead = signed_in_page(browser, live_server, js, "lead@example.org")
    lead.goto(f"/groups/{group.slug}")
    lead.get_by_label("Member's name or email").fill("nobody@example.org")
    lead.get_by_role("button", name="Invite").click()
    expect(lead.locator("#who-error")).to_contain_text("No active member is called nobody@example.org")
    expect(lead.get_by_label("Member's name or email")).to_have_value("nobody@example.org")
    auditor.assert_accessible(lead)
    lead.locator("summary", has_text="Remove Gil Group from the group").click()
    lead.get_by_role("button", name="Remove from group").click()
    expect(lead.locator("details[open] .error")).to_contain_text("Say why you are removing them")
    if js:
        expect(lead.get_by_label("Reason for removing Gil Group")).to_be_focused()
    auditor.assert_accessible(lead)
    # The two refusals answered 422 (which the browser and htmx log), and nothing else went wrong.
    assert [e for e in lead.console_errors if "422" not in e] == []
    lead.context.close()

    # An admin: the appointing buttons, and the admin's page with a taken name.
    admin = signed_in_page(browser, live_server, js, "admin@example.org")
    admin.goto(f"/groups/{group.slug}")
    expect(admin.get_by_role("button", name="Appoint as lead")).to_be_visible()
    auditor.assert_accessible(admin)
    admin.goto("/admin/groups")
    admin.get_by_label("Name").fill("esol practice")
    admin.get_by_role("button", name="Create group").click()
    expect(admin.locator("#name-error")).to_contain_text("already a group called")
    auditor.assert_accessible(admin)
    admin.context.close()
