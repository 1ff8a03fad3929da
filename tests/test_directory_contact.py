"""Contact on the recipient's terms: sending, the limits, accepting, declining and reporting."""

from datetime import timedelta

import pytest
from helpers import link_in

from forum.models import Member, utcnow
from forum.models.directory import ContactRequest
from forum.services import contact, directory

PROFILE = {"contact_policy": "anyone", "listed": "y"}


def set_profile(app, email, **data):
    with app.test_request_context():
        directory.update_profile(Member.by_email(email), {**PROFILE, **data})


@pytest.fixture
def people(app, make_member):
    """Amina takes requests from anyone; Ben is a member; Sam is staff."""
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    sam = make_member("sam@example.org", name="Sam Staff", role="staff")
    set_profile(app, "amina@example.org", contact_note="Mentoring")
    return {"amina": amina.id, "ben": ben.id, "sam": sam.id}


def send(client, to_id, purpose="Sharing our mentoring scheme", message="Hello!", share_email="", **headers):
    data = {"purpose": purpose, "message": message, "share_email": share_email}
    return client.post(f"/members/{to_id}/contact", data=data, headers=headers)


def test_send_a_request_and_the_recipient_is_emailed(client, auth, people, outbox):
    auth.sign_in("ben@example.org")
    profile = client.get(f"/members/{people['amina']}").get_data(as_text=True)
    assert f'href="/members/{people["amina"]}/contact">Contact</a>' in profile
    assert "Happy to be contacted about:</strong> Mentoring" in profile
    form = client.get(f"/members/{people['amina']}/contact").get_data(as_text=True)
    assert '<label for="purpose">Purpose</label>' in form and "amina@example.org" not in form
    response = send(client, people["amina"])
    assert response.status_code == 302
    request = ContactRequest.get()
    assert response.headers["Location"] == f"/contact/{request.id}"
    assert (request.sender_id, request.recipient_id, request.status) == (
        people["ben"],
        people["amina"],
        "pending",
    )
    [email] = [m for m in outbox() if m.kind == "contact-request"]
    assert email.to_address == "amina@example.org"
    assert "Ben Carter would like to get in touch" in email.subject
    assert "Sharing our mentoring scheme" in email.body_text and "Hello!" in email.body_text
    assert "ben@example.org" not in email.body_text  # nobody's address before they accept
    assert link_in(email.body_text) == f"/contact/{request.id}"
    page = client.get(f"/contact/{request.id}").get_data(as_text=True)
    assert "Waiting for an answer" in page and "amina@example.org" not in page


def test_sending_with_htmx_replaces_the_form_in_place(client, auth, people):
    auth.sign_in("ben@example.org")
    response = send(client, people["amina"], **{"HX-Request": "true"})
    assert response.status_code == 200
    assert "Your request is sent" in response.get_data(as_text=True)
    assert "Your request is sent" in response.headers["HX-Trigger"]


@pytest.mark.parametrize(
    "purpose, message, error",
    [
        ("", "Hi", "Say in a line what you would like to talk about."),
        ("   ", "Hi", "Say in a line what you would like to talk about."),
        ("x" * 201, "Hi", "Keep the purpose to 200 characters"),
        ("Fine", "x" * 1001, "Use at most 1,000 characters."),
    ],
)
def test_a_request_needs_a_short_purpose(client, auth, people, purpose, message, error):
    auth.sign_in("ben@example.org")
    response = send(client, people["amina"], purpose=purpose, message=message)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error in page
    assert message[:50] in page  # the member's text is kept
    assert ContactRequest.select().count() == 0


def test_nobody_contacts_themselves_or_someone_who_allows_none(app, client, auth, people):
    auth.sign_in("amina@example.org")
    response = send(client, people["amina"])
    assert response.status_code == 403
    assert "You can&#39;t send a contact request to yourself." in response.get_data(as_text=True)
    assert client.get(f"/members/{people['amina']}/contact").status_code == 403
    auth.sign_out()
    set_profile(app, "amina@example.org", contact_policy="nobody")
    auth.sign_in("ben@example.org")
    profile = client.get(f"/members/{people['amina']}").get_data(as_text=True)
    assert "Amina Yusuf doesn&#39;t take contact requests." in profile and ">Contact</a>" not in profile
    response = send(client, people["amina"])
    assert response.status_code == 403
    assert "Amina Yusuf doesn&#39;t take contact requests." in response.get_data(as_text=True)
    assert ContactRequest.select().count() == 0
    assert send(client, 99999).status_code == 404


