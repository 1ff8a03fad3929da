"""Reporting: the Report button and its form, with JavaScript (in place) and without (pages);
one report per member per item; own content; what a member cannot see; bad input; hiding a post
once enough members report it; urgent reports emailed to staff; "My reports"; staff decisions;
the limits; and a fixed number of queries per page."""

import re
from datetime import timedelta

import helpers
import pytest
from helpers import PASSWORD, text

from forum.errors import NotAllowed
from forum.mail import outbox as mail
from forum.models import Category, Member, Post, Thread, utcnow
from forum.models.reports import Report
from forum.services import posting, reporting

HTMX = {"HX-Request": "true"}


# Four members who report, one more than it takes to hide a post.
REPORTERS = ("ada", "ben", "cat", "dan")


@pytest.fixture
def members(app, cast, make_member):
    cast("author")
    reporters = {n: make_member(f"{n}@example.org", name=f"{n.title()} Person") for n in REPORTERS}
    cast("staff", "admin")
    return {"author": cast.author, **reporters, "staff": cast.staff, "admin": cast.admin}


@pytest.fixture
def thread(app, members):
    """A thread by the author: the opening post (number 1) and a reply by the author (number 2)."""
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(
            members["author"], category, {"title": "Conversation clubs", "message": "Come to **mine**"}
        )
        thread = Thread.with_category(first.thread_id)
        posting.reply(members["author"], thread, {"message": "Second thoughts"})
        return Thread.with_category(first.thread_id)


def signed_in(app, name):
    """Signed in as a reporter or a part of the cast, by the name before @example.org."""
    return helpers.signed_in(app, f"{name}@example.org")


def send(client, kind="post", target_id=1, headers=None, **data):
    form = {"reason": "uncivil", "note": "", **data}
    return client.post(f"/report/{kind}/{target_id}", data=form, headers=headers or {})


def reports(app):
    with app.app_context():
        return list(Report.select().order_by(Report.id))


def post_status(app, post_id=1):
    with app.app_context():
        return Post.get_by_id(post_id).status


# -- the button and the form -------------------------------------------------------------------


def test_report_buttons_for_members_on_others_content_only(app, client, members, thread):
    page = text(signed_in(app, "ada").get(f"/t/{thread.id}?page=1"))
    assert page.count('id="report-post-1-button"') == 1 and 'id="report-post-2-button"' in page
    assert 'id="report-thread-1-button"' in page
    assert re.search(r'<form method="get" action="/report/post/1"[^>]*data-hx-get="/report/post/1"', page)
    own = text(signed_in(app, "author").get(f"/t/{thread.id}?page=1"))
    assert "report-post-1-button" not in own and "report-thread-1-button" not in own
    assert "/report/" not in text(client.get(f"/t/{thread.id}?page=1"))


def test_without_javascript_the_button_opens_a_page_with_the_form(app, members, thread):
    response = signed_in(app, "ada").get("/report/post/1")
    assert response.status_code == 200
    html = text(response)
    assert "<h1>Report the post by Ann Author in “Conversation clubs”</h1>" in html
    assert "<legend>Reason</legend>" in html and "Come to <strong>mine</strong>" in html
    for label in ("Disrespectful or uncivil", "Undeclared conflict of interest", "Something else"):
        assert re.search(rf'<label for="report-post-1-reason-\d+">{label}</label>', html)
    assert 'id="report-post-1-note"' in html and 'id="report-post-1-urgent"' in html
    assert ">Send report</button>" in html and 'name="csrf_token"' in html


def test_with_htmx_the_form_opens_in_place_and_takes_focus(app, members, thread):
    response = signed_in(app, "ada").get("/report/post/1", headers=HTMX)
    html = text(response)
    assert html.lstrip().startswith('<div class="report-control report-open" id="report-post-1">')
    assert "<html" not in html and "<legend>Reason</legend>" in html
    assert '"focus": "#report-post-1-reason-1"' in response.headers["HX-Trigger"]
    assert 'id="report-post-1-reason-1"' in html


