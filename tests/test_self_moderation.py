"""Self-moderation (issue #9): muting members, hiding and watching threads, My posts, pausing
before a heated post, low-data mode, and My data (export and deleting one's own account)."""

import json
import re

import pytest
from helpers import PASSWORD

from forum.models import Category, LogEntry, Member, Mute, Post, Thread, Watch
from forum.services import moderating, posting, watching

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(app, make_member):
    made = {
        "ann": make_member("ann@example.org", name="Ann Muter"),
        "bob": make_member("bob@example.org", name="Bob Loud"),
        "cat": make_member("cat@example.org", name="Cat Calm"),
        "sam": make_member("sam@example.org", name="Sam Staff", role="staff"),
    }
    with app.app_context():
        Member.update(contact_policy="anyone").execute()
    return made


@pytest.fixture
def category(app):
    with app.app_context():
        return Category.create(name="Practice", slug="practice")


@pytest.fixture
def thread_by(app, people, category):
    def make(who, title="Conversation clubs", message="How do you run yours?"):
        with app.app_context():
            post = posting.start_thread(people[who], category, {"title": title, "message": message})
            return Thread.with_category(post.thread_id)

    return make


def client_for(app, email):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def text(response):
    return response.get_data(as_text=True)


# -- muting --------------------------------------------------------------------------------------


def test_a_muted_members_posts_fold_away_for_the_muter_only(app, people, thread_by):
    thread = thread_by("cat")
    with app.app_context():
        posting.reply(people["bob"], thread, {"message": "Shouty reply from Bob"})
    ann = client_for(app, "ann@example.org")
    response = ann.post(f"/members/{people['bob'].id}/mute", data={"next": f"/t/{thread.id}"})
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{thread.id}"
    page = text(ann.get(f"/t/{thread.id}?page=1"))
    assert page.count('<details class="muted-post">') == 1
    assert "A post by a member you muted: show" in page
    # The words are still there, folded: <details> opens without JavaScript.
    assert "Shouty reply from Bob" in page
    other = text(client_for(app, "cat@example.org").get(f"/t/{thread.id}?page=1"))
    assert "muted-post" not in other and "Shouty reply from Bob" in other
    # Bob is not told: his own view of the thread and of Ann's profile shows nothing of it.
    bob = client_for(app, "bob@example.org")
    bobs_view = text(bob.get(f"/t/{thread.id}?page=1"))
    assert "muted-post" not in bobs_view and "Unmute" not in bobs_view
    assert "You muted" not in text(bob.get(f"/members/{people['ann'].id}"))


def test_mute_and_unmute_from_a_profile_with_htmx(app, people):
    ann = client_for(app, "ann@example.org")
    profile = text(ann.get(f"/members/{people['bob'].id}"))
    assert ">Mute</button>" in profile
    response = ann.post(f"/members/{people['bob'].id}/mute", headers=HTMX)
    assert response.status_code == 200 and ">Unmute</button>" in text(response)
    assert "<html" not in text(response) and "forum:announce" in response.headers["HX-Trigger"]
    assert "Bob Loud" in text(ann.get("/settings/muted"))
    # Twice is the same as once.
    ann.post(f"/members/{people['bob'].id}/mute", headers=HTMX)
    with app.app_context():
        assert Mute.select().count() == 1
    response = ann.post(f"/members/{people['bob'].id}/unmute", headers=HTMX)
    assert ">Mute</button>" in text(response)
    with app.app_context():
        assert Mute.select().count() == 0
    assert "You have muted nobody" in text(ann.get("/settings/muted"))


def test_nobody_mutes_themselves_or_staff(app, people):
    ann = client_for(app, "ann@example.org")
    itself = ann.post(f"/members/{people['ann'].id}/mute")
    assert itself.status_code == 403 and "mute yourself" in text(itself)
    staff = ann.post(f"/members/{people['sam'].id}/mute")
    assert staff.status_code == 403 and "Staff can&#39;t be muted" in text(staff)
    assert ann.post("/members/99999/mute").status_code == 404
    with app.app_context():
        assert Mute.select().count() == 0
    # And no button offers it.
    assert ">Mute</button>" not in text(ann.get(f"/members/{people['sam'].id}"))


def test_a_muted_members_threads_leave_the_muters_lists(app, people, thread_by):
    bobs = thread_by("bob", title="Bob the loud thread")
    cats = thread_by("cat", title="Cat the calm thread")
    ann = client_for(app, "ann@example.org")
    # Ann reads both, then new replies make them unread.
    for thread in (bobs, cats):
        ann.get(f"/t/{thread.id}?page=1")
        with app.app_context():
            posting.reply(people["cat"], thread, {"message": "More"})
    assert "Bob the loud thread" in text(ann.get("/unread"))
    ann.post(f"/members/{people['bob'].id}/mute")
    listing, unread = text(ann.get("/c/practice")), text(ann.get("/unread"))
    assert "Bob the loud thread" not in listing and "Cat the calm thread" in listing
    assert "Bob the loud thread" not in unread and "Cat the calm thread" in unread
    assert "Bob the loud thread" in text(client_for(app, "cat@example.org").get("/c/practice"))


