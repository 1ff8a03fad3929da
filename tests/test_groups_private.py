"""Private means private: a group's threads are read by its members and staff, and by nobody else,
wherever content appears. Each test below takes one place content reaches a reader, and shows that
those outside the group (a member who never joined, a former member, a visitor) find nothing of
the group's space there, while the group's members and staff do. Also the group notifications:
a new thread in one's group, and the answer to one's request to join.

The cast (tests/helpers.py): "lead" and "group_member" are in the cast's group, "former_member"
joined and left, "member" and "other" never joined; "staff" read every group.

Every place content can appear -> the test that shows a non-member cannot see it there:
- thread and post addresses (/t/ID, /p/ID, its history, the reply form, a page of the thread)
  -> test_thread_and_post_addresses_are_not_found_outside_the_group
- the space's category page, its new-thread form -> test_the_space_is_not_found_outside_the_group
- the home page's category list (and the latest thread it names, also after a thread is moved
  out of a public category into the space) -> test_the_home_page_lists_the_space_to_those_in_it,
  test_moving_a_thread_into_a_space_takes_its_title_off_the_home_page
- the unread list and the watched list -> test_the_unread_and_watched_lists_keep_to_the_group
- search, by words, by category and by author (SQLite and PostgreSQL: run with
  FORUM_TEST_DATABASE_URL) -> test_search_finds_the_space_only_for_those_in_the_group
- Atom feeds of the space and its threads, signed in and by private token, and the token of a
  member who is later removed -> test_feeds_keep_to_the_group,
  test_a_private_feed_token_stops_showing_the_space_when_its_member_leaves
- notifications: a mention of a non-member -> test_a_mention_tells_group_members_and_nobody_outside;
  a reply to a watcher who has left -> test_a_watcher_who_left_is_not_told_of_replies;
  a quote of a group post -> test_a_quote_is_told_only_to_those_who_may_read_it
- digests, rebuilt at send time -> test_a_digest_leaves_out_what_its_reader_may_no_longer_see,
  test_a_digest_rechecks_visibility_in_a_fixed_number_of_queries
- the notifications page (and marking read, and following a line), for lines received while in
  the group -> test_the_notifications_page_withholds_what_its_reader_may_no_longer_see
- lines about a group's events and about reports in its space (for its leads), in digests and on
  the page -> test_lines_about_a_groups_events_and_reports_go_when_their_reader_leaves
- reply by email -> test_a_former_member_cannot_post_by_replying_to_an_old_email
- quoting -> test_a_group_post_cannot_be_quoted_into_another_thread (the Quote button copies a
  post's text only into a reply in the same thread; any other thread answers 404)
- My data -> test_my_data_holds_my_own_words_from_the_group_and_nothing_of_others
- photos attached to group posts -> test_photos_in_the_space_are_not_found_outside_the_group
- reports -> test_a_group_post_cannot_be_reported_from_outside_the_group
- the public moderation log -> test_the_public_log_names_nothing_of_the_space_to_those_outside,
  test_staff_actions_in_a_space_are_logged_with_its_group
- removal takes effect on the next request -> test_someone_removed_loses_the_space_on_their_next_request
- a group's space cannot be made public by editing its category -> test_a_group_space_stays_members_only
"""

import io
import re
from datetime import timedelta

import pytest
import upload_files as files
from helpers import signed_in, text
from werkzeug.datastructures import FileStorage

from forum.models import Category, GroupRequest, LogEntry, Member, Post, Thread, utcnow
from forum.models.notifications import Notification
from forum.models.outbox import OutboxMessage
from forum.models.uploads import Upload
from forum.services import (
    email_replies,
    feeds,
    groups,
    moderating,
    my_data,
    notifying,
    posting,
    uploads,
)

OUTSIDERS = ("visitor", "member", "former_member")
INSIDERS = ("lead", "group_member", "staff")
# Words that appear in the group's space and nowhere else.
TITLE = "Zebrafinch budget"
WORDS = "quillwort"
GROUP_REPLY = "Quillwort costs rose again; the lead's draft is attached."
FORMER_REPLY = "My own quillwort notes, written while I was in the group."
DOMAIN = "reply.example.org"


