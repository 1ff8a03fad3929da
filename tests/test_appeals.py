"""Statements of reasons and appeals (issue #25, part 1): each moderation action on a member's post
or account tells them what was done, under which Charter clause, who started it and how to appeal,
in the email and on their own pages; they appeal once, in time; someone else upholds or reverses;
reversing undoes; the member is emailed and the public log records the outcome. Each bad input
answers clearly and changes nothing."""

import re
import time
from datetime import timedelta

import pytest
from helpers import PASSWORD, signed_in, text

from forum.models import (
    BlockedEmail,
    Category,
    GroupMember,
    LogEntry,
    Member,
    Post,
    StaffNote,
    Thread,
    utcnow,
)
from forum.models.appeals import Appeal, Decision
from forum.models.support import SupportRequest
from forum.services import appeals, group_leads, moderating, posting, reporting, support

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(cast):
    return cast("author", "other", "staff", "other_staff")


@pytest.fixture
def post_id(app, people):
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(people.author, category, {"title": "Clubs", "message": "Original words"})
        return first.id


def hide(app, staff_email="staff@example.org", post=1, reason="uncivil", note="Tone"):
    response = signed_in(app, staff_email).post(
        f"/moderation/posts/{post}/hide", data={"reason": reason, "note": note}
    )
    assert response.status_code == 302
    with app.app_context():
        return Decision.select().order_by(Decision.id.desc()).get()


def count(app, model) -> int:
    with app.app_context():
        return model.select().count()


# -- the statement of reasons --------------------------------------------------------------------


def test_a_hidden_post_comes_with_a_statement_in_the_email_and_on_my_posts(app, people, post_id, outbox):
    with app.app_context():
        reporter = Member.get_by_id(people.other.id)
        reporting.report(reporter, reporting.load_target(reporter, "post", post_id), {"reason": "uncivil"})
    decision = hide(app)
    assert decision.started_by == "reports" and decision.content == "Original words"
    email = outbox()[-1].body_text
    assert outbox()[-1].to_address == "author@example.org"
    assert "Statement of reasons (reference " + decision.reference in email
    assert "Members' Charter, point 9" in email and "civility, respect" in email
    assert "Who started it: Members reported it to the team." in email
    assert "press Appeal" in email and "/my/posts" in email
    page = text(signed_in(app, "author@example.org").get("/my/posts"))
    assert "Statement of reasons:" in page and "The team hid your post in “Clubs”." in page
    assert decision.reference in page and ">Appeal</button>" in page


def test_staff_on_their_own_review_and_a_restore_needs_no_appeal(app, people, post_id):
    decision = hide(app)
    assert decision.started_by == "staff" and decision.by_lead is False
    signed_in(app, "staff@example.org").post(
        f"/moderation/posts/{post_id}/restore", data={"reason": "other", "note": "x"}
    )
    assert count(app, Decision) == 1
    # Reports hide it again afterwards: that is no staff decision, and the old one does not come back.
    with app.app_context():
        reporter = Member.get_by_id(people.other_staff.id)
        reporting.report(reporter, reporting.load_target(reporter, "post", post_id), {"reason": "spam"})
        assert Post.get_by_id(post_id).status == "hidden"
    page = text(signed_in(app, "author@example.org").get("/my/posts"))
    assert ">Appeal</button>" not in page and "Hidden while the team reviews reports" in page
    refused = signed_in(app, "author@example.org").post(
        f"/my/decisions/{decision.id}/appeal", data={"body": "Why"}
    )
    assert refused.status_code == 409 and "no longer stands" in text(refused)
    assert count(app, Appeal) == 0


# -- appealing ------------------------------------------------------------------------------------