def test_a_muted_member_cannot_send_the_muter_a_contact_request(app, people, outbox):
    client_for(app, "ann@example.org").post(f"/members/{people['bob'].id}/mute")
    bob = client_for(app, "bob@example.org")
    response = bob.post(f"/members/{people['ann'].id}/contact", data={"purpose": "Hello", "message": "Hi"})
    # The same words as for a member who takes no requests: Bob cannot tell he is muted.
    assert response.status_code == 403 and "doesn&#39;t take contact requests" in text(response)
    assert not [m for m in outbox() if m.to == "ann@example.org"]
    # Cat, not muted, still can.
    cat = client_for(app, "cat@example.org")
    assert cat.post(f"/members/{people['ann'].id}/contact", data={"purpose": "Hello"}).status_code == 302


def test_mute_from_a_posts_menu(app, people, thread_by):
    thread = thread_by("bob")
    ann = client_for(app, "ann@example.org")
    page = text(ann.get(f"/t/{thread.id}?page=1"))
    assert f'/members/{people["bob"].id}/mute"' in page
    response = ann.post(f"/members/{people['bob'].id}/mute", data={"next": "/p/1"})
    assert response.headers["Location"] == "/p/1"
    page = text(ann.get(f"/t/{thread.id}?page=1"))
    assert "muted-post" in page and f"/members/{people['bob'].id}/unmute" in page


# -- hiding and watching threads -------------------------------------------------------------------


def test_hide_a_thread_from_ones_lists_and_show_it_again(app, people, thread_by):
    thread = thread_by("cat", title="A thread to hide")
    ann = client_for(app, "ann@example.org")
    response = ann.post(f"/t/{thread.id}/hide")
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{thread.id}"
    assert "A thread to hide" not in text(ann.get("/c/practice"))
    assert "A thread to hide" in text(client_for(app, "bob@example.org").get("/c/practice"))
    # Still readable by its address, with the way back.
    page = text(ann.get(f"/t/{thread.id}?page=1"))
    assert "Show in my lists" in page
    assert "A thread to hide" in text(ann.get("/settings/threads"))
    response = ann.post(f"/t/{thread.id}/show", headers=HTMX)
    assert response.status_code == 200 and "Hide from my lists" in text(response)
    assert "A thread to hide" in text(ann.get("/c/practice"))


def test_starting_or_replying_watches_and_watchers_of_lists_them(app, people, thread_by):
    thread = thread_by("cat")
    with app.app_context():
        posting.reply(people["bob"], thread, {"message": "Me too"})
        posting.reply(people["bob"], thread, {"message": "And again"})
        assert [m.name for m in watching.watchers_of(thread)] == ["Bob Loud", "Cat Calm"]
        assert [m.name for m in watching.watchers_of(thread, exclude=people["bob"])] == ["Cat Calm"]
        assert Watch.select().count() == 2
    ann = client_for(app, "ann@example.org")
    assert ann.post(f"/t/{thread.id}/watch", headers=HTMX).status_code == 200
    bob = client_for(app, "bob@example.org")
    response = bob.post(f"/t/{thread.id}/unwatch")
    assert response.status_code == 302
    with app.app_context():
        assert [m.name for m in watching.watchers_of(thread)] == ["Ann Muter", "Cat Calm"]
    assert "Watch</button>" in text(bob.get(f"/t/{thread.id}?page=1"))
    listed = text(ann.get("/settings/threads"))
    assert "Conversation clubs" in listed and "Stop watching" in listed


def test_a_deleted_member_no_longer_watches(app, people, thread_by):
    thread = thread_by("bob")
    with app.app_context():
        moderating.delete_member(people["sam"], people["bob"], "spam", remove_posts=False, block_email=False)
        assert watching.watchers_of(thread) == []


def test_hiding_a_thread_one_cannot_read_is_not_found(app, people, category):
    with app.app_context():
        secret = Category.create(name="Staff room", slug="staff-room", read_access="members")
        post = posting.start_thread(people["sam"], secret, {"title": "Rota", "message": "Who is on?"})
        Thread.update(status="removed").where(Thread.id == post.thread_id).execute()
    ann = client_for(app, "ann@example.org")
    assert ann.post(f"/t/{post.thread_id}/hide").status_code == 404


# -- my posts ----------------------------------------------------------------------------------------