def fresh(member):
    return Member.get_by_id(member.id) if member is not None else None


@pytest.fixture
def app(make_app):
    return make_app(REPLY_DOMAIN=DOMAIN)


@pytest.fixture
def space(app, cast):
    """The group's space, with a thread the lead started, a reply by a group member and one by
    the former member, written while they were still in the group; and a public thread."""
    cast(*INSIDERS, "member", "other", "former_member", "visitor")
    with app.app_context():
        room = Category.get(Category.group == cast.group)
        public = Category.create(name="Practice", slug="practice")
        opening = posting.start_thread(
            fresh(cast.lead), room, {"title": TITLE, "message": f"Our {WORDS} budget for the spring."}
        )
        thread = Thread.with_category(opening.thread_id)
        reply = posting.reply(fresh(cast.group_member), thread, {"message": GROUP_REPLY})
        groups.add_member(cast.group, fresh(cast.former_member))
        former = posting.reply(fresh(cast.former_member), thread, {"message": FORMER_REPLY})
        groups.leave(fresh(cast.former_member), cast.group)
        open_thread = posting.start_thread(
            fresh(cast.member), public, {"title": "Open practice", "message": "Anyone may read this."}
        )
        return {
            "slug": room.slug,
            "room": room.id,
            "thread": thread.id,
            "opening": opening.id,
            "reply": reply.id,
            "former": former.id,
            "public_thread": open_thread.thread_id,
            "public_post": open_thread.id,
        }


def readers(app, cast, parts):
    for who in parts:
        yield who, signed_in(app, cast[who])


def leaks(body: str) -> list[str]:
    return [w for w in (TITLE, WORDS, "Quillwort", "ESOL Practice") if w in body]


def refused(who, response) -> bool:
    """Not found, as for what does not exist; or, for a visitor at a members' form, sent to sign
    in (which says nothing of what is there)."""
    if response.status_code == 302 and who == "visitor":
        return "/sign-in" in response.location
    return response.status_code == 404 and not leaks(text(response))


# -- addresses and lists ---------------------------------------------------------------------------


def test_thread_and_post_addresses_are_not_found_outside_the_group(app, cast, space):
    t, p = space["thread"], space["reply"]
    paths = (f"/t/{t}", f"/t/{t}?page=1", f"/p/{p}", f"/p/{p}/history", f"/t/{t}/reply")
    for who, client in readers(app, cast, OUTSIDERS):
        for path in paths:
            assert refused(who, client.get(path)), (who, path)
        # Nor does acting on it confirm it exists.
        for action in ("watch", "hide"):
            assert refused(who, client.post(f"/t/{t}/{action}")), (who, action)
    for who, client in readers(app, cast, INSIDERS):
        assert TITLE in text(client.get(f"/t/{t}?page=1")), who
        assert client.get(f"/p/{p}").status_code == 302, who


def test_the_space_is_not_found_outside_the_group(app, cast, space):
    slug = space["slug"]
    for who, client in readers(app, cast, OUTSIDERS):
        assert refused(who, client.get(f"/c/{slug}")), who
        assert refused(who, client.get(f"/c/{slug}/new")), who
        sneaking = {"title": "Sneaking in", "message": "Hi"}
        assert refused(who, client.post(f"/c/{slug}/new", data=sneaking)), who
    with app.app_context():
        assert not Thread.select().where(Thread.title == "Sneaking in").exists()
    for who, client in readers(app, cast, INSIDERS):
        assert TITLE in text(client.get(f"/c/{slug}")), who


def test_the_home_page_lists_the_space_to_those_in_it(app, cast, space):
    for who, client in readers(app, cast, OUTSIDERS):
        body = text(client.get("/"))
        assert "Open practice" in body, who
        assert not leaks(body), who
    for who, client in readers(app, cast, INSIDERS):
        body = text(client.get("/"))
        assert "ESOL Practice" in body and TITLE in body, who


