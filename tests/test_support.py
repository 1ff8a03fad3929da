"""Contact the team: members' and visitors' requests, the anti-spam checks, My requests, the inbox."""

import time

import pytest

from forum.models import LogEntry
from forum.models.support import SupportReply, SupportRequest
from forum.services import support


def token(app, age=10):
    with app.test_request_context():
        return support.form_token(time.time() - age)


def form(app, age=10, **data):
    return {
        "topic": "charter",
        "message": "What does declared interest mean?",
        "token": token(app, age),
        **data,
    }


@pytest.fixture
def member(cast, auth):
    auth.sign_in(cast("member").member)
    return cast.member


def test_contact_page_for_visitors_has_email_and_honeypot(client):
    page = client.get("/support").get_data(as_text=True)
    assert "<h1>Contact the team</h1>" in page
    assert 'name="email"' in page and 'name="website"' in page and 'name="token"' in page
    assert 'data-hx-post="/support"' in page


def test_member_request_gets_reference_receipt_and_my_requests(app, client, member, outbox):
    response = client.post("/support", data=form(app))
    assert response.status_code == 302
    with app.app_context():
        sent = SupportRequest.get()
    assert response.headers["Location"] == f"/support/requests/{sent.id}"
    assert sent.member_id == member.id and sent.email == "member@example.org"
    (receipt,) = outbox()
    assert receipt.to_address == "member@example.org"
    assert sent.reference in receipt.subject and sent.reference in receipt.body_text
    page = client.get("/support/requests").get_data(as_text=True)
    assert sent.reference in page and "New" in page
    assert "declared interest" in client.get(f"/support/requests/{sent.id}").get_data(as_text=True)


def test_htmx_send_answers_with_the_partial(app, client, member):
    response = client.post("/support", data=form(app), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    assert "REQ-00001" in response.get_data(as_text=True)
    assert "forum:announce" in response.headers["HX-Trigger"]


def test_visitor_request_needs_an_email(app, client, outbox):
    response = client.post("/support", data=form(app))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give an email address" in page and "declared interest" in page
    response = client.post("/support", data=form(app, email="Someone@Example.org"))
    assert response.status_code == 302
    with app.app_context():
        assert SupportRequest.get().member_id is None
    assert outbox()[0].to_address == "someone@example.org"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"message": ""}, "Write your message."),
        ({"message": "x" * 10_000}, "please keep it under 5000"),
        ({"topic": "nonsense"}, "Choose what your message is about."),
    ],
)
def test_bad_messages_are_refused_with_text_kept(app, client, member, outbox, data, message):
    response = client.post("/support", data=form(app, **data))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert outbox() == []


def test_honeypot_and_time_token(app, client, outbox):
    data = form(app, email="bot@example.org", website="http://spam.example")
    response = client.post("/support", data=data)
    assert response.status_code == 422 and "looks automated" in response.get_data(as_text=True)
    response = client.post("/support", data=form(app, age=0, email="fast@example.org"))
    assert response.status_code == 422 and "very quickly" in response.get_data(as_text=True)
    response = client.post("/support", data=form(app, age=2 * 24 * 3600, email="old@example.org"))
    assert response.status_code == 422 and "more than a day old" in response.get_data(as_text=True)
    response = client.post("/support", data={**form(app, email="forged@example.org"), "token": "forged"})
    assert response.status_code == 422
    assert outbox() == []


def test_visitors_are_rate_limited_per_address(app, client):
    for n in range(5):
        assert client.post("/support", data=form(app, email=f"v{n}@example.org")).status_code == 302
    assert client.post("/support", data=form(app, email="v6@example.org")).status_code == 429


def test_members_are_rate_limited_per_account(app, client, member):
    for _ in range(10):
        assert client.post("/support", data=form(app)).status_code == 302
    assert client.post("/support", data=form(app)).status_code == 429


def test_complaint_link_must_be_something_the_sender_can_see(app, client, member):
    data = form(app, topic="complaint_member", link="/t/999")
    response = client.post("/support", data=data)
    assert response.status_code == 422 and "that you can see" in response.get_data(as_text=True)
    data = form(app, topic="complaint_member", link="https://elsewhere.example/t/1")
    assert client.post("/support", data=data).status_code == 422
    data = form(app, topic="complaint_member", link=f"http://localhost/members/{member.id}")
    assert client.post("/support", data=data).status_code == 302


def test_another_members_request_is_404(app, client, cast, member):
    other = cast("other").other
    with app.app_context():
        theirs = SupportRequest.create(member=other.id, email=other.email, topic="other", message="Mine")
    assert client.get(f"/support/requests/{theirs.id}").status_code == 404
    assert "Mine" not in client.get("/support/requests").get_data(as_text=True)


# -- the team's inbox ----------------------------------------------------------------------------


