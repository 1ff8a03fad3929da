"""Categories: the home page, a category's page of threads (pinned first, cursor pages, unread
marks), the unread list, the admin page and the CLI; and a fixed number of queries per page."""

import re
from datetime import datetime, timedelta

import pytest
from helpers import signed_in, text

from forum.models import THREADS_PER_PAGE, Category, Post, ReadState, Thread
from forum.services import categories
from forum.web.page_cache import page_cache

HTMX = {"HX-Request": "true"}
START = datetime(2025, 3, 1, 9, 0)


def thread_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="thread-(\d+)"', html)]


def next_link(html: str) -> str | None:
    match = re.search(r'<a href="([^"]+)" rel="next"', html)
    return match.group(1).replace("&amp;", "&") if match else None


@pytest.fixture
def people(cast):
    return cast("author", "member", "applicant", "staff", "admin")


@pytest.fixture
def make_category(app):
    def make(name="Practice", **options):
        with app.app_context():
            return categories.create_category(name, **options)

    return make


@pytest.fixture
def make_thread(app, people):
    """make_thread(category, title, at=..., posts=1, pinned=False) -> Thread, written straight to
    the models with its posts and the counters that posting keeps (so times can be chosen)."""

    def make(category, title="A thread", *, at=START, posts=1, pinned=False, author="author"):
        with app.app_context():
            member = people[author]
            thread = Thread.create(
                category=category.id,
                author=member,
                title=title,
                pinned=pinned,
                post_count=posts,
                last_post_at=at,
                last_author=people["member"] if posts > 1 else member,
                created_at=at,
            )
            for number in range(1, posts + 1):
                Post.create(thread=thread, author=member, number=number, body_md="Hi", body_html="<p>Hi</p>")
            Category.update(
                thread_count=Category.thread_count + 1,
                post_count=Category.post_count + posts,
                last_post_at=at,
                last_thread_id=thread.id,
                last_thread_title=title,
            ).where(Category.id == category.id).execute()
            return thread

    return make


def read(app, member, thread, last_read):
    with app.app_context():
        ReadState.create(member=member, thread=thread, last_read=last_read)


# -- the home page -------------------------------------------------------------------------------


def test_home_lists_categories_in_order_with_counts_and_latest(app, client, make_category, make_thread):
    second = make_category("Events", description="Meetings and training", position=2)
    first = make_category("Practice", description="Sharing what works", position=1)
    make_thread(first, "Conversation clubs", posts=3)
    latest = make_thread(first, "Welcome walks", at=START + timedelta(hours=2), posts=2)
    page = text(client.get("/"))
    assert page.index('">Practice</a></h2>') < page.index('">Events</a></h2>')
    assert f'href="/c/{second.slug}"' in page and "Meetings and training" in page
    assert "2 threads,\n      5 posts" in page and "0 threads,\n      0 posts" in page
    assert f'<a href="/t/{latest.id}">Welcome walks</a>' in page
    assert '<time datetime="2025-03-01T11:00:00Z">1 Mar 2025, 11:00</time>' in page
    # Visitors are welcomed, with the Charter a link away.
    assert "Welcome to" in page and 'href="/charter"' in page


def test_members_only_categories_are_hidden_from_visitors_and_applicants(
    app, client, people, make_category, make_thread
):
    make_category("Open door")
    inner = make_category("Inner room", read_access="members")
    make_thread(inner, "Private plans")
    assert "Inner room" not in text(client.get("/"))
    assert client.get("/c/inner-room").status_code == 404
    # Exactly as a category that does not exist: its existence stays private.
    assert client.get("/c/no-such-place").status_code == 404
    applicant = signed_in(app, "applicant@example.org")
    assert "Inner room" not in text(applicant.get("/"))
    assert applicant.get("/c/inner-room").status_code == 404
    member = signed_in(app, "member@example.org")
    home = text(member.get("/"))
    assert "Inner room" in home and "Members only" in home
    assert "Private plans" in text(member.get("/c/inner-room"))


