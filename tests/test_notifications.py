"""Notifications (issue #10): each kind, muted members producing none, the bell and the page, marking
read, email choices, digests (time controlled), and one-click unsubscribe without signing in."""

import re
from datetime import datetime, timedelta

import pytest
from helpers import signed_in

from forum.models import Category, Member, Mute, OutboxMessage, Post, Thread
from forum.models.notifications import KINDS, Notification, NotificationSetting
from forum.services import contact, documents, moderating, notifying, posting, reporting
from forum.services.report_targets import load_target

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(app, make_member):
    made = {
        "ann": make_member("ann@example.org", name="Ann"),
        "bob": make_member("bob@example.org", name="Bob"),
        "cat": make_member("cat@example.org", name="Cat"),
        "sam": make_member("sam@example.org", name="Sam", role="staff"),
    }
    with app.app_context():
        Member.update(contact_policy="anyone").execute()
    return made


@pytest.fixture
def category(app):
    with app.app_context():
        return Category.create(name="Practice", slug="practice")


def start(app, member, category, message="How do you run yours?"):
    with app.app_context():
        return posting.start_thread(member, category, {"title": "Clubs", "message": message})


def reply(app, member, thread_id, message):
    with app.app_context():
        thread = Thread.with_category(thread_id)
        return posting.reply(Member.get_by_id(member.id), thread, {"message": message})