def test_moving_a_thread_into_a_space_takes_its_title_off_the_home_page(app, cast, space):
    with app.app_context():
        thread = Thread.with_category(space["public_thread"])
        moderating.move_thread(fresh(cast.staff), thread, Category.get_by_id(space["room"]))
        practice = Category.get(Category.slug == "practice")
        assert practice.last_thread_id is None and practice.thread_count == 0
        assert Category.get_by_id(space["room"]).last_thread_id == thread.id
    body = text(signed_in(app, cast.other).get("/"))
    assert "Open practice" not in body
    assert "Open practice" in text(signed_in(app, cast.group_member).get("/"))


def test_the_unread_and_watched_lists_keep_to_the_group(app, cast, space):
    """The former member watched the thread and read it to their own reply: a newer reply is
    unread for them, and it stays off their lists."""
    with app.app_context():
        thread = Thread.with_category(space["thread"])
        posting.reply(fresh(cast.lead), thread, {"message": "One more thing."})
        for who in ("member", "other"):  # outsiders who watch and read it, as if they once could
            moderating_watch(cast[who], thread)
    for path in ("/unread", "/settings/threads"):
        for who, client in readers(app, cast, ("member", "former_member")):
            assert not leaks(text(client.get(path))), (who, path)
        assert TITLE in text(signed_in(app, cast.group_member).get(path)), path


def moderating_watch(member, thread):
    """A watch and a reading position made directly, as if the member had once read the thread."""
    from forum.models import ReadState, Watch

    Watch.insert(member=member.id, thread=thread.id).on_conflict_ignore().execute()
    ReadState.insert(member=member.id, thread=thread.id, last_read=1).on_conflict_ignore().execute()


# -- search ----------------------------------------------------------------------------------------


def hits(client, query: str) -> list[int]:
    response = client.get("/search" + query)
    assert response.status_code == 200, response.status_code
    return [int(i) for i in re.findall(r'<h2><a href="/p/(\d+)"', text(response))]


def test_search_finds_the_space_only_for_those_in_the_group(app, cast, space):
    group_posts = {space["opening"], space["reply"], space["former"]}
    queries = (
        f"?q={WORDS}",
        f"?q=zebrafinch&category={space['slug']}",
        "?order=date",
        "?author=Gil+Group",
        "?author=Fay+Former",
    )
    for who, client in readers(app, cast, OUTSIDERS):
        for query in queries:
            found = set(hits(client, query))
            assert not found & group_posts, (who, query)
            body = text(client.get("/search" + query))
            assert TITLE not in body and "budget for the spring" not in body, (who, query)
    for who, client in readers(app, cast, INSIDERS):
        assert set(hits(client, f"?q={WORDS}")) == group_posts, who
        assert set(hits(client, f"?q=zebrafinch&category={space['slug']}")) == {space["opening"]}, who


# -- feeds -----------------------------------------------------------------------------------------


def test_feeds_keep_to_the_group(app, cast, space):
    paths = (f"/c/{space['slug']}/feed.atom", f"/t/{space['thread']}/feed.atom")
    for who, client in readers(app, cast, OUTSIDERS):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 404 and not leaks(text(response)), (who, path)
        assert not leaks(text(client.get("/c/practice/feed.atom"))), who
    for who, client in readers(app, cast, INSIDERS):
        for path in paths:
            assert WORDS in text(client.get(path)), (who, path)


def test_a_private_feed_token_stops_showing_the_space_when_its_member_leaves(app, cast, space):
    visitor = app.test_client()
    with app.app_context():
        token = feeds.new_token(fresh(cast.group_member))
        outsider_token = feeds.new_token(fresh(cast.other))
    paths = (f"/c/{space['slug']}/feed.atom", f"/t/{space['thread']}/feed.atom")
    for path in paths:
        assert WORDS in text(visitor.get(f"{path}?token={token}")), path
        assert visitor.get(f"{path}?token={outsider_token}").status_code == 404, path
    with app.app_context():
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Left the organisation")
    for path in paths:
        response = visitor.get(f"{path}?token={token}")
        assert response.status_code == 404 and not leaks(text(response)), path
    # The token still opens what the member may read.
    assert "Open practice" in text(visitor.get(f"/c/practice/feed.atom?token={token}"))