def test_appeal_without_javascript_then_it_waits_in_the_queue(app, people, post_id):
    decision = hide(app)
    author = signed_in(app, "author@example.org")
    form = author.get(f"/my/decisions/{decision.id}/appeal")
    assert form.status_code == 200 and "Your appeal" in text(form) and ">Send appeal</button>" in text(form)
    sent = author.post(f"/my/decisions/{decision.id}/appeal", data={"body": "It was a quote, not my words."})
    assert sent.status_code == 302 and sent.headers["Location"] == f"/my/posts#my-post-{post_id}"
    page = text(author.get("/my/posts"))
    assert (
        "Your appeal</strong> of" in page
        and "waiting for a decision" in page
        and ">Appeal</button>" not in page
    )
    queue = text(signed_in(app, "other.staff@example.org").get("/moderation/appeals"))
    assert "Appeal by Ann Author" in queue and "Hid a post: “Clubs”" in queue
    assert "Taken by:</strong> Sam Staff" in queue and "Original words" in queue
    assert (
        "It was a quote, not my words." in queue
        and ">Uphold</button>" in queue
        and ">Reverse</button>" in queue
    )


def test_appeal_with_htmx_opens_and_answers_in_place(app, people, post_id):
    decision = hide(app)
    author = signed_in(app, "author@example.org")
    opened = author.get(f"/my/decisions/{decision.id}/appeal", headers=HTMX)
    assert opened.status_code == 200 and "<html" not in text(opened) and 'name="body"' in text(opened)
    sent = author.post(
        f"/my/decisions/{decision.id}/appeal", data={"body": "Please look again"}, headers=HTMX
    )
    assert sent.status_code == 200 and "<html" not in text(sent)
    assert text(sent).lstrip().startswith(f'<div class="card decision" id="decision-{decision.id}"')
    assert "Your appeal is sent" in sent.headers["HX-Trigger"]
    refused = author.post(f"/my/decisions/{decision.id}/appeal", data={"body": "Again!"}, headers=HTMX)
    assert refused.status_code == 409 and "already appealed" in text(refused) and "Again!" in text(refused)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ("", 422, "Write your appeal"),
        ("   ", 422, "Write your appeal"),
        ("x" * 5001, 422, "keep it to 5,000"),
    ],
)
def test_an_empty_or_too_long_appeal_is_refused_with_the_text_kept(
    app, people, post_id, body, status, message
):
    decision = hide(app)
    refused = signed_in(app, "author@example.org").post(
        f"/my/decisions/{decision.id}/appeal", data={"body": body}
    )
    assert refused.status_code == status and message in text(refused)
    if body.strip():
        assert body in text(refused)
    assert count(app, Appeal) == 0


def test_an_appeal_twice_after_the_limit_or_on_someone_elses_decision_changes_nothing(app, people, post_id):
    decision = hide(app)
    author = signed_in(app, "author@example.org")
    assert author.post(f"/my/decisions/{decision.id}/appeal", data={"body": "First"}).status_code == 302
    twice = author.post(f"/my/decisions/{decision.id}/appeal", data={"body": "Second words"})
    assert twice.status_code == 409 and "already appealed" in text(twice) and "Second words" in text(twice)
    other = signed_in(app, "other@example.org")
    assert other.get(f"/my/decisions/{decision.id}/appeal").status_code == 404
    theirs = other.post(f"/my/decisions/{decision.id}/appeal", data={"body": "Not mine"})
    assert theirs.status_code == 404 and "no such decision about you" in text(theirs)
    with app.app_context():
        assert [a.body for a in Appeal.select()] == ["First"]
        later = posting.reply(
            Member.get_by_id(people.author.id), Thread.get_by_id(1), {"message": "A second post"}
        )
    second = hide(app, post=later.id)
    with app.app_context():
        Decision.update(appeal_until=utcnow() - timedelta(days=1)).where(Decision.id == second.id).execute()
    late = author.post(f"/my/decisions/{second.id}/appeal", data={"body": "Too late?"})
    assert late.status_code == 409 and "time to appeal this decision has passed" in text(late)
    assert "Too late?" in text(late)
    assert "ended on" in text(author.get("/my/posts")) and count(app, Appeal) == 1


