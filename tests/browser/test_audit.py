"""Every page that exists, as every viewer, with JavaScript on and off: axe-core in light and dark,
reflow at 320 px, and the Nu HTML checker. Pages are found, not listed: see audit.py;
viewers are in viewers.py."""

import audit
import pytest
from viewers import PASSWORD, VIEWERS

# Each viewer's pages as the server sent them (path -> HTML), kept from the walks so that the Nu
# checker runs once over all of them.
SEEN_HTML: dict[str, dict[str, str]] = {}


@pytest.fixture
def app(make_app):
    app = make_app()
    populate(app)
    return app


def populate(app):
    """Pages show what they show in use: the demo network once `flask seed-demo` exists, and an
    application waiting for staff (so the staff's queue has its forms)."""
    runner = app.test_cli_runner()
    if "seed-demo" in app.cli.commands:
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
    email = "audit-applicant@example.org"
    args = ["users", "create", email, "--name", "Ada Applicant", "--password", PASSWORD]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    from forum.models import Member

    with app.app_context():
        Member.update(status="applicant", reviewed_at=None).where(Member.email == email).execute()
    populate_group(app)


def populate_group(app):
    """A group whose page the walks reach from the Groups page: a demo member leads it and another
    has asked to join, so staff see its requests, invite and removal forms, and members its Ask to join."""
    args = ["groups", "create", "Audit working group", "--description", "A group for the audit."]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    from forum.models import Group, Member
    from forum.services import groups

    with app.app_context():
        group = Group.get(Group.name == "Audit working group")
        active = Member.select().where((Member.role == "member") & (Member.status == "active"))
        members = list(active.order_by(Member.id).limit(3))
        for lead in members[:1]:
            groups.add_member(group, lead, lead=True)
        for member in members[1:2]:
            groups.add_member(group, member)
        for asker in members[2:]:
            groups.ask(asker, group, "I would like to join.")


@pytest.mark.slow
@pytest.mark.parametrize("js", [True], ids=["js"])  # and each page's HTML without scripts: see audit.py
def test_every_page_passes_the_audit(page, viewer, app, live_server, auditor):
    VIEWERS[viewer](page, app)
    problems, html, shown = [], {}, set()
    for visit in audit.walk(page, live_server.url, app):
        problems += audit.status_problems(visit)
        problems += auditor.walked(page, visit, first=not html)
        if visit.status < 400:
            problems += [f"{visit.path} console: {error}" for error in page.console_errors]
            shown.add(visit.path)
        page.console_errors.clear()
        html[visit.path] = visit.html
    SEEN_HTML[viewer] = html
    assert len(html) > 1, f"the walk found only {list(html)}"
    problems, stale = audit.unexplained(problems, "axe", visited=shown)
    assert not problems and not stale, audit.report(problems, stale)


@pytest.mark.slow
def test_every_page_is_valid_html(browser, app, live_server, tmp_path):
    audit.vnu_command()  # skips (or fails, in CI) before any walking when vnu cannot run
    pages, visited = {}, set()
    for viewer, sign_in in VIEWERS.items():
        html = SEEN_HTML.get(viewer)
        if html is None:  # its walk was not part of this run (-k): walk now
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            sign_in(page, app)
            html = {visit.path: visit.html for visit in audit.walk(page, live_server.url, app)}
            context.close()
        for path, text in html.items():
            pages.setdefault(audit.without_tokens(text), (f"{path} as {viewer}", text))
        visited.update(html)  # status aside: a known problem's page answers 200 to some viewer
    # Each distinct page once: a page every viewer sees alike is checked as the first who saw it.
    problems = audit.check_html(dict(pages.values()), tmp_path)
    problems, stale = audit.unexplained(problems, "vnu", visited)
    assert not problems and not stale, audit.report(problems, stale)
