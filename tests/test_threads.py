"""Threads and posts: writing, replying in place, quoting, previewing, editing, withdrawing,
reading state, staff tools, hostile content, and a fixed number of queries per page."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from helpers import signed_in, text

from forum.models import Category, Member, Post, PostRevision, ReadState, Thread
from forum.services import posting

HTMX = {"HX-Request": "true"}


@pytest.fixture
def category(app):
    with app.app_context():
        return Category.create(name="Practice", slug="practice", description="Sharing what works")


@pytest.fixture
def members(cast):
    return cast("author", "other", "staff")


@pytest.fixture
def make_thread(app, members, category):
    """make_thread(replies=0, **data) -> Thread started by the author, with that many replies."""

    def make(replies=0, author="author", **data):
        with app.app_context():
            data = {"title": "Conversation clubs", "message": "How do you run yours?", **data}
            first = posting.start_thread(members[author], category, data)
            thread = Thread.with_category(first.thread_id)
            for i in range(replies):
                posting.reply(members["other"], thread, {"message": f"Reply number {i + 1}"})
            return Thread.with_category(first.thread_id)

    return make


# -- starting threads --------------------------------------------------------------------------


def test_start_a_thread(app, members, category):
    client = signed_in(app, "author@example.org")
    page = client.get("/c/practice/new")
    assert page.status_code == 200 and 'name="submission"' in text(page)
    response = client.post(
        "/c/practice/new",
        data={
            "title": "  Welcome   clubs ",
            "message": "Hello **all**",
            "sharing": "ask",
            "submission": "s1",
            "interest": "I run one",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/t/1?page=1#post-1"
    with app.app_context():
        thread = Thread.get()
        assert thread.title == "Welcome clubs" and thread.sharing == "ask" and thread.post_count == 1
        category = Category.get()
        assert (category.thread_count, category.post_count, category.last_thread_title) == (
            1,
            1,
            "Welcome clubs",
        )
    html = text(client.get("/t/1?page=1"))
    assert (
        "<strong>all</strong>" in html
        and "Ask me first" in html
        and "Declared interest:</strong> I run one" in html
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"title": "ab"}, "title", "between 3 and 150 characters"),
        ({"title": "x" * 151}, "title", "between 3 and 150 characters"),
        ({"message": "   \n  "}, "message", "Write a message before posting."),
        ({"message": "x" * 101}, "message", "up to 100 characters; this one has 101"),
    ],
)
def test_bad_thread_input_keeps_the_text(make_app, cast, data, field, message):
    app = make_app(MAX_POST_LENGTH=100)
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, "author@example.org")
    form = {"title": "A fine title", "message": "Kept words", "sharing": "credit", **data}
    response = client.post("/c/practice/new", data=form)
    assert response.status_code == 422
    html = text(response)
    assert f'id="{field}-error"' in html and message in html
    assert "Kept words" in html or form["message"] in html
    with app.app_context():
        assert Thread.select().count() == 0


def test_double_submit_makes_one_thread(app, members, category):
    client = signed_in(app, "author@example.org")
    form = {"title": "Once only", "message": "Pressed twice", "sharing": "credit", "submission": "same"}
    first, second = client.post("/c/practice/new", data=form), client.post("/c/practice/new", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert Thread.select().count() == 1 and Category.get().thread_count == 1


def test_posting_too_fast_is_refused_with_the_text_kept(make_app, cast):
    app = make_app(NEW_MEMBER_POST_INTERVAL=10)
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, "author@example.org")
    client.post("/c/practice/new", data={"title": "First", "message": "One", "sharing": "credit"})
    response = client.post("/t/1/reply", data={"message": "Quick second thought"})
    assert response.status_code == 429
    html = text(response)
    assert "You are posting quickly: please wait" in html and "Quick second thought" in html


def test_staff_only_category_takes_threads_from_staff_only(app, members):
    with app.app_context():
        Category.create(name="Announcements", slug="news", post_access="staff")
    member = signed_in(app, "author@example.org")
    assert member.get("/c/news/new").status_code == 403
    staff = signed_in(app, "staff@example.org")
    response = staff.post("/c/news/new", data={"title": "News", "message": "Hello", "sharing": "credit"})
    assert response.status_code == 302


# -- replying ----------------------------------------------------------------------------------


def test_reply_without_javascript_redirects_to_the_new_post(app, make_thread):
    thread = make_thread(replies=20)
    client = signed_in(app, "other@example.org")
    response = client.post(f"/t/{thread.id}/reply", data={"message": "On page two"})
    assert response.status_code == 302 and response.headers["Location"] == f"/t/{thread.id}?page=2#post-22"
    assert "On page two" in text(client.get(f"/t/{thread.id}?page=2"))


def test_reply_with_htmx_appends_the_post_and_clears_the_form(app, make_thread):
    thread = make_thread()
    client = signed_in(app, "other@example.org")
    response = client.post(f"/t/{thread.id}/reply", data={"message": "In *place*"}, headers=HTMX)
    assert response.status_code == 200
    html = text(response)
    assert html.lstrip().startswith('<article class="post"') and "<em>place</em>" in html
    assert re.search(r'<form [^>]*id="reply-form"[^>]*data-hx-swap-oob="true"', html)
    assert "In *place*" not in html  # the fresh form is empty
    assert '<span id="reply-count" data-hx-swap-oob="true">1 reply</span>' in html
    assert '"focus": "#post-2"' in response.headers["HX-Trigger"]
    with app.app_context():
        assert Post.select().count() == 2 and Thread.get().post_count == 2


def test_reply_errors_come_back_in_place_with_the_text(app, make_thread):
    thread = make_thread()
    client = signed_in(app, "other@example.org")
    response = client.post(f"/t/{thread.id}/reply", data={"message": "  "}, headers=HTMX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    assert 'id="message-error"' in text(response)


def test_nobody_replies_to_a_locked_thread(app, make_thread):
    thread = make_thread()
    with app.app_context():
        Thread.update(locked=True).execute()
    for email in ("other@example.org", "staff@example.org"):
        response = signed_in(app, email).post(f"/t/{thread.id}/reply", data={"message": "Let me in"})
        assert response.status_code == 403
        assert "This thread is locked" in text(response)
    with app.app_context():
        assert Post.select().count() == 1


def test_quote_credits_the_author_links_back_and_names_the_terms(app, make_thread):
    thread = make_thread(sharing="members")
    client = signed_in(app, "other@example.org")
    page = text(client.get(f"/t/{thread.id}/reply?quote=1"))
    assert "&gt; **[Ann Author wrote](/p/1)** (Members only: don&#39;t share outside the network):" in page
    assert "&gt; How do you run yours?" in page
    partial = client.get(f"/t/{thread.id}/reply?quote=1&message=My+start", headers=HTMX)
    assert text(partial).lstrip().startswith("<form") and "My start\n\n&gt; **[Ann Author" in text(partial)


def test_preview_renders_without_posting(app, make_thread):
    thread = make_thread()
    client = signed_in(app, "other@example.org")
    response = client.post(f"/t/{thread.id}/reply", data={"message": "**Bold** idea", "preview": "1"})
    assert response.status_code == 200
    assert "<strong>Bold</strong> idea" in text(response) and "**Bold** idea" in text(response)
    with app.app_context():
        assert Post.select().count() == 1


def test_mentions_link_to_profiles(app, make_thread):
    thread = make_thread(message="Thanks @[Oli Other] and @nobody, not `@[Oli Other]`")
    with app.app_context():
        html = Post.get(Post.thread == thread.id).body_html
    other = re.search(r'href="/members/(\d+)"[^>]*>@Oli Other</a>', html)
    assert other and "@nobody" in html and "<code>@[Oli Other]</code>" in html


# -- editing and withdrawing -------------------------------------------------------------------


def test_author_edits_and_the_history_is_kept(app, make_thread):
    thread = make_thread()
    client = signed_in(app, "author@example.org")
    assert client.get("/p/1/edit").status_code == 200
    response = client.post("/p/1/edit", data={"message": "Better words", "revision": "1"}, headers=HTMX)
    assert (
        response.status_code == 200 and "Better words" in text(response) and ">edited</a>" in text(response)
    )
    with app.app_context():
        assert PostRevision.get().body_md == "How do you run yours?" and Post.get_by_id(1).revision == 2
    history = text(signed_in(app, "other@example.org").get("/p/1/history"))
    assert "How do you run yours?" in history and "Better words" in history
    assert thread.id


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(app, make_thread):
    make_thread()
    client = signed_in(app, "author@example.org")
    client.post("/p/1/edit", data={"message": "Edit from the phone", "revision": "1"})
    response = client.post("/p/1/edit", data={"message": "Edit from the laptop", "revision": "1"})
    assert response.status_code == 409
    html = text(response)
    assert "changed elsewhere" in html and "Edit from the laptop" in html
    with app.app_context():
        assert Post.get_by_id(1).body_md == "Edit from the phone"


@pytest.mark.parametrize("revision", ["99999999999999999999999", "-5", "2147483648", "x"])
def test_an_edit_from_a_revision_no_post_can_have_is_refused_as_stale(app, make_thread, revision):
    make_thread()
    client = signed_in(app, "author@example.org")
    response = client.post("/p/1/edit", data={"message": "Edit with a forged form", "revision": revision})
    assert response.status_code == 409
    assert "Edit with a forged form" in text(response)


def test_only_the_author_edits_or_withdraws(app, make_thread):
    make_thread()
    other = signed_in(app, "other@example.org")
    assert other.post("/p/1/edit", data={"message": "Hijack", "revision": "1"}).status_code == 403
    assert other.post("/p/1/withdraw").status_code == 403
    staff = signed_in(app, "staff@example.org")
    assert staff.post("/p/1/edit", data={"message": "Staff edit", "revision": "1"}).status_code == 403
    with app.app_context():
        assert Post.get_by_id(1).body_md == "How do you run yours?" and Post.get_by_id(1).status == "visible"


def test_withdraw_asks_first_then_shows_a_placeholder(app, make_thread):
    thread = make_thread(replies=1)
    author = signed_in(app, "author@example.org")
    ask = author.get("/p/1/withdraw", headers=HTMX)
    assert "Confirm withdrawal" in text(ask) and "<html" not in text(ask)
    with app.app_context():
        assert Post.get_by_id(1).status == "visible"
    response = author.post("/p/1/withdraw", headers=HTMX)
    assert "This post was withdrawn by its author." in text(response)
    other = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    assert "How do you run yours?" not in other and "withdrawn by its author" in other
    staff = text(signed_in(app, "staff@example.org").get(f"/t/{thread.id}?page=1"))
    assert "How do you run yours?" in staff and "Withdrawn by its author: shown to staff only." in staff


# -- reading -----------------------------------------------------------------------------------


def test_twenty_posts_a_page_oldest_first(client, make_thread):
    thread = make_thread(replies=24)
    first = text(client.get(f"/t/{thread.id}?page=1"))
    assert first.count('<article class="post') == 20
    assert first.index("Reply number 1<") < first.index("Reply number 2<")
    assert f'<a href="/t/{thread.id}?page=2" rel="next"' in first
    assert f'data-hx-get="/t/{thread.id}?page=2"' in first
    second = text(client.get(f"/t/{thread.id}?page=2"))
    assert second.count('<article class="post') == 5 and 'aria-current="page">2<' in second
    assert f'<a href="/t/{thread.id}?page=1" rel="prev">' in second
    assert client.get(f"/t/{thread.id}?page=3").status_code == 404
    more = client.get(f"/t/{thread.id}?page=2", headers=HTMX)
    assert text(more).count("<article") == 5
    assert re.search(r'<nav [^>]*id="post-pages"[^>]*data-hx-swap-oob="true"', text(more))


def test_opening_a_thread_goes_to_the_first_unread_post(app, make_thread, members):
    thread = make_thread(replies=3)
    reader = signed_in(app, "staff@example.org")
    reader.get(f"/t/{thread.id}?page=1")
    mine = ReadState.member == members["staff"].id
    with app.app_context():
        assert ReadState.get(mine).last_read == 4
        for i in range(20):
            posting.reply(members["other"], Thread.with_category(thread.id), {"message": f"Later {i}"})
    response = reader.get(f"/t/{thread.id}")
    assert response.headers["Location"] == f"/t/{thread.id}?page=1#post-5"
    page = text(reader.get(f"/t/{thread.id}?page=1"))
    assert page.count('class="new-marker"') == 16  # posts 5..20 on this page are new
    with app.app_context():
        assert ReadState.get(mine).last_read == 20


def test_visitors_do_not_write_reading_state(app, client, make_thread):
    thread = make_thread(replies=2)
    client.get(f"/t/{thread.id}")
    with app.app_context():
        assert ReadState.select().where(ReadState.member != thread.author_id).count() == 1  # the replier's


def test_members_only_threads_are_not_found_for_visitors(app, client, members):
    with app.app_context():
        private = Category.create(name="Inside", slug="inside", read_access="members")
        post = posting.start_thread(members["author"], private, {"title": "Private", "message": "Shh"})
    assert client.get(f"/t/{post.thread_id}").status_code == 404
    assert client.get(f"/p/{post.id}").status_code == 404
    assert signed_in(app, "other@example.org").get(f"/t/{post.thread_id}?page=1").status_code == 200


@pytest.mark.parametrize(
    "viewer, most", [("visitor", 3), ("member", 6), ("reporter", 6), ("staff", 7)]
)
def test_thread_page_costs_the_same_whatever_its_length(app, make_thread, count_queries, viewer, most):
    """A member: themselves (with the documents' current versions), the thread (with their reading position,
    whether they reported, hid or watch it), the page of posts (with whether they muted or reported
    each one, and for staff its open reports, which they may Dismiss there), moving the reading
    position (and the page's photos, when a post on it has some). Staff pay one query more: the
    categories to move the thread to. Whatever the member has reported or muted, it costs the same."""
    short, long = make_thread(replies=2), make_thread(replies=45)
    emails = {"member": "other@example.org", "reporter": "other@example.org", "staff": "staff@example.org"}
    if viewer == "reporter":
        with app.app_context():
            Member.update(report_count=1).where(Member.email == emails[viewer]).execute()
    client = app.test_client() if viewer == "visitor" else signed_in(app, emails[viewer])
    counts = []
    for thread_id, page in ((short.id, 1), (long.id, 1), (long.id, 3)):
        with count_queries() as queries:
            assert client.get(f"/t/{thread_id}?page={page}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts
    assert counts[0] <= most, counts


# -- hostile content ---------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "[x](JAVASCRIPT:alert(1)) [y](jav&#x09;ascript:alert(1)) [z](data:text/html,<script>alert(1)</script>)",
    '<div hx-get="/sign-out" hx-trigger="load">x</div>',
    '<div data-hx-post="/sign-out" data-hx-trigger="load">y</div>',
    "<svg/onload=alert(1)>",
    "<iframe src=//evil.example></iframe>",
    '<form action="/sign-out" method="post"><button>Win</button></form>',
    "{{ config.SECRET_KEY }} {% raw %}x{% endraw %}",
    '[a](https://example.org "title" onmouseover=alert(1))',
]


def test_hostile_messages_stay_inert_on_the_page(app, make_thread):
    thread = make_thread(message="\n\n".join(HOSTILE))
    html = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    body = html.split('<div class="post-body" data-hx-disable>', 1)[1].split("</div>\n", 1)[0]
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

    Collect().feed(body)
    for tag, attrs in found:
        assert tag in {"p", "a", "code", "pre", "em", "strong"}, tag
        for name, value in attrs.items():
            assert not name.startswith(("on", "hx-", "data-")), name
            if name == "href":
                # Only http, https, mailto or a relative link ("jav%09ascript:" is a relative path).
                assert urlsplit(value).scheme in ("", "http", "https", "mailto"), value
    assert "test" not in body  # the secret key was not rendered by the template engine


# -- staff tools -------------------------------------------------------------------------------


def test_staff_lock_pin_and_move(app, make_thread):
    thread = make_thread(replies=2)
    with app.app_context():
        other = Category.create(name="Events", slug="events")
    staff = signed_in(app, "staff@example.org")
    assert staff.post(f"/t/{thread.id}/lock", data={"reason": "uncivil"}).status_code == 302
    assert staff.post(f"/t/{thread.id}/pin").status_code == 302
    assert staff.post(f"/t/{thread.id}/move", data={"category": other.id}).status_code == 302
    with app.app_context():
        moved = Thread.get_by_id(thread.id)
        assert moved.locked and moved.pinned and moved.category_id == other.id
        assert (Category.get_by_id(other.id).thread_count, Category.get_by_id(other.id).post_count) == (1, 3)
        assert (Category.get_by_id(thread.category_id).thread_count,) == (0,)
    member = signed_in(app, "other@example.org")
    assert member.post(f"/t/{thread.id}/lock").status_code == 403
