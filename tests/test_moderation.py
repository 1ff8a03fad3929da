"""Staff moderation: hide, restore and remove inline; lock and move with a reason; warn,
suspend, lift and delete members; staff notes; the log, whole for staff and redacted for members."""

import re

import pytest
from helpers import signed_in, text

from forum.models import BlockedEmail, Category, LogEntry, Member, Post, StaffNote, Thread
from forum.services import posting

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(cast):
    return cast("author", "other", "staff", "other_staff", "admin")


@pytest.fixture
def thread(app, people):
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(
            people["author"], category, {"title": "Clubs", "message": "Original words"}
        )
        posting.reply(people["other"], Thread.with_category(first.thread_id), {"message": "A reply"})
        return Thread.with_category(first.thread_id)


def test_staff_see_hide_on_each_post_and_members_do_not(app, thread):
    staff = text(signed_in(app, "staff@example.org").get(f"/t/{thread.id}?page=1"))
    assert staff.count(">Hide</button>") == 2 and staff.count(">Remove</button>") == 2
    member = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    assert ">Hide</button>" not in member


def test_hide_in_place_asks_for_a_reason_and_logs_it(app, thread, outbox):
    staff = signed_in(app, "staff@example.org")
    ask = staff.get("/moderation/posts/1/hide", headers=HTMX)
    assert ask.status_code == 200 and "<html" not in text(ask) and 'name="reason"' in text(ask)
    refused = staff.post("/moderation/posts/1/hide", data={"reason": ""}, headers=HTMX)
    assert refused.status_code == 422 and "Choose a reason." in text(refused)
    done = staff.post("/moderation/posts/1/hide", data={"reason": "uncivil", "note": "Tone"}, headers=HTMX)
    assert done.status_code == 200
    assert text(done).lstrip().startswith('<article class="post post-hidden"') and "Original words" in text(
        done
    )
    assert '"message": "The post is hidden."' in done.headers["HX-Trigger"]
    with app.app_context():
        assert Post.get_by_id(1).status == "hidden"
        entry = LogEntry.get()
        assert (entry.action, entry.target_type, entry.target_id, entry.reason) == (
            "hide_post",
            "post",
            1,
            "uncivil",
        )
    assert (
        outbox()[-1].to_address == "author@example.org"
        and "Disrespectful or uncivil" in outbox()[-1].body_text
    )
    others = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    assert "Original words" not in others and "hidden while the team reviews it" in others


def test_a_stale_action_changes_nothing(app, people, thread):
    first, second = signed_in(app, "staff@example.org"), signed_in(app, people.other_staff)
    assert first.post("/moderation/posts/1/remove", data={"reason": "spam"}).status_code == 302
    late = second.post("/moderation/posts/1/remove", data={"reason": "spam"})
    assert late.status_code == 409 and "already removed" in text(late)
    with app.app_context():
        assert LogEntry.select().count() == 1


def test_restore_brings_a_removed_post_back(app, thread):
    staff = signed_in(app, "staff@example.org")
    staff.post("/moderation/posts/2/remove", data={"reason": "spam"})
    assert (
        staff.post("/moderation/posts/2/restore", data={"reason": "other", "note": "Mistake"}).status_code
        == 302
    )
    with app.app_context():
        assert Post.get_by_id(2).status == "visible"
        assert [e.action for e in LogEntry.select().order_by(LogEntry.id)] == ["remove_post", "restore_post"]


def test_members_cannot_use_staff_routes(app, thread, people):
    member = signed_in(app, "other@example.org")
    assert member.post("/moderation/posts/1/hide", data={"reason": "spam"}).status_code == 403
    assert (
        member.post(
            f"/moderation/members/{people['author'].id}/suspend", data={"days": "7", "reason": "spam"}
        ).status_code
        == 403
    )
    assert member.get("/moderation/log").status_code == 403
    with app.app_context():
        assert Post.get_by_id(1).status == "visible" and LogEntry.select().count() == 0


def test_lock_and_move_need_a_reason_and_are_logged(app, thread):
    with app.app_context():
        events = Category.create(name="Events", slug="events")
    staff = signed_in(app, "staff@example.org")
    staff.post(f"/t/{thread.id}/lock", data={"reason": "uncivil"})
    staff.post(f"/t/{thread.id}/move", data={"category": events.id, "reason": "other", "note": "Better fit"})
    with app.app_context():
        assert Thread.get_by_id(thread.id).locked
        assert [e.action for e in LogEntry.select().order_by(LogEntry.id)] == ["lock_thread", "move_thread"]


def test_suspend_then_lift(app, people, thread, outbox):
    staff = signed_in(app, "staff@example.org")
    author = people["author"]
    member = signed_in(app, "author@example.org")
    response = staff.post(f"/moderation/members/{author.id}/suspend", data={"days": "7", "reason": "uncivil"})
    assert response.status_code == 302
    assert "suspended until" in outbox()[-1].body_text
    # Can read, cannot post, and is told until when and why.
    page = member.get(f"/t/{thread.id}?page=1")
    assert page.status_code == 200 and "Your membership is suspended until" in text(page)
    refused = member.post(f"/t/{thread.id}/reply", data={"message": "Let me"})
    assert refused.status_code == 403 and "suspended until" in text(refused)
    staff.post(f"/moderation/members/{author.id}/lift")
    assert member.post(f"/t/{thread.id}/reply", data={"message": "Back"}).status_code == 302


