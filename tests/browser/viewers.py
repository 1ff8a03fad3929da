"""Who looks at the forum in the browser tests: viewer name -> a function that signs a fresh page in.

Each function takes (page, app): the Playwright page of a new browser context (JavaScript on or
off, pointed at the live server) and the app behind it. It leaves the page signed in as that
viewer, or as nobody. The audits (test_audit.py) walk every page once per viewer, so a page that
only staff can reach is audited as staff without anyone listing it.

Adding a viewer is one line in VIEWERS, e.g. an applicant waiting for approval:

    "applicant": signed_in_as("member", status="applicant"),

Accounts are made with the CLI that CONTRACT.md promises (`users create`) and signed in through
the sign-in page by its labels (Email, Password, Sign in), as a person would.
"""

import helpers
from playwright.sync_api import expect

# Long enough for any password rule; the accounts are throwaway, in each test's own database.
PASSWORD = "audit lantern juniper 93"


def sign_in(page, email: str, password: str = helpers.PASSWORD) -> None:
    """Sign this page in through the sign-in page, as a person would, and wait until it is."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def visitor(page, app):
    """Nobody signed in."""


def signed_in_as(role: str, *, status: str = "active"):
    """A viewer with a new account of this role (member, staff, admin), signed in."""

    def sign_in(page, app):
        email = f"audit-{role}-{status}@example.org"
        name = f"Audit {role.title()}"
        result = app.test_cli_runner().invoke(
            args=["users", "create", email, "--name", name, "--role", role, "--password", PASSWORD]
        )
        assert result.exit_code == 0, result.output
        if status != "active":
            from forum.models import Member

            with app.app_context():
                Member.update(status=status).where(Member.email == email).execute()
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    sign_in.__name__ = f"signed_in_as_{role}" + ("" if status == "active" else f"_{status}")
    return sign_in


VIEWERS = {
    "visitor": visitor,
    "member": signed_in_as("member"),
    "staff": signed_in_as("staff"),
    "admin": signed_in_as("admin"),
}
