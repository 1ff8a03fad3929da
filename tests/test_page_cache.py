"""The visitors' page cache (forum/web/page_cache.py): visitors' pages are kept whole and shared,
with no cookie and no token in them; fragments, encodings and HEAD are kept apart; nobody signed in
ever gets or gives a kept page; private spaces never reach it; and after every kind of change a
kept page is the page drawn afresh (test_each_change_shows_at_once), while a member's own reading
and settings keep it."""

import gzip
import io
import os
import subprocess
import sys
from datetime import UTC

import brotli
import events_support
import library_files
import pytest
import redis
from events_support import make_event
from flask import current_app
from helpers import signed_in, text
from test_threads import category, make_thread, members  # noqa: F401 (fixtures)
from werkzeug.datastructures import FileStorage

from forum.models import Category, Member, Organisation, Post, Thread
from forum.models.db import written
from forum.models.events import Event
from forum.models.library import Resource
from forum.services import (
    documents,
    event_places,
    events,
    library,
    library_moderation,
    membership,
    moderating,
    notification_reading,
    posting,
    self_moderation,
)
from forum.web import page_cache as page_cache_module
from forum.web.page_cache import chosen_encoding, matters, page_cache
from forum.web.page_store import FileGeneration

try:
    from compression import zstd
except ImportError:
    from backports import zstd

