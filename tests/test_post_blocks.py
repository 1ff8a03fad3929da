"""The thread page's kept post blocks (forum/blueprints/threads/kept_blocks.py): a page drawn from them
is the page drawn afresh, for every kind of viewer, and no change to a post, its author or the
viewer's marks ever shows a stale block, nor revalidates an old page with 304."""

import re

import pytest
from helpers import PASSWORD, signed_in, text
from test_threads import category, make_thread, members  # noqa: F401 (fixtures)

from forum.blueprints.threads.kept_blocks import block_cache
from forum.models import Category, Member, Post, ReadState, Thread
from forum.services import moderating, posting, reporting, self_moderation, watching

TOKEN = re.compile(
    r'(X-CSRFToken": "|name="csrf_token" value="|name="submission" type="hidden" value=")[^"]+'
)


def same(html: str) -> str:
    """The page without what changes on every request (CSRF token, submission key)."""
    return TOKEN.sub(r"\1-", html)


@pytest.fixture
def app(make_app):
    """With the visitors' page cache off: these tests compare what the kept blocks draw, and a
    visitor's second request would otherwise come whole from the page cache (test_page_cache.py)."""
    return make_app(PAGE_CACHE=False)


@pytest.fixture
def busy_thread(app, make_thread, members, make_member):  # noqa: F811
    """Posts of every kind: the author's own, another member's, hidden, removed, withdrawn, one
    reported by `other`, one by a member `other` muted."""
    muted = make_member("muted@example.org", name="Mo Muted")
    thread = make_thread(replies=6)
    with app.app_context():
        posts = {p.number: p for p in Post.select().where(Post.thread == thread.id)}
        staff = members["staff"]
        moderating.act_on_post(staff, posts[2], "hide", "uncivil")
        moderating.act_on_post(staff, posts[3], "remove", "harmful")
        posting.reply(members["author"], thread, {"message": "A second word from the author"})
        mine = Post.get((Post.thread == thread.id) & (Post.number == 8))
        posting.withdraw_post(members["author"], mine)
        reporting.report(
            members["other"], reporting.target_for(Post.get_by_id(posts[1].id)), {"reason": "promotion"}
        )
        posting.reply(muted, thread, {"message": "From someone muted"})
        self_moderation.mute(members["other"], muted.id)
    return thread


@pytest.mark.parametrize("viewer", ["author@example.org", "other@example.org", "staff@example.org", None])
def test_a_page_from_kept_blocks_is_the_page_drawn_afresh(app, busy_thread, viewer):
    client = signed_in(app, viewer)
    url = f"/t/{busy_thread.id}?page=1"
    client.get(url)  # reading position written: the next two requests see the same state
    block_cache(app).clear()
    fresh = text(client.get(url))
    assert len(block_cache(app)) > 0
    kept = text(client.get(url))
    assert same(kept) == same(fresh)


def test_new_markers_and_the_reading_position_with_kept_blocks(app, busy_thread, members):  # noqa: F811
    client = signed_in(app, "other@example.org")
    url = f"/t/{busy_thread.id}?page=1"
    client.get(url)
    with app.app_context():
        ReadState.update(last_read=4).where(ReadState.member == members["other"].id).execute()
    block_cache(app).clear()
    fresh = text(client.get(url))
    assert fresh.count('class="new-marker"') == 5
    with app.app_context():
        assert ReadState.get(ReadState.member == members["other"].id).last_read == 9
        ReadState.update(last_read=4).where(ReadState.member == members["other"].id).execute()
    kept = text(client.get(url))
    assert same(kept) == same(fresh)
    # Read now: the same blocks, without their New markers.
    assert 'class="new-marker"' not in text(client.get(url))


