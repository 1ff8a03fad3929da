"""Without a mouse: the skip link, the footer, and signing in, with Tab, Enter and typing only,
with JavaScript on and off. Each step is one line of the helpers in keyboard.py."""

from keyboard import focused, press_enter, tab_to, type_text
from playwright.sync_api import expect
from viewers import PASSWORD


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")
    tab_to(page, "Skip to main content", max_presses=1)
    press_enter(page)
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")  # onwards from main, not back through the header
    assert page.locator("main").evaluate("main => main.contains(document.activeElement)")


def test_footer_links_are_reachable_and_followed(page):
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    # From the end of the page backwards: the footer's links come first.
    for name in ("Website Terms", "Code of Conduct", "Members' Charter"):
        tab_to(page, name, backwards=True)
        expect(footer.get_by_role("link", name=name)).to_be_focused()
    press_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Members' Charter")


def test_sign_in_by_keyboard(page, app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "kit@example.org", "--name", "Kit", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    page.goto("/")
    tab_to(page, "Sign in")
    press_enter(page)
    tab_to(page, "Email")
    type_text(page, "kit@example.org")
    tab_to(page, "Password")
    type_text(page, PASSWORD)
    tab_to(page, "Sign in", role="button")
    press_enter(page)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_step_that_cannot_be_done_says_where_focus_went(page):
    page.goto("/")
    try:
        tab_to(page, "No such control", max_presses=3)
    except AssertionError as error:
        assert 'did not reach "No such control" in 3 presses' in str(error)
        assert 'link "Skip to main content"' in str(error)
    else:
        raise AssertionError("tab_to found a control that does not exist")
    assert focused(page) is not None