HTMX = {"HX-Request": "true"}
DECODE = {"": bytes, "gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}


def visit(app, url, **headers):
    return app.test_client().get(url, headers=headers)


def counts(app) -> tuple[int, int]:
    cache = page_cache(app)
    return cache.hits, cache.kept


def drawn_afresh(app, url, **headers) -> bytes:
    """The page as it would be drawn now, with nothing kept."""
    page_cache(app).store.clear()
    return visit(app, url, **headers).get_data()


@pytest.fixture
def world(app, make_thread, members):  # noqa: F811
    """A public thread of four posts by the author (with an organisation) and `other`, a second
    thread, an event and the Charter: every kind of page a visitor reads."""
    thread = make_thread(replies=3)
    make_thread(title="Welcome evenings")
    with app.app_context():
        organisation = Organisation.create(name="Bridges Trust", name_key="bridges trust")
        Member.update(organisation=organisation).where(Member.id == members["author"].id).execute()
    event = make_event(app, members["author"], Category.get(Category.slug == "practice"))
    pages = {
        "home": "/", "category": "/c/practice", "thread": f"/t/{thread.id}?page=1",
        "events": "/events", "event": f"/events/{event.id}", "library": "/library",
        "help": "/help/", "charter": "/charter",
    }
    return {"thread": thread, "event": event, "pages": pages, "organisation": organisation, **members}


# -- what is kept, and how it is served ------------------------------------------------------------


def test_visitor_pages_are_kept_whole_with_no_cookie_and_no_token(app, world, count_queries):
    for name, url in world["pages"].items():
        first = visit(app, url, **{"Accept-Encoding": "gzip, br, zstd"})
        assert first.status_code == 200, name
        assert "Set-Cookie" not in first.headers, name
        html = DECODE[first.headers.get("Content-Encoding", "")](first.get_data()).decode()
        assert "csrf" not in html.lower() and "X-CSRFToken" not in html, name
        hits = counts(app)[0]
        with count_queries() as queries:
            again = visit(app, url, **{"Accept-Encoding": "gzip, br, zstd"})
        assert counts(app)[0] == hits + 1 and queries == [], name
        assert again.get_data() == first.get_data() and again.headers == first.headers, name


def test_every_encoding_fragments_and_head_are_kept_apart(app, world):
    url = world["pages"]["thread"]
    plain = visit(app, url).get_data()
    for accept in ("gzip", "br", "zstd", "gzip, deflate, br, zstd", "identity"):
        encoding = chosen_encoding(accept)
        for _ in range(2):
            answer = visit(app, url, **{"Accept-Encoding": accept})
            assert answer.headers.get("Content-Encoding", "") == encoding
            assert "Accept-Encoding" in answer.headers["Vary"] and "HX-Request" in answer.headers["Vary"]
            assert DECODE[encoding](answer.get_data()) == plain, accept
    # A category's "More threads" asks the page's URL for its list alone.
    fragment = visit(app, "/c/practice", **HTMX)
    assert visit(app, "/c/practice", **HTMX).get_data() == fragment.get_data()
    assert b"<html" in visit(app, "/c/practice").get_data() and b"<html" not in fragment.get_data()
    head = app.test_client().head(url)
    assert head.status_code == 200 and head.get_data() == b""
    assert visit(app, url).get_data() == plain


def test_a_kept_page_answers_304_to_its_etag(app, world):
    url = world["pages"]["thread"]
    etag = visit(app, url).headers["ETag"]
    hits = counts(app)[0]
    again = visit(app, url, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and counts(app)[0] == hits + 1
    assert visit(app, url, **{"If-None-Match": 'W/"other"'}).status_code == 200


def test_nobody_signed_in_gets_or_gives_a_kept_page(app, world):
    url = world["pages"]["thread"]
    member = signed_in(app, "other@example.org")
    for _ in range(2):
        assert b"Sign out" in member.get(url).get_data()
    assert counts(app) == (0, 0)
    visit(app, url)
    kept = counts(app)
    page = member.get(url).get_data()
    assert b"Sign out" in page and b"Sign in</a> to reply" not in page and counts(app) == kept


def test_a_visitor_with_a_session_is_drawn_a_page(make_app, cast, category):  # noqa: F811
    """A session cookie (a sign-in form's token, a flashed message) means a page of one's own."""
    app = make_app(WTF_CSRF_ENABLED=True)
    visit(app, "/")
    client = app.test_client()
    assert "Set-Cookie" in client.get("/sign-in").headers
    hits = counts(app)[0]
    assert client.get("/").status_code == 200 and counts(app)[0] == hits


def test_private_spaces_never_reach_a_visitors_page(app, cast, make_thread):  # noqa: F811
    people = cast("author", "lead", "staff")
    with app.app_context():
        members_only = Category.create(name="Members room", slug="room", read_access="members")
        space = Category.select().where(Category.group.is_null(False)).first() or Category.create(
            name="Group space", slug="space", read_access="members", group=cast.group.id
        )
        hidden = [
            posting.start_thread(people.author, members_only, {"title": "Room talk", "message": "Inside"}),
            posting.start_thread(people.lead, space, {"title": "Group talk", "message": "Inside"}),
        ]
    public = make_thread(title="Open talk")
    for post in hidden:
        assert visit(app, f"/t/{post.thread_id}").status_code == 404
    assert counts(app)[1] == 0
    for url in ("/", "/c/room", f"/c/{space.slug}", "/events", "/library", f"/t/{public.id}"):
        html = visit(app, url).get_data(as_text=True)
        assert "Room talk" not in html and "Group talk" not in html and "Inside" not in html, url


def test_a_category_made_members_only_is_gone_from_kept_pages_at_once(app, world):
    url = world["pages"]["thread"]
    assert visit(app, url).status_code == 200 and visit(app, url).status_code == 200
    with app.app_context():
        Category.update(read_access="members").where(Category.slug == "practice").execute()
    assert visit(app, url).status_code == 404
    assert "Conversation clubs" not in visit(app, "/").get_data(as_text=True)


# -- every change shows at once ---------------------------------------------------------------------


def _post(world, number):
    return Post.get((Post.thread == world["thread"].id) & (Post.number == number))


def _thread(world):
    return Thread.with_category(world["thread"].id)


def _practice():
    return Category.get(Category.slug == "practice")


def _other(world):
    return Member.get_by_id(world["other"].id)


def _hide(world):
    moderating.act_on_post(world["staff"], _post(world, 2), "hide", "uncivil")


def _elsewhere(world):
    Category.create(name="Elsewhere", slug="elsewhere")


def _move(world):
    elsewhere = Category.get(Category.slug == "elsewhere")
    moderating.move_thread(world["staff"], _thread(world), elsewhere, "other", "Better there")


def _new_event(world):
    events.create_event(world["other"], _practice(), events_support.form(title="Second meetup"))


def _add_resource(world, title="Welcome circle toolkit"):
    data = {"title": title, "summary": "How we run welcome circles.", "place": "public",
            "licence": "cc-by", "credit": "Ann Author (2026)", "permission": True, "themes": []}
    with current_app.test_request_context():
        current_app.config["LIBRARY_TEXT_IN_BACKGROUND"] = False
        upload = FileStorage(io.BytesIO(library_files.pdf([title])), filename="kit.pdf")
        resource, _ = library.add(world["author"], data, upload)
    world["pages"]["resource"] = f"/library/{resource.id}"
    return Resource.by_id(resource.id)


def _hide_resource(world):
    resource = Resource.by_id(int(world["pages"]["resource"].rsplit("/", 1)[1]))
    library_moderation.moderate(world["staff"], resource, "hide", "harmful")


def _going(world):
    event_places.attend(_other(world), Event.with_thread(world["event"].id))


# name: (what is done before the pages are kept, the change, the page it shows on)
CHANGES = {
    "reply": (None, lambda w: posting.reply(w["other"], _thread(w), {"message": "A new reply"}), "thread"),
    "new thread": (None, lambda w: posting.start_thread(
        w["other"], _practice(), {"title": "Brand new", "message": "Hi"}), "category"),
    "edit": (None, lambda w: posting.edit_post(
        w["author"], _post(w, 1), {"message": "Edited words", "interest": ""}, 1), "thread"),
    "hide": (None, _hide, "thread"),
    "restore": (_hide, lambda w: moderating.act_on_post(w["staff"], _post(w, 2), "restore", "other", "Fine"),
                "thread"),
    "remove": (None, lambda w: moderating.act_on_post(w["staff"], _post(w, 3), "remove", "harmful"),
               "thread"),
    "withdraw": (None, lambda w: posting.withdraw_post(w["author"], _post(w, 1)), "thread"),
    "lock": (None, lambda w: moderating.set_locked(w["staff"], _thread(w), True, "other", "Done"), "thread"),
    "pin": (None, lambda w: moderating.set_pinned(w["staff"], _thread(w), True), "category"),
    "move": (_elsewhere, _move, "thread"),
    "category renamed": (None, lambda w: Category.update(name="Practice notes").where(
        Category.slug == "practice").execute(), "home"),
    "member renamed": (None, lambda w: membership.change_name(_other(w), "Olive Other"), "thread"),
    "organisation renamed": (None, lambda w: Organisation.update(name="Bridges Together").where(
        Organisation.id == w["organisation"].id).execute(), "thread"),
    "account closed": (None, lambda w: moderating.close_account(_other(w)), "thread"),
    "event added": (None, _new_event, "events"),
    "event cancelled": (None, lambda w: events.cancel_event(
        w["author"], Event.with_thread(w["event"].id), "Snow"), "event"),
    "charter": (None, lambda w: documents.publish("charter", "# Charter\n\nA new version."), "charter"),
    "going to an event": (None, _going, "event"),
    "resource added": (None, lambda w: _add_resource(w, "Second toolkit"), "library"),
    "resource hidden": (_add_resource, _hide_resource, "resource"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_each_change_shows_at_once(app, world, change):
    before, act, shows_on = CHANGES[change]
    if before:
        with app.app_context():
            before(world)
    pages = world["pages"]
    kept = {name: visit(app, url).get_data() for name, url in pages.items()}
    hits = counts(app)[0]
    assert all(visit(app, url).get_data() == kept[name] for name, url in pages.items())
    assert counts(app)[0] == hits + len(pages)
    with app.app_context():
        act(world)
    served = {name: visit(app, url).get_data() for name, url in pages.items()}
    for name, url in pages.items():
        assert served[name] == drawn_afresh(app, url), f"{change}: {name} is stale"
    assert served[shows_on] != kept[shows_on], f"{change} does not show on the {shows_on} page"


def test_a_change_made_through_a_route_shows_at_once(app, world):
    url = world["pages"]["thread"]
    visit(app, url)
    author = signed_in(app, "author@example.org")
    reply = {"message": "Posted from the page", "submission": "k1"}
    author.post(f"/t/{world['thread'].id}/reply", data=reply)
    assert "Posted from the page" in visit(app, url).get_data(as_text=True)


def test_an_event_page_is_kept_only_until_the_event_starts_or_ends(app, world, monkeypatch):
    url = world["pages"]["event"]
    visit(app, url)
    hits = counts(app)[0]
    visit(app, url)
    assert counts(app)[0] == hits + 1
    starts = world["event"].starts_at.replace(tzinfo=UTC).timestamp()
    monkeypatch.setattr(page_cache_module.time, "time", lambda: starts + 1)
    visit(app, url)
    assert counts(app)[0] == hits + 1


def test_a_members_own_reading_and_settings_keep_the_pages(app, world):
    url = world["pages"]["thread"]
    visit(app, url)
    member = signed_in(app, "other@example.org")
    member.get(url)  # moves their reading position
    with app.app_context():
        other = Member.get_by_id(world["other"].id)
        self_moderation.mute(other, world["author"].id)
        self_moderation.set_low_data(other, True)
        notification_reading.mark_all_read(other)
    hits = counts(app)[0]
    visit(app, url)
    assert counts(app)[0] == hits + 1


# -- the parts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sql, found", [
    ('SELECT "t1"."id" FROM "post" AS "t1"', None),
    ('INSERT INTO "post" ("body") VALUES (?)', ("post", None)),
    ('INSERT OR IGNORE INTO "watch" ("member_id") VALUES (?)', ("watch", None)),
    ('UPDATE "member" SET "unread_notifications" = ("member"."unread_notifications" + ?) WHERE ("id" = ?)',
     ("member", ("unread_notifications",))),
    ('UPDATE "member" SET "name" = ?, "last_active_at" = ? WHERE ("member"."id" = ?)',
     ("member", ("name", "last_active_at"))),
    ('DELETE FROM "thread" WHERE ("id" = ?)', ("thread", None)),
    ("DELETE FROM post_search WHERE rowid IN (?)", ("post_search", None)),
    ('WITH "x" AS (SELECT 1) UPDATE "post" SET "status" = ?', ("", None)),
    ('WITH "x" AS (SELECT 1) SELECT * FROM "x"', None),
    ('ALTER TABLE "post" ADD COLUMN "x" INTEGER', ("", None)),
    ("BEGIN", None), ("RELEASE SAVEPOINT s1", None), ("PRAGMA foreign_keys = ON", None),
])
def test_what_a_statement_writes(sql, found):
    assert written(sql) == found


def test_only_quiet_writes_keep_the_cache():
    assert not matters("read_state", None) and not matters("notification", None)
    assert not matters("member", ("unread_notifications",)) and not matters("member", ("last_active_at",))
    assert matters("member", ("name",)) and matters("member", ("unread_messages", "status"))
    assert matters("member", None) and matters("post", None) and matters("", None)
    assert matters("some_new_table", None)
    assert not matters("resource", ("download_count",)) and matters("resource", ("title",))


def test_the_generation_is_shared_by_every_process(tmp_path):
    path = tmp_path / "generation"
    mine, also_mine = FileGeneration(path), FileGeneration(path)
    start = mine.current()
    also_mine.bump()
    assert mine.current() == start + 1
    script = "import sys, pathlib; from forum.web.page_store import FileGeneration as G; "
    script += "G(pathlib.Path(sys.argv[1])).bump()"
    subprocess.run([sys.executable, "-c", script, str(path)], check=True)
    assert mine.current() == start + 2


def test_generations_keep_few_files_open(tmp_path):
    """A test run makes an app, with its generation file, per test: their mappings must not use up
    the process's file descriptors."""
    before = len(os.listdir("/proc/self/fd"))
    count = 3 * FileGeneration.KEEP_MAPPED
    generations = [FileGeneration(tmp_path / f"generation-{i}") for i in range(count)]
    for generation in generations:
        start = generation.current()
        generation.bump()
        assert generation.current() == start + 1
    assert len(os.listdir("/proc/self/fd")) <= before + FileGeneration.KEEP_MAPPED


def test_pages_expire_after_page_cache_seconds(app, world, monkeypatch):
    url = world["pages"]["thread"]
    visit(app, url)
    now = page_cache_module.time.time()
    monkeypatch.setattr(page_cache_module.time, "time", lambda: now + app.config["PAGE_CACHE_SECONDS"] + 1)
    hits = counts(app)[0]
    visit(app, url)
    assert counts(app)[0] == hits


def test_off_draws_every_page(make_app):
    app = make_app(PAGE_CACHE=False)
    assert page_cache(app) is None and visit(app, "/").status_code == 200


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis(socket_connect_timeout=0.3).ping())
    except Exception:  # noqa: BLE001
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis at 127.0.0.1:6379")
def test_in_redis_for_several_servers(make_app, cast):
    app = make_app(CACHE_URL="redis://127.0.0.1:6379/15")
    people = cast("author", "other")
    with app.app_context():
        practice = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(people.author, practice, {"title": "Clubs", "message": "Hello"})
    thread_id = first.thread_id
    url = f"/t/{thread_id}"
    first = visit(app, url)
    hits = counts(app)[0]
    assert visit(app, url).get_data() == first.get_data() and counts(app)[0] == hits + 1
    with app.app_context():
        posting.reply(people.other, Thread.with_category(thread_id), {"message": "Seen everywhere"})
    assert "Seen everywhere" in text(visit(app, url))
    # Redis gone: pages are drawn, none kept, nothing fails.
    page_cache(app).store.client = redis.Redis(port=1, socket_connect_timeout=0.1)
    assert visit(app, url).status_code == 200 and visit(app, url).status_code == 200