# -- notifications and digests ---------------------------------------------------------------------


def told(member, kind=None):
    query = Notification.select().where(Notification.recipient == member.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(query)


def mails_to(member, kind=None):
    query = OutboxMessage.select().where(OutboxMessage.to_address == member.email)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(query.order_by(OutboxMessage.id))


def test_a_mention_tells_group_members_and_nobody_outside(app, cast, space):
    with app.app_context():
        thread = Thread.with_category(space["thread"])
        posting.reply(
            fresh(cast.lead),
            thread,
            {"message": f"{WORDS}: @[Gil Group], @[Mo Member], @[Fay Former] and @[Sam Staff], a look?"},
        )
        for who in ("member", "former_member"):
            assert told(cast[who], "mention") == [], who
            assert not [m for m in mails_to(cast[who]) if leaks(m.subject + m.body_text)], who
        for who in ("group_member", "staff"):
            [notice] = told(cast[who], "mention")
            assert TITLE in notice.text, who
            assert mails_to(cast[who], "notify-mention"), who


def test_a_watcher_who_left_is_not_told_of_replies(app, cast, space):
    with app.app_context():
        notifying.choose(cast.former_member.id, {"reply": "immediately"})
        notifying.choose(cast.group_member.id, {"reply": "immediately"})
        thread = Thread.with_category(space["thread"])
        new = posting.reply(fresh(cast.lead), thread, {"message": "A new reply."})
        assert told(cast.former_member) == []
        assert mails_to(cast.former_member) == []
        assert [n.link for n in told(cast.group_member, "reply")][-1] == f"/p/{new.id}"
        assert mails_to(cast.group_member, "notify-reply")


def test_a_quote_is_told_only_to_those_who_may_read_it(app, cast, space):
    """A quote written by hand in a public thread, linking to a group post: the post's author is
    not told of it (a public thread quoting a private post would be the group's words in public,
    and the author would be invited to read them there)."""
    with app.app_context():
        public = Thread.with_category(space["public_thread"])
        forged = f"> **[Gil Group wrote](/p/{space['reply']})** (x):\n>\n> made up\n\nWhat do you think?"
        posting.reply(fresh(cast.member), public, {"message": forged})
        assert told(cast.group_member, "quote") == []
        # Quoting in the group's own thread tells them.
        thread = Thread.with_category(space["thread"])
        quote = posting.quote_markdown(Post.with_thread(space["reply"]), thread)
        posting.reply(fresh(cast.lead), thread, {"message": quote + "Agreed."})
        assert len(told(cast.group_member, "quote")) == 1


def test_the_notifications_page_withholds_what_its_reader_may_no_longer_see(app, cast, space):
    """Told of a reply while in the group, then removed: the line stays on their page, without the
    thread's title or a link to it; marking it read answers with the same."""
    with app.app_context():
        thread = Thread.with_category(space["thread"])
        posting.reply(fresh(cast.lead), thread, {"message": "Budget agreed."})
        public = Thread.with_category(space["public_thread"])
        posting.reply(fresh(cast.member), public, {"message": "Hello @[Gil Group], see this."})
        [group_line] = [n for n in told(cast.group_member, "reply") if TITLE in n.text][-1:]
    client = signed_in(app, cast.group_member)
    assert TITLE in text(client.get("/notifications"))
    with app.app_context():
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Moved on")
    body = text(client.get("/notifications"))
    assert "Open practice" in body and "About something you can no longer see" in body
    assert not leaks(body) and f"/t/{space['thread']}" not in body
    marked = client.post(f"/notifications/{group_line.id}/read", headers={"HX-Request": "true"})
    assert marked.status_code == 200 and not leaks(text(marked))
    followed = client.get(f"/notifications/{group_line.id}/open")
    assert followed.status_code == 302 and "/p/" not in followed.location
    assert not leaks(text(client.post("/notifications/read-all", headers={"HX-Request": "true"})))
    with app.app_context():
        assert TITLE in Notification.get_by_id(group_line.id).text  # the row itself is kept


def test_a_digest_leaves_out_what_its_reader_may_no_longer_see(app, cast, space):
    with app.app_context():
        notifying.send_digests("daily", utcnow() + timedelta(seconds=1))  # what the story queued
        OutboxMessage.delete().execute()
        notifying.choose(cast.group_member.id, {"reply": "daily", "mention": "daily"})
        thread = Thread.with_category(space["thread"])
        posting.reply(fresh(cast.lead), thread, {"message": "Budget agreed."})
        public = Thread.with_category(space["public_thread"])
        posting.reply(fresh(cast.member), public, {"message": "Hello @[Gil Group], see this."})
        assert Notification.select().where(Notification.digest == "daily").count() == 2
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Moved on")
        assert notifying.send_digests("daily", utcnow() + timedelta(seconds=1)) == 1
        [digest] = mails_to(cast.group_member, "digest-daily")
        assert "Open practice" in digest.body_text
        assert not leaks(digest.subject + digest.body_text)
        assert "1 new notification" in digest.subject
        # A digest with nothing left to say is not sent at all.
        notifying.choose(cast.lead.id, {"reply": "daily"})
        posting.reply(fresh(cast.staff), thread, {"message": "Noted."})
        groups.add_member(cast.group, fresh(cast.other), lead=True)
        groups.remove_member(fresh(cast.staff), cast.group, cast.lead.id, "Stepped back")
        assert notifying.send_digests("daily", utcnow() + timedelta(seconds=1)) == 0
        assert mails_to(cast.lead, "digest-daily") == []
        # Each line is sent once: the rows are cleared either way.
        assert not Notification.select().where(Notification.digest != "").exists()


def test_lines_about_a_groups_events_and_reports_go_when_their_reader_leaves(app, cast, space):
    """A group's event (a line linking to the event) and a report in its space (a line linking to
    the group's reports, for its leads), told while in the group: once out of it, neither is in the
    digest nor shown on the notifications page."""
    from events_support import form

    from forum.services import events, reporting
    from forum.services.report_targets import load_target

    with app.app_context():
        notifying.send_digests("daily", utcnow() + timedelta(seconds=1))  # what the story queued
        OutboxMessage.delete().execute()
        notifying.choose(cast.group_member.id, {"event": "daily"})
        notifying.choose(cast.lead.id, {"group_reports": "daily"})
        events.create_event(fresh(cast.lead), Category.get_by_id(space["room"]), form(title="Quillwort walk"))
        target = load_target(fresh(cast.staff), "post", space["reply"])
        reporting.report(fresh(cast.staff), target, {"reason": "uncivil", "note": "Rude."})
        assert [n.kind for n in told(cast.group_member, "event")] == ["event"]
        assert [n.kind for n in told(cast.lead, "group_reports")] == ["group_reports"]
        groups.add_member(cast.group, fresh(cast.other), lead=True)
        for who in ("group_member", "lead"):
            groups.remove_member(fresh(cast.staff), cast.group, cast[who].id, "Moved on")
        notifying.send_digests("daily", utcnow() + timedelta(seconds=1))
        for who in ("group_member", "lead"):
            # The removal's own statement of reasons names the group they were in, and only that.
            mails = [m for m in mails_to(cast[who]) if m.kind != "moderation-group"]
            sent = "".join(m.subject + m.body_text for m in mails)
            assert "Quillwort walk" not in sent and not leaks(sent), who
    for who in ("group_member", "lead"):
        body = text(signed_in(app, cast[who]).get("/notifications"))
        assert "Quillwort walk" not in body and not leaks(body), who
        assert "About something you can no longer see" in body, who


def test_a_digest_rechecks_visibility_in_a_fixed_number_of_queries(app, cast, space, count_queries):
    def queue(n):
        with app.app_context():
            thread = Thread.with_category(space["thread"])
            public = Thread.with_category(space["public_thread"])
            for i in range(n):
                posting.reply(fresh(cast.lead), thread, {"message": f"Group reply {i}"})
                posting.reply(fresh(cast.member), public, {"message": f"Public reply {i}"})

    def sent():
        """The digests, sent after the group member left: their group lines are left out."""
        with app.app_context():
            groups.leave(fresh(cast.group_member), cast.group)
            with count_queries() as queries:
                notifying.send_digests("daily", utcnow() + timedelta(seconds=1))
            [digest] = mails_to(cast.group_member, "digest-daily")[-1:]
            assert "Open practice" in digest.body_text and not leaks(digest.body_text)
            groups.add_member(cast.group, fresh(cast.group_member))
        return len(queries)

    with app.app_context():
        notifying.send_digests("daily", utcnow() + timedelta(seconds=1))  # what the story queued
        for who in ("group_member", "staff", "other"):
            notifying.choose(cast[who].id, {"reply": "daily"})
        moderating_watch(cast.other, Thread.get_by_id(space["public_thread"]))
        moderating_watch(cast.staff, Thread.get_by_id(space["public_thread"]))
        moderating_watch(cast.group_member, Thread.get_by_id(space["public_thread"]))
    queue(1)
    few = sent()
    queue(4)
    many = sent()
    assert many == few


# -- reply by email, quoting, my data --------------------------------------------------------------


def a_reply(address, sender, body="I would like to add to this."):
    from email.message import EmailMessage
    from email.utils import make_msgid

    message = EmailMessage()
    message["From"] = sender
    message["To"] = address
    message["Subject"] = "Re: a thread"
    message["Message-ID"] = make_msgid()
    message.set_content(body)
    return message.as_bytes()


def test_a_former_member_cannot_post_by_replying_to_an_old_email(app, cast, space):
    with app.app_context():
        thread = Thread.with_category(space["thread"])
        posting.reply(fresh(cast.lead), thread, {"message": "@[Gil Group] can you check the figures?"})
        [notice] = mails_to(cast.group_member, "notify-mention")
        address = notice.extra_headers["Reply-To"]
        groups.leave(fresh(cast.group_member), cast.group)
        before = Post.select().count()
        outcome = email_replies.receive(a_reply(address, cast.group_member.email))
        assert outcome.outcome == "refused"
        assert Post.select().count() == before
        [answer] = mails_to(cast.group_member, "reply-refused")
        assert TITLE not in answer.subject + answer.body_text
        assert f"/t/{space['thread']}" not in answer.body_text
        # Their own words come back to them, so nothing they wrote is lost.
        assert "I would like to add to this." in answer.body_text


def test_a_group_post_cannot_be_quoted_into_another_thread(app, cast, space):
    """The Quote button fills the reply form of the post's own thread: quoting a post into any
    other thread answers 404, so a private post's text never reaches a public thread by it."""
    public, private = space["public_thread"], space["thread"]
    for who in ("member", "group_member", "staff"):
        client = signed_in(app, cast[who])
        response = client.get(f"/t/{public}/reply?quote={space['reply']}")
        assert response.status_code == 404, who
        assert GROUP_REPLY not in text(response), who
    inside = signed_in(app, cast.group_member)
    assert "Quillwort costs rose" in text(inside.get(f"/t/{private}/reply?quote={space['reply']}"))


def test_my_data_holds_my_own_words_from_the_group_and_nothing_of_others(app, cast, space):
    with app.app_context():
        data = my_data.export(fresh(cast.former_member))
    dumped = repr(data)
    [mine] = [p for p in data["posts"] if p["id"] == space["former"]]
    assert mine["message"] == FORMER_REPLY
    assert GROUP_REPLY not in dumped and "budget for the spring" not in dumped
    # The thread it was in is named by the group, not by its title, now they are out of it.
    assert TITLE not in dumped
    with app.app_context():
        inside = repr(my_data.export(fresh(cast.group_member)))
    assert TITLE in inside and GROUP_REPLY in inside


# -- photos, reports, the moderation log -----------------------------------------------------------


def test_photos_in_the_space_are_not_found_outside_the_group(app, cast, space):
    with app.app_context():
        thread = Thread.with_category(space["thread"])
        photo = uploads.Photo(
            FileStorage(io.BytesIO(files.image_bytes()), filename="plan.jpg"), alt_text="The zebrafinch plan"
        )
        post = posting.reply(fresh(cast.group_member), thread, {"message": "The plan."}, photo=photo)
        upload = Upload.get(Upload.post == post.id)
    urls = [f"/photos/{upload.name}/{size}" for size in ("thumb", "display")]
    for who, client in readers(app, cast, OUTSIDERS):
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        assert refused(who, client.get(f"/report/photo/{upload.id}")), who
    for who, client in readers(app, cast, INSIDERS):
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)


