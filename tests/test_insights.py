"""Staff insights (#26): the figures against data made here, the CSV against the table, the chart
as a script-free SVG image, "fewer than 5" for a group's small counts, and a fixed number of queries."""

import csv
import io
import re
from datetime import timedelta

import pytest
from helpers import signed_in, text

from forum.models import Category, Group, Member, Post, Thread, utcnow
from forum.models.events import Attendance, Event
from forum.models.library import Resource
from forum.models.reports import Report
from forum.services import insights


def _thread(category, author, when, replies=0, repliers=()):
    thread = Thread.create(
        category=category, author=author, title="A thread", created_at=when, last_post_at=when
    )
    Post.create(thread=thread, author=author, number=1, body_md="x", body_html="<p>x</p>", created_at=when)
    for number in range(replies):
        who = repliers[number % len(repliers)] if repliers else author
        Post.create(
            thread=thread, author=who, number=number + 2, body_md="y", body_html="<p>y</p>", created_at=when
        )
    return thread


@pytest.fixture
def network(app, make_member):
    """Three reports (two acted on: in 2 and 10 hours; one urgent, open), applications, an event
    with two going, a resource downloaded three times, and a group with two threads."""
    staff = make_member("staff@example.org", role="staff")
    author = make_member("author@example.org")
    other = make_member("other@example.org")
    make_member("waiting@example.org", status="applicant")
    make_member("declined@example.org", status="declined")
    with app.app_context():
        now = utcnow()
        day = now - timedelta(days=3)
        category = Category.create(name="General", slug="general")
        group = Group.create(name="ESOL practice", name_key="esol practice", slug="esol-practice")
        space = Category.create(name="ESOL space", slug="esol-space", group=group)
        thread = _thread(category, author, day, replies=2, repliers=[other])
        _thread(space, author, day)
        _thread(space, other, day)
        # An old thread, before the period and the one before it: counted nowhere.
        _thread(category, author, now - timedelta(days=200))
        made = now - timedelta(days=2)
        for reporter, reason, urgent, hours, status in (
            (other, "spam", False, 2, "actioned"),
            (staff, "uncivil", False, 10, "dismissed"),
            (other, "harmful", True, None, "open"),
        ):
            Report.create(
                reporter=reporter,
                target_type="post",
                target_id=hash(reason) % 1000,
                subject=author,
                reason=reason,
                urgent=urgent,
                status=status,
                created_at=made,
                decided_at=None if hours is None else made + timedelta(hours=hours),
            )
        event_thread = _thread(category, other, day)
        event = Event.create(
            thread=event_thread,
            organiser=other,
            title="Meet-up",
            starts_at=now - timedelta(days=1),
            ends_at=now - timedelta(days=1) + timedelta(hours=2),
            timezone="Europe/London",
            uid="e1@test",
            going_count=2,
        )
        Attendance.create(event=event, member=author, status="going")
        Attendance.create(event=event, member=staff, status="going")
        Resource.create(
            owner=author,
            title="Handbook",
            summary="A handbook.",
            licence="cc-by",
            credit="Author",
            file_type="pdf",
            size_bytes=100,
            download_count=3,
            created_at=day,
        )
        return {"staff": staff, "thread": thread, "today": now.date()}


def _by_slug(since, until):
    return {figure.slug: figure for figure in insights.figures(since, until)}


def _row(figure, label):
    return next(row for row in figure.rows if row[0] == label)


def test_figures_against_the_data_made_here(app, network):
    with app.app_context():
        today = network["today"]
        found = _by_slug(*insights.period(None, None, today))
        response = found["response"]
        # The two decided reports were not urgent: 2 and 10 hours, median 6, 90th percentile 10.
        assert _row(response, "Other reports, this period") == ["Other reports, this period", 2, 0, 6.0, 10.0]
        assert _row(response, "Urgent reports, this period") == [
            "Urgent reports, this period",
            0,
            1,
            None,
            None,
        ]
        reasons = found["reasons"]
        assert _row(reasons, "Spam")[1:] == [1, 0]
        assert sum(row[1] for row in reasons.rows) == 3
        assert _row(found["queue"], "Urgent")[1] == 1
        assert _row(found["queue"], "Other")[1] == 0
        members = found["members"]
        assert _row(members, "Waiting")[1] == 1
        assert _row(members, "Declined")[1] == 1
        assert _row(members, "Approved (members now)")[1] == 3
        assert _row(found["events"], "Events held")[1:] == [1, 0]
        assert _row(found["events"], "People going")[1:] == [2, 0]
        assert _row(found["library"], "Resources added")[1:] == [1, 0]
        assert _row(found["library"], "Downloads of those")[1:] == [3, 0]
        assert _row(found["categories"], "General")[1:] == [2, 4]
        # The group's two threads and two posts: under 5, so never shown as they are.
        assert _row(found["groups"], "ESOL practice")[1:] == ["fewer than 5", "fewer than 5"]
        whole = _row(found["active"], "The whole period")
        # Started a thread: author, other; replied: other; reported: other, staff; event: author, staff.
        assert whole[1:] == [2, 1, 2, 2, 3, 0]
        assert _row(found["appeals"], "Appeals made")[1:] == [0, 0]
        # A period before anything happened: nothing counted in it, all in "the period before" of a later one.
        early = _by_slug(today - timedelta(days=100), today - timedelta(days=90))
        assert sum(row[1] for row in early["reasons"].rows) == 0


