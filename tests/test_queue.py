"""The staff queue: reported items grouped, urgent first then the longest waiting, filters,
acting from a row (the reports decided, the reporters told), Dismiss, and a fixed query count."""

from datetime import timedelta

import pytest
from helpers import PASSWORD, signed_in

from forum.models import Category, LogEntry, Post, Thread
from forum.models.reports import Report
from forum.services import moderating, posting, queue, reporting

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(app, cast, make_member):
    """The cast's author and staff, and three members who report (r1, r2, r3)."""
    cast("author")
    reporters = {n: make_member(f"{n}@example.org", name=n.title()) for n in ("r1", "r2", "r3")}
    return {"author": cast.author, **reporters, "staff": cast("staff").staff}


@pytest.fixture
def posts(app, people):
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(people["author"], category, {"title": "Clubs", "message": "First words"})
        thread = Thread.with_category(first.thread_id)
        second = posting.reply(people["author"], thread, {"message": "Second words"})
        return [first.id, second.id]


def report(app, who, post_id, reason="uncivil", urgent=False, age_minutes=0):
    with app.app_context():
        target = reporting.load_target(who, "post", post_id)
        made = reporting.report(who, target, {"reason": reason, "urgent": urgent})
        if age_minutes:
            made.created_at -= timedelta(minutes=age_minutes)
            made.save()


def staff_client(app):
    return signed_in(app, "staff@example.org")


def test_urgent_first_then_the_longest_waiting(app, people, posts):
    report(app, people["r1"], posts[0], age_minutes=90)
    report(app, people["r2"], posts[1], "spam", urgent=True, age_minutes=5)
    page = staff_client(app).get("/moderation/").get_data(as_text=True)
    assert page.index('id="queue-post-2"') < page.index('id="queue-post-1"')
    assert "Urgent" in page and "waiting 1 h" in page and "R1" in page  # staff see who reported
    only_spam = staff_client(app).get("/moderation/?reason=spam").get_data(as_text=True)
    assert 'id="queue-post-2"' in only_spam and 'id="queue-post-1"' not in only_spam


def test_a_row_leads_to_its_author_for_a_warning_and_the_profile_too(app, people, posts):
    report(app, people["r1"], posts[0])
    author_page = f'href="/moderation/members/{people["author"].id}"'
    client = staff_client(app)
    assert author_page in client.get("/moderation/").get_data(as_text=True)
    assert author_page in client.get(f"/members/{people['author'].id}").get_data(as_text=True)
    # Members see no such link on the profile.
    member = app.test_client()
    member.post("/sign-in", data={"email": "r2@example.org", "password": PASSWORD})
    profile = member.get(f"/members/{people['author'].id}")
    assert profile.status_code == 200 and "/moderation/members/" not in profile.get_data(as_text=True)


def test_hide_from_the_queue_decides_every_report_and_tells_the_reporters(app, people, posts, outbox):
    report(app, people["r1"], posts[0])
    report(app, people["r2"], posts[0], "harmful")
    client = staff_client(app)
    response = client.post(
        f"/moderation/posts/{posts[0]}/hide", data={"reason": "uncivil", "queue": "1"}, headers=HTMX
    )
    assert response.status_code == 200 and "The post is hidden." in response.get_data(as_text=True)
    assert f'id="queue-post-{posts[0]}"' in response.get_data(as_text=True)
    with app.app_context():
        assert {r.status for r in Report.select()} == {"actioned"}
        assert Post.get_by_id(posts[0]).status == "hidden"
    told = [m.to_address for m in outbox() if m.kind == "report-decided"]
    assert sorted(told) == ["r1@example.org", "r2@example.org"]
    assert 'id="queue-post-' not in client.get("/moderation/").get_data(as_text=True)