def _request(app, topic="charter", member=None):
    with app.app_context():
        return SupportRequest.create(
            member=member.id if member else None,
            email=member.email if member else "visitor@example.org",
            topic=topic,
            message="Please help",
            admins_only=topic == "complaint_staff",
        )


def test_staff_answer_is_emailed_shown_and_logged(app, client, cast, auth, outbox):
    people = cast("member", "staff")
    someone = people.member
    req = _request(app, member=someone)
    auth.sign_in(cast.staff)
    assert req.reference in client.get("/moderation/support/").get_data(as_text=True)
    response = client.post(f"/moderation/support/{req.id}/answer", data={"body": "", "status": "answered"})
    assert response.status_code == 422 and "Write an answer." in response.get_data(as_text=True)
    data = {"body": "It means saying what you gain.", "status": "answered", "seen_status": "new"}
    response = client.post(f"/moderation/support/{req.id}/answer", data=data)
    assert response.status_code == 302
    (answer,) = outbox()
    assert answer.to_address == someone.email and "what you gain" in answer.body_text
    # A second answer from a page that still shows "new" is refused, and nothing is sent twice.
    response = client.post(f"/moderation/support/{req.id}/answer", data=data)
    assert response.status_code == 409
    assert len(outbox()) == 1
    with app.app_context():
        assert SupportRequest.get_by_id(req.id).status == "answered"
        assert LogEntry.get(LogEntry.action == "answer_support").target_label == req.reference
    auth.sign_out()
    auth.sign_in(someone)
    page = client.get(f"/support/requests/{req.id}").get_data(as_text=True)
    assert "what you gain" in page and "Answered" in page


def test_htmx_answer_returns_the_conversation(app, client, cast, auth):
    cast("staff")
    req = _request(app)
    auth.sign_in(cast.staff)
    data = {"body": "Thanks", "status": "closed", "seen_status": "new"}
    response = client.post(f"/moderation/support/{req.id}/answer", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<div id="conversation"' in body and "<html" not in body
    # Closed: a later answer is refused.
    data["seen_status"] = "closed"
    assert client.post(f"/moderation/support/{req.id}/answer", data=data).status_code == 409


def test_notes_are_for_staff_only_and_assigning_is_logged(app, client, cast, auth):
    people = cast("member", "staff")
    someone, staff = people.member, people.staff
    req = _request(app, member=someone)
    auth.sign_in(cast.staff)
    assert client.post(f"/moderation/support/{req.id}/note", data={"note": "Known member"}).status_code == 302
    assert (
        client.post(f"/moderation/support/{req.id}/assign", data={"assignee": str(staff.id)}).status_code
        == 302
    )
    assert client.post(f"/moderation/support/{req.id}/status", data={"status": "waiting"}).status_code == 302
    page = client.get(f"/moderation/support/{req.id}").get_data(as_text=True)
    assert "Known member" in page
    with app.app_context():
        fresh = SupportRequest.get_by_id(req.id)
        assert fresh.assigned_to_id == staff.id and fresh.status == "waiting"
        assert SupportReply.get().internal
        actions = {e.action for e in LogEntry.select()}
    assert {"note_support", "assign_support", "status_support"} <= actions
    auth.sign_out()
    auth.sign_in(someone)
    assert "Known member" not in client.get(f"/support/requests/{req.id}").get_data(as_text=True)


@pytest.mark.parametrize("assignee", ["99999999999999999999999", "\u00b2", "-1", "nobody"])
def test_assigning_to_no_member_is_refused_and_changes_nothing(app, client, cast, auth, assignee):
    staff = cast("staff").staff
    req = _request(app)
    auth.sign_in(cast.staff)
    client.post(f"/moderation/support/{req.id}/assign", data={"assignee": str(staff.id)})
    response = client.post(f"/moderation/support/{req.id}/assign", data={"assignee": assignee})
    assert response.status_code in (302, 422)
    with app.app_context():
        assert SupportRequest.get_by_id(req.id).assigned_to_id == staff.id


def test_complaint_about_staff_reaches_admins_only(app, client, cast, auth):
    cast("staff", "admin")
    req = _request(app, topic="complaint_staff")
    auth.sign_in(cast.staff)
    assert req.reference not in client.get("/moderation/support/").get_data(as_text=True)
    assert client.get(f"/moderation/support/{req.id}").status_code == 404
    auth.sign_out()
    auth.sign_in(cast.admin)
    assert req.reference in client.get("/moderation/support/").get_data(as_text=True)
    assert client.get(f"/moderation/support/{req.id}").status_code == 200


def test_inbox_filters_by_status_and_topic(app, client, cast, auth):
    cast("staff")
    a = _request(app, topic="account")
    b = _request(app, topic="accessibility")
    auth.sign_in(cast.staff)
    page = client.get("/moderation/support/?topic=account").get_data(as_text=True)
    assert a.reference in page and b.reference not in page
    part = client.get("/moderation/support/?status=closed", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert "<html" not in part and a.reference not in part
