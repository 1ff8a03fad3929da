"""Atom feeds: well-formed, with what RFC 4287 requires; public categories for anyone, members-only
ones through a private token per member that can be replaced and revoked."""

import xml.etree.ElementTree as ET

import pytest

from forum.models import Category, Member, Post
from forum.services import moderating, posting

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def forum(app, cast):
    """The author's threads, one public and one members only; a member and staff read them."""
    author = cast("author", "member", "staff").author
    with app.app_context():
        public = Category.create(name="Practice", slug="practice", description="Sharing <practice>")
        private = Category.create(name="Lounge", slug="lounge", read_access="members")
        opening = posting.start_thread(
            author,
            public,
            {"title": "Housing & homes", "message": "Our project <script>x</script> **works**."},
        )
        reply = posting.reply(author, opening.thread, {"message": "A reply."})
        secret = posting.start_thread(author, private, {"title": "Funding bids", "message": "Private words."})
    return {"thread": opening.thread_id, "opening": opening.id, "reply": reply.id,
            "secret_thread": secret.thread_id, "secret": secret.id}


def parse(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/atom+xml"
    assert response.mimetype_params.get("charset") == "utf-8"
    root = ET.fromstring(response.data)  # well-formed, or this raises
    assert root.tag == f"{ATOM}feed"
    return root


def check_atom(root):
    """The elements RFC 4287 requires of a feed and of each entry."""
    for name in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{name}") is not None and root.find(f"{ATOM}{name}").text, name
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    feed_author = root.find(f"{ATOM}author/{ATOM}name") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http")
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}updated").text.endswith("Z")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(ids) == len(set(ids))
    return entries


def test_category_feed_for_anyone(client, forum):
    root = parse(client.get("/c/practice/feed.atom"))
    entries = check_atom(root)
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Re: Housing & homes", "Housing & homes"]
    assert root.find(f"{ATOM}subtitle").text == "Sharing <practice>"
    content = entries[1].find(f"{ATOM}content")
    assert content.get("type") == "html"
    # The post's HTML, escaped into the feed; the sanitiser already dropped the script.
    assert "<strong>works</strong>" in content.text and "<script>" not in content.text
    assert entries[1].find(f"{ATOM}author/{ATOM}name").text == "Ann Author"


def test_thread_feed(client, forum):
    entries = check_atom(parse(client.get(f"/t/{forum['thread']}/feed.atom")))
    assert len(entries) == 2
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/p/{forum['reply']}")


def test_hidden_and_withdrawn_posts_are_left_out(app, client, forum):
    with app.app_context():
        staff = Member.get(Member.email == "staff@example.org")
        author = Member.get(Member.email == "author@example.org")
        moderating.act_on_post(staff, Post.with_thread(forum["opening"]), "hide", "spam")
        posting.withdraw_post(author, Post.with_thread(forum["reply"]))
    assert check_atom(parse(client.get(f"/t/{forum['thread']}/feed.atom"))) == []


def test_members_only_feeds_need_a_token(app, client, auth, forum):
    for path in ("/c/lounge/feed.atom", f"/t/{forum['secret_thread']}/feed.atom"):
        assert client.get(path).status_code == 404
        assert client.get(path + "?token=forged").status_code == 404
    assert b"Private words" not in client.get("/c/lounge/feed.atom").data
    # The member asks for their private address on the settings page.
    auth.sign_in("member@example.org")
    page = client.get("/settings/feeds").get_data(as_text=True)
    assert "Show my private feed address" in page
    assert client.post("/settings/feeds/token").status_code == 302
    with app.app_context():
        from forum.services import feeds

        token = feeds.token_of(Member.get(Member.email == "member@example.org"))
    assert f"token={token}" in client.get("/settings/feeds").get_data(as_text=True)
    auth.sign_out()
    # A feed reader, signed in as nobody, reads the members-only feeds with it.
    for path in ("/c/lounge/feed.atom", f"/t/{forum['secret_thread']}/feed.atom"):
        entries = check_atom(parse(client.get(f"{path}?token={token}")))
        assert "Private words" in entries[0].find(f"{ATOM}content").text
    # A new address replaces the old; revoking stops it.
    auth.sign_in("member@example.org")
    client.post("/settings/feeds/token")
    auth.sign_out()
    assert client.get(f"/c/lounge/feed.atom?token={token}").status_code == 404
    with app.app_context():
        token = feeds.token_of(Member.get(Member.email == "member@example.org"))
    assert client.get(f"/c/lounge/feed.atom?token={token}").status_code == 200
    auth.sign_in("member@example.org")
    client.post("/settings/feeds/revoke")
    auth.sign_out()
    response = client.get(f"/c/lounge/feed.atom?token={token}")
    assert response.status_code == 404
    assert "replaced or revoked" in response.get_data(as_text=True)


def test_a_suspended_members_token_stops_working(app, client, forum):
    with app.app_context():
        from forum.services import feeds

        member = Member.get(Member.email == "member@example.org")
        token = feeds.new_token(member)
        assert client.get(f"/c/lounge/feed.atom?token={token}").status_code == 200
        Member.update(status="deleted").where(Member.id == member.id).execute()
    assert client.get(f"/c/lounge/feed.atom?token={token}").status_code == 404


def test_signed_in_member_reads_members_only_feed_in_the_browser(client, auth, forum):
    auth.sign_in("member@example.org")
    check_atom(parse(client.get("/c/lounge/feed.atom")))


def test_pages_link_to_their_feeds(client, auth, forum):
    assert 'href="/c/practice/feed.atom"' in client.get("/c/practice").get_data(as_text=True)
    thread_page = client.get(f"/t/{forum['thread']}").get_data(as_text=True)
    assert f'href="/t/{forum["thread"]}/feed.atom"' in thread_page
    auth.sign_in("member@example.org")
    assert 'href="/settings/feeds"' in client.get("/c/lounge").get_data(as_text=True)


def test_unknown_feeds(client, forum):
    assert client.get("/c/nowhere/feed.atom").status_code == 404
    assert client.get("/t/99999/feed.atom").status_code == 404
    assert client.get("/c/practice/feed.atom?token=" + "x" * 5000).status_code == 404