def test_send_report_without_javascript_redirects_back_with_thanks(app, members, thread):
    client = signed_in(app, "ada")
    response = send(client, reason="spam", note="Selling courses", urgent="y")
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{thread.id}?page=1#post-1"
    (report,) = reports(app)
    assert (report.reporter_id, report.target_type, report.target_id, report.subject_id) == (
        members["ada"].id,
        "post",
        1,
        members["author"].id,
    )
    assert (report.reason, report.note, report.urgent) == ("spam", "Selling courses", True)
    assert report.status == "open"
    page = text(client.get(response.headers["Location"]))
    assert "Thanks — the team will review this." in page
    assert re.search(r'id="report-post-1-button"[^>]*>Reported</button>', page)
    assert re.search(r'id="report-post-2-button"[^>]*>Report</button>', page)


def test_send_report_with_htmx_answers_in_place(app, members, thread):
    response = send(signed_in(app, "ada"), headers=HTMX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<div class="report-control" id="report-post-1">')
    assert ">Reported</button>" in html and "Thanks — the team will review this." in html
    assert '<a href="/reports">My reports</a>' in html and '<form method="post"' not in html
    trigger = response.headers["HX-Trigger"]
    assert "Thanks" in trigger and '"focus": "#report-post-1-button"' in trigger
    assert len(reports(app)) == 1


def test_a_thread_and_a_profile_can_be_reported(app, members, thread):
    client = signed_in(app, "ada")
    assert send(client, "thread", thread.id, reason="promotion").headers["Location"] == f"/t/{thread.id}"
    author = members["author"].id
    assert send(client, "member", author, reason="other", note="Fake profile").status_code == 302
    assert [(r.target_type, r.subject_id) for r in reports(app)] == [("thread", author), ("member", author)]
    header = text(client.get(f"/t/{thread.id}?page=1")).split('<header class="thread-header">')[1]
    assert ">Reported</button>" in header.split("</header>")[0]


def test_cancel_closes_the_form(app, members, thread):
    client = signed_in(app, "ada")
    closed = client.get("/report/post/1?closed=1", headers=HTMX)
    assert "<fieldset" not in text(closed) and ">Report</button>" in text(closed)
    assert '"focus": "#report-post-1-button"' in closed.headers["HX-Trigger"]
    assert client.get("/report/post/1?closed=1").headers["Location"] == f"/t/{thread.id}?page=1#post-1"


# -- one report per member per item ------------------------------------------------------------


def test_a_second_report_says_so_and_lets_them_add_to_the_note(app, members, thread):
    client = signed_in(app, "ada")
    send(client, note="First words")
    again = client.get("/report/post/1")
    html = text(again)
    assert again.status_code == 200 and "You reported this on" in html and "First words" in html
    assert "Add to your note" in html and "<legend>Reason</legend>" not in html
    # The same form sent again (another tab): nothing new is stored, their words are kept to add.
    second = send(client, reason="spam", note="More words")
    assert second.status_code == 409 and "You have already reported this" in text(second)
    assert "More words</textarea>" in text(second)
    added = client.post(
        "/report/post/1", data={"adding": "1", "note": "More words", "urgent": "y"}, headers=HTMX
    )
    assert added.status_code == 200 and "your note is added" in text(added)
    (report,) = reports(app)
    assert report.reason == "uncivil" and report.urgent
    assert report.note.startswith("First words\n\nAdded ") and report.note.endswith(":\nMore words")


def test_adding_nothing_is_refused_beside_the_field(app, members, thread):
    client = signed_in(app, "ada")
    send(client, note="First words")
    response = client.post("/report/post/1", data={"adding": "1", "note": "  "}, headers=HTMX)
    assert response.status_code == 422
    html = text(response)
    assert 'id="report-post-1-note-error"' in html and "Write what you want to add" in html
    assert '"focus": "#report-post-1-note"' in response.headers["HX-Trigger"]


# -- what may not be reported ------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, target, message",
    [
        ("post", 1, "You can&#39;t report your own post."),
        ("thread", 1, "You can&#39;t report your own thread."),
        ("member", "author", "You can&#39;t report yourself."),
    ],
)
def test_nobody_reports_their_own_content(app, members, thread, kind, target, message):
    client = signed_in(app, "author")
    target_id = members[target].id if isinstance(target, str) else target
    for response in (client.get(f"/report/{kind}/{target_id}"), send(client, kind, target_id)):
        assert response.status_code == 403 and message in text(response)
    assert reports(app) == []