def test_dismiss_on_the_thread_page_beside_the_post(app, people, posts, outbox, count_queries):
    for who in ("r1", "r2", "r3"):
        report(app, people[who], posts[1])
    report(app, people["r1"], posts[0])
    client = staff_client(app)
    with app.app_context():
        thread_id = Post.get_by_id(posts[0]).thread_id
    page = client.get(f"/t/{thread_id}?page=1").get_data(as_text=True)
    assert "3 open reports" in page and "1 open report<" in page
    assert page.count('name="in_thread"') == 2
    # The counts are one query for the page, however many posts are reported.
    with count_queries() as queries:
        client.get(f"/t/{thread_id}?page=1")
    assert sum("report" in q.lower() and "count(" in q.lower() for q in queries) == 1
    # Members see neither the count nor the button.
    member = app.test_client()
    member.post("/sign-in", data={"email": "r2@example.org", "password": PASSWORD})
    assert "open report" not in member.get(f"/t/{thread_id}?page=1").get_data(as_text=True)

    response = client.post(
        f"/moderation/queue/post/{posts[1]}/dismiss",
        data={"in_thread": "1", "outcome_note": ""},
        headers=HTMX,
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="post-2"' in body and "Second words" in body
    assert "Dismissed 3 reports; the reporters are told." in response.headers["HX-Trigger"]
    assert "open report" not in body
    with app.app_context():
        assert Post.get_by_id(posts[1]).status == "visible"
    assert sorted(m.to_address for m in outbox() if m.kind == "report-decided") == [
        "r1@example.org", "r2@example.org", "r3@example.org"
    ]
    # Without JavaScript: back to the post; a second Dismiss finds nothing left and says so.
    response = client.post(f"/moderation/queue/post/{posts[0]}/dismiss", data={"in_thread": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/p/{posts[0]}")
    again = client.post(f"/moderation/queue/post/{posts[0]}/dismiss", data={"in_thread": "1"})
    assert again.status_code == 409


def test_dismiss_brings_an_auto_hidden_post_back(app, people, posts, outbox):
    for who in ("r1", "r2", "r3"):
        report(app, people[who], posts[1])
    with app.app_context():
        assert Post.get_by_id(posts[1]).status == "hidden"
    client = staff_client(app)
    assert f'id="queue-post-{posts[1]}"' in client.get("/moderation/?auto_hidden=1").get_data(as_text=True)
    response = client.post(f"/moderation/queue/post/{posts[1]}/dismiss", data={"outcome_note": "Fine"})
    assert response.status_code == 302
    with app.app_context():
        assert Post.get_by_id(posts[1]).status == "visible"
        assert {r.status for r in Report.select()} == {"dismissed"}
        assert LogEntry.get().action == "dismiss_reports"
    again = client.post(f"/moderation/queue/post/{posts[1]}/dismiss")
    assert again.status_code == 409


def test_dismissing_and_its_log_entry_are_one_transaction(app, people, posts, outbox, monkeypatch):
    for who in ("r1", "r2", "r3"):
        report(app, people[who], posts[1])

    def fail(*args, **kwargs):
        raise RuntimeError("the log could not be written")

    monkeypatch.setattr(moderating, "log", fail)
    with app.app_context():
        with pytest.raises(RuntimeError):
            queue.dismiss(people["staff"], "post", posts[1], "Fine")
        # Nothing is decided without its log entry: the reports wait, the post stays hidden,
        # and no reporter is told.
        assert {r.status for r in Report.select()} == {"open"}
        assert Post.get_by_id(posts[1]).status == "hidden"
        assert LogEntry.select().count() == 0
    assert not [m for m in outbox() if m.kind == "report-decided"]


def test_the_queue_costs_the_same_whatever_its_length(app, people, posts, count_queries):
    client = staff_client(app)
    report(app, people["r1"], posts[0])
    with count_queries() as one:
        client.get("/moderation/")
    report(app, people["r2"], posts[1])
    report(app, people["r3"], posts[0])
    with count_queries() as more:
        client.get("/moderation/")
    assert len(one) == len(more), (len(one), len(more))


def test_members_cannot_see_the_queue_or_dismiss(app, people, posts):
    report(app, people["r1"], posts[0])
    member = app.test_client()
    member.post("/sign-in", data={"email": "r2@example.org", "password": PASSWORD})
    assert member.get("/moderation/").status_code == 403
    assert member.post(f"/moderation/queue/post/{posts[0]}/dismiss").status_code == 403
    with app.app_context():
        assert Report.get().status == "open"


def test_daily_summary_goes_to_staff_who_want_it(app, people, posts, runner, outbox):
    report(app, people["r1"], posts[0], urgent=True)
    client = staff_client(app)
    assert client.post("/moderation/summary").status_code == 302  # opt in
    result = runner.invoke(args=["moderation", "summary"])
    assert result.exit_code == 0 and "Sent 1" in result.output
    summary = [m for m in outbox() if m.kind == "queue-summary"]
    assert [m.to_address for m in summary] == ["staff@example.org"]
    assert "URGENT post #" in summary[0].body_text and "/moderation/" in summary[0].body_text
    client.post("/moderation/summary")  # opt out
    assert "Sent 0" in runner.invoke(args=["moderation", "summary"]).output