def test_my_posts_shows_each_posts_state(app, people, thread_by):
    thread = thread_by("ann", message="Opening words")
    with app.app_context():
        edited = posting.reply(people["ann"], thread, {"message": "First draft"})
        posting.edit_post(people["ann"], edited, {"message": "Second draft"}, edited.revision)
        withdrawn = posting.reply(people["ann"], thread, {"message": "Thought better of it"})
        posting.withdraw_post(people["ann"], withdrawn)
        hidden = posting.reply(people["ann"], thread, {"message": "Reported one"})
        Post.update(status="hidden").where(Post.id == hidden.id).execute()
        removed = posting.reply(people["ann"], Thread.get_by_id(thread.id), {"message": "Removed one"})
        moderating.act_on_post(people["sam"], Post.with_thread(removed.id), "remove", "uncivil")
        posting.reply(people["bob"], thread, {"message": "Not Ann's"})
    page = text(client_for(app, "ann@example.org").get("/my/posts"))
    for label in ("Visible", "Edited", "Withdrawn by you", "Hidden while the team reviews reports"):
        assert label in page
    assert "Removed by staff</strong>. Reason given: Disrespectful or uncivil" in page
    assert "Not Ann" not in page
    # Edit and Withdraw are reachable from here, where they apply.
    assert f"/p/{edited.id}/edit" in page and f"/p/{removed.id}/edit" not in page
    assert f"/p/{hidden.id}/withdraw" in page


def test_my_posts_pages_by_keyset_at_a_fixed_cost(app, people, thread_by, count_queries):
    thread = thread_by("ann")
    with app.app_context():
        for i in range(35):
            posting.reply(people["ann"], thread, {"message": f"Reply {i}"})
    ann = client_for(app, "ann@example.org")
    counts = []
    with count_queries() as queries:
        first = text(ann.get("/my/posts"))
    counts.append(len(queries))
    older = re.search(r'href="(/my/posts\?before=\d+)"', first).group(1)
    with count_queries() as queries:
        second = text(ann.get(older))
    counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert "Reply 34" in first and "Reply 34" not in second and "How do you run yours?" in second


# -- pausing before posting ----------------------------------------------------------------------