def test_a_forged_appeal_is_refused(make_app, cast):
    app = make_app(WTF_CSRF_ENABLED=True)
    cast("author", "staff", "other_staff")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        post = posting.start_thread(
            Member.get_by_id(cast.author.id), category, {"title": "Clubs", "message": "M"}
        )
        moderating.act_on_post(Member.get_by_id(cast.staff.id), Post.with_thread(post.id), "hide", "spam")
        decision = Decision.get()
    client = app.test_client()
    html = text(client.get("/sign-in"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post(
        "/sign-in",
        data={"email": "author@example.org", "password": PASSWORD, "csrf_token": token},
    )
    forged = client.post(
        f"/my/decisions/{decision.id}/appeal", data={"body": "Forged", "csrf_token": "forged"}
    )
    assert forged.status_code == 400 and count(app, Appeal) == 0


# -- deciding -------------------------------------------------------------------------------------


def appealed(app, decision, body="Please look again"):
    client = signed_in(app, "author@example.org")
    assert client.post(f"/my/decisions/{decision.id}/appeal", data={"body": body}).status_code == 302
    with app.app_context():
        return Appeal.get(Appeal.decision == decision.id)


def test_another_staff_member_reverses_and_the_post_is_back(app, people, post_id, outbox):
    appeal = appealed(app, hide(app))
    staff = signed_in(app, "other.staff@example.org")
    done = staff.post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "It was a quote."}
    )
    assert done.status_code == 302 and done.headers["Location"] == "/moderation/appeals"
    with app.app_context():
        assert Post.get_by_id(post_id).status == "visible"
        assert Appeal.get_by_id(appeal.id).status == "reversed" and Decision.get().reversed_at is not None
        entry = LogEntry.select().order_by(LogEntry.id.desc()).get()
        assert (entry.action, entry.target_type, entry.target_id) == ("reverse_appeal", "post", post_id)
    email = outbox()[-1]
    assert email.to_address == "author@example.org" and "the decision is reversed" in email.body_text
    assert "Your post is visible again." in email.body_text and "It was a quote." in email.body_text
    assert "Original words" in text(signed_in(app, "other@example.org").get("/t/1?page=1"))
    public = text(signed_in(app, "other@example.org").get("/moderation-log"))
    assert (
        "Reversed a decision on appeal" in public and "Sam Staff" not in public and "Sue Staff" not in public
    )
    mine = text(signed_in(app, "author@example.org").get("/my/posts"))
    assert "the team reversed the decision: It was a quote." in mine


def test_uphold_keeps_the_decision_and_tells_the_member(app, people, post_id, outbox):
    appeal = appealed(app, hide(app))
    staff = signed_in(app, "other.staff@example.org")
    done = staff.post(
        f"/moderation/appeals/{appeal.id}",
        data={"outcome": "uphold", "reason": "Still uncivil."},
        headers=HTMX,
    )
    assert done.status_code == 200 and "<html" not in text(done) and "Upheld" in text(done)
    with app.app_context():
        assert Post.get_by_id(post_id).status == "hidden" and Appeal.get().status == "upheld"
        assert LogEntry.select().where(LogEntry.action == "uphold_appeal").count() == 1
    assert "the decision is upheld" in outbox()[-1].body_text
    again = staff.post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Changed my mind"}
    )
    assert again.status_code == 409 and "already decided" in text(again) and "Changed my mind" in text(again)
    with app.app_context():
        assert Post.get_by_id(post_id).status == "hidden"


def test_whoever_took_the_decision_does_not_decide_its_appeal(app, people, post_id):
    appeal = appealed(app, hide(app))
    taker = signed_in(app, "staff@example.org")
    page = text(taker.get(f"/moderation/appeals/{appeal.id}"))
    assert "You took this decision, so another member of staff decides its appeal." in page
    assert ">Reverse</button>" not in page
    refused = taker.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Mine"})
    assert refused.status_code == 403 and "another member of staff" in text(refused)
    with app.app_context():
        assert Appeal.get().status == "waiting" and Post.get_by_id(post_id).status == "hidden"