def test_shared_means_an_area_of_expertise_or_a_region_in_common(app, client, auth, people):
    set_profile(app, "amina@example.org", contact_policy="shared", region="Wales", new_expertise="Youth work")
    auth.sign_in("ben@example.org")
    response = send(client, people["amina"])
    assert response.status_code == 403
    assert "only from members who share an area of expertise or their region" in response.get_data(
        as_text=True
    )
    set_profile(app, "ben@example.org", region="wales")
    assert send(client, people["amina"]).status_code == 302
    ContactRequest.delete().execute()
    set_profile(app, "ben@example.org", region="London", new_expertise="YOUTH work")
    assert send(client, people["amina"]).status_code == 302


def test_one_open_request_per_pair_either_way(client, auth, people):
    auth.sign_in("ben@example.org")
    assert send(client, people["amina"]).status_code == 302
    again = send(client, people["amina"], purpose="Me again")
    assert again.status_code == 409
    assert "You already have a request waiting for Amina Yusuf" in again.get_data(as_text=True)
    assert "Me again" in again.get_data(as_text=True)  # kept, to send later
    auth.sign_out()
    Member.update(contact_policy="anyone").where(Member.id == people["ben"]).execute()
    auth.sign_in("amina@example.org")
    back = send(client, people["ben"])
    assert back.status_code == 409
    assert "Ben Carter has already sent you a request" in back.get_data(as_text=True)
    assert ContactRequest.select().count() == 1


def test_the_database_keeps_one_open_request_per_pair_even_in_a_race(people):
    from peewee import IntegrityError

    ContactRequest.create(sender=people["ben"], recipient=people["amina"], purpose="One")
    with pytest.raises(IntegrityError):
        ContactRequest.create(sender=people["ben"], recipient=people["amina"], purpose="Two")


def test_a_few_requests_a_day(app, client, auth, people, make_member):
    others = [make_member(f"o{n}@example.org", name=f"Other {n}") for n in range(5)]
    Member.update(contact_policy="anyone").where(Member.email.startswith("o")).execute()
    auth.sign_in("ben@example.org")
    for other in others[:3]:
        assert send(client, other.id).status_code == 302
    refused = send(client, others[3].id)
    assert refused.status_code == 429
    assert "Please wait a day" in refused.get_data(as_text=True)
    assert ContactRequest.select().count() == 3
    # An accepted request was welcome: it does not count against the sender.
    ContactRequest.update(status="accepted").where(ContactRequest.recipient == others[0].id).execute()
    assert send(client, others[3].id).status_code == 302
    assert send(client, others[4].id).status_code == 429
    # A day later the sender may ask again.
    ContactRequest.update(created_at=utcnow() - timedelta(hours=25)).execute()
    assert send(client, others[4].id).status_code == 302


def test_a_declined_request_cannot_be_sent_again_for_30_days(app, client, auth, people, outbox):
    auth.sign_in("ben@example.org")
    send(client, people["amina"])
    request = ContactRequest.get()
    auth.sign_out()
    auth.sign_in("amina@example.org")
    response = client.post(f"/contact/{request.id}/decline")
    assert response.status_code == 302
    # A "no" sends no second request; the sender hears of it as they chose (test_notifications).
    assert [m.kind for m in outbox()].count("contact-request") == 1
    auth.sign_out()
    auth.sign_in("ben@example.org")
    assert "Declined" in client.get("/contact").get_data(as_text=True)
    assert "declined your last request" in client.get(f"/members/{people['amina']}").get_data(as_text=True)
    again = send(client, people["amina"])
    assert again.status_code == 409
    assert "You can ask again from" in again.get_data(as_text=True)
    ContactRequest.update(answered_at=utcnow() - timedelta(days=31)).execute()
    assert send(client, people["amina"]).status_code == 302


