"""Every page's frame: skip link, navigation and footer, with JavaScript on and off."""

import re

from playwright.sync_api import expect


def test_home_has_skip_link_navigation_and_footer(page, js):
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.get_attribute("href") == "#main"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Forum").is_visible()
    footer = page.get_by_role("contentinfo")
    for name in ("Members' Charter", "Code of Conduct", "Website Terms"):
        assert footer.get_by_role("link", name=name).is_visible()
    assert page.console_errors == []
    if js:
        # htmx loaded under the CSP, which blocks eval and inline styles.
        assert page.evaluate("typeof htmx") == "object"
        assert page.evaluate("htmx.version") == "2.0.11"


def test_skip_link_is_first_and_moves_to_main(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    expect(page.locator("main")).to_be_focused()


def test_charter_page_reachable_from_footer(page):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Members' Charter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Members' Charter"
    assert page.get_by_text("Act honestly at all times").is_visible()
    assert page.console_errors == []
