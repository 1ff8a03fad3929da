"""Screenshots of the main pages at phone and desktop widths, light and dark, saved to
docs/screenshots/ (linked from the README) so anyone can see the forum without running it.

Part of the suite (a page that fails to draw fails it); alone: `pytest -m screenshots`.
The forum shown is the one `make demo` serves: the demo network of `flask seed-demo`
(forum/commands/demo.py), made by the same function, with one applicant added for the staff's
applications page. A file is rewritten only when the picture changed, and the data shown is fixed
(the demo is seeded on a fixed clock that moves on a set step before each post), so a run that
changes nothing leaves the repository clean. A new main page is one line in SHOTS.
"""

import datetime
import io
import itertools
from pathlib import Path

import pytest
from viewers import sign_in

FOLDER = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# name -> (viewer, path); "{thread}" in a path is the id of THREAD.
SHOTS = {
    "home": ("visitor", "/"),
    "thread": ("member", "/t/{thread}"),
    "charter": ("visitor", "/charter"),
    "join": ("visitor", "/join"),
    "applications": ("staff", "/moderation/applications"),
    # A fixed period around the demo's clock, so the figures shown do not move with the day; opened
    # at its first chart and the table beside it.
    "insights": ("staff", "/moderation/insights/?since=2026-02-01&until=2026-03-02#active"),
}
# viewer -> the demo account they sign in as (None: nobody signed in). The member has not opened
# the thread before, so its page opens at the top rather than at their first unread post.
ACCOUNTS = {
    "visitor": None,
    "member": "tomasz@demo.belong.example",
    "staff": "staff@demo.belong.example",
}
THREAD = "Conversation clubs: keeping volunteers for more than a term"
SIZES = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
WHEN = datetime.datetime(2026, 3, 2, 9, 30)
# The demo's first post is this long before WHEN, and each post comes these minutes after the
# one before it (in turn), so the dates on the pages look like a few days of a real forum.
START = WHEN - datetime.timedelta(days=3)
STEPS = (47, 185, 23, 312, 96, 58, 401, 134)
APPLICANT = {
    "email": "farah@example.org",
    "name": "Farah Idris",
    "job_title": "Community development worker",
    "region": "North West",
    "application_note": "I run conversation clubs for newly arrived families in Oldham.",
}


class DemoClock(datetime.datetime):
    """Stands for datetime in forum.models.base while the demo is seeded, so utcnow() (every
    time the forum stores) is `at`, which moves only when the test moves it."""

    at = START

    @classmethod
    def now(cls, tz=None):
        return cls.at.replace(tzinfo=tz)


def _seed_demo_on_a_fixed_clock(app, monkeypatch):
    from forum.commands import demo
    from forum.models import base
    from forum.services import posting

    steps = itertools.cycle(datetime.timedelta(minutes=m) for m in STEPS)

    def after_a_step(action):
        def act(*args, **kwargs):
            DemoClock.at += next(steps)
            return action(*args, **kwargs)

        return act

    DemoClock.at = START
    with monkeypatch.context() as patch, app.app_context():
        patch.setattr(base, "datetime", DemoClock)
        # demo.seed calls these through the module, so each post comes one step later.
        patch.setattr(posting, "start_thread", after_a_step(posting.start_thread))
        patch.setattr(posting, "reply", after_a_step(posting.reply))
        demo.seed()


@pytest.fixture
def app(make_app, monkeypatch):
    app = make_app()
    _seed_demo_on_a_fixed_clock(app, monkeypatch)
    from forum.commands.demo import DEMO_PASSWORD

    runner = app.test_cli_runner()
    args = ["users", "create", APPLICANT["email"], "--name", APPLICANT["name"], "--password", DEMO_PASSWORD]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    from forum.models import DocumentVersion, Member

    with app.app_context():
        Member.update(
            status="applicant",
            reviewed_at=None,
            created_at=WHEN,
            job_title=APPLICANT["job_title"],
            region=APPLICANT["region"],
            application_note=APPLICANT["application_note"],
        ).where(Member.email == APPLICANT["email"]).execute()
        DocumentVersion.update(published_at=WHEN).execute()
    return app


@pytest.mark.screenshots
def test_screenshots_of_the_main_pages(browser, app, live_server):
    from forum.commands.demo import DEMO_PASSWORD
    from forum.models import Thread

    with app.app_context():
        thread_id = Thread.get(Thread.title == THREAD).id
    FOLDER.mkdir(parents=True, exist_ok=True)
    pages = {}
    try:
        for name, (viewer, path) in SHOTS.items():
            if viewer not in pages:
                context = browser.new_context(base_url=live_server.url, device_scale_factor=1)
                pages[viewer] = context.new_page()
                if ACCOUNTS[viewer]:
                    sign_in(pages[viewer], ACCOUNTS[viewer], DEMO_PASSWORD)
            page = pages[viewer]
            path = path.format(thread=thread_id)
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
    """Kept as a PNG of at most 256 colours (no dithering): a page is flat colours and smoothed
    text, which look the same in a third of the bytes Chromium's PNG takes."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    picture = picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)
    png = out.getvalue()
    path = FOLDER / filename
    if not path.exists() or path.read_bytes() != png:
        path.write_bytes(png)