def test_a_heated_reply_pauses_and_can_be_posted_anyway(app, people, thread_by):
    thread = thread_by("cat")
    bob = client_for(app, "bob@example.org")
    data = {"message": "That is a stupid idea, frankly.", "submission": "s1"}
    response = bob.post(f"/t/{thread.id}/reply", data=data)
    page = text(response)
    assert response.status_code == 200 and "a moment to pause" in page
    assert "“stupid”" in page and "civility, respect" in page and "/help/self-moderation" in page
    assert "That is a stupid idea, frankly." in page and 'name="paused" value="1"' in page
    with app.app_context():
        assert Post.select().count() == 1
    response = bob.post(f"/t/{thread.id}/reply", data={**data, "paused": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert Post.select().count() == 2


def test_capitals_pause_too_and_calm_words_do_not(app, people, thread_by):
    thread = thread_by("cat")
    bob = client_for(app, "bob@example.org")
    shouting = bob.post(f"/t/{thread.id}/reply", data={"message": "WHY DOES NOBODY READ THE RULES"})
    assert "reads as shouting" in text(shouting)
    calm = bob.post(f"/t/{thread.id}/reply", data={"message": "We use NATO and UN guidance here."})
    assert calm.status_code == 302


def test_the_pause_with_htmx_replaces_the_reply_form(app, people, thread_by):
    thread = thread_by("cat")
    bob = client_for(app, "bob@example.org")
    response = bob.post(f"/t/{thread.id}/reply", data={"message": "Shut   up, idiot"}, headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#reply-form" and response.headers["HX-Reswap"] == "outerHTML"
    assert "“idiot”" in text(response) and "“shut up”" in text(response)


def test_a_new_thread_pauses_and_preview_shows_the_reminder(app, people, category):
    bob = client_for(app, "bob@example.org")
    data = {"title": "Complaint", "message": "What a pathetic meeting", "sharing": "credit"}
    assert "a moment to pause" in text(bob.post("/c/practice/new", data=data))
    preview = text(bob.post("/c/practice/new", data={**data, "preview": "1"}))
    assert "a moment to pause" in preview and "Preview" in preview
    assert bob.post("/c/practice/new", data={**data, "paused": "1"}).status_code == 302


def test_the_word_list_comes_from_configuration(make_app, monkeypatch):
    monkeypatch.setenv("FORUM_PAUSE_WORDS", "grumpy, nonsense")
    app = make_app()
    with app.app_context():
        from forum.services.self_moderation import pause_reasons

        assert pause_reasons("Such nonsense") and not pause_reasons("What a stupid idea")


# -- low-data mode -------------------------------------------------------------------------------


def test_low_data_mode_drops_scripts_and_images_and_is_remembered(app, people, thread_by):
    thread = thread_by("cat")
    ann = client_for(app, "ann@example.org")
    assert "<script" in text(ann.get("/"))
    response = ann.post("/settings/low-data", data={"low_data": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert Member.get_by_id(people["ann"].id).low_data is True
    # A fresh sign-in elsewhere remembers it.
    again = client_for(app, "ann@example.org")
    profile = f"/members/{people['cat'].id}"
    paths = ("/", f"/t/{thread.id}?page=1", "/c/practice", profile, "/settings/low-data", "/my/posts")
    for path in paths:
        page = text(again.get(path))
        assert "<script" not in page and "<img" not in page, path
    assert "Low-data mode is <strong>on" in text(again.get("/settings/low-data"))
    again.post("/settings/low-data", data={})
    assert "<script" in text(again.get("/"))
    # Others are unaffected.
    assert "<script" in text(client_for(app, "cat@example.org").get("/"))


def test_turning_low_data_on_with_htmx_reloads_the_whole_page(app, people):
    ann = client_for(app, "ann@example.org")
    response = ann.post("/settings/low-data", data={"low_data": "y"}, headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/settings/low-data"


# -- my data ----------------------------------------------------------------------------------------


def test_export_holds_my_posts_and_nothing_private_of_others(app, people, thread_by):
    thread = thread_by("ann", message="Ann's own words")
    with app.app_context():
        posting.reply(people["bob"], thread, {"message": "Bob's words"})
    cat = client_for(app, "cat@example.org")
    cat.post(f"/members/{people['ann'].id}/contact", data={"purpose": "Mentoring", "message": "Hello Ann"})
    ann = client_for(app, "ann@example.org")
    ann.post(f"/members/{people['bob'].id}/mute")
    response = ann.get("/my/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data())
    assert data["profile"]["email"] == "ann@example.org"
    assert [p["message"] for p in data["posts"]] == ["Ann's own words"]
    assert data["contact_requests"][0]["with"] == "Cat Calm"
    assert data["acceptances"] and data["muted_members"] == ["Bob Loud"]
    raw = response.get_data(as_text=True)
    for private in ("cat@example.org", "bob@example.org", "Bob's words", "password"):
        assert private not in raw
    page = text(ann.get("/my/data"))
    assert "Ann&#39;s own words" in page and "Mentoring" in page and "cat@example.org" not in page


def test_deleting_my_account_needs_my_password(app, people):
    ann = client_for(app, "ann@example.org")
    response = ann.post("/my/delete", data={"posts": "keep", "password": "wrong"})
    assert response.status_code == 422 and "That password is not right" in text(response)
    assert ann.post("/my/delete", data={"password": PASSWORD}).status_code == 422
    with app.app_context():
        assert Member.get_by_id(people["ann"].id).status == "active"
    assert ann.get("/my/data").status_code == 200


def test_deleting_my_account_erases_me_and_keeps_threads_readable(app, people, thread_by):
    thread = thread_by("ann", message="Ann's opening")
    ann = client_for(app, "ann@example.org")
    ann.post("/settings/low-data", data={"low_data": "y"})
    response = ann.post("/my/delete", data={"posts": "keep", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert ann.get("/my/data").status_code == 302  # signed out
    with app.app_context():
        gone = Member.get_by_id(people["ann"].id)
        assert gone.status == "deleted" and gone.email.endswith("@deleted.invalid")
        assert (gone.name, gone.bio_md, gone.region, gone.listed) == ("Former member", "", "", False)
        entry = LogEntry.get(LogEntry.action == "close_account")
        assert "Ann" not in entry.target_label + entry.note and "ann@" not in entry.note
    page = text(client_for(app, "cat@example.org").get(f"/t/{thread.id}?page=1"))
    assert "Ann's opening" in page and "A former member" in page and "Ann Muter" not in page
    # The address is free, and the old password opens nothing.
    assert app.test_client().post(
        "/sign-in", data={"email": "ann@example.org", "password": PASSWORD}
    ).status_code != 302


def test_deleting_my_account_can_withdraw_my_posts(app, people, thread_by):
    thread = thread_by("ann", message="Ann's opening")
    client_for(app, "ann@example.org").post("/my/delete", data={"posts": "withdraw", "password": PASSWORD})
    with app.app_context():
        assert Post.get(Post.thread == thread.id).status == "withdrawn"
    page = text(client_for(app, "cat@example.org").get(f"/t/{thread.id}?page=1"))
    assert "Ann's opening" not in page and "withdrawn by its author" in page


def test_only_an_active_account_is_offered_mute_and_muted(app, people, cast):
    suspended = cast("suspended").suspended
    for who in ("ann@example.org", "sam@example.org"):
        client = client_for(app, who)
        assert ">Mute</button>" not in text(client.get(f"/members/{suspended.id}"))
        assert client.post(f"/members/{suspended.id}/mute").status_code == 404
    with app.app_context():
        assert Mute.select().count() == 0