def test_the_only_active_staff_member_decides_and_the_page_says_so(app, people, post_id):
    appeal = appealed(app, hide(app))
    with app.app_context():
        Member.update(status="suspended").where(Member.id == people.other_staff.id).execute()
    taker = signed_in(app, "staff@example.org")
    assert "you are the only active member of staff, so you decide its appeal" in text(
        taker.get("/moderation/appeals")
    )
    done = taker.post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "uphold", "reason": "Reviewed again"}
    )
    assert done.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": "reverse", "reason": ""}, "Say why"),
        ({"reason": "Because"}, "Press Uphold or Reverse"),
        ({"outcome": "reverse", "reason": "x" * 2001}, "at most 2,000"),
    ],
)
def test_a_decision_without_a_reason_or_an_outcome_is_refused(app, people, post_id, data, message):
    appeal = appealed(app, hide(app))
    refused = signed_in(app, "other.staff@example.org").post(f"/moderation/appeals/{appeal.id}", data=data)
    assert refused.status_code == 422 and message in text(refused)
    with app.app_context():
        assert Appeal.get().status == "waiting" and Post.get_by_id(post_id).status == "hidden"


def test_members_cannot_see_or_decide_appeals(app, people, post_id):
    appeal = appealed(app, hide(app))
    author = signed_in(app, "author@example.org")
    assert author.get("/moderation/appeals").status_code == 403
    assert (
        author.post(
            f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Me"}
        ).status_code
        == 403
    )
    with app.app_context():
        assert Appeal.get().status == "waiting"


def test_appeals_wait_oldest_first_with_figures(app, people, post_id):
    with app.app_context():
        second = posting.reply(
            Member.get_by_id(people.author.id), Thread.get_by_id(1), {"message": "Later words"}
        )
    first_appeal = appealed(app, hide(app), body="About the first")
    appealed(app, hide(app, post=second.id), body="About the second")
    page = text(signed_in(app, "other.staff@example.org").get("/moderation/appeals"))
    assert page.index("About the first") < page.index("About the second") and "2 appeals waiting" in page
    signed_in(app, "other.staff@example.org").post(
        f"/moderation/appeals/{first_appeal.id}", data={"outcome": "reverse", "reason": "Fine"}
    )
    with app.app_context():
        figures = appeals.figures()
    assert (figures["appeals"], figures["waiting"], figures["decided"], figures["reversed"]) == (2, 1, 1, 1)
    assert figures["share_reversed"] == 1.0 and figures["median_hours_to_decide"] >= 0


# -- account sanctions and groups ------------------------------------------------------------------


def test_a_suspension_is_appealed_from_the_account_page_and_reversed(app, people, outbox):
    staff = signed_in(app, "staff@example.org")
    staff.post(f"/moderation/members/{people.author.id}/suspend", data={"days": "7", "reason": "promotion"})
    assert "point 13" in outbox()[-1].body_text and "your account page" in outbox()[-1].body_text
    author = signed_in(app, "author@example.org")
    page = text(author.get("/account"))
    assert (
        "Decisions about your account" in page and "The team suspended your membership. For 7 days." in page
    )
    with app.app_context():
        decision = Decision.get()
    assert (
        author.post(f"/my/decisions/{decision.id}/appeal", data={"body": "I was asked for it"}).status_code
        == 302
    )
    with app.app_context():
        appeal = Appeal.get()
    signed_in(app, "other.staff@example.org").post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "They were asked"}
    )
    with app.app_context():
        assert Member.get_by_id(people.author.id).status == "active"
    assert "Your suspension is lifted." in outbox()[-1].body_text


