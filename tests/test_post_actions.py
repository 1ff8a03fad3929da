"""The staff actions on a post (Hide, Restore, Remove) are one table, POST_ACTIONS: the
thread page and the queue offer an action exactly when its route takes it, for a post in every
status, and what staff and the author read of it is the table's wording."""

import json

import pytest
from helpers import signed_in, text

from forum.models import Category, Post, Thread
from forum.models.moderation import POST_ACTIONS
from forum.policy import can
from forum.services import posting, reporting

STATUSES = ("visible", "hidden", "removed", "withdrawn")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def thread(app, cast):
    cast("author", "other", "staff")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(cast.author, category, {"title": "Clubs", "message": "Opening"})
        return Thread.with_category(first.thread_id)


@pytest.fixture
def post_in(app, cast, thread):
    """post_in(status) -> the id of a new reply by the other member, left in that status."""

    def make(status):
        with app.app_context():
            post = posting.reply(cast.other, Thread.with_category(thread.id), {"message": f"Now {status}"})
            Post.update(status=status).where(Post.id == post.id).execute()
            return post.id

    return make


def offered(page: str, post_id: int, action: str) -> bool:
    return f'action="/moderation/posts/{post_id}/{action}"' in page


def test_the_table_changes_what_it_applies_to():
    for action in POST_ACTIONS.values():
        assert action.applies_to and action.becomes not in action.applies_to
        assert set(action.applies_to) <= set(STATUSES) and action.becomes in STATUSES
        assert action.rule == f"{action.name}_post"


@pytest.mark.parametrize("status", STATUSES)
def test_each_action_is_offered_on_the_thread_page_exactly_when_the_route_takes_it(
    app, cast, thread, post_in, status
):
    ids = {name: post_in(status) for name in POST_ACTIONS}
    staff = signed_in(app, cast.staff)
    page = text(staff.get(f"/t/{thread.id}?page=1"))
    for name, action in POST_ACTIONS.items():
        post_id = ids[name]
        shown = offered(page, post_id, name)
        response = staff.post(
            f"/moderation/posts/{post_id}/{name}", data={"reason": "other", "note": "Check"}
        )
        with app.app_context():
            after = Post.get_by_id(post_id).status
        if status in action.applies_to:
            assert shown and response.status_code == 302 and after == action.becomes, name
        else:
            assert not shown and response.status_code == 409 and after == status, name
            assert f"already {status}" in text(response)


@pytest.mark.parametrize("status", STATUSES)
def test_members_are_offered_no_staff_action_and_the_routes_refuse_them(app, cast, thread, post_in, status):
    post_id = post_in(status)
    member = signed_in(app, cast.author)
    page = text(member.get(f"/t/{thread.id}?page=1"))
    for name in POST_ACTIONS:
        assert not offered(page, post_id, name)
        assert member.post(f"/moderation/posts/{post_id}/{name}", data={"reason": "spam"}).status_code == 403
    with app.app_context():
        assert Post.get_by_id(post_id).status == status
        assert not any(
            can(cast.author, action.rule, Post.get_by_id(post_id)) for action in POST_ACTIONS.values()
        )


def test_the_queue_offers_hide_and_remove_as_the_rules_say(app, cast, thread, post_in):
    cast("member", "trusted")
    reported, hidden = post_in("visible"), post_in("visible")
    with app.app_context():
        for who, post_id in ((cast.member, reported), (cast.trusted, hidden)):
            target = reporting.load_target(who, "post", post_id)
            reporting.report(who, target, {"reason": "uncivil", "urgent": False})
        # A trusted member's single report hides the post until staff decide.
        assert Post.get_by_id(hidden).status == "hidden"
    staff = signed_in(app, cast.staff)
    queue = text(staff.get("/moderation/"))
    for post_id in (reported, hidden):
        with app.app_context():
            post = Post.get_by_id(post_id)
            for name in ("hide", "remove"):
                hx = f'data-hx-post="/moderation/posts/{post_id}/{name}"'
                assert (hx in queue) == can(cast.staff, f"{name}_post", post), (post.status, name)
    assert staff.post(f"/moderation/posts/{hidden}/hide", data={"reason": "spam"}).status_code == 409
    assert staff.post(f"/moderation/posts/{hidden}/remove", data={"reason": "spam"}).status_code == 302


@pytest.mark.parametrize("name", list(POST_ACTIONS))
def test_what_staff_and_the_author_read_is_the_tables_wording(app, cast, thread, post_in, outbox, name):
    action = POST_ACTIONS[name]
    post_id = post_in(action.applies_to[0])
    staff = signed_in(app, cast.staff)
    asked = text(staff.get(f"/moderation/posts/{post_id}/{name}"))
    assert f"<h1>{action.label} a post in" in asked and f">{action.label}</button>" in asked
    sent = len(outbox())
    done = staff.post(f"/moderation/posts/{post_id}/{name}", data={"reason": "spam"}, headers=HTMX)
    assert json.loads(done.headers["HX-Trigger"])["forum:announce"]["message"] == action.announcement
    assert action.announcement == f"The post is {action.done}."
    told = outbox()[sent:]
    if name == "restore":
        assert not told
    else:
        assert [m.to_address for m in told] == [cast.other.email]
        assert f"The team has {action.done} your post" in told[0].body_text