def test_no_stale_post_after_edit_hide_remove_withdraw_or_restore(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=2)
    reader = signed_in(app, "other@example.org")
    author = signed_in(app, "author@example.org")
    url = f"/t/{thread.id}?page=1"

    def page():
        response = reader.get(url)
        assert response.status_code == 200
        return response

    first = page()
    assert "How do you run yours?" in text(first)
    etag = first.headers["ETag"]
    assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        opening = Post.get((Post.thread == thread.id) & (Post.number == 1))
        posting.edit_post(members["author"], opening, {"message": "Edited: twice a week"}, opening.revision)
    edited = page()
    assert "Edited: twice a week" in text(edited) and "How do you run yours?" not in text(edited)
    assert reader.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert reader.get(url, headers={"If-None-Match": edited.headers["ETag"]}).status_code == 304

    with app.app_context():
        moderating.act_on_post(members["staff"], Post.get_by_id(opening.id), "hide", "uncivil")
    hidden = page()
    assert "This post is hidden while the team reviews it." in text(hidden)
    assert "Edited: twice a week" not in text(hidden)
    assert reader.get(url, headers={"If-None-Match": edited.headers["ETag"]}).status_code == 200
    # Its author still reads it, and why; the kept block of another viewer is not theirs.
    assert "Edited: twice a week" in text(author.get(url))

    with app.app_context():
        moderating.act_on_post(
            members["staff"], Post.get_by_id(opening.id), "restore", "other", "Reviewed: fine"
        )
    assert "Edited: twice a week" in text(page())

    with app.app_context():
        moderating.act_on_post(members["staff"], Post.get_by_id(opening.id), "remove", "harmful")
    removed = page()
    assert "This post was removed by staff." in text(removed) and "Edited: twice a week" not in text(removed)

    with app.app_context():
        second = Post.get((Post.thread == thread.id) & (Post.number == 2))
    assert "Reply number 1" in text(page())
    with app.app_context():
        posting.withdraw_post(members["other"], second)
    withdrawn = page()
    assert "This post was withdrawn by its author." in text(withdrawn)
    assert "Reply number 1" not in text(withdrawn)


def test_a_renamed_author_is_shown_by_their_new_name(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=1)
    reader = signed_in(app, "other@example.org")
    url = f"/t/{thread.id}?page=1"
    assert "Ann Author" in text(reader.get(url))
    with app.app_context():
        Member.update(name="Ann Newname").where(Member.id == members["author"].id).execute()
    page = text(reader.get(url))
    assert "Ann Newname" in page and "Ann Author" not in page


def test_staff_controls_and_own_post_controls_are_not_shared(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=1)
    url = f"/t/{thread.id}?page=1"
    staff_page = text(signed_in(app, "staff@example.org").get(url))
    assert ">Hide</button>" in staff_page
    for email in ("other@example.org", "author@example.org"):
        page = text(signed_in(app, email).get(url))
        assert ">Hide</button>" not in page and ">Remove</button>" not in page
    author_page = text(signed_in(app, "author@example.org").get(url))
    other_page = text(signed_in(app, "other@example.org").get(url))
    # Each edits their own post only: one Edit button each, on different posts.
    assert author_page.count(">Edit</button>") == 1 and other_page.count(">Edit</button>") == 1
    assert 'data-hx-target="#post-1"' in author_page and 'data-hx-target="#post-1"' not in other_page
    visitor_page = text(app.test_client().get(url))
    assert ">Edit</button>" not in visitor_page and ">Report</button>" not in visitor_page


def test_the_kept_reply_form_carries_each_session_its_own_token(app, make_thread, members):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    thread = make_thread(replies=1)
    url = f"/t/{thread.id}?page=1"
    tokens = []
    for email in ("author@example.org", "other@example.org"):
        client = app.test_client()
        sign_in = text(client.get("/sign-in"))
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', sign_in).group(1)
        client.post("/sign-in", data={"email": email, "password": PASSWORD, "csrf_token": token})
        page = text(client.get(url))
        form = page[page.index('id="reply-form"') :]
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        assert "\x00" not in page
        submission = re.search(r'name="submission" type="hidden" value="([^"]+)"', form).group(1)
        reply = client.post(
            f"/t/{thread.id}/reply",
            data={"csrf_token": found, "submission": submission, "message": f"A reply from {email}"},
        )
        assert reply.status_code == 302, email
        tokens.append(found)
    assert tokens[0] != tokens[1]


# -- kept rows of thread lists -------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["author@example.org", "other@example.org", "staff@example.org", None])
def test_a_list_of_kept_rows_is_the_list_drawn_afresh(app, make_thread, viewer):  # noqa: F811
    for i in range(3):
        make_thread(replies=i, title=f"Thread {i}")
    client = signed_in(app, viewer)
    for url in ("/c/practice", "/unread" if viewer else "/c/practice"):
        client.get(url)
        block_cache(app).clear()
        fresh = client.get(url)
        assert fresh.status_code == 200
        assert same(text(client.get(url))) == same(text(fresh))


def test_no_stale_row_after_a_reply_a_rename_a_pin_or_reading(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=1, title="Kept rows")
    reader = signed_in(app, "staff@example.org")

    def row():
        page = text(reader.get("/c/practice"))
        return page[page.index(f'id="thread-{thread.id}"') :].split("</li>", 1)[0]

    assert "1 reply" in row() and ">New<" in row()
    with app.app_context():
        posting.reply(members["author"], thread, {"message": "Another word"})
    assert "2 replies" in row() and "by Ann Author" in row()
    with app.app_context():
        Member.update(name="Ann Newname").where(Member.id == members["author"].id).execute()
    assert "by Ann Newname" in row() and "Ann Author" not in row()
    with app.app_context():
        moderating.set_pinned(members["staff"], Thread.with_category(thread.id), True)
    assert "Pinned" in row()
    reader.get(f"/t/{thread.id}?page=1")
    assert "marker-unread" not in row()