def test_admins_see_a_link_to_manage_categories(app, client, people):
    assert "/admin/categories" not in text(client.get("/"))
    assert "/admin/categories" not in text(signed_in(app, "staff@example.org").get("/"))
    assert "/admin/categories" in text(signed_in(app, "admin@example.org").get("/"))


# -- a category's page ---------------------------------------------------------------------------


def test_category_page_pinned_first_then_newest_activity(app, client, make_category, make_thread):
    category = make_category()
    old = make_thread(category, "Old news", at=START)
    pinned = make_thread(category, "House rules", at=START - timedelta(days=30), pinned=True)
    busy = make_thread(category, "Busy thread", at=START + timedelta(hours=1), posts=4)
    page = text(client.get("/c/practice"))
    assert thread_ids(page) == [pinned.id, busy.id, old.id]
    row = page[page.index(f'id="thread-{busy.id}"') :]
    row = row[: row.index("</li>")]
    assert "Busy thread" in row and "Started by Ann Author" in row and "3 replies" in row
    assert '<time datetime="2025-03-01T10:00:00Z">1 Mar 2025, 10:00</time> by Mo Member' in row
    assert "Pinned" in page[page.index(f'id="thread-{pinned.id}"') :].split("</li>")[0]
    assert 'rel="next"' not in page and "More threads" not in page


def test_removed_threads_are_not_listed(app, client, make_category, make_thread):
    category = make_category()
    gone = make_thread(category, "Spam")
    kept = make_thread(category, "Real talk")
    with app.app_context():
        Thread.update(status="removed").where(Thread.id == gone.id).execute()
    assert thread_ids(text(client.get("/c/practice"))) == [kept.id]


def test_new_thread_link_only_for_those_who_may_start_one(app, client, people, make_category):
    make_category("Practice")
    make_category("Announcements", post_access="staff")
    assert "New thread" not in text(client.get("/c/practice"))
    member = signed_in(app, "member@example.org")
    assert 'href="/c/practice/new">New thread</a>' in text(member.get("/c/practice"))
    assert "New thread" not in text(member.get("/c/announcements"))
    staff = signed_in(app, "staff@example.org")
    assert 'href="/c/announcements/new">New thread</a>' in text(staff.get("/c/announcements"))


def test_unread_marks_for_signed_in_members(app, client, people, make_category, make_thread):
    category = make_category()
    never = make_thread(category, "Never opened")
    behind = make_thread(category, "Behind", posts=5)
    current = make_thread(category, "Up to date", posts=2)
    read(app, people["member"], behind, 2)
    read(app, people["member"], current, 2)

    def mark(html, thread):
        row = html[html.index(f'id="thread-{thread.id}"') :].split("</li>")[0]
        found = re.search(r'class="marker marker-unread">([^<]+)<', row)
        return found.group(1) if found else None

    page = text(signed_in(app, "member@example.org").get("/c/practice"))
    assert (mark(page, never), mark(page, behind), mark(page, current)) == ("New", "3 unread", None)
    assert "marker-unread" not in text(client.get("/c/practice"))