def test_what_a_member_cannot_see_is_not_found(app, members, thread):
    with app.app_context():
        Post.update(status="withdrawn").where(Post.id == 2).execute()
        Thread.update(status="removed").where(Thread.id == thread.id).execute()
    client = signed_in(app, "ada")
    for path in ("/report/post/1", "/report/thread/1", "/report/post/999", "/report/member/999"):
        assert client.get(path).status_code == 404, path
        assert send(client, *path.split("/")[2:]).status_code == 404, path
    assert reports(app) == []


def test_a_withdrawn_or_hidden_post_has_nothing_left_to_report(app, members, thread):
    with app.app_context():
        Post.update(status="withdrawn").where(Post.id == 2).execute()
        Post.update(status="hidden").where(Post.id == 1).execute()
    client = signed_in(app, "ada")
    withdrawn = send(client, target_id=2, headers=HTMX)
    assert withdrawn.status_code == 404 and "withdrawn or removed" in text(withdrawn)
    assert withdrawn.headers["HX-Retarget"] == "#messages"
    assert send(client).status_code == 409
    assert reports(app) == []


def test_visitors_and_applicants_are_sent_to_sign_in_or_their_application(
    app, client, members, thread, cast
):
    assert client.get("/report/post/1").headers["Location"].startswith("/sign-in")
    assert send(client).headers["Location"].startswith("/sign-in")
    applicant = helpers.signed_in(app, cast("applicant").applicant)
    assert send(applicant).headers["Location"] == "/application"
    assert reports(app) == []


def test_a_report_without_a_csrf_token_is_refused(make_app, cast):
    app = make_app(WTF_CSRF_ENABLED=True)
    author = cast("author", "member").author
    with app.app_context():
        posting.start_thread(author, Category.create(name="P", slug="p"), {"title": "Hello", "message": "Hi"})
    client = app.test_client()
    page = text(client.get("/sign-in"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/sign-in", data={"email": cast.member.email, "password": PASSWORD, "csrf_token": token})
    assert send(client).status_code == 400
    assert reports(app) == []


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"reason": "boring"}, "reason", "Choose the reason closest to what is wrong."),
        ({"reason": ""}, "reason", "Choose the reason closest to what is wrong."),
        ({"reason": "other", "note": "   "}, "note", "a note is needed when the reason is “Something else”"),
        ({"note": "x" * 2001}, "note", "Use at most 2,000 characters."),
    ],
)
def test_bad_input_is_answered_beside_its_field_with_the_text_kept(
    app, members, thread, data, field, message
):
    client = signed_in(app, "ada")
    for headers in ({}, HTMX):
        response = send(client, headers=headers, urgent="y", **data)
        assert response.status_code == 422
        html = text(response)
        assert f'id="report-post-1-{field}-error"' in html and message in html
        assert re.search(r'<input aria-describedby="report-post-1-urgent-hint" checked', html)
        if "note" in data and data["note"].strip():
            assert data["note"] + "</textarea>" in html
    assert reports(app) == []


def test_the_domain_function_checks_the_same_as_the_form(app, members, thread):
    with app.app_context():
        target = reporting.load_target(members["ada"], "post", 1)
        with pytest.raises(reporting.Invalid) as error:
            reporting.report(members["ada"], target, {"reason": "boring"})
        assert error.value.field == "reason"
        with pytest.raises(reporting.Invalid):
            reporting.report(members["ada"], target, {"reason": "spam", "note": "x" * 2001})
    assert reports(app) == []


# -- hiding a post until staff review it -------------------------------------------------------


def test_reports_from_three_members_hide_a_post_from_others_but_not_its_author(app, members, thread):
    for name, reason in (("ada", "uncivil"), ("ben", "spam")):
        send(signed_in(app, name), reason=reason)
    assert post_status(app) == "visible"
    send(signed_in(app, "cat"), reason="uncivil")
    assert post_status(app) == "hidden"
    with app.app_context():
        assert Post.get_by_id(1).status_reason == "Reported as: Disrespectful or uncivil; Spam."
    assert [r.hid_target for r in reports(app)] == [False, False, True]

    other = text(signed_in(app, "dan").get(f"/t/{thread.id}?page=1"))
    assert "This post is hidden while the team reviews it." in other and "Come to" not in other
    assert "report-post-1-button" not in other  # nothing left to report
    author = text(signed_in(app, "author").get(f"/t/{thread.id}?page=1"))
    assert "Come to <strong>mine</strong>" in author
    assert "Hidden while the team reviews it. Reported as: Disrespectful or uncivil; Spam." in author
    # Reporters are never revealed to the reported member.
    for name in ("Ada Person", "Ben Person", "Cat Person"):
        assert name not in author
    staff = text(signed_in(app, "staff").get(f"/t/{thread.id}?page=1"))
    assert "Come to <strong>mine</strong>" in staff