def test_warn_writes_a_staff_note_and_emails_the_member(app, people, outbox):
    staff = signed_in(app, "staff@example.org")
    refused = staff.post(
        f"/moderation/members/{people['other'].id}/warn", data={"reason": "uncivil", "note": ""}
    )
    assert refused.status_code == 422
    staff.post(
        f"/moderation/members/{people['other'].id}/warn",
        data={"reason": "uncivil", "note": "Please keep it civil."},
    )
    assert "Please keep it civil." in outbox()[-1].body_text
    page = text(staff.get(f"/moderation/members/{people['other'].id}"))
    assert "Warning (Disrespectful or uncivil): Please keep it civil." in page
    with app.app_context():
        assert StaffNote.select().count() == 1


@pytest.mark.parametrize("posts", ["keep", "remove"])
def test_delete_account_signs_out_and_keeps_or_removes_posts(app, people, thread, outbox, posts):
    member = signed_in(app, "author@example.org")
    staff = signed_in(app, "staff@example.org")
    response = staff.post(
        f"/moderation/members/{people['author'].id}/delete",
        data={"reason": "harmful", "posts": posts, "block_email": "y"},
    )
    assert response.status_code == 302
    assert (
        outbox()[-1].to_address == "author@example.org" and "deleted your account" in outbox()[-1].body_text
    )
    assert member.get("/account").status_code == 302  # the session is refused at once
    page = text(signed_in(app, "other@example.org").get(f"/t/{thread.id}?page=1"))
    if posts == "keep":
        assert "A former member" in page and "Original words" in page
    else:
        assert "Original words" not in page and "removed by staff" in page
    rejoin = app.test_client().post(
        "/join", data={"email": "author@example.org", "name": "Ann", "password": "brand new passphrase 9"}
    )
    assert "cannot be used to join" in text(rejoin) or rejoin.status_code == 422
    with app.app_context():
        assert BlockedEmail.select().where(BlockedEmail.email == "author@example.org").exists()
        assert Member.get_by_id(people["author"].id).status == "deleted"


def test_staff_cannot_act_on_admins_or_themselves(app, people):
    staff = signed_in(app, "staff@example.org")
    for target in ("admin", "staff"):
        response = staff.post(
            f"/moderation/members/{people[target].id}/suspend", data={"days": "7", "reason": "spam"}
        )
        assert response.status_code == 403


def test_the_log_is_whole_for_staff_and_redacted_for_members(app, thread):
    staff = signed_in(app, "staff@example.org")
    staff.post("/moderation/posts/2/remove", data={"reason": "spam", "note": "Private staff context"})
    staff_log = text(staff.get("/moderation/log"))
    assert "Sam Staff" in staff_log and "Private staff context" in staff_log and "Removed a post" in staff_log
    members_log = text(signed_in(app, "other@example.org").get("/moderation-log"))
    assert "Removed a post" in members_log and "Spam" in members_log
    assert "Sam Staff" not in members_log and "Private staff context" not in members_log
    assert "A reply" not in members_log  # never the removed content
    filtered = text(staff.get("/moderation/log?action=hide_post"))
    assert "No actions match." in filtered
    assert app.test_client().get("/moderation-log").status_code == 302  # visitors sign in first
    assert re.search(r"<table class=\"log\">", members_log)


def test_approving_an_application_is_logged(app, people, cast):
    cast("applicant")
    signed_in(app, people.staff).post(f"/moderation/applications/{people.applicant.id}/approve")
    with app.app_context():
        assert LogEntry.get().action == "approve_application"


def test_two_staff_acting_at_once_leave_one_result(app, people, thread):
    import threading

    clients = [signed_in(app, "staff@example.org"), signed_in(app, people.other_staff)]
    results, start = [], threading.Barrier(2)

    def act(client, action):
        start.wait()
        results.append(client.post(f"/moderation/posts/2/{action}", data={"reason": "spam"}).status_code)

    workers = [threading.Thread(target=act, args=(c, "remove")) for c in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert sorted(results) in ([302, 409], [302, 503])  # the loser is told, or asked to retry
    with app.app_context():
        assert Post.get_by_id(2).status == "removed"
        assert LogEntry.select().where(LogEntry.action == "remove_post").count() == 1


def test_a_deleted_account_is_offered_no_action_and_each_is_refused(app, people):
    staff = signed_in(app, "staff@example.org")
    author = people["author"]
    deleted = staff.post(f"/moderation/members/{author.id}/delete", data={"reason": "spam", "posts": "keep"})
    assert deleted.status_code == 302
    page = text(staff.get(f"/moderation/members/{author.id}"))
    assert 'id="warn-heading"' not in page and f"/moderation/members/{author.id}/suspend" not in page
    again = staff.post(f"/moderation/members/{author.id}/warn", data={"reason": "spam", "note": "Hello"})
    assert again.status_code == 409 and "already deleted" in text(again)