def test_cursor_pages_are_complete_and_stable_with_ties(app, client, make_category, make_thread):
    """65 threads, ten at a time sharing one last-activity time, two pinned: walking the "More
    threads" links shows each exactly once, in order, and each page is its own stable URL."""
    category = make_category()
    threads = [
        make_thread(category, f"Thread {i}", at=START + timedelta(minutes=i // 10), pinned=i in (3, 40))
        for i in range(65)
    ]
    rest = sorted((t for t in threads if not t.pinned), key=lambda t: (t.last_post_at, t.id), reverse=True)
    expected = [threads[40].id, threads[3].id] + [t.id for t in rest]
    seen, url, urls = [], "/c/practice", []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = text(response)
        seen += thread_ids(page)
        urls.append(url)
        url = next_link(page)
    assert seen == expected and len(urls) == 3
    assert "?before=" in urls[1] and "Back to the newest" in text(client.get(urls[1]))
    # The same link shows the same threads later on, even after newer activity elsewhere.
    make_thread(category, "Brand new", at=START + timedelta(days=1))
    assert thread_ids(text(client.get(urls[2]))) == expected[2 * THREADS_PER_PAGE :]


def test_more_threads_with_htmx_answers_the_rows_and_swaps_the_link(app, client, make_category, make_thread):
    category = make_category()
    for i in range(THREADS_PER_PAGE + 5):
        make_thread(category, f"Thread {i}", at=START + timedelta(minutes=i))
    more = next_link(text(client.get("/c/practice")))
    response = client.get(more, headers=HTMX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body and "<ol" not in body
    assert len(thread_ids(body)) == 5
    assert body.lstrip().startswith("<li")
    # No further page: the link's place is emptied, out of band.
    assert '<p id="more-threads" data-hx-swap-oob="true" hidden></p>' in body
    assert "HX-Request" in response.headers["Vary"]
    trigger = response.headers["HX-Trigger"]
    assert "5 more threads shown." in trigger and f"#thread-{thread_ids(body)[0]} a" in trigger


@pytest.mark.parametrize(
    "before",
    [
        "rubbish",
        "_",
        "2025-03-01T09:00:00",
        "2025-03-01T09:00:00_",
        "2025-03-01T09:00:00_abc",
        "2025-03-01T09:00:00_-1",
        "2025-03-01T09:00:00_0",
        "2025-13-01T09:00:00_5",
        "2025-03-01T09:00:00_99999999999999999999999999",
        "2025-03-01T09:00:00_\u0665",
        "0001-01-01T00:00:00+05:00_3",
        "not-a-date_3",
    ],
)
def test_a_malformed_cursor_is_a_clear_400(client, make_category, before):
    make_category()
    response = client.get("/c/practice", query_string={"before": before})
    assert response.status_code == 400
    assert "That page link is not valid" in text(response)


def test_cursors_in_other_time_zones_and_far_ends_work(client, make_category, make_thread):
    category = make_category()
    early = make_thread(category, "Early", at=START)
    late = make_thread(category, "Late", at=START + timedelta(hours=2))
    # 10:00 at UTC+1 is 09:00 UTC: the early thread (same time, lower id) comes after it; 10:00 at
    # UTC+2 is before both.
    for offset, expected in (("+01:00", [early.id]), ("+02:00", [])):
        cursor = f"2025-03-01T10:00:00{offset}_{late.id}"
        response = client.get("/c/practice", query_string={"before": cursor})
        assert response.status_code == 200 and thread_ids(text(response)) == expected
    response = client.get("/c/practice", query_string={"before": f"9999-12-31T23:59:59.999999_{2**31 - 1}"})
    assert thread_ids(text(response)) == [late.id, early.id]
    # Past the largest id a row can have: a clear 400, not an overflow in the query.
    response = client.get("/c/practice", query_string={"before": f"9999-12-31T23:59:59.999999_{2**31}"})
    assert response.status_code == 400 and "not valid" in text(response)


def test_a_first_page_of_only_pinned_threads_goes_on_to_the_rest(app, people, make_category, make_thread):
    category = make_category()
    pinned = [make_thread(category, f"Rule {i}", pinned=True) for i in range(3)]
    other = make_thread(category, "Talk", at=START + timedelta(days=1))
    with app.app_context():
        first = categories.category_threads(people["member"], category, None, limit=2)
        assert [t.id for t in first.threads] == [pinned[2].id, pinned[1].id]
        rest = categories.category_threads(people["member"], category, str(first.next_cursor), limit=2)
        assert [t.id for t in rest.threads] == [other.id]


# -- unread ----------------------------------------------------------------------------------------


def test_unread_lists_threads_with_new_posts_newest_first(app, people, make_category, make_thread):
    practice = make_category("Practice")
    inner = make_category("Inner room", read_access="members")
    behind = make_thread(practice, "Behind", posts=4, at=START)
    newer = make_thread(inner, "Newer", posts=3, at=START + timedelta(hours=1))
    current = make_thread(practice, "Up to date", posts=2)
    make_thread(practice, "Never opened", posts=2)
    read(app, people["member"], behind, 1)
    read(app, people["member"], newer, 2)
    read(app, people["member"], current, 2)
    page = text(signed_in(app, "member@example.org").get("/unread"))
    assert thread_ids(page) == [newer.id, behind.id]
    assert "3 unread" in page and "1 unread" in page and 'href="/c/inner-room">Inner room</a>' in page
    # Another member's reading is their own.
    assert "nothing unread" in text(signed_in(app, "staff@example.org").get("/unread"))


def test_unread_pages_by_cursor(app, people, make_category, make_thread):
    category = make_category()
    threads = [
        make_thread(category, f"T{i}", posts=2, at=START + timedelta(minutes=i // 4)) for i in range(33)
    ]
    for thread in threads:
        read(app, people["member"], thread, 1)
    client = signed_in(app, "member@example.org")
    first = text(client.get("/unread"))
    assert len(thread_ids(first)) == THREADS_PER_PAGE
    second = client.get(next_link(first), headers=HTMX)
    expected = [t.id for t in sorted(threads, key=lambda t: (t.last_post_at, t.id), reverse=True)]
    assert thread_ids(first) + thread_ids(text(second)) == expected


def test_the_navigation_links_to_unread_for_members(app, client, people):
    assert ">Unread</a>" not in text(client.get("/"))
    assert ">Unread</a>" not in text(signed_in(app, "applicant@example.org").get("/application"))
    page = text(signed_in(app, "member@example.org").get("/"))
    assert ">Forum</a>" in page and 'href="/unread">Unread</a>' in page


# -- a fixed number of queries ---------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_pages_cost_the_same_whatever_their_length(
    app, people, make_category, make_thread, count_queries, viewer
):
    small = make_category("Small")
    large = make_category("Large")
    for i in range(3):
        thread = make_thread(small, f"Small {i}", posts=2)
        read(app, people["member"], thread, 1)
    for i in range(40):
        thread = make_thread(
            large, f"Large {i}", posts=1 + i % 3, pinned=i == 7, at=START + timedelta(minutes=i)
        )
        if i % 2:
            read(app, people["member"], thread, 1)
    client = app.test_client() if viewer == "visitor" else signed_in(app, "member@example.org")
    # What drawing each page costs: without the visitors' page cache in front of the app.
    app.wsgi_app = page_cache(app).wsgi_app

    def cost(url, **headers):
        with count_queries() as queries:
            assert client.get(url, headers=headers).status_code == 200
        return len(queries)

    page_two = next_link(text(client.get("/c/large")))
    assert page_two
    costs = {
        "small": cost("/c/small"),
        "large": cost("/c/large"),
        "large, page 2": cost(page_two),
        "large, more (htmx)": cost(page_two, **HTMX),
    }
    assert len(set(costs.values())) == 1, costs
    # The category and its threads with their authors; signed in, also the member (with the
    # current Charter versions, checked on every request) and the member's reading positions.
    assert costs["small"] == (2 if viewer == "visitor" else 4), costs
    home_before = cost("/")
    for i in range(10):
        make_category(f"Extra {i}", read_access="members" if i % 2 else "public")
    # The categories, and the next few events; signed in, also the member.
    assert cost("/") == home_before == (2 if viewer == "visitor" else 3)
    if viewer == "member":
        unread_small = cost("/unread")
        for i in range(40):
            read(app, people["member"], make_thread(small, f"More {i}", posts=3), 1)
        assert cost("/unread") == unread_small == 2
        assert cost(next_link(text(client.get("/unread")))) == unread_small


# -- admin of categories ---------------------------------------------------------------------------


def test_admin_creates_and_edits_categories(app, people):
    client = signed_in(app, "admin@example.org")
    page = client.get("/admin/categories")
    assert page.status_code == 200 and "<caption>" in text(page)
    response = client.post(
        "/admin/categories",
        data={
            "name": "Régional  news",
            "description": "Around the regions",
            "read_access": "members",
            "post_access": "staff",
            "position": "",
        },
    )
    assert response.status_code == 302
    assert "/c/regional-news" in text(client.get(response.headers["Location"]))
    with app.app_context():
        category = Category.get(Category.slug == "regional-news")
        assert (category.name, category.read_access, category.post_access) == (
            "Régional news",
            "members",
            "staff",
        )
    edit = f"/admin/categories/{category.id}"
    assert 'value="Régional news"' in text(client.get(edit))
    data = {
        "name": "Regional news",
        "description": "Updates",
        "read_access": "public",
        "post_access": "members",
    }
    response = client.post(edit, data={**data, "position": "7"})
    assert response.status_code == 302
    with app.app_context():
        changed = Category.get_by_id(category.id)
        assert (changed.name, changed.slug, changed.position) == ("Regional news", "regional-news", 7)
        assert (changed.description, changed.read_access, changed.post_access) == (
            "Updates",
            "public",
            "members",
        )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": ""}, "Give the category a name."),
        ({"name": "!!!"}, "at least one letter or digit"),
        ({"name": "Practice"}, "/c/practice already exists"),
        ({"name": "New", "position": "many"}, "Not a valid integer value."),
        ({"name": "New", "read_access": "everyone"}, "Not a valid choice."),
        ({"name": "x" * 81}, "Use at most 80 characters."),
    ],
)
def test_admin_form_errors_keep_the_input(app, people, make_category, data, message):
    make_category("Practice")
    client = signed_in(app, "admin@example.org")
    form = {"description": "Kept text", "read_access": "public", "post_access": "members", **data}
    response = client.post("/admin/categories", data=form)
    assert response.status_code == 422
    assert message in text(response) and "Kept text" in text(response)
    with app.app_context():
        assert Category.select().count() == 1


def test_only_admins_manage_categories(app, people, make_category):
    category = make_category("Practice")
    for email in ("member@example.org", "staff@example.org"):
        client = signed_in(app, email)
        assert client.post("/admin/categories", data={"name": "Sneaky"}).status_code == 403
        assert client.post(f"/admin/categories/{category.id}", data={"name": "Renamed"}).status_code == 403
    with app.app_context():
        assert [c.name for c in Category.select()] == ["Practice"]
    assert signed_in(app, "admin@example.org").get("/admin/categories/999").status_code == 404


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_creates_and_lists_categories(app, runner):
    result = runner.invoke(args=["categories", "create", "Practice & Ideas"])
    assert result.exit_code == 0 and "/c/practice-ideas" in result.output
    args = ["categories", "create", "Staff news", "--description", "From the team", "--read", "members"]
    result = runner.invoke(args=[*args, "--post", "staff"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        first, second = Category.listed()
        assert (first.read_access, first.post_access, first.position) == ("public", "members", 1)
        assert (second.slug, second.description, second.read_access, second.post_access, second.position) == (
            "staff-news",
            "From the team",
            "members",
            "staff",
            2,
        )
    lines = runner.invoke(args=["categories", "list"]).output.splitlines()
    assert lines == [
        "1\tpractice-ideas\t1\tpublic\tmembers\t0\tPractice & Ideas",
        "2\tstaff-news\t2\tmembers\tstaff\t0\tStaff news",
    ]


def test_cli_refuses_a_duplicate_and_bad_access(app, runner):
    assert runner.invoke(args=["categories", "create", "Practice"]).exit_code == 0
    duplicate = runner.invoke(args=["categories", "create", "practice!"])
    assert duplicate.exit_code == 1 and "/c/practice already exists" in duplicate.output
    bad = runner.invoke(args=["categories", "create", "Other", "--read", "everyone"])
    assert bad.exit_code == 2 and "--read" in bad.output
    bad = runner.invoke(args=["categories", "create", "Other", "--post", "anyone"])
    assert bad.exit_code == 2 and "--post" in bad.output
    with app.app_context():
        assert Category.select().count() == 1


@pytest.mark.parametrize(
    "name, slug",
    [
        ("Events & Training", "events-training"),
        ("  Café   Crème ", "cafe-creme"),
        ("Интеграция", "интеграция"),
        ("snake_case name", "snake-case-name"),
    ],
)
def test_slugs(name, slug):
    assert categories.slugify(name) == slug
