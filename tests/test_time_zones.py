"""Time zones: every time a person reads is in the site's zone (FORUM_TIMEZONE, Europe/London unless
set) or in the one they chose in their account, named when it is not the site's; the <time>
element's datetime stays UTC. Pages, the kept post blocks, emails and digests, in summer and winter."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from helpers import signed_in, text
from test_post_blocks import same
from test_threads import Category, category, make_thread, members  # noqa: F401 (fixtures)

from forum import create_app
from forum.blueprints.threads.kept_blocks import block_cache
from forum.models import Member, OutboxMessage, Post, utcnow
from forum.models.notifications import Notification
from forum.services import notifying, posting, time_zones
from forum.services.time_zones import INVALID_ZONE

# Noon UTC in winter (London on GMT, New York on EST) and in summer (BST, EDT).
WINTER = datetime(2026, 1, 15, 12, 0)
SUMMER = datetime(2026, 7, 15, 12, 0)
WINTER_TAG = '<time datetime="2026-01-15T12:00:00Z">'
SUMMER_TAG = '<time datetime="2026-07-15T12:00:00Z">'


@pytest.fixture
def dated_thread(app, make_thread):  # noqa: F811
    """A thread whose first post was written on WINTER's noon and its reply on SUMMER's."""
    thread = make_thread(replies=1)
    with app.app_context():
        for number, at in ((1, WINTER), (2, SUMMER)):
            Post.update(created_at=at).where((Post.thread == thread.id) & (Post.number == number)).execute()
    return thread


def choose_zone(app, who, zone: str):
    client = signed_in(app, who)
    response = client.post("/account/time-zone", data={"time_zone": zone})
    assert response.status_code == 302, text(response)
    return client


def page(client, thread) -> str:
    response = client.get(f"/t/{thread.id}?page=1")
    assert response.status_code == 200
    return text(response)


# -- the site's zone ---------------------------------------------------------------------------


def test_the_site_zone_is_london_by_default_in_winter_and_summer(app, dated_thread):
    assert app.config["TIMEZONE"] == "Europe/London"
    html = page(app.test_client(), dated_thread)
    # GMT in January, BST in July; the site's own zone is not named; the attribute stays UTC.
    assert f"{WINTER_TAG}15 Jan 2026, 12:00</time>" in html
    assert f"{SUMMER_TAG}15 Jul 2026, 13:00</time>" in html
    assert " UTC</time>" not in html and " BST</time>" not in html


def test_forum_timezone_sets_the_site_zone(make_app, cast, monkeypatch):
    monkeypatch.setenv("FORUM_TIMEZONE", "America/New_York")
    app = make_app()
    assert app.config["TIMEZONE"] == "America/New_York"
    with app.app_context():
        assert time_zones.local_time(WINTER) == "15 Jan 2026, 07:00"
        assert time_zones.local_time(SUMMER) == "15 Jul 2026, 08:00"
        # Another zone, London now, is named.
        assert time_zones.local_time(SUMMER, "Europe/London") == "15 Jul 2026, 13:00 BST"
        assert time_zones.local_time(WINTER, "Europe/London") == "15 Jan 2026, 12:00 GMT"
        assert time_zones.local_time(datetime(2026, 1, 1, 2, 0), date_only=True) == "31 December 2025"


def test_a_visitor_reads_the_site_zone_set_by_forum_timezone(make_app, cast, monkeypatch):
    monkeypatch.setenv("FORUM_TIMEZONE", "America/New_York")
    app = make_app()
    cast("author")
    with app.app_context():
        practice = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(cast.author, practice, {"title": "Clubs", "message": "Hello"})
        Post.update(created_at=SUMMER).where(Post.id == first.id).execute()
    html = text(app.test_client().get(f"/t/{first.thread_id}?page=1"))
    assert f"{SUMMER_TAG}15 Jul 2026, 08:00</time>" in html


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe", "../etc/passwd", "zone.tab"])
def test_a_bad_forum_timezone_stops_start_up_with_one_clear_line(tmp_path, zone):
    with pytest.raises(SystemExit) as stopped:
        create_app(
            {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/f.db", "TIMEZONE": zone}
        )
    message = str(stopped.value)
    assert "FORUM_TIMEZONE" in message and "Europe/London" in message and "\n" not in message


def test_a_bad_forum_timezone_stops_the_command_line_too(tmp_path):
    env = {
        **os.environ,
        "FORUM_TIMEZONE": "Europe/Lonon",
        "FORUM_DATABASE_URL": f"sqlite:///{tmp_path}/f.db",
        "FORUM_INSTANCE_PATH": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "forum", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "FORUM_TIMEZONE" in lines[0] and "Europe/Lonon" in lines[0], result.stderr


# -- a member's own zone -------------------------------------------------------------------------


def test_a_member_in_new_york_reads_eastern_time_named_in_winter_and_summer(app, dated_thread, members):  # noqa: F811
    client = choose_zone(app, "other@example.org", "America/New_York")
    with app.app_context():
        assert Member.get_by_id(members["other"].id).time_zone == "America/New_York"
    html = page(client, dated_thread)
    assert f"{WINTER_TAG}15 Jan 2026, 07:00 EST</time>" in html
    assert f"{SUMMER_TAG}15 Jul 2026, 08:00 EDT</time>" in html
    # The account page says which zone, and shows the choice selected in its region.
    account = text(client.get("/account"))
    assert "Times are shown in <strong>America/New_York</strong>" in account
    assert '<label for="time_zone">Time zone</label>' in account
    assert '<optgroup label="America">' in account
    assert '<option selected value="America/New_York">New York</option>' in account
    # Back to the forum's zone.
    assert client.post("/account/time-zone", data={"time_zone": ""}).status_code == 302
    assert f"{SUMMER_TAG}15 Jul 2026, 13:00</time>" in page(client, dated_thread)


def test_a_zone_is_named_when_it_is_not_the_sites_even_utc(app, dated_thread):
    client = choose_zone(app, "other@example.org", "UTC")
    html = page(client, dated_thread)
    assert f"{SUMMER_TAG}15 Jul 2026, 12:00 UTC</time>" in html


def test_kept_post_blocks_never_serve_one_members_zone_to_another(app, dated_thread, cast):
    new_york = choose_zone(app, "other@example.org", "America/New_York")
    # Another viewer of the same kind (an active member who wrote none of the posts), in the site's zone.
    london = signed_in(app, cast("member").member)
    for client in (new_york, london):
        page(client, dated_thread)  # reading positions written: the next requests see the same state
    block_cache(app).clear()
    assert "15 Jul 2026, 08:00 EDT" in page(new_york, dated_thread)
    kept = page(london, dated_thread)
    assert f"{SUMMER_TAG}15 Jul 2026, 13:00</time>" in kept and " EDT<" not in kept and " EST<" not in kept
    assert "15 Jul 2026, 08:00 EDT" in page(new_york, dated_thread)
    # And a page from kept blocks is the page drawn afresh, in each zone.
    for client in (new_york, london):
        block_cache(app).clear()
        fresh = page(client, dated_thread)
        assert same(page(client, dated_thread)) == same(fresh)


def test_an_unknown_zone_is_refused_beside_the_field_and_nothing_is_saved(app, members):  # noqa: F811
    client = choose_zone(app, "other@example.org", "Europe/Paris")
    for bad in ["Mars/Olympus_Mons", "Europe", "../../etc/passwd", "US/Eastern", "x" * 300]:
        response = client.post("/account/time-zone", data={"time_zone": bad})
        assert response.status_code == 422, bad
        html = text(response)
        assert INVALID_ZONE.replace("'", "&#39;") in html and 'aria-invalid="true"' in html
        with app.app_context():
            assert Member.get_by_id(members["other"].id).time_zone == "Europe/Paris"


def test_set_time_zone_refuses_what_the_list_does_not_offer(app, members):  # noqa: F811
    from forum.errors import Invalid

    with app.app_context():
        member = Member.get_by_id(members["other"].id)
        with pytest.raises(Invalid) as refused:
            time_zones.set_time_zone(member, "Nowhere/Special")
        assert refused.value.field == "time_zone"
        assert time_zones.set_time_zone(member, " Asia/Kolkata ") == "Asia/Kolkata"
        assert time_zones.local_time(SUMMER, member) == "15 Jul 2026, 17:30 IST"


def test_a_day_alone_is_the_day_in_the_viewers_zone(app, members):  # noqa: F811
    with app.app_context():
        new_year = datetime(2026, 1, 1, 2, 0)
        Member.update(created_at=new_year).where(Member.id == members["author"].id).execute()
    url = f"/members/{members['author'].id}"
    in_london = text(signed_in(app, "staff@example.org").get(url))
    assert '<time datetime="2026-01-01T02:00:00Z">1 January 2026</time>' in in_london
    new_york = choose_zone(app, "other@example.org", "America/New_York")
    assert '<time datetime="2026-01-01T02:00:00Z">31 December 2025</time>' in text(new_york.get(url))


# -- emails and digests ------------------------------------------------------------------------


def eastern(at: datetime) -> str:
    local = at.replace(tzinfo=UTC).astimezone(ZoneInfo("America/New_York"))
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


def test_an_email_is_in_its_recipients_zone_not_the_senders(app, members, make_thread):  # noqa: F811
    thread = make_thread()
    choose_zone(app, "author@example.org", "America/New_York")
    staff = choose_zone(app, "staff@example.org", "Asia/Tokyo")
    author = members["author"]
    response = staff.post(f"/moderation/members/{author.id}/suspend", data={"days": "7", "reason": "uncivil"})
    assert response.status_code == 302
    with app.app_context():
        until = Member.get_by_id(author.id).suspended_until
        [email] = OutboxMessage.select().where(OutboxMessage.kind == "moderation-suspended")
    assert f"suspended until {eastern(until)}." in email.body_text and " JST" not in email.body_text
    # The pages tell the member the same time, and so does a refusal.
    client = signed_in(app, "author@example.org")
    assert eastern(until) in page(client, thread)
    refused = client.post(f"/t/{thread.id}/reply", data={"message": "Let me"})
    assert refused.status_code == 403 and f"suspended until {eastern(until)}" in text(refused)


def test_a_digest_gives_each_line_its_time_in_the_readers_zone(app, members):  # noqa: F811
    choose_zone(app, "author@example.org", "America/New_York")
    author, other = members["author"], members["other"]
    with app.app_context():
        for member in (author, other):
            notifying.choose(member.id, {"charter": "daily"})
        notifying.notify("charter", [author.id, other.id], text="The Charter has a new version", link="/c")
        Notification.update(created_at=WINTER).execute()
        assert notifying.send_digests("daily", utcnow() + timedelta(seconds=1)) == 2
        sent = OutboxMessage.select().where(OutboxMessage.kind == "digest-daily")
        digests = {message.to_address: message.body_text for message in sent}
    assert "- 15 Jan 2026, 07:00 EST: The Charter has a new version" in digests[author.email]
    assert "- 15 Jan 2026, 12:00: The Charter has a new version" in digests[other.email]