def test_the_page_the_csv_and_the_chart(app, network):
    client = signed_in(app, network["staff"])
    page = client.get("/moderation/insights/")
    assert page.status_code == 200
    body = text(page)
    assert ">Insights</a>" in text(client.get("/moderation/"))
    assert body.count(">Download CSV</a>") == len(
        insights.figures(*insights.period(None, None, network["today"]))
    )
    assert "fewer than 5" in body
    assert (
        "author@example.org" not in body
        and "Author" not in re.sub(r"<[^>]+>", " ", body).split("Insights", 1)[1].split("</main>")[0]
    )
    # The CSV holds the same cells as the page's table.
    table = re.search(r'<section class="insight" id="response".*?<tbody>(.*?)</tbody>', body, re.S).group(1)
    cells = [
        re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]
    link = re.search(r'href="(/moderation/insights/response\.csv[^"]*)"', body).group(1).replace("&amp;", "&")
    download = client.get(link)
    assert download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text(download))))
    assert rows[0] == ["Reports", "Acted on", "Still open", "Median hours", "90th percentile hours"]
    assert [[cell if cell else "–" for cell in row] for row in rows[1:]] == cells
    groups = list(csv.reader(io.StringIO(text(client.get("/moderation/insights/groups.csv")))))
    assert groups[1] == ["ESOL practice", "fewer than 5", "fewer than 5"]
    chart = client.get("/moderation/insights/groups.svg")
    assert chart.mimetype == "image/svg+xml"
    svg = text(chart)
    assert "<script" not in svg and "<title>Threads and posts per group</title>" in svg and "<desc>" in svg
    assert "ESOL practice (fewer than 5)" in svg
    assert "default-src 'none'" in chart.headers["Content-Security-Policy"]
    assert client.get("/moderation/insights/nothing.csv").status_code == 404


def test_the_period_asked_for(app, network):
    client = signed_in(app, network["staff"])
    body = text(client.get("/moderation/insights/?since=2026-01-01&until=2026-01-07"))
    assert "1 January 2026" in body and "7 January 2026" in body and "(7 days)" in body
    body = text(client.get("/moderation/insights/?since=nonsense"))
    assert "From: give a date" in body and "(30 days)" in body


def test_a_fixed_number_of_queries(app, network, count_queries, make_member):
    client = signed_in(app, network["staff"])
    client.get("/moderation/insights/")
    with count_queries() as small:
        assert client.get("/moderation/insights/").status_code == 200
    with app.app_context():
        category = Category.get(Category.slug == "general")
        people = [make_member(f"more{index}@example.org") for index in range(6)]
        for index in range(30):
            _thread(
                category, people[index % 6], utcnow() - timedelta(days=index % 40), replies=3, repliers=people
            )
            Report.create(
                reporter=people[index % 6],
                target_type="thread",
                target_id=10_000 + index,
                subject=people[0],
                reason="other",
                created_at=utcnow() - timedelta(hours=index),
                status="actioned",
                decided_at=utcnow(),
            )
        Group.create(name="Second group", name_key="second group", slug="second-group")
        assert Member.select().count() > 10
    with count_queries() as large:
        assert client.get("/moderation/insights/").status_code == 200
    assert len(large) == len(small), (small, large)
    assert len(small) <= 20


def test_a_download_is_counted(app, network):
    with app.app_context():
        from forum.services import library

        item = Resource.get(Resource.title == "Handbook")
        library.count_download(item)
        assert Resource.get_by_id(item.id).download_count == 4


def test_staff_only(app, network, make_member):
    member = make_member("plain@example.org")
    client = signed_in(app, member)
    for path in (
        "/moderation/insights/",
        "/moderation/insights/active.csv",
        "/moderation/insights/active.svg",
    ):
        assert client.get(path).status_code == 403