def test_a_group_post_cannot_be_reported_from_outside_the_group(app, cast, space):
    targets = (f"/report/post/{space['reply']}", f"/report/thread/{space['thread']}")
    for who, client in readers(app, cast, ("member", "former_member")):
        for target in targets:
            response = client.get(target)
            assert response.status_code == 404 and not leaks(text(response)), (who, target)
            response = client.post(target, data={"reason": "spam", "note": "?"})
            assert response.status_code == 404, (who, target)
    from forum.models.reports import Report

    with app.app_context():
        assert Report.select().count() == 0
    inside = signed_in(app, cast.lead)
    assert inside.get(f"/report/post/{space['reply']}").status_code == 200


def log_rows(client) -> str:
    body = text(client.get("/moderation-log"))
    return body[body.index("<tbody>") : body.index("</tbody>")] if "<tbody>" in body else ""


def test_the_public_log_names_nothing_of_the_space_to_those_outside(app, cast, space):
    with app.app_context():
        moderating.act_on_post(fresh(cast.staff), Post.with_thread(space["reply"]), "hide", "spam")
        moderating.set_locked(fresh(cast.staff), Thread.with_category(space["thread"]), True, "spam")
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Not a teacher")
        public = Thread.with_category(space["public_thread"])
        moderating.set_pinned(fresh(cast.staff), public, True)
    for who in ("member", "former_member", "group_member"):  # group_member was just removed
        rows = log_rows(signed_in(app, cast[who]))
        assert "Open practice" in rows, who
        assert not leaks(rows), who
        assert "Gil Group" not in rows, who
        assert f"/t/{space['thread']}" not in rows, who
        assert rows.count("Something in a private group") == 3, who
    for who in ("lead", "staff"):
        rows = log_rows(signed_in(app, cast[who]))
        assert TITLE in rows and f"/t/{space['thread']}" in rows, who
        assert "Gil Group from ESOL Practice" in rows, who
        assert "Something in a private group" not in rows, who
    staff_log = text(signed_in(app, cast.staff).get("/moderation/log"))
    assert TITLE in staff_log and "Gil Group" in staff_log