# -- the kept frame of a thread page -------------------------------------------------------------


def test_no_stale_frame_after_a_lock_a_report_hiding_watching(app, make_thread, members, make_member):  # noqa: F811
    thread = make_thread(replies=1, title="Kept frame")
    member = make_member("rita@example.org", name="Rita Reader")
    reader = signed_in(app, "rita@example.org")
    url = f"/t/{thread.id}?page=1"
    first = text(reader.get(url))
    assert 'name="message"' in first and ">Report</button>" in first and ">Watch</button>" in first
    with app.app_context():
        target = reporting.target_for(Thread.with_category(thread.id))
        reporting.report(member, target, {"reason": "promotion"})
    assert ">Reported</button>" in text(reader.get(url))
    with app.app_context():
        watching.watch(member, Thread.with_category(thread.id))
        self_moderation.hide_thread(member, Thread.with_category(thread.id))
    page = text(reader.get(url))
    assert ">Stop watching</button>" in page and "Hidden from your lists." in page
    with app.app_context():
        moderating.set_locked(members["staff"], Thread.with_category(thread.id), True, "uncivil")
    page = text(reader.get(url))
    assert "This thread is locked: nobody can reply to it." in page and 'name="message"' not in page
    # The thread's author is another kind of viewer: they may not report their own thread.
    authors_page = text(signed_in(app, "author@example.org").get(url))
    assert ">Report</button>" not in authors_page.split('id="posts"')[0]


def test_a_kept_frame_carries_each_request_its_own_token_and_submission_key(app, make_thread):  # noqa: F811
    thread = make_thread(replies=1)
    url = f"/t/{thread.id}?page=1"
    keys = re.compile(r'name="submission" type="hidden" value="([^"]+)"')
    tokens = re.compile(r'name="csrf_token" value="([^"]+)"')
    one, two = signed_in(app, "other@example.org"), signed_in(app, "staff@example.org")
    first, second = text(one.get(url)), text(one.get(url))
    third = text(signed_in(app, "author@example.org").get(url))
    assert keys.findall(first) != keys.findall(second)
    assert set(tokens.findall(first)) == set(tokens.findall(second))
    assert set(tokens.findall(first)).isdisjoint(tokens.findall(third))
    assert "\x00" not in first + second + third + text(two.get(url))


def test_the_home_pages_kept_categories_show_each_change(app, make_thread, members):  # noqa: F811
    reader = signed_in(app, "other@example.org")
    reader.get("/")
    block_cache(app).clear()
    fresh = text(reader.get("/"))
    assert same(text(reader.get("/"))) == same(fresh) and "0 threads" in fresh
    thread = make_thread(title="Counted on the home page")
    page = text(reader.get("/"))
    assert "1 thread," in page and "Counted on the home page" in page
    with app.app_context():
        Category.update(name="Practice, renamed").where(Category.id == thread.category_id).execute()
    assert "Practice, renamed" in text(reader.get("/"))


def test_a_page_kept_whole_is_not_shared_with_the_author_or_someone_with_marks(  # noqa: F811
    app, make_thread, members, make_member  # noqa: F811
):
    """The whole main part of a thread page is kept under its rows as read: another member of the
    same kind gets it, but not the thread's author, nor someone who muted a poster or reported a post."""
    thread = make_thread(replies=2)
    url = f"/t/{thread.id}?page=1"
    for email in ("ruth@example.org", "sam@example.org"):
        make_member(email, name=email.split("@")[0].title())
    ruth, sam = signed_in(app, "ruth@example.org"), signed_in(app, "sam@example.org")
    ruth.get(url), sam.get(url)  # both read up to date
    assert same(text(ruth.get(url))) == same(text(sam.get(url)))
    with app.app_context():
        self_moderation.mute(Member.get(Member.email == "sam@example.org"), members["other"].id)
    sams = text(sam.get(url))
    assert sams.count("A post by a member you muted") == 2
    assert "A post by a member you muted" not in text(ruth.get(url))
    authors = text(signed_in(app, "author@example.org").get(url))
    assert authors.count(">Edit</button>") == 1 and text(ruth.get(url)).count(">Edit</button>") == 0