def test_a_warning_reversed_is_withdrawn(app, people, outbox):
    signed_in(app, "staff@example.org").post(
        f"/moderation/members/{people.author.id}/warn", data={"reason": "uncivil", "note": "Mind the tone."}
    )
    assert "Statement of reasons" in outbox()[-1].body_text
    with app.app_context():
        decision = Decision.get()
    assert decision.content == "Mind the tone."
    appeal = appealed(app, decision)
    signed_in(app, "other.staff@example.org").post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Fair"}
    )
    with app.app_context():
        assert "withdrawn on appeal: Fair" in StaffNote.select().order_by(StaffNote.id.desc()).get().body
    assert "The warning is withdrawn." in outbox()[-1].body_text
    assert "the team reversed the decision: Fair" in text(
        signed_in(app, "author@example.org").get("/account")
    )


def test_a_removal_from_a_group_is_appealed_and_reversed(app, cast, outbox):
    cast("lead", "group_member", "staff", "other")
    with app.app_context():
        group = cast.group
        group_leads.remove_member(
            Member.get_by_id(cast.lead.id), group, cast.group_member.id, "Not a teacher"
        )
        decision = Decision.get()
    assert decision.by_lead and decision.started_by == "lead" and decision.group_id == group.id
    email = outbox()[-1]
    assert (
        email.to_address == "group.member@example.org"
        and "removed from the group ESOL Practice" in email.body_text
    )
    assert "A lead of the group removed you from the group ESOL Practice." in email.body_text
    client = signed_in(app, "group.member@example.org")
    assert "A lead of the group removed you" in text(client.get("/account"))
    assert (
        client.post(f"/my/decisions/{decision.id}/appeal", data={"body": "I teach ESOL"}).status_code == 302
    )
    with app.app_context():
        appeal = Appeal.get()
    signed_in(app, "staff@example.org").post(
        f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "They do"}
    )
    with app.app_context():
        assert (
            GroupMember.select()
            .where((GroupMember.group == group) & (GroupMember.member == cast.group_member.id))
            .exists()
        )
    # The public log says an appeal was decided, and names nothing of the group to outsiders.
    outside = text(signed_in(app, "other@example.org").get("/moderation-log"))
    assert "Reversed a decision on appeal" in outside and "Gil Group" not in outside


def test_a_deleted_account_appeals_through_contact_the_team(app, people, outbox):
    signed_in(app, "staff@example.org").post(
        f"/moderation/members/{people.author.id}/delete",
        data={"reason": "harmful", "note": "Threats", "posts": "keep", "block_email": "y"},
    )
    email = outbox()[-1].body_text
    reference = re.search(r"reference (D-[A-Z0-9]{4}-[A-Z0-9]{4})", email).group(1)
    assert "cannot be restored" in email and "Contact the team" in email
    with app.test_request_context():
        token = support.form_token(time.time() - 10)
    visitor = app.test_client()
    form = {"topic": "appeal", "message": "I made no threats.", "email": "author@example.org", "token": token}
    wrong = visitor.post("/support", data={**form, "reference": "D-AAAA-BBBB"})
    assert wrong.status_code == 422 and "No decision about you has that reference" in text(wrong)
    assert "I made no threats." in text(wrong) and count(app, SupportRequest) == 0
    sent = visitor.post("/support", data={**form, "reference": reference.lower().replace("-", " ")})
    assert sent.status_code == 302
    with app.app_context():
        appeal, request = Appeal.get(), SupportRequest.get()
    assert appeal.support_request_id == request.id and appeal.email == "author@example.org"
    staff = signed_in(app, "other.staff@example.org")
    assert f"/moderation/appeals/{appeal.id}" in text(staff.get(f"/moderation/support/{request.id}"))
    page = text(staff.get(f"/moderation/appeals/{appeal.id}"))
    assert "(account deleted)" in page and "cannot be restored" in page and "I made no threats." in page
    staff.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "No threats found"})
    with app.app_context():
        assert not BlockedEmail.select().where(BlockedEmail.email == "author@example.org").exists()
        assert Member.get_by_id(people.author.id).status == "deleted"
    assert outbox()[-1].to_address == "author@example.org" and "free to join again" in outbox()[-1].body_text
    twice = visitor.post("/support", data={**form, "reference": reference})
    assert twice.status_code == 422 and "already appealed" in text(twice)