def test_accepting_shares_both_emails_with_the_two_people_only(
    app, client, auth, people, outbox, make_member
):
    """When both choose to share them; by default nobody's address is shared (test_conversations)."""
    make_member("cho@example.org", name="Cho Lin")
    auth.sign_in("ben@example.org")
    send(client, people["amina"], share_email="y")
    request = ContactRequest.get()
    assert client.post(f"/contact/{request.id}/accept").status_code == 403  # only the recipient answers
    auth.sign_out()

    auth.sign_in("amina@example.org")
    page = client.get("/contact").get_data(as_text=True)
    assert "From <a" in page and "Ben Carter" in page and ">Accept</button>" in page
    response = client.post(f"/contact/{request.id}/accept", data={"share_email": "y"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ben@example.org" in page and "Accepted" in page and ">Accept</button>" not in page
    assert client.post(f"/contact/{request.id}/decline").status_code == 409  # answered already
    emails = {m.to_address: m for m in outbox() if m.kind == "contact-accepted"}
    assert set(emails) == {"amina@example.org", "ben@example.org"}
    assert "ben@example.org" in emails["amina@example.org"].body_text
    assert "amina@example.org" in emails["ben@example.org"].body_text
    auth.sign_out()

    auth.sign_in("ben@example.org")
    assert "amina@example.org" in client.get(f"/contact/{request.id}").get_data(as_text=True)
    assert "Send a message" in client.get(f"/members/{people['amina']}").get_data(as_text=True)
    auth.sign_out()
    for outsider in ("cho@example.org", "sam@example.org"):
        auth.sign_in(outsider)
        assert client.get(f"/contact/{request.id}").status_code == 404
        assert "amina@example.org" not in client.get(f"/members/{people['amina']}").get_data(
            as_text=True
        ) or (outsider == "sam@example.org")
        auth.sign_out()


def test_answering_in_place_with_htmx(client, auth, people):
    auth.sign_in("ben@example.org")
    send(client, people["amina"], share_email="y")
    request = ContactRequest.get()
    auth.sign_out()
    auth.sign_in("amina@example.org")
    response = client.post(
        f"/contact/{request.id}/accept", data={"heading": "3"}, headers={"HX-Request": "true"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith(f'<article class="card contact-request" id="contact-{request.id}"')
    assert "<h3" in body and "ben@example.org" in body
    assert f'"focus": "#contact-{request.id}"' in response.headers["HX-Trigger"]


def test_reporting_a_request_as_promotion(client, auth, people, outbox):
    auth.sign_in("ben@example.org")
    send(client, people["amina"], purpose="Buy our software", message="Special offer!")
    request = ContactRequest.get()
    assert client.post(f"/contact/{request.id}/report").status_code == 403  # not the sender
    auth.sign_out()
    auth.sign_in("amina@example.org")
    assert client.post(f"/contact/{request.id}/report").status_code == 302
    request = ContactRequest.get()
    assert request.status == "declined" and request.reported_at is not None
    assert client.post(f"/contact/{request.id}/report").status_code == 409
    [alert] = [m for m in outbox() if m.kind == "contact-reported"]
    assert alert.to_address == "sam@example.org" and "Special offer!" in alert.body_text
    auth.sign_out()
    auth.sign_in("sam@example.org")  # staff may now read it, to judge it
    page = client.get(link_in(alert.body_text)).get_data(as_text=True)
    assert "Buy our software" in page and "Reported as unsolicited promotion" in page
    assert "ben@example.org" not in page  # never accepted: no addresses, even for staff here


def test_the_contact_requests_page_costs_the_same_whatever_its_length(
    app, client, auth, people, make_member, count_queries
):
    auth.sign_in("amina@example.org")

    def costs():
        with count_queries() as queries:
            assert client.get("/contact").status_code == 200
        return len(queries)

    def receive(n, start):
        for i in range(start, start + n):
            sender = make_member(f"s{i}@example.org", name=f"Sender {i}")
            ContactRequest.create(sender=sender.id, recipient=people["amina"], purpose=f"Hello {i}")

    receive(1, 0)
    few = costs()
    receive(12, 1)
    assert costs() == few


def test_state_between_two_members_reads_at_most_two_queries(app, people, count_queries):
    ben, amina = Member.get_by_id(people["ben"]), Member.get_by_id(people["amina"])
    with count_queries() as queries:
        state = contact.state_between(ben, amina)
    assert state.may_send and len(queries) <= 2