def test_staff_are_emailed_once_when_reports_hide_a_post(app, members, thread, outbox):
    send(signed_in(app, "ada"), reason="uncivil")
    send(signed_in(app, "ben"), reason="spam")
    assert outbox() == []
    # The report that hides it is urgent too: one email says both.
    send(signed_in(app, "cat"), reason="harmful", note="Names a child", urgent="y")
    emails = outbox()
    assert sorted(m.to_address for m in emails) == ["admin@example.org", "staff@example.org"]
    assert {m.kind for m in emails} == {"report-hid"}
    body = emails[0].body_text
    assert emails[0].subject.startswith("A post was hidden by reports")
    assert "Harmful to others, marked urgent" in body and "Names a child" in body
    assert "/t/1" in body
    # Later reports on the hidden post send nothing more.
    send(signed_in(app, "dan"), reason="uncivil")
    assert len(outbox()) == 2


def test_the_threshold_is_configurable(make_app, cast):
    app = make_app(REPORT_HIDE_THRESHOLD=1)
    author = cast("author", "member").author
    with app.app_context():
        posting.start_thread(author, Category.create(name="P", slug="p"), {"title": "Hello", "message": "Hi"})
    send(signed_in(app, "member"))
    assert post_status(app) == "hidden"


@pytest.mark.parametrize("reporter", ["staff", "trusted"])
def test_one_report_from_staff_or_a_trusted_member_is_enough(app, members, thread, reporter):
    if reporter == "trusted":
        result = app.test_cli_runner().invoke(args=["users", "trust", "ada@example.org"])
        assert result.exit_code == 0 and "Ada Person <ada@example.org> is now trusted." in result.output
        reporter = "ada"
    send(signed_in(app, reporter))
    assert post_status(app) == "hidden"
    assert send(signed_in(app, "ben")).status_code == 409  # already hidden: nothing to add


def test_trust_is_given_and_taken_by_staff_only(app, members):
    with app.app_context():
        ada = Member.get_by_id(members["ada"].id)
        with pytest.raises(NotAllowed):
            reporting.set_trusted(ada, True, by=members["ben"])
        reporting.set_trusted(ada, True, by=members["staff"])
        assert Member.get_by_id(ada.id).trusted
    result = app.test_cli_runner().invoke(args=["users", "trust", "ada@example.org", "--undo"])
    assert result.exit_code == 0 and "no longer trusted" in result.output
    with app.app_context():
        assert not Member.get_by_id(members["ada"].id).trusted
    missing = app.test_cli_runner().invoke(args=["users", "trust", "nobody@example.org"])
    assert missing.exit_code != 0 and "No account has the email nobody@example.org" in missing.output


def _dismissed_reports(app, reporter, count, staff):
    """Give `reporter` a record of `count` dismissed reports, on posts of a throwaway thread."""
    with app.app_context():
        category = Category.get()
        first = posting.start_thread(staff, category, {"title": "Noise", "message": "0"})
        thread = Thread.with_category(first.thread_id)
        for i in range(count):
            post = posting.reply(staff, thread, {"message": f"Post {i}"})
            report = Report.create(
                reporter=reporter, target_type="post", target_id=post.id, subject=staff, reason="spam"
            )
            reporting.resolve(staff, report, "dismissed")


def test_a_member_whose_reports_are_repeatedly_dismissed_stops_counting(app, members, thread):
    with app.app_context():
        staff = Member.get_by_id(members["staff"].id)
        admin = Member.get_by_id(members["admin"].id)
    _dismissed_reports(app, members["ada"], 5, admin)
    for name in ("ada", "ben", "cat"):
        send(signed_in(app, name))
    assert post_status(app) == "visible"  # ada's report reached staff, but did not count
    counted = {r.reporter_id: r.counted for r in reports(app) if r.target_id == 1 and r.target_type == "post"}
    assert counted == {members["ada"].id: False, members["ben"].id: True, members["cat"].id: True}
    send(signed_in(app, "dan"))
    assert post_status(app) == "hidden"
    with app.app_context():
        assert Report.records_of([members["ada"].id]) == {members["ada"].id: (5, 0)}
    assert staff.id