def told(app, member, kind=None):
    with app.app_context():
        query = Notification.select().where(Notification.recipient == member.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(query.order_by(Notification.id))


def unread(app, member):
    with app.app_context():
        return Member.get_by_id(member.id).unread_notifications


# -- each kind -------------------------------------------------------------------------------------


def test_a_reply_tells_the_watchers_but_not_its_author(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Weekly, in the library.")
    reply(app, people["cat"], first.thread_id, "Same here.")
    replies = [n.text for n in told(app, people["ann"], "reply")]
    assert replies == ["Bob replied in “Clubs”", "Cat replied in “Clubs”"]
    assert [n.text for n in told(app, people["bob"], "reply")] == ["Cat replied in “Clubs”"]
    assert told(app, people["cat"]) == []
    assert unread(app, people["ann"]) == 2


def test_a_mention_tells_the_member_once_not_also_as_a_watcher(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Ask @Ann and @Cat, and `@Sam` in code is no mention.")
    assert [n.kind for n in told(app, people["ann"])] == ["mention"]
    assert [n.kind for n in told(app, people["cat"])] == ["mention"]
    assert told(app, people["sam"]) == []


def test_a_quote_tells_the_quoted_author(app, people, category):
    first = start(app, people["cat"], category)
    reply(app, people["ann"], first.thread_id, "A first answer")
    with app.app_context():
        post = Post.get((Post.thread == first.thread_id) & (Post.number == 2))
        quoted = posting.quote_markdown(post, post.thread)
    reply(app, people["bob"], first.thread_id, quoted + "I agree.")
    assert [n.kind for n in told(app, people["ann"])] == ["quote"]
    assert [n.kind for n in told(app, people["cat"])] == ["reply", "reply"]


def test_contact_requests_and_answers_are_told(app, people):
    # No request context, as from the CLI: the email links are built on FORUM_BASE_URL.
    with app.app_context():
        request = contact.send(people["ann"], people["bob"].id, "Water pumps", "Hello")
    assert [n.text for n in told(app, people["bob"], "contact")] == ["Ann would like to get in touch"]
    with app.app_context():
        contact.accept(Member.get_by_id(people["bob"].id), request.id)
    assert [n.text for n in told(app, people["ann"], "contact")] == ["Bob accepted your contact request"]
    assert len(told(app, people["bob"], "contact")) == 1  # accepting is not news to the one who did it
    with app.app_context():
        other = contact.send(people["cat"], people["bob"].id, "Clubs", "Hi")
        contact.decline(Member.get_by_id(people["bob"].id), other.id)
    assert [n.text for n in told(app, people["cat"], "contact")] == ["Bob declined your contact request"]


def test_report_outcome_and_moderation_are_told(app, people, category):
    first = start(app, people["bob"], category)
    with app.app_context():
        target = load_target(people["ann"], "post", first.id)
        reporting.report(people["ann"], target, {"reason": "spam", "note": "An advert"})
        post = Post.get_by_id(first.id)
        moderating.act_on_post(Member.get_by_id(people["sam"].id), post, "hide", "spam")
    assert [n.kind for n in told(app, people["ann"])] == ["report"]
    assert [n.text for n in told(app, people["bob"], "moderation")] == ["Staff hidden your post in “Clubs”"]


def test_a_charter_update_tells_every_active_member_in_one_insert(app, people, count_queries):
    with app.app_context(), count_queries() as queries:
        documents.publish("charter", "A new charter text", "Clearer words")
    inserts = [q for q in queries if q.lstrip().upper().startswith("INSERT") and "notification" in q]
    assert len(inserts) == 1
    for who in people:
        assert [n.kind for n in told(app, people[who])] == ["charter"]


def test_muted_members_produce_none(app, people, category):
    with app.app_context():
        Mute.create(member=people["ann"].id, muted=people["bob"].id)
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Hello @Ann")
    reply(app, people["cat"], first.thread_id, "Hello")
    assert [n.text for n in told(app, people["ann"])] == ["Cat replied in “Clubs”"]


def test_watchers_are_told_in_a_fixed_number_of_queries(app, make_member, people, category, count_queries):
    first = start(app, people["ann"], category)
    for i in range(12):
        member = make_member(f"w{i}@example.org", name=f"Watcher {i}")
        reply(app, member, first.thread_id, "Me too")
    with app.app_context(), count_queries() as queries:
        thread = Thread.with_category(first.thread_id)
        posting.reply(Member.get_by_id(people["bob"].id), thread, {"message": "A"})
    few = len(queries)
    with app.app_context(), count_queries() as queries:
        thread = Thread.with_category(first.thread_id)
        posting.reply(Member.get_by_id(people["cat"].id), thread, {"message": "B"})
    assert len(queries) <= few + 1  # one more watcher (bob), no more queries
    assert len(told(app, people["ann"], "reply")) == 14


# -- the bell and the page -------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_and_visitors_get_none(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Hi")
    page = signed_in(app, "ann@example.org").get("/").get_data(as_text=True)
    assert re.search(r'id="bell".*?>1<span class="visually-hidden"> unread', page, re.S)
    assert 'data-hx-trigger="every 60s"' in page
    assert 'id="bell"' not in app.test_client().get("/").get_data(as_text=True)


def test_the_polled_bell_answers_a_signed_out_browser_with_nothing_to_swap(app, people):
    assert app.test_client().get("/notifications/bell", headers=HTMX).status_code == 204
    bell = signed_in(app, "ann@example.org").get("/notifications/bell", headers=HTMX)
    assert bell.status_code == 200 and 'id="bell"' in bell.get_data(as_text=True)


def test_no_polling_in_low_data_mode(app, people):
    with app.app_context():
        Member.update(low_data=True).where(Member.id == people["ann"].id).execute()
    page = signed_in(app, "ann@example.org").get("/").get_data(as_text=True)
    assert 'id="bell"' in page and "every 60s" not in page


def test_mark_one_and_all_read_without_and_with_htmx(app, people, category):
    first = start(app, people["ann"], category)
    for who in ("bob", "cat", "bob"):
        reply(app, people[who], first.thread_id, "Hi")
    client = signed_in(app, "ann@example.org")
    one = told(app, people["ann"])[0]
    response = client.post(f"/notifications/{one.id}/read")
    assert response.status_code == 302
    assert unread(app, people["ann"]) == 2
    again = client.post(f"/notifications/{one.id}/read", headers=HTMX)
    assert again.status_code == 200 and unread(app, people["ann"]) == 2  # read twice counts once
    response = client.post("/notifications/read-all", headers=HTMX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'id="notification-list"' in body and 'data-hx-swap-oob="true"' in body
    assert "<html" not in body
    assert unread(app, people["ann"]) == 0
    assert all(n.read_at for n in told(app, people["ann"]))


def test_someone_elses_notification_is_not_found(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Hi")
    one = told(app, people["ann"])[0]
    assert signed_in(app, "cat@example.org").post(f"/notifications/{one.id}/read").status_code == 404
    assert unread(app, people["ann"]) == 1


def test_the_page_costs_the_same_whatever_its_length(app, people, category, count_queries):
    first = start(app, people["ann"], category)
    client = signed_in(app, "ann@example.org")
    reply(app, people["bob"], first.thread_id, "Hi")
    with count_queries() as queries:
        assert client.get("/notifications").status_code == 200
    few = len(queries)
    with app.app_context():
        Notification.insert_many(
            [
                {"recipient": people["ann"].id, "kind": "reply", "text": f"n{i}", "link": "/"}
                for i in range(45)
            ]
        ).execute()
    with count_queries() as queries:
        page = client.get("/notifications").get_data(as_text=True)
    assert len(queries) == few
    assert page.count('class="notification') == 30 and 'rel="next"' in page
    older = re.search(r'href="(/notifications\?before=\d+)"', page).group(1)
    with count_queries() as queries:
        rest = client.get(older).get_data(as_text=True)
    assert len(queries) == few
    assert rest.count('class="notification') == 16 and 'rel="next"' not in rest
    assert client.get("/notifications?before=99999999999999999999").status_code == 200


# -- email -----------------------------------------------------------------------------------------


def emails(app, kind_prefix):
    with app.app_context():
        query = OutboxMessage.select().where(OutboxMessage.kind.startswith(kind_prefix))
        return list(query.order_by(OutboxMessage.id))


def test_a_mention_is_emailed_at_once_with_one_click_unsubscribe(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Ask @Cat")
    [message] = emails(app, "notify-")
    assert message.to_address == "cat@example.org" and message.kind == "notify-mention"
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url in message.body_text
    path = url.split("://", 1)[1].split("/", 1)[1]
    # A mail client's one-click POST: no session, no CSRF token.
    visitor = app.test_client()
    assert visitor.get("/" + path).status_code == 200
    response = visitor.post("/" + path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert notifying.settings_of(people["cat"])["mention"] == "never"
    reply(app, people["bob"], first.thread_id, "Ask @Cat again")
    assert len(emails(app, "notify-")) == 1
    assert len(told(app, people["cat"], "mention")) == 2  # still on the page


@pytest.mark.parametrize("token", ["forged", "WzEsWyJtZW50aW9uIl1d.forged", "x" * 500])
def test_a_forged_unsubscribe_token_is_a_clear_404(app, people, token):
    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(f"/notifications/unsubscribe/{token}")
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)


def test_daily_digest_batches_everything_since_the_last_one(app, people, category, runner):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "One")
    reply(app, people["cat"], first.thread_id, "Two")
    assert emails(app, "digest") == []
    later = (datetime.utcnow() + timedelta(minutes=5)).strftime("%Y-%m-%d %H:%M:%S")
    result = runner.invoke(args=["notifications", "digest", "--period", "daily", "--now", later])
    assert result.exit_code == 0, result.output
    digests = emails(app, "digest-daily")
    assert [d.to_address for d in digests] == ["ann@example.org", "bob@example.org"]
    ann = digests[0]
    assert "Bob replied in “Clubs”" in ann.body_text and "Cat replied in “Clubs”" in ann.body_text
    assert ann.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "2 new notifications" in ann.subject
    # Nothing new: the next digest sends nothing; something new: only that.
    runner.invoke(args=["notifications", "digest", "--now", later])
    assert len(emails(app, "digest-daily")) == 2
    reply(app, people["bob"], first.thread_id, "Three")
    even_later = (datetime.utcnow() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    runner.invoke(args=["notifications", "digest", "--now", even_later])
    latest = {d.to_address: d for d in emails(app, "digest-daily")[2:]}
    assert set(latest) == {"ann@example.org", "cat@example.org"}
    assert "1 new notification ·" in latest["ann@example.org"].subject
    body = latest["ann@example.org"].body_text
    assert "Bob replied" in body and "Cat replied" not in body


def test_what_happens_after_now_waits_for_the_next_digest(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "One")
    with app.app_context():
        assert notifying.send_digests("daily", datetime.utcnow() - timedelta(hours=1)) == 0
        assert notifying.send_digests("weekly", datetime.utcnow() + timedelta(hours=1)) == 0
        assert notifying.send_digests("daily", datetime.utcnow() + timedelta(hours=1)) == 1


def test_settings_page_saves_choices_and_refuses_bad_ones(app, people):
    client = signed_in(app, "ann@example.org")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'id="mention"' in page
    data = dict.fromkeys(KINDS, "never")  # every kind on the page, however many there are
    assert client.post("/notifications/settings", data={**data, "reply": "weekly"}).status_code == 302
    with app.app_context():
        chosen = notifying.settings_of(people["ann"])
        assert chosen["reply"] == "weekly" and chosen["mention"] == "never"
    bad = client.post("/notifications/settings", data={**data, "reply": "hourly"})
    assert bad.status_code == 422
    with app.app_context():
        assert notifying.settings_of(people["ann"])["reply"] == "weekly"
        assert NotificationSetting.select().count() == len(KINDS)


# -- every notification email honours the member's choice (contact, reports, staff actions) -------


def choose(app, member, **choices):
    with app.app_context():
        notifying.choose(member.id, choices)


def assert_unsubscribable(message):
    """A notification email: RFC 8058 headers, and the same link in its body."""
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert "/notifications/unsubscribe/" in url and url in message.body_text
    return url


def test_a_contact_request_email_is_a_notification_with_absolute_links_from_the_cli(app, people):
    base = app.config["BASE_URL"].rstrip("/")
    with app.app_context():  # no request, as from the CLI
        request = contact.send(people["ann"], people["bob"].id, "Water pumps", "Hello Bob")
    [email] = emails(app, "contact-request")
    assert email.to_address == "bob@example.org" and "Hello Bob" in email.body_text
    assert f"{base}/contact/{request.id}" in email.body_text
    url = assert_unsubscribable(email)
    assert url.startswith(base + "/")
    # One click from the mail client: no more contact emails, the requests still reach the bell.
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert app.test_client().post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert notifying.settings_of(people["bob"])["contact"] == "never"
        contact.send(people["cat"], people["bob"].id, "Clubs", "Hi")
    assert len(emails(app, "contact-request")) == 1
    assert len(told(app, people["bob"], "contact")) == 2


def test_a_contact_answer_follows_each_persons_choice(app, people):
    choose(app, people["bob"], contact="never")
    with app.app_context():
        request = contact.send(people["ann"], people["bob"].id, "Water pumps", "Hello")
        contact.accept(Member.get_by_id(people["bob"].id), request.id, share_email=True)
    assert emails(app, "contact-request") == []
    # Ann (immediately, the default) is told, with Bob's address (he shared it); Bob chose never: no copy.
    [accepted] = emails(app, "contact-accepted")
    assert accepted.to_address == "ann@example.org" and "bob@example.org" in accepted.body_text
    assert_unsubscribable(accepted)
    choose(app, people["bob"], contact="immediately")
    with app.app_context():
        again = contact.send(people["cat"], people["bob"].id, "Clubs", "Hi", share_email=True)
        contact.accept(Member.get_by_id(people["bob"].id), again.id)
    copies = {m.to_address: m for m in emails(app, "contact-accepted")[1:]}
    assert set(copies) == {"cat@example.org", "bob@example.org"}
    assert "cat@example.org" in copies["bob@example.org"].body_text
    assert_unsubscribable(copies["bob@example.org"])
    # A "no" is an answer too: emailed at once to a sender who wants contact emails at once.
    choose(app, people["cat"], contact="daily")
    with app.app_context():
        declined = contact.send(people["ann"], people["cat"].id, "Pumps", "Hi")
        contact.decline(Member.get_by_id(people["cat"].id), declined.id)
    [no] = emails(app, "notify-contact")
    assert no.to_address == "ann@example.org" and "Cat declined your contact request" in no.subject
    assert_unsubscribable(no)


def test_contact_requests_wait_for_the_digest_of_a_member_who_chose_one(app, people):
    choose(app, people["bob"], contact="daily")
    with app.app_context():
        contact.send(people["ann"], people["bob"].id, "Water pumps", "Hello")
    assert emails(app, "contact-request") == []
    with app.app_context():
        assert notifying.send_digests("daily", datetime.utcnow() + timedelta(minutes=1)) == 1
    [digest] = emails(app, "digest-daily")
    assert digest.to_address == "bob@example.org"
    assert "Ann would like to get in touch" in digest.body_text
    assert f"{app.config['BASE_URL'].rstrip('/')}/contact/" in digest.body_text
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def report_and_hide(app, people, category):
    first = start(app, people["bob"], category)
    with app.app_context():
        target = load_target(people["ann"], "post", first.id)
        reporting.report(people["ann"], target, {"reason": "spam", "note": "An advert"})
        moderating.act_on_post(Member.get_by_id(people["sam"].id), Post.get_by_id(first.id), "hide", "spam")
    return first


def test_report_outcome_and_staff_action_emails_carry_unsubscribe(app, people, category):
    report_and_hide(app, people, category)
    [decided] = emails(app, "report-decided")
    assert decided.to_address == "ann@example.org" and "taken action" in decided.body_text
    assert_unsubscribable(decided)
    [moderated] = emails(app, "moderation-post")
    assert moderated.to_address == "bob@example.org" and "Reason:" in moderated.body_text
    url = assert_unsubscribable(moderated)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    with app.app_context():
        assert notifying.settings_of(people["bob"])["moderation"] == "never"


def test_report_outcome_and_staff_action_follow_the_choice(app, people, category):
    choose(app, people["ann"], report="weekly")
    choose(app, people["bob"], moderation="never")
    report_and_hide(app, people, category)
    assert emails(app, "report-decided") == [] and emails(app, "moderation-post") == []
    assert [n.kind for n in told(app, people["ann"])] == ["report"]
    assert [n.kind for n in told(app, people["bob"])] == ["moderation"]  # still on the page
    with app.app_context():
        assert notifying.send_digests("weekly", datetime.utcnow() + timedelta(minutes=1)) == 1
    [digest] = emails(app, "digest-weekly")
    assert digest.to_address == "ann@example.org" and "Your report: action taken" in digest.body_text


def test_emails_that_must_reach_the_member_ignore_notification_choices(app, people):
    choose(app, people["bob"], moderation="never", report="never", contact="never")
    with app.app_context():
        sam, bob = Member.get_by_id(people["sam"].id), Member.get_by_id(people["bob"].id)
        moderating.warn_member(sam, bob, "spam", "Please stop.")
        moderating.suspend_member(sam, Member.get_by_id(bob.id), 1, "spam")
    sent = {m.kind: m for m in emails(app, "moderation-")}
    assert {"moderation-warning", "moderation-suspended"} <= set(sent)
    for message in sent.values():
        assert message.to_address == "bob@example.org"
        assert "List-Unsubscribe" not in message.extra_headers


def test_a_reported_contact_request_alerts_staff_with_an_absolute_link_outside_a_request(app, people):
    with app.app_context():
        request = contact.send(people["ann"], people["bob"].id, "Buy my book", "Cheap")
        contact.report(Member.get_by_id(people["bob"].id), request.id)
    [alert] = emails(app, "contact-reported")
    assert alert.to_address == "sam@example.org"
    assert f"{app.config['BASE_URL'].rstrip('/')}/contact/{request.id}" in alert.body_text
    assert "List-Unsubscribe" not in alert.extra_headers  # staff work, not a notification


# -- editing a post to mention or quote someone ----------------------------------------------------


def edit(app, member, post_id, message):
    with app.app_context():
        post = Post.with_thread(post_id)
        return posting.edit_post(Member.get_by_id(member.id), post, {"message": message}, post.revision)


def test_an_edit_tells_only_the_newly_mentioned(app, people, category):
    first = start(app, people["ann"], category, message="Ask @Bob")
    assert [n.kind for n in told(app, people["bob"])] == ["mention"]
    edit(app, people["ann"], first.id, "Ask @Bob or @Cat")
    assert [n.text for n in told(app, people["cat"])] == ["Ann mentioned you in “Clubs”"]
    assert len(told(app, people["bob"])) == 1  # told when first mentioned, not again
    # Taking a mention out and putting it back, or fixing a typo, tells nobody twice.
    edit(app, people["ann"], first.id, "Ask @Bob")
    edit(app, people["ann"], first.id, "Ask @Bob or @Cat, please")
    assert len(told(app, people["cat"])) == 1 and len(told(app, people["bob"])) == 1
    [email] = emails(app, "notify-mention")[-1:]
    assert email.to_address == "cat@example.org"
    assert len(emails(app, "notify-mention")) == 2  # Bob once, Cat once


def test_an_edit_that_adds_a_quote_tells_the_quoted_author(app, people, category):
    first = start(app, people["cat"], category)
    second = reply(app, people["ann"], first.thread_id, "A first answer")
    third = reply(app, people["bob"], first.thread_id, "I agree.")
    assert told(app, people["ann"], "quote") == []
    with app.app_context():
        post = Post.with_thread(second.id)
        quoted = posting.quote_markdown(post, post.thread)
    edit(app, people["bob"], third.id, quoted + "I agree.")
    assert [n.text for n in told(app, people["ann"], "quote")] == ["Bob quoted your post in “Clubs”"]
    edit(app, people["bob"], third.id, quoted + "I agree, very much.")
    assert len(told(app, people["ann"], "quote")) == 1


def test_an_edit_by_a_muted_member_tells_nobody(app, people, category):
    with app.app_context():
        Mute.create(member=people["cat"].id, muted=people["ann"].id)
    first = start(app, people["ann"], category, message="Hello")
    edit(app, people["ann"], first.id, "Hello @Cat")
    assert told(app, people["cat"]) == []


# -- opening a notification marks it read ----------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Hi")
    reply(app, people["cat"], first.thread_id, "Hello")
    one = told(app, people["ann"])[0]
    client = signed_in(app, "ann@example.org")
    page = client.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{one.id}/open"' in page
    response = client.get(f"/notifications/{one.id}/open")
    assert response.status_code == 302 and response.headers["Location"] == one.link
    assert "no-store" in response.headers["Cache-Control"]
    assert unread(app, people["ann"]) == 1 and told(app, people["ann"])[0].read_at is not None
    # Idempotent: opening it again goes to the same place and counts nothing twice.
    assert client.get(f"/notifications/{one.id}/open").headers["Location"] == one.link
    assert unread(app, people["ann"]) == 1
    # Only the owner: anyone else gets 404 and the notification stays unread.
    other = told(app, people["ann"])[1]
    assert signed_in(app, "bob@example.org").get(f"/notifications/{other.id}/open").status_code == 404
    assert app.test_client().get(f"/notifications/{other.id}/open").status_code == 302  # sign in first
    assert told(app, people["ann"])[1].read_at is None and unread(app, people["ann"]) == 1


def test_opening_never_leaves_the_site(app, people):
    with app.app_context():
        made = Notification.create(recipient=people["ann"].id, kind="reply", text="x", link="//evil.example/")
    response = signed_in(app, "ann@example.org").get(f"/notifications/{made.id}/open")
    assert response.headers["Location"] == "/notifications"


# -- my data ---------------------------------------------------------------------------------------


def test_my_data_holds_my_notifications_and_choices(app, people, category):
    first = start(app, people["ann"], category)
    reply(app, people["bob"], first.thread_id, "Hi")
    choose(app, people["ann"], reply="weekly")
    client = signed_in(app, "ann@example.org")
    client.post(f"/notifications/{told(app, people['ann'])[0].id}/read")
    data = client.get("/my/data.json").get_json()
    [item] = data["notifications"]
    assert item["kind"] == "reply" and item["text"] == "Bob replied in “Clubs”"
    assert item["link"].startswith("/p/") and item["read"] and item["created"]
    assert data["notification_settings"]["reply"] == "weekly"
    assert data["notification_settings"]["mention"] == "immediately"  # a default, written out
    assert "bob@example.org" not in client.get("/my/data.json").get_data(as_text=True)
