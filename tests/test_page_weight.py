"""Page weight and conditional requests: a thread page is small on the wire, compressed when the
browser accepts it, and answers 304 when nothing changed, never with another session's token."""

import re

import pytest
from helpers import PASSWORD, signed_in
from test_threads import category, make_thread, members  # noqa: F401 (fixtures)

from forum.models import Thread
from forum.services import posting

# What Chromium and Firefox send: pages come compressed with zstd, static files with the smallest
# of the encodings compressed when the app started (brotli, for these).
GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# A realistic reply: a few paragraphs, a list and a link, like the posts members write.
MESSAGE = (
    "We run conversation clubs twice a week for newly arrived families, and buddying new volunteers "
    "with experienced ones made the biggest difference for us.\n\n"
    "- a short induction\n- a named contact\n- thanking people publicly\n\n"
    "Our evaluation found that **shared meals** did more than any workshop. More in "
    "[our write-up](https://example.org/write-up)."
)


@pytest.fixture
def long_thread(app, make_thread, members):  # noqa: F811
    thread = make_thread(replies=0, message=MESSAGE)
    with app.app_context():
        thread = Thread.with_category(thread.id)
        for _ in range(44):
            posting.reply(members["other"], thread, {"message": MESSAGE})
    return thread


def asset_urls(html: str) -> tuple[list[str], list[str]]:
    """(stylesheets and icons, scripts) the page loads."""
    links = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', html)
    scripts = re.findall(r'<script src="([^"]+)"', html)
    return links, scripts


def wire_bytes(client, url: str) -> int:
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200, url
    return len(response.get_data())


def test_a_thread_page_is_light_on_the_wire(app, long_thread):
    client = signed_in(app, "author@example.org")
    url = f"/t/{long_thread.id}?page=2"
    page = client.get(url, headers=GZIP)
    assert page.headers["Content-Encoding"] in ("zstd", "br") and "Accept-Encoding" in page.headers["Vary"]
    html_bytes = len(page.get_data())
    raw = client.get(url).get_data(as_text=True)
    links, scripts = asset_urls(raw)
    css = sum(wire_bytes(client, u) for u in links)
    js = sum(wire_bytes(client, u) for u in scripts)
    # First visit: HTML, CSS and JavaScript together.
    assert html_bytes + css + js <= 30 * 1024, (html_bytes, css, js)
    # Later pages: the assets are cached (immutable, versioned), so only the HTML travels.
    assert html_bytes <= 8 * 1024, html_bytes
    # JavaScript off: HTML and CSS only.
    assert html_bytes + css <= 12 * 1024, (html_bytes, css)
    for asset in links + scripts:
        cached = client.get(asset, headers=GZIP)
        assert "immutable" in cached.headers["Cache-Control"] and "v=" in asset


def test_a_visitor_without_compression_gets_plain_html(app, long_thread):
    response = app.test_client().get(f"/t/{long_thread.id}?page=1")
    assert "Content-Encoding" not in response.headers and b"<article" in response.get_data()


def test_an_unchanged_thread_page_answers_304_and_a_changed_one_200(app, long_thread, members):  # noqa: F811
    client = signed_in(app, "author@example.org")
    url = f"/t/{long_thread.id}?page=3"
    # The first visit moves the reading position, so its "New" markers go: the page changes once.
    client.get(url, headers=GZIP)
    first = client.get(url, headers=GZIP)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # A reply changes the page (its count, its last page): the full page comes back.
    with app.app_context():
        posting.reply(members["other"], Thread.with_category(long_thread.id), {"message": "One more"})
    changed = client.get(url, headers={**GZIP, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_304_never_serves_another_viewers_page_or_token(app, long_thread):
    url = f"/t/{long_thread.id}?page=1"
    author = signed_in(app, "author@example.org")
    author.get(url)
    etag = author.get(url).headers["ETag"]
    assert author.get(url, headers={"If-None-Match": etag}).status_code == 304
    # Another member, and the same member in a new session (a new CSRF secret), get the page.
    other = signed_in(app, "other@example.org")
    assert other.get(url, headers={"If-None-Match": etag}).status_code == 200
    again = signed_in(app, "author@example.org")
    assert again.get(url, headers={"If-None-Match": etag}).status_code == 200
    visitor = app.test_client()
    assert visitor.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_the_token_on_a_revalidated_page_still_posts(make_app, cast, category):  # noqa: F811
    """With CSRF on: the page kept by the browser after a 304 carries a token that still works."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from forum.models import Category

        Category.create(name="Practice", slug="practice")
    cast("author")
    client = app.test_client()
    form = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form) or re.search(
        r'name="csrf_token" value="([^"]+)"', form
    )
    client.post("/sign-in", data={"email": "author@example.org", "password": PASSWORD,
                                  "csrf_token": token.group(1)})
    first = client.get("/c/practice")
    assert first.status_code == 200
    kept = first.get_data(as_text=True)
    assert client.get("/c/practice", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    kept_token = re.search(r'name="csrf_token" value="([^"]+)"', kept).group(1)
    signed_out = client.post("/sign-out", data={"csrf_token": kept_token})
    assert signed_out.status_code == 302


def test_category_and_home_pages_answer_304_too(app, long_thread):
    client = signed_in(app, "author@example.org")
    for url in ("/", "/c/practice"):
        etag = client.get(url).headers["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


@pytest.mark.parametrize("name", ["forum.css", "favicon.svg"])
def test_a_static_file_compressed_or_not_answers_304_to_its_etag(app, name):
    client = app.test_client()
    first = client.get(f"/static/{name}", headers=GZIP)
    etag = first.headers["ETag"]
    again = client.get(f"/static/{name}", headers={**GZIP, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(f"/static/{name}", headers={**GZIP, "If-None-Match": '"other"'}).status_code == 200

