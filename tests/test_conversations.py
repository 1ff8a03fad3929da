"""Private conversations after an accepted contact request: starting one from a profile, sending
with and without JavaScript, unread counts, notifications and reply by email, leaving, blocking,
muting, reporting to staff (who otherwise cannot read conversations), limits, suspensions, deleted
accounts and My data; and the bad input each must answer clearly without changing anything."""

import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from helpers import PASSWORD, link_in, signed_in, text

from forum.models import LogEntry, Member, Mute, OutboxMessage, utcnow
from forum.models.conversations import Conversation, Participant, PrivateMessage
from forum.models.directory import ContactRequest
from forum.models.notifications import Notification
from forum.models.reports import Report
from forum.services import conversations, email_replies, my_data, notifying

DOMAIN = "reply.example.org"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def app(make_app):
    return make_app(REPLY_DOMAIN=DOMAIN)


@pytest.fixture
def people(app, make_member):
    """Amina and Ben are in touch (Ben accepted Amina's request); Cho is another member, Sam staff."""
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    cho = make_member("cho@example.org", name="Cho Lin")
    sam = make_member("sam@example.org", name="Sam Staff", role="staff")
    ContactRequest.create(
        sender=amina, recipient=ben, purpose="Mentoring", status="accepted", answered_at=utcnow()
    )
    return {"amina": amina, "ben": ben, "cho": cho, "sam": sam}


def start(client, to, message="Hello Ben, about the **mentoring** scheme.", **headers):
    return client.post(f"/messages/with/{to.id}", data={"message": message}, headers=headers)


def send(client, conversation_id, message="And another thing.", **headers):
    return client.post(f"/messages/{conversation_id}", data={"message": message}, headers=headers)


def reload(member):
    return Member.get_by_id(member.id)


def emails(kind, to=None):
    query = OutboxMessage.select().where(OutboxMessage.kind == kind)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return list(query.order_by(OutboxMessage.id))


def conversation_of(people):
    return Conversation.between(people["amina"].id, people["ben"].id)


@pytest.fixture
def talking(app, people):
    """Amina has sent Ben a first message: (the conversation, Amina's client, Ben's client)."""
    amina = signed_in(app, people["amina"])
    assert start(amina, people["ben"]).status_code == 302
    return conversation_of(people), amina, signed_in(app, people["ben"])


# -- starting, sending, reading ------------------------------------------------------------------


def test_a_conversation_starts_from_the_profile_once_a_request_is_accepted(app, people):
    amina = signed_in(app, people["amina"])
    profile = text(amina.get(f"/members/{people['ben'].id}"))
    assert f'href="/messages/with/{people["ben"].id}">Send a message</a>' in profile
    page = text(amina.get(f"/messages/with/{people['ben'].id}"))
    assert "Conversation with" in page and "Ben Carter" in page and "Staff cannot read it" in page
    assert '<label for="message">Message</label>' in page and ">Send</button>" in page
    assert Conversation.select().count() == 0  # opening the form makes nothing

    response = start(amina, people["ben"])
    conversation = conversation_of(people)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/messages/{conversation.id}#message-1"
    page = text(amina.get(f"/messages/{conversation.id}"))
    assert "<strong>mentoring</strong>" in page and '<span class="post-author">You</span>' in page
    # Ben sees it from his side too: the link on Amina's profile, and a second visit goes straight there.
    ben = signed_in(app, people["ben"])
    assert "Send a message" in text(ben.get(f"/members/{people['amina'].id}"))
    again = ben.get(f"/messages/with/{people['amina'].id}")
    assert again.status_code == 302 and again.headers["Location"] == f"/messages/{conversation.id}"


def test_sending_marks_the_other_unread_until_they_read_it(app, people, talking):
    conversation, amina, ben = talking
    send(amina, conversation.id, "Second")
    send(amina, conversation.id, "Third")
    assert reload(people["ben"]).unread_messages == 3
    header = text(ben.get("/"))
    assert re.search(
        r'id="messages-link"[^>]*>Messages <span class="badge">3<span class="visually-hidden"> unread', header
    )
    listing = text(ben.get("/messages"))
    assert "Amina Yusuf" in listing and "3 unread" in listing
    # One notification for the conversation, however many messages: the bell counts news, not lines.
    assert Notification.select().where(Notification.kind == "message").count() == 1
    assert reload(people["ben"]).unread_notifications == 1

    page = text(ben.get(f"/messages/{conversation.id}"))
    assert page.count("new-marker") == 3
    ben_now = reload(people["ben"])
    assert (ben_now.unread_messages, ben_now.unread_notifications) == (0, 0)
    assert "3 unread" not in text(ben.get("/messages"))
    assert 'class="badge"' not in text(ben.get("/messages")).split('id="messages-link"')[1].split("</a>")[0]
    # Amina's own messages never count for her.
    assert reload(people["amina"]).unread_messages == 0