# -- urgent reports ------------------------------------------------------------------------------


def test_an_urgent_report_emails_every_active_staff_member(make_app, cast, make_member, smtp_server):
    app = make_app(MAIL_URL=smtp_server.url)
    author = cast("author", "member", "staff", "admin").author
    make_member("gone@example.org", name="Former Staff", role="staff", status="deleted")
    cast("other")
    with app.app_context():
        posting.start_thread(author, Category.create(name="P", slug="p"), {"title": "Clubs", "message": "Hi"})
    client = signed_in(app, "member")
    send(client, reason="harmful", note="They shared a home address")  # not urgent: no email
    with app.app_context():
        mail.send_due()
    assert smtp_server.messages == []
    send(client, "thread", 1, reason="personal", note="Address in the title", urgent="y")
    with app.app_context():
        assert mail.send_due() == (2, 0)
    assert sorted(m["To"] for m in smtp_server.messages) == ["admin@example.org", "staff@example.org"]
    message = smtp_server.messages[0]
    assert message["Subject"].startswith("Urgent report")
    body = message.get_content()
    assert "Mo Member has sent an urgent report about the thread “Clubs”" in body
    assert "Personal information exposed" in body and "Address in the title" in body
    assert "http://localhost/t/1" in body


def test_marking_a_report_urgent_later_emails_staff_then(app, members, thread, outbox):
    client = signed_in(app, "ada")
    send(client)
    assert outbox() == []
    client.post("/report/post/1", data={"adding": "1", "note": "He threatened her", "urgent": "y"})
    assert sorted(m.to_address for m in outbox()) == ["admin@example.org", "staff@example.org"]


# -- the limits ----------------------------------------------------------------------------------


def test_reports_per_hour_are_limited_and_nothing_is_stored(make_app, cast):
    app = make_app(REPORTS_PER_HOUR=2)
    author = cast("author", "member").author
    with app.app_context():
        first = posting.start_thread(
            author, Category.create(name="P", slug="p"), {"title": "Hello", "message": "1"}
        )
        thread = Thread.with_category(first.thread_id)
        for i in range(3):
            posting.reply(author, thread, {"message": str(i)})
    client = signed_in(app, "member")
    assert send(client, target_id=1).status_code == 302 and send(client, target_id=2).status_code == 302
    for headers in ({}, HTMX):
        response = send(client, target_id=3, note="Keep me", headers=headers)
        assert response.status_code == 429
        html = text(response)
        assert "You have sent 2 reports in the last hour" in html and "Keep me</textarea>" in html
    assert len(reports(app)) == 2
    with app.app_context():  # an hour later the limit has passed
        Report.update(created_at=utcnow() - timedelta(minutes=61)).execute()
    assert send(client, target_id=3).status_code == 302


# -- the reporter's view and staff decisions -------------------------------------------------------


def test_my_reports_lists_status_and_the_outcome_shared(app, members, thread, outbox):
    client = signed_in(app, "ada")
    assert "You haven't reported anything." in text(client.get("/reports"))
    send(client, reason="spam", note="Selling")
    send(client, "thread", thread.id, reason="other", note="Off topic")
    with app.app_context():
        post_report, thread_report = Report.select().order_by(Report.id)
        reporting.resolve(members["staff"], post_report, "actioned", "We removed the advert. Thank you.")
        with pytest.raises(reporting.Conflict):
            reporting.resolve(members["staff"], Report.get_by_id(post_report.id), "dismissed")
        with pytest.raises(NotAllowed):
            reporting.resolve(members["ben"], thread_report, "dismissed")
    html = text(client.get("/reports"))
    assert html.index("The thread “Conversation clubs”") < html.index("A post by Ann Author")
    assert "Action taken" in html and "We removed the advert. Thank you." in html and "Open" in html
    assert "Selling" in html and "Off topic" in html
    (email,) = [m for m in outbox() if m.kind == "report-decided"]
    assert email.to_address == "ada@example.org" and email.subject.startswith("Your report: action taken")
    assert "We removed the advert. Thank you." in email.body_text and "/reports" in email.body_text
    # Nobody else sees them.
    assert "Selling" not in text(signed_in(app, "author").get("/reports"))