def test_staff_actions_in_a_space_are_logged_with_its_group(app, cast, space):
    group_id = cast.group.id
    with app.app_context():
        staff = fresh(cast.staff)
        moderating.act_on_post(staff, Post.with_thread(space["reply"]), "hide", "spam")
        thread = Thread.with_category(space["thread"])
        moderating.set_pinned(staff, thread, True)
        moderating.move_thread(staff, thread, Category.get(Category.slug == "practice"))
        moved_out = Thread.with_category(space["thread"])
        moderating.move_thread(staff, moved_out, Category.get_by_id(space["room"]))
        public = Thread.with_category(space["public_thread"])
        moderating.set_locked(staff, public, True, "spam")
        logged = {e.action: e.group_id for e in LogEntry.select().order_by(LogEntry.id)}
    assert logged == {
        "hide_post": group_id,
        "pin_thread": group_id,
        "move_thread": group_id,
        "lock_thread": None,
    }


# -- removal ---------------------------------------------------------------------------------------


def test_a_group_space_stays_members_only(app, cast, space):
    from forum.errors import Invalid
    from forum.services import categories

    with app.app_context():
        data = {"name": "ESOL Practice", "description": "", "read_access": "public", "post_access": "members"}
        with pytest.raises(Invalid, match="group's space"):
            categories.update_category(space["room"], data)
        assert Category.get_by_id(space["room"]).read_access == "members"
        categories.update_category(space["room"], {**data, "read_access": "members", "name": "ESOL room"})