def test_an_open_account_appeals_on_its_pages_not_by_reference(app, people, post_id):
    decision = hide(app)
    with app.test_request_context():
        token = support.form_token(time.time() - 10)
    form = {"topic": "appeal", "message": "Look again", "email": "author@example.org", "token": token}
    refused = app.test_client().post("/support", data={**form, "reference": decision.reference})
    assert refused.status_code == 422 and "still open" in text(refused) and count(app, Appeal) == 0
    other = signed_in(app, "other@example.org").post(
        "/support", data={**form, "reference": decision.reference}
    )
    assert other.status_code == 422 and count(app, Appeal) == 0


# -- finding the log ---------------------------------------------------------------------------------


def test_the_log_is_linked_from_the_footer_and_the_help(app, people):
    assert 'href="/moderation-log"' in text(signed_in(app, "author@example.org").get("/help/"))
    footer_link = 'href="/moderation-log">Public log of the team’s actions</a>'
    assert footer_link in text(signed_in(app, "author@example.org").get("/"))
    assert "Public log of the team’s actions</a>" not in text(app.test_client().get("/"))
    help_page = text(app.test_client().get("/help/appeals"))
    assert "Decisions and appeals" in help_page and "/moderation-log" in help_page


def test_a_post_a_lead_hid_in_their_groups_space_is_appealed_to_staff(app, cast, outbox):
    cast("lead", "group_member", "staff", "other")
    with app.app_context():
        space = Category.get(Category.group == cast.group)
        post = posting.start_thread(
            Member.get_by_id(cast.group_member.id), space, {"title": "Our plans", "message": "Group words"}
        )
        moderating.act_on_post(Member.get_by_id(cast.lead.id), Post.with_thread(post.id), "hide", "promotion")
        decision = Decision.get()
    assert decision.by_lead and decision.started_by == "lead" and decision.group_id == cast.group.id
    assert "A lead of the group hid your post in “Our plans”." in outbox()[-1].body_text
    appeal = appealed_by(app, "group.member@example.org", decision)
    staff = signed_in(app, "staff@example.org")
    assert "a lead of the group" in text(staff.get(f"/moderation/appeals/{appeal.id}"))
    staff.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Not promotion"})
    with app.app_context():
        assert Post.get_by_id(post.id).status == "visible"
    outside = text(signed_in(app, "other@example.org").get("/moderation-log"))
    assert "Reversed a decision on appeal" in outside and "Our plans" not in outside
    inside = text(signed_in(app, "group.member@example.org").get("/moderation-log"))
    assert "Our plans" in inside


def test_a_staff_members_own_appeal_is_decided_by_someone_else(app, people, post_id):
    with app.app_context():
        own = posting.reply(
            Member.get_by_id(people.other_staff.id), Thread.get_by_id(1), {"message": "Staff words"}
        )
    decision = hide(app, post=own.id)
    appeal = appealed_by(app, "other.staff@example.org", decision)
    mine = signed_in(app, "other.staff@example.org")
    assert "This appeal is your own" in text(mine.get(f"/moderation/appeals/{appeal.id}"))
    refused = mine.post(f"/moderation/appeals/{appeal.id}", data={"outcome": "reverse", "reason": "Me"})
    assert refused.status_code == 403 and "your own" in text(refused)
    with app.app_context():
        assert Appeal.get().status == "waiting" and Post.get_by_id(own.id).status == "hidden"


def appealed_by(app, email, decision, body="Please look again"):
    client = signed_in(app, email)
    assert client.post(f"/my/decisions/{decision.id}/appeal", data={"body": body}).status_code == 302
    with app.app_context():
        return Appeal.get(Appeal.decision == decision.id)
