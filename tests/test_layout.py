"""The layout kept once drawn (forum/web/layout.py): its parts and, around a kept main part, the
whole page show each viewer's own menu, counts and token, and never another's."""

import re

import pytest
from helpers import signed_in, text
from test_threads import category, make_thread, members  # noqa: F401 (fixtures)

from forum.models import Member, Post, Thread

TOKEN = re.compile(r'data-hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'')


@pytest.fixture
def app(make_app):
    return make_app(PAGE_CACHE=False)


def test_the_header_shows_the_viewers_unread_counts_as_they_change(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=1)
    reader = signed_in(app, "other@example.org")
    url = f"/t/{thread.id}?page=1"
    assert "unread</span>" not in text(reader.get(url)).split("</header>")[0]
    with app.app_context():
        Member.update(unread_notifications=3, unread_messages=120).where(
            Member.email == "other@example.org"
        ).execute()
    for path in (url, "/", "/c/practice"):
        header = text(reader.get(path)).split("</header>")[0]
        assert ">3<span class=\"visually-hidden\"> unread</span>" in header, path
        assert ">99+<span class=\"visually-hidden\"> unread</span>" in header, path


def test_each_session_gets_its_own_token_and_a_visitor_none(app, make_thread):  # noqa: F811
    thread = make_thread(replies=1)
    url = f"/t/{thread.id}?page=1"
    one, two = signed_in(app, "other@example.org"), signed_in(app, "author@example.org")
    first, again, second = text(one.get(url)), text(one.get(url)), text(two.get(url))
    assert TOKEN.search(first).group(1) == TOKEN.search(again).group(1)
    assert TOKEN.search(first).group(1) != TOKEN.search(second).group(1)
    visitor = app.test_client().get(url)
    assert "X-CSRFToken" not in text(visitor) and "Set-Cookie" not in visitor.headers
    assert "\x00" not in first + second + text(visitor)


def test_a_threads_title_is_escaped_in_the_kept_layout(app, make_thread):  # noqa: F811
    thread = make_thread(title="Fish & <chips>")
    page = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    assert "<title>Fish &amp; &lt;chips&gt; · " in page


def test_a_flashed_message_shows_on_a_kept_page(app, make_thread):  # noqa: F811
    thread = make_thread(replies=1)
    client = signed_in(app, "other@example.org")
    url = f"/t/{thread.id}?page=1"
    client.get(url)
    with app.app_context():
        reply = Post.get((Post.thread == thread.id) & (Post.number == 2))
    response = client.post(f"/p/{reply.id}/withdraw")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Your post is withdrawn." in page
    assert "Your post is withdrawn." not in text(client.get(url))


def test_the_menu_follows_the_viewers_role(app, make_thread):  # noqa: F811
    thread = make_thread(replies=1)
    url = f"/t/{thread.id}?page=1"
    assert ">Moderation</a>" in text(signed_in(app, "staff@example.org").get(url))
    assert ">Moderation</a>" not in text(signed_in(app, "other@example.org").get(url))
    assert ">Sign in</a>" in text(app.test_client().get(url))


def test_a_kept_page_answers_304_until_its_layout_or_title_changes(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=1, title="Before")
    reader = signed_in(app, "other@example.org")
    url = f"/t/{thread.id}?page=1"
    reader.get(url)
    etag = reader.get(url).headers["ETag"]
    assert reader.get(url, headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        Member.update(unread_notifications=2).where(Member.email == "other@example.org").execute()
    changed = reader.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    etag = changed.headers["ETag"]
    with app.app_context():
        Thread.update(title="After").where(Thread.id == thread.id).execute()
    renamed = reader.get(url, headers={"If-None-Match": etag})
    assert renamed.status_code == 200 and "<title>After" in text(renamed)