def test_dismissing_the_reports_that_hid_a_post_shows_it_again(app, members, thread, outbox):
    for name in ("ada", "ben", "cat"):
        send(signed_in(app, name))
    assert post_status(app) == "hidden"
    with app.app_context():
        decided = reporting.resolve_all(
            members["staff"], "post", 1, "dismissed", "It was a joke between friends."
        )
    assert [r.status for r in decided] == ["dismissed"] * 3 and post_status(app) == "visible"
    assert sorted(m.to_address for m in outbox() if m.kind == "report-decided") == [
        "ada@example.org",
        "ben@example.org",
        "cat@example.org",
    ]
    assert "No action" in text(signed_in(app, "ada").get("/reports"))
    # Decided reports do not count again: new reports start afresh.
    send(signed_in(app, "dan"))
    assert post_status(app) == "visible"


def test_a_decided_report_cannot_be_added_to(app, members, thread):
    client = signed_in(app, "ada")
    send(client)
    with app.app_context():
        reporting.resolve(members["staff"], Report.get(), "dismissed")
    page = text(client.get("/report/post/1"))
    assert "No action" in page and "Add to your note" not in page
    response = client.post("/report/post/1", data={"adding": "1", "note": "Please look again"})
    assert response.status_code == 409 and "already decided" in text(response)


# -- a fixed number of queries -----------------------------------------------------------------


def test_thread_page_with_report_buttons_costs_the_same_whatever_its_length(app, members, count_queries):
    with app.app_context():
        category = Category.create(name="P", slug="p")
        short = posting.start_thread(members["author"], category, {"title": "Short", "message": "1"})
        long = posting.start_thread(members["author"], category, {"title": "Long", "message": "1"})
        for i in range(30):
            posting.reply(members["ben"], Thread.with_category(long.thread_id), {"message": str(i)})
        for post_id in range(long.id + 1, long.id + 10):
            Report.create(
                reporter=members["ada"],
                target_type="post",
                target_id=post_id,
                subject=members["ben"],
                reason="spam",
            )
        Member.update(report_count=9).where(Member.id == members["ada"].id).execute()
    client = signed_in(app, "ada")
    counts = []
    for thread_id, page in ((short.thread_id, 1), (long.thread_id, 1), (long.thread_id, 2)):
        with count_queries() as queries:
            html = text(client.get(f"/t/{thread_id}?page={page}"))
        counts.append(len(queries))
        assert "report-post" in html
    assert counts[0] == counts[1] == counts[2], counts
    assert text(client.get(f"/t/{long.thread_id}?page=1")).count(">Reported</button>") == 9


def test_my_reports_costs_the_same_whatever_its_length(app, members, thread, count_queries):
    client = signed_in(app, "ada")
    counts = []
    for kind, target in (("post", 1), ("thread", thread.id), ("member", members["author"].id), ("post", 2)):
        send(client, kind, target)
        with count_queries() as queries:
            assert client.get("/reports").status_code == 200
        counts.append(len(queries))
    # One more for each kind of item the first time it appears, then no more.
    assert counts[2] == counts[3], counts


def test_members_find_my_reports_from_their_account_page(app, members):
    assert '<a href="/reports">My reports</a>' in text(signed_in(app, "ada").get("/account"))


def test_a_profile_has_a_report_button_for_other_members(app, members):
    author = members["author"].id
    page = text(signed_in(app, "ada").get(f"/members/{author}"))
    assert re.search(rf'<form method="get" action="/report/member/{author}"', page)
    assert f'id="report-member-{author}-button" aria-describedby="profile-name">Report</button>' in page
    assert "/report/member/" not in text(signed_in(app, "author").get(f"/members/{author}"))
    send(signed_in(app, "ada"), "member", author)
    assert ">Reported</button>" in text(signed_in(app, "ada").get(f"/members/{author}"))


def test_the_demo_network_has_a_report_for_staff_to_see(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        (report,) = Report.select()
        assert (report.reason, report.status, report.target_type) == ("promotion", "open", "post")
        assert Post.get_by_id(report.target_id).body_md.startswith("Our volunteer app")
