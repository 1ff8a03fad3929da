"""Screenshots of the main pages at phone and desktop widths, light and dark, saved to
docs/screenshots/ (linked from the README) so anyone can see the forum without running it.

Part of the suite (a page that fails to draw fails it); alone: `pytest -m screenshots`.
A file is rewritten only when the picture changed, and the data shown is fixed (names, dates), so
a run that changes nothing leaves the repository clean. A new main page is one line in SHOTS.
"""

import datetime
from pathlib import Path

import pytest
from viewers import PASSWORD, VIEWERS

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# name -> (viewer, path)
SHOTS = {
    "home": ("visitor", "/"),
    "charter": ("visitor", "/charter"),
    "join": ("visitor", "/join"),
    "applications": ("staff", "/moderation/applications"),
}
SIZES = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
WHEN = datetime.datetime(2026, 3, 2, 9, 30)
# Made with the CLI (CONTRACT.md), not the demo data, whose dates move with the clock.
CATEGORIES = [
    ("Welcome and introductions", "Say hello, and tell the network about your work."),
    ("Practice exchange", "What worked, what did not, and what you would do differently."),
    ("Funding and policy", "Calls for funding, consultations and policy news."),
]


@pytest.fixture
def app(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    email = "amina@example.org"
    args = ["users", "create", email, "--name", "Amina Yusuf", "--password", PASSWORD]
    assert runner.invoke(args=args).exit_code == 0
    for name, description in CATEGORIES:
        result = runner.invoke(args=["categories", "create", name, "--description", description])
        assert result.exit_code == 0, result.output
    from forum.models import DocumentVersion, Member

    with app.app_context():
        Member.update(
            status="applicant",
            reviewed_at=None,
            created_at=WHEN,
            job_title="Community development worker",
            region="North West",
            application_note="I run conversation clubs for newly arrived families in Oldham.",
        ).where(Member.email == email).execute()
        DocumentVersion.update(published_at=WHEN).execute()
    return app


@pytest.mark.screenshots
def test_screenshots_of_the_main_pages(browser, app, live_server):
    FOLDER.mkdir(parents=True, exist_ok=True)
    pages = {}
    try:
        for name, (viewer, path) in SHOTS.items():
            if viewer not in pages:
                context = browser.new_context(base_url=live_server.url, device_scale_factor=1)
                pages[viewer] = context.new_page()
                VIEWERS[viewer](pages[viewer], app)
            page = pages[viewer]
            response = page.goto(path)
            assert response.status == 200, f"{path} as {viewer}: {response.status}"
            for size, viewport in SIZES.items():
                page.set_viewport_size(viewport)
                for scheme in SCHEMES:
                    page.emulate_media(color_scheme=scheme)
                    _save(page.screenshot(animations="disabled", caret="hide"), f"{name}-{size}-{scheme}.png")
    finally:
        for page in pages.values():
            page.context.close()


def _save(png: bytes, filename: str):
    path = FOLDER / filename
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)