def test_with_htmx_the_message_is_appended_and_the_form_cleared(app, people, talking):
    conversation, amina, _ = talking
    response = send(amina, conversation.id, "In place", **HTMX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<article class="post pm" id="message-2"')
    assert 'id="message-form"' in body and 'data-hx-swap-oob="true"' in body and "In place" in body
    assert (
        '"focus": "#message"' in response.headers["HX-Trigger"]
        and "Your message is sent." in response.headers["HX-Trigger"]
    )
    # The form comes back empty, with a new submission key.
    form = body.split('id="message-form"', 1)[1]
    assert "In place" not in form


def test_the_first_message_with_htmx_gives_the_page_the_conversations_address(app, people):
    amina = signed_in(app, people["amina"])
    response = start(amina, people["ben"], "First, in place", **HTMX)
    conversation = conversation_of(people)
    assert response.status_code == 200
    assert response.headers["HX-Replace-Url"] == f"/messages/{conversation.id}"
    assert f'action="/messages/{conversation.id}"' in text(response)


def test_the_same_form_sent_twice_sends_one_message(app, people, talking):
    conversation, amina, _ = talking
    for _ in range(2):
        assert (
            amina.post(
                f"/messages/{conversation.id}", data={"message": "Once", "submission": "abc123"}
            ).status_code
            == 302
        )
    assert PrivateMessage.select().where(PrivateMessage.body_md == "Once").count() == 1


def test_markdown_is_sanitised_like_posts(app, people, talking):
    conversation, amina, ben = talking
    send(amina, conversation.id, "<script>alert(1)</script> [x](javascript:alert(2)) **ok**")
    page = text(ben.get(f"/messages/{conversation.id}"))
    body = page.split('id="message-2"', 1)[1].split("</article>", 1)[0]
    assert "<script" not in body and 'href="javascript' not in body and "<strong>ok</strong>" in body


# -- who may, and bad input ----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["pending", "declined", None])
def test_no_message_without_an_accepted_request(app, people, status):
    ContactRequest.update(status=status or "declined").execute()
    if status is None:
        ContactRequest.delete().execute()
    amina = signed_in(app, people["amina"])
    assert "Send a message" not in text(amina.get(f"/members/{people['ben'].id}"))
    page = amina.get(f"/messages/with/{people['ben'].id}")
    assert page.status_code == 403
    assert "once one of you has accepted the other&#39;s contact request" in text(page)
    response = start(amina, people["ben"])
    assert response.status_code == 403
    assert Conversation.select().count() == 0 and PrivateMessage.select().count() == 0


def test_nobody_else_reads_or_writes_in_a_conversation(app, people, talking):
    conversation, _, _ = talking
    for who in ("cho", "sam"):
        client = signed_in(app, people[who])
        assert client.get(f"/messages/{conversation.id}").status_code == 404
        response = send(client, conversation.id, "Let me in")
        assert response.status_code == 404 and "There is no such conversation." in text(response)
        assert client.post(f"/messages/{conversation.id}/block").status_code == 404
        assert "Amina" not in text(client.get("/messages"))
    assert signed_in(app, None).get(f"/messages/{conversation.id}").status_code == 302
    assert PrivateMessage.select().count() == 1
    assert signed_in(app, people["cho"]).get("/messages/99999").status_code == 404


@pytest.mark.parametrize(
    "message, error",
    [
        ("", "Write a message before sending it."),
        ("   \n  ", "Write a message before sending it."),
        ("y" * 10_001, "A message can be up to 10,000 characters; this one has 10,001."),
    ],
)
def test_empty_or_too_long_is_refused_with_the_text_kept(app, people, talking, message, error):
    conversation, amina, _ = talking
    response = send(amina, conversation.id, message)
    assert response.status_code == 422
    page = text(response)
    assert error in page and message.strip()[:50] in page
    assert "Conversation with" in page  # the whole page again, without JavaScript
    htmx = send(amina, conversation.id, message, **HTMX)
    assert htmx.status_code == 422 and htmx.headers["HX-Retarget"] == "#message-form"
    assert error in text(htmx) and "<html" not in text(htmx)
    assert PrivateMessage.select().count() == 1


def test_a_forged_post_is_refused_before_anything_happens(make_app, make_member):
    app = make_app(WTF_CSRF_ENABLED=True)
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    ContactRequest.create(sender=amina, recipient=ben, purpose="Mentoring", status="accepted")
    client = app.test_client()
    html = text(client.get("/sign-in"))
    token = html.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    client.post("/sign-in", data={"email": amina.email, "password": PASSWORD, "csrf_token": token})
    for data in ({"message": "Forged"}, {"message": "Forged", "csrf_token": "forged"}):
        response = client.post(f"/messages/with/{ben.id}", data=data)
        assert response.status_code == 400 and "The form may have expired" in text(response)
    assert Conversation.select().count() == 0 and PrivateMessage.select().count() == 0


def test_sending_quickly_is_slowed_like_posting_with_the_text_kept(make_app, make_member):
    app = make_app(POST_INTERVAL=60, NEW_MEMBER_POST_INTERVAL=60)
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    ContactRequest.create(sender=ben, recipient=amina, purpose="Mentoring", status="accepted")
    client = signed_in(app, amina)
    assert start(client, ben, "First").status_code == 302
    response = start(client, ben, "Too soon, kept")
    assert response.status_code == 429
    assert "please wait" in text(response) and "Too soon, kept" in text(response)
    assert PrivateMessage.select().count() == 1


def test_an_hourly_cap(make_app, make_member):
    app = make_app(MESSAGES_PER_HOUR=2)
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    ContactRequest.create(sender=ben, recipient=amina, purpose="Mentoring", status="accepted")
    client = signed_in(app, amina)
    assert start(client, ben, "One").status_code == 302
    assert start(client, ben, "Two").status_code == 302
    response = start(client, ben, "Three")
    assert response.status_code == 429 and "the most we take in an hour" in text(response)
    assert PrivateMessage.select().count() == 2


# -- leaving, blocking, muting -------------------------------------------------------------------


def test_blocking_closes_it_and_the_other_is_told_only_that_it_is_closed(app, people, talking):
    conversation, amina, ben = talking
    response = ben.post(f"/messages/{conversation.id}/block")
    assert response.status_code == 302
    assert "You blocked Amina Yusuf here" in text(ben.get(response.headers["Location"]))
    page = text(amina.get(f"/messages/{conversation.id}"))
    assert "This conversation is closed." in page and "blocked" not in page
    refused = send(amina, conversation.id, "Are you there?")
    assert refused.status_code == 409
    assert "This conversation is closed." in text(refused) and "Are you there?" in text(refused)
    assert "blocked" not in text(refused)
    assert "Closed" in text(amina.get("/messages"))
    # Ben can't write either, until he reopens it.
    assert send(ben, conversation.id, "Hm").status_code == 409
    assert ben.post(f"/messages/{conversation.id}/block").status_code == 409
    assert ben.post(f"/messages/{conversation.id}/reopen").status_code == 302
    assert send(amina, conversation.id, "Thanks for reopening").status_code == 302
    assert PrivateMessage.select().count() == 2


def test_leaving_takes_it_out_of_the_list_and_reopening_brings_it_back(app, people, talking):
    conversation, amina, ben = talking
    assert "Amina Yusuf" in text(ben.get("/messages"))
    send(amina, conversation.id, "Unread when he leaves")
    assert reload(people["ben"]).unread_messages == 2
    response = ben.post(f"/messages/{conversation.id}/leave")
    assert reload(people["ben"]).unread_messages == 0  # nothing left counting for a conversation not listed
    assert response.status_code == 302 and response.headers["Location"] == "/messages"
    assert "You left the conversation with Amina Yusuf" in text(ben.get("/messages"))  # said once
    assert "Amina Yusuf" not in text(ben.get("/messages"))
    assert "This conversation is closed." in text(amina.get(f"/messages/{conversation.id}"))
    assert send(amina, conversation.id).status_code == 409
    # Ben finds it again from Amina's profile, and reopens it.
    found = ben.get(f"/messages/with/{people['amina'].id}")
    assert found.headers["Location"] == f"/messages/{conversation.id}"
    assert "You left this conversation" in text(ben.get(found.headers["Location"]))
    ben.post(f"/messages/{conversation.id}/reopen")
    assert send(amina, conversation.id).status_code == 302


def test_muting_folds_messages_away_and_silences_them(app, people, talking, outbox):
    conversation, amina, ben = talking
    Mute.create(member=people["ben"], muted=people["amina"])
    before = len(outbox())
    unread = reload(people["ben"]).unread_messages
    send(amina, conversation.id, "While muted")
    assert reload(people["ben"]).unread_messages == unread  # not counted
    assert len(outbox()) == before  # not emailed
    page = text(ben.get(f"/messages/{conversation.id}"))
    assert "A message from a member you muted: show" in page and "While muted" in page
    assert "Muted by you" in text(ben.get("/messages"))


# -- notifications and reply by email ------------------------------------------------------------


def test_a_message_is_emailed_at_once_with_a_reply_address(app, people, talking):
    conversation, amina, _ = talking
    [email] = emails("message", "ben@example.org")
    assert "Amina Yusuf sent you a message" in email.subject
    assert "Hello Ben, about the **mentoring** scheme." in email.body_text
    assert link_in(email.body_text) == f"/messages/{conversation.id}"
    assert email.extra_headers["Reply-To"].endswith("@" + DOMAIN)
    assert "List-Unsubscribe" in email.extra_headers
    # The second message while the first is unread: emailed, but no second notification.
    send(amina, conversation.id)
    assert len(emails("message", "ben@example.org")) == 2
    assert Notification.select().where(Notification.kind == "message").count() == 1


def test_messages_follow_the_members_choice_of_digest(app, people):
    with app.app_context():
        notifying.choose(people["ben"].id, {"message": "daily"})
    amina = signed_in(app, people["amina"])
    start(amina, people["ben"])
    assert emails("message") == []
    with app.test_request_context():
        notifying.send_digests("daily")
    [digest] = emails("digest-daily", "ben@example.org")
    assert "Amina Yusuf sent you a message" in digest.body_text
    assert "Private messages" in text(signed_in(app, people["ben"]).get("/notifications/settings"))


def _reply(app, to_address, sender, body):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to_address
    message["Subject"] = "Re: Amina Yusuf sent you a message"
    message["Message-ID"] = make_msgid()
    message.set_content(body + "\n\nOn Monday Amina wrote:\n> Hello Ben\n")
    with app.app_context():
        return email_replies.receive(message.as_bytes(), recipient=to_address)


def test_replying_to_the_email_answers_in_the_conversation(app, people, talking):
    conversation, _, ben = talking
    [email] = emails("message", "ben@example.org")
    outcome = _reply(app, email.extra_headers["Reply-To"], "ben@example.org", "Yes, let's talk on Friday.")
    assert outcome.outcome == "posted"
    [answer] = list(PrivateMessage.select().where(PrivateMessage.author == people["ben"].id))
    assert answer.body_md == "Yes, let's talk on Friday." and answer.conversation_id == conversation.id
    assert reload(people["amina"]).unread_messages == 1
    # A stranger with the address posts nothing; a closed conversation refuses, with the text back.
    assert _reply(app, email.extra_headers["Reply-To"], "cho@example.org", "Me too").outcome == "refused"
    ben.post(f"/messages/{conversation.id}/block")
    refused = _reply(app, email.extra_headers["Reply-To"], "ben@example.org", "After blocking")
    assert refused.outcome == "refused" and "You blocked Amina Yusuf" in refused.reason
    told = emails("message-refused", "ben@example.org")
    assert "not the verified email address" in told[0].body_text and "After blocking" in told[1].body_text
    assert PrivateMessage.select().count() == 2


# -- reporting -----------------------------------------------------------------------------------


def test_a_reported_message_reaches_staff_with_the_messages_around_it_and_nothing_else(
    app, people, talking, outbox
):
    conversation, amina, ben = talking
    for n in range(2, 12):
        send(amina, conversation.id, f"Message number {n}")
    reported = PrivateMessage.get(PrivateMessage.number == 8)
    staff = signed_in(app, people["sam"])
    assert staff.get(f"/moderation/messages/{reported.id}").status_code == 404  # not reported yet
    assert staff.get(f"/messages/m/{reported.id}").status_code == 404

    page = text(ben.get(f"/messages/{conversation.id}"))
    assert f'action="/report/message/{reported.id}"' in page and 'aria-describedby="message-8-by"' in page
    assert f"/report/message/{PrivateMessage.get(PrivateMessage.number == 1).id}" in page
    form = ben.get(f"/report/message/{reported.id}")
    assert form.status_code == 200 and "Send report" in text(form)
    response = ben.post(f"/report/message/{reported.id}", data={"reason": "uncivil", "urgent": "y"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/messages/m/{reported.id}"
    assert (
        ben.get(response.headers["Location"]).headers["Location"] == f"/messages/{conversation.id}#message-8"
    )
    [report] = list(Report.select())
    assert (report.target_type, report.subject_id) == ("message", people["amina"].id)
    assert "Reported" in text(ben.get(f"/messages/{conversation.id}"))
    # Amina can't report her own; Cho can't report what he cannot see.
    assert amina.post(f"/report/message/{reported.id}", data={"reason": "uncivil"}).status_code == 403
    assert signed_in(app, people["cho"]).get(f"/report/message/{reported.id}").status_code == 404
    [alert] = [m for m in outbox() if m.kind == "report-urgent"]
    assert "a private message by Amina Yusuf" in alert.body_text
    send(amina, conversation.id, "Written after the report")

    # Staff: the queue, then the message with five either side, as they were when it was reported.
    queue = text(staff.get("/moderation/"))
    assert "Private message by Amina Yusuf" in queue and "Message number 8" in queue
    assert staff.get(link_in(alert.body_text)).headers["Location"] == f"/moderation/messages/{reported.id}"
    review = text(staff.get(f"/moderation/messages/{reported.id}"))
    shown = re.findall(r"Message number (\d+)", review)
    assert shown == [str(n) for n in range(3, 12)] and "Hello Ben" not in review
    assert "Written after the report" not in review and "Staff see a private conversation only" in review
    assert staff.get(f"/messages/{conversation.id}").status_code == 404  # still not the conversation

    response = staff.post(
        f"/moderation/messages/{reported.id}/dismiss", data={"outcome_note": "Robust, not uncivil"}
    )
    assert response.status_code == 302
    assert Report.get().status == "dismissed"
    assert LogEntry.get(LogEntry.target_type == "message").target_label == "A private message"
    assert staff.post(f"/moderation/messages/{reported.id}/dismiss").status_code == 409
    assert "Dismiss</button>" not in text(staff.get(f"/moderation/messages/{reported.id}"))
    assert "A private message by Amina Yusuf" in text(ben.get("/reports"))


def test_the_queue_dismisses_a_message_in_place(app, people, talking):
    conversation, amina, ben = talking
    message = PrivateMessage.get()
    ben.post(f"/report/message/{message.id}", data={"reason": "promotion"})
    staff = signed_in(app, people["sam"])
    response = staff.post(f"/moderation/messages/{message.id}/dismiss", data={"queue": "1"}, headers=HTMX)
    assert response.status_code == 200 and f'id="queue-message-{message.id}"' in text(response)
    assert "Private message by" not in text(staff.get("/moderation/"))


# -- suspensions, deleted accounts, My data ------------------------------------------------------


def test_a_suspended_members_conversations_are_read_only(app, people, talking):
    conversation, amina, ben = talking
    from datetime import timedelta

    Member.update(
        status="suspended", suspended_until=utcnow() + timedelta(days=3), suspension_reason="x"
    ).where(Member.id == people["amina"].id).execute()
    page = text(amina.get(f"/messages/{conversation.id}"))
    assert "Hello Ben" in page and "your conversations are read-only until it ends" in page
    assert 'id="message-form" class="reply-form"' not in page
    refused = send(amina, conversation.id, "While suspended")
    assert refused.status_code == 403 and "read-only" in text(refused)
    other = send(ben, conversation.id, "To a suspended member")
    assert other.status_code == 409 and "This conversation is read-only for now." in text(other)
    assert PrivateMessage.select().count() == 1


def test_a_deleted_account_leaves_the_other_their_copy_under_former_member(app, people, talking):
    conversation, amina, ben = talking
    send(ben, conversation.id, "Ben's answer")
    with app.test_request_context():
        my_data.delete_own_account(reload(people["amina"]), PASSWORD, keep_posts=False)
    page = text(ben.get(f"/messages/{conversation.id}"))
    assert "Conversation with a former member" in page and "A former member" in page
    assert "Hello Ben" in page and "Amina" not in page
    assert "This conversation is closed." in page
    assert send(ben, conversation.id).status_code == 409
    assert "A former member" in text(ben.get("/messages"))


def test_my_data_holds_the_members_conversations(app, people, talking):
    conversation, amina, ben = talking
    send(ben, conversation.id, "Ben's answer")
    with app.test_request_context():
        exported = my_data.export(reload(people["amina"]))
    [mine] = exported["conversations"]
    assert mine["with"] == "Ben Carter"
    assert [(m["from"], m["message"]) for m in mine["messages"]] == [
        ("you", "Hello Ben, about the **mentoring** scheme."),
        ("Ben Carter", "Ben's answer"),
    ]
    with app.test_request_context():
        assert my_data.export(reload(people["cho"]))["conversations"] == []


# -- email addresses are shared by choice --------------------------------------------------------


def test_accepting_no_longer_shares_addresses_unless_chosen(app, people, outbox):
    cho = signed_in(app, people["cho"])
    Member.update(contact_policy="anyone").where(
        Member.id.in_([people["ben"].id, people["amina"].id])
    ).execute()
    cho.post(f"/members/{people['ben'].id}/contact", data={"purpose": "Housing advice"})
    cho.post(f"/members/{people['amina'].id}/contact", data={"purpose": "Youth work", "share_email": "y"})
    to_ben, to_amina = list(
        ContactRequest.select().where(ContactRequest.sender == people["cho"].id).order_by(ContactRequest.id)
    )
    ben = signed_in(app, people["ben"])
    assert ben.post(f"/contact/{to_ben.id}/accept").status_code == 302
    page = text(ben.get(f"/contact/{to_ben.id}"))
    assert "cho@example.org" not in page and "ben@example.org" not in page and "Send a message" in page
    accepted = {m.to_address: m.body_text for m in outbox() if m.kind == "contact-accepted"}
    assert "ben@example.org" not in accepted["cho@example.org"]
    assert f"/messages/with/{people['ben'].id}" in accepted["cho@example.org"]

    amina = signed_in(app, people["amina"])
    amina.post(f"/contact/{to_amina.id}/accept", data={"share_email": "y"})
    page = text(signed_in(app, people["cho"]).get(f"/contact/{to_amina.id}"))
    assert "amina@example.org" in page and "cho@example.org" in page


# -- what pages cost -----------------------------------------------------------------------------


def test_the_messages_page_and_a_conversation_cost_the_same_whatever_their_length(
    app, people, make_member, count_queries
):
    amina = signed_in(app, people["amina"])
    start(amina, people["ben"])
    conversation = conversation_of(people)

    def costs(path):
        with count_queries() as queries:
            assert amina.get(path).status_code == 200
        return len(queries)

    few = (costs("/messages"), costs(f"/messages/{conversation.id}"))
    for n in range(8):
        other = make_member(f"m{n}@example.org", name=f"Member {n}")
        ContactRequest.create(sender=other, recipient=people["amina"], purpose="Hi", status="accepted")
        start(amina, other, f"Hello {n}")
    for n in range(12):
        send(amina, conversation.id, f"More {n}")
    assert (costs("/messages"), costs(f"/messages/{conversation.id}")) == few


def test_reading_a_conversation_with_news_costs_a_fixed_number_of_queries(
    app, people, talking, count_queries
):
    conversation, amina, ben = talking

    def costs():
        with count_queries() as queries:
            assert ben.get(f"/messages/{conversation.id}").status_code == 200
        return len(queries)

    send(amina, conversation.id)
    one = costs()
    for n in range(6):
        send(amina, conversation.id, f"News {n}")
    assert costs() == one


def test_a_page_of_earlier_messages(app, people, talking):
    conversation, amina, ben = talking
    with app.test_request_context():
        view = conversations.conversation_for(reload(people["amina"]), conversation.id)
        for n in range(60):
            PrivateMessage.create(
                conversation=conversation.id,
                author=people["amina"].id,
                number=n + 2,
                body_md=f"Old {n}",
                body_html=f"<p>Old {n}</p>",
            )
        Conversation.update(message_count=61).where(Conversation.id == conversation.id).execute()
        view = conversations.conversation_for(reload(people["amina"]), conversation.id)
        shown = conversations.page(view)
    assert len(shown.messages) == 50 and shown.messages[-1].number == 61 and shown.earlier == 12
    page = text(ben.get(f"/messages/{conversation.id}?before=12"))
    assert "Hello Ben" in page and "Latest messages" in page and 'id="message-form"' not in page
    assert Participant.select().count() == 2