def test_someone_removed_loses_the_space_on_their_next_request(app, cast, space):
    client = signed_in(app, cast.group_member)
    assert client.get(f"/t/{space['thread']}?page=1").status_code == 200
    with app.app_context():
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Left the organisation")
    for path in (f"/t/{space['thread']}", f"/c/{space['slug']}", f"/c/{space['slug']}/feed.atom"):
        assert client.get(path).status_code == 404, path
    assert not leaks(text(client.get("/")))
    assert space["reply"] not in hits(client, f"?q={WORDS}")


# -- the group notifications -----------------------------------------------------------------------


def test_a_new_thread_in_a_group_tells_its_members(app, cast, space):
    with app.app_context():
        notifying.choose(cast.group_member.id, {"group_thread": "immediately"})
        room = Category.get_by_id(space["room"])
        meeting = {"title": "Spring meeting", "message": "When?"}
        opening = posting.start_thread(fresh(cast.lead), room, meeting)
        [notice] = [n for n in told(cast.group_member, "group_thread") if "Spring meeting" in n.text]
        assert "Spring meeting" in notice.text and "ESOL Practice" in notice.text
        assert notice.link == f"/t/{opening.thread_id}"
        [mail] = mails_to(cast.group_member, "notify-group_thread")
        assert "Spring meeting" in mail.subject
        # Not the author, nobody outside, nor staff who are not in it.
        for who in ("lead", "member", "former_member", "staff", "other"):
            assert not [n for n in told(cast[who], "group_thread") if "Spring meeting" in n.text], who
        # A thread in a public category tells nobody of it.
        practice = Category.get(Category.slug == "practice")
        posting.start_thread(fresh(cast.group_member), practice, {"title": "Open", "message": "x"})
        assert not Notification.select().where(Notification.text.contains("“Open”")).exists()


def test_a_new_thread_in_a_group_waits_for_the_digest_by_default(app, cast, space):
    with app.app_context():
        room = Category.get_by_id(space["room"])
        posting.start_thread(fresh(cast.lead), room, {"title": "Spring meeting", "message": "When?"})
        [notice] = [n for n in told(cast.group_member, "group_thread") if "Spring meeting" in n.text]
        assert notice.digest == "daily"
        assert mails_to(cast.group_member, "notify-group_thread") == []


def test_the_answer_to_a_request_to_join_tells_the_member(app, cast, space):
    with app.app_context():
        request = groups.ask(fresh(cast.member), cast.group, "I teach ESOL.")
        groups.answer(fresh(cast.lead), cast.group, request.id, approve=True)
        [notice] = told(cast.member, "group_request")
        assert "ESOL Practice" in notice.text and "approved" in notice.text
        assert notice.link == f"/groups/{cast.group.slug}"
        assert mails_to(cast.member, "notify-group_request")
        request = groups.ask(fresh(cast.other), cast.group)
        groups.answer(fresh(cast.lead), cast.group, request.id, approve=False)
        [notice] = told(cast.other, "group_request")
        assert "declined" in notice.text
        assert GroupRequest.get_by_id(request.id).status == "declined"


def test_the_settings_page_offers_the_group_kinds(app, cast, space):
    body = text(signed_in(app, cast.member).get("/notifications/settings"))
    assert "New threads in your groups" in body
    assert "Answers to your requests to join groups" in body
