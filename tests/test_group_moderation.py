"""Delegated moderation: a group's leads see the reports about their group's space at
/groups/<slug>/reports and hide, restore or dismiss there, each logged as staff's actions are;
they cannot act outside their space, cannot remove, and do not judge their own posts; staff still
see every report, hear of urgent ones at once, and can change what a lead did."""

import pytest
from helpers import signed_in, text

from forum.errors import Conflict, NotAllowed
from forum.models import Category, LogEntry, Member, Post, Thread
from forum.models.notifications import Notification
from forum.models.reports import Report
from forum.services import groups, moderating, posting, queue, reporting

HTMX = {"HX-Request": "true"}


def fresh(member):
    return Member.get_by_id(member.id)


@pytest.fixture
def space(app, cast, make_member):
    """The cast's group with a thread in its space (opened by the group member), a reply by the
    lead, a thread in a public category, and a second group member who reports."""
    cast("lead", "group_member", "member", "staff", "other_staff")
    reporter = make_member("reporter@example.org", name="Ria Reporter")
    with app.app_context():
        group = cast.group
        groups.add_member(group, fresh(reporter))
        room = Category.get(Category.group == group)
        first = posting.start_thread(
            fresh(cast.group_member), room, {"title": "Lesson plans", "message": "Mine"}
        )
        thread = Thread.with_category(first.thread_id)
        by_lead = posting.reply(fresh(cast.lead), thread, {"message": "The lead's words"})
        public = Category.create(name="Open", slug="open")
        outside = posting.start_thread(
            fresh(cast.member), public, {"title": "Outside", "message": "Public words"}
        )
        return {
            "slug": group.slug,
            "group": group.id,
            "reporter": reporter.id,
            "post": first.id,
            "thread": first.thread_id,
            "lead_post": by_lead.id,
            "outside": outside.id,
        }


def report(app, reporter_id, kind, target_id, urgent=False, reason="uncivil"):
    with app.app_context():
        who = Member.get_by_id(reporter_id)
        return reporting.report(
            who, reporting.load_target(who, kind, target_id), {"reason": reason, "urgent": urgent}
        )


def status_of(app, post_id):
    with app.app_context():
        return Post.get_by_id(post_id).status


def reports_page(space):
    return f"/groups/{space['slug']}/reports"


def test_a_lead_sees_the_reports_in_their_space_and_hides_a_post_which_is_logged(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    report(app, space["reporter"], "post", space["outside"])
    lead = signed_in(app, cast.lead)
    page = text(lead.get(reports_page(space)))
    assert f'id="group-report-post-{space["post"]}"' in page and "Lesson plans" in page
    assert f'id="group-report-post-{space["outside"]}"' not in page, "only the group's own space"
    assert "Ria Reporter" not in page, "reporters are not named to a lead"
    assert ">Hide</button>" in page and ">Dismiss</button>" in page and "Remove" not in page
    # Without JavaScript: a plain form, then back to the list with the message.
    response = lead.post(f"{reports_page(space)}/posts/{space['post']}/hide", data={"reason": "uncivil"})
    assert response.status_code == 302 and response.headers["Location"] == reports_page(space)
    assert "The post is hidden." in text(lead.get(reports_page(space)))
    assert status_of(app, space["post"]) == "hidden"
    with app.app_context():
        entry = LogEntry.get(LogEntry.action == "hide_post")
        assert (entry.staff_id, entry.target_id, entry.group_id) == (
            cast.lead.id,
            space["post"],
            space["group"],
        )
        assert entry.reason == "uncivil"
        assert {r.status for r in Report.open_on("post", space["post"])} == set()
        decided = Report.get((Report.target_type == "post") & (Report.target_id == space["post"]))
        assert (decided.status, decided.decided_by_id) == ("actioned", cast.lead.id)
        # The reporter is told, as for a staff decision.
        assert Notification.get(Notification.recipient == space["reporter"], Notification.kind == "report")


def test_with_htmx_the_row_is_replaced_in_place_and_announced(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    lead = signed_in(app, cast.lead)
    part = lead.get(reports_page(space), headers=HTMX)
    assert part.status_code == 200 and "<html" not in text(part) and 'id="group-reports"' in text(part)
    response = lead.post(
        f"{reports_page(space)}/posts/{space['post']}/hide", data={"reason": "uncivil"}, headers=HTMX
    )
    assert response.status_code == 200
    assert f'id="group-report-post-{space["post"]}"' in text(response) and "The post is hidden." in text(
        response
    )
    assert "forum:announce" in response.headers["HX-Trigger"]


def test_restore_and_dismiss_a_post_that_reports_hid(app, cast, space):
    app.config["REPORT_HIDE_THRESHOLD"] = 1
    report(app, space["reporter"], "post", space["post"])
    assert status_of(app, space["post"]) == "hidden"
    lead = signed_in(app, cast.lead)
    page = text(lead.get(reports_page(space)))
    assert "hidden by reports" in page and ">Restore</button>" in page and ">Hide</button>" not in page
    response = lead.post(
        f"{reports_page(space)}/posts/{space['post']}/restore", data={"reason": "other", "note": "Fine"}
    )
    assert response.status_code == 302 and status_of(app, space["post"]) == "visible"
    # A thread's reports are dismissed: no action, the reporters told, and logged with the group.
    report(app, space["reporter"], "thread", space["thread"])
    response = lead.post(
        f"{reports_page(space)}/thread/{space['thread']}/dismiss", data={"outcome_note": "Not a breach"}
    )
    assert response.status_code == 302
    with app.app_context():
        entry = LogEntry.get(LogEntry.action == "dismiss_reports")
        assert (entry.staff_id, entry.target_type, entry.group_id) == (cast.lead.id, "thread", space["group"])
        assert Report.get(Report.target_type == "thread").status == "dismissed"


def test_someone_else_acting_first_is_a_409_that_says_so(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    lead = signed_in(app, cast.lead)
    staff = signed_in(app, cast.staff)
    assert staff.post(f"/moderation/posts/{space['post']}/hide", data={"reason": "spam"}).status_code == 302
    late = lead.post(
        f"{reports_page(space)}/posts/{space['post']}/hide", data={"reason": "uncivil"}, headers=HTMX
    )
    assert late.status_code == 409 and "already hidden" in text(late)
    report(app, space["reporter"], "thread", space["thread"])
    assert lead.post(f"{reports_page(space)}/thread/{space['thread']}/dismiss").status_code == 302
    again = lead.post(f"{reports_page(space)}/thread/{space['thread']}/dismiss")
    assert again.status_code == 409 and "already decided" in text(again)


def test_a_form_without_a_reason_comes_back_with_the_error_beside_its_row(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    lead = signed_in(app, cast.lead)
    url = f"{reports_page(space)}/posts/{space['post']}/hide"
    page = lead.post(url, data={"reason": ""})
    assert page.status_code == 422 and "Choose a reason." in text(page) and "<html" in text(page)
    part = lead.post(url, data={"reason": ""}, headers=HTMX)
    assert part.status_code == 422 and "Choose a reason." in text(part) and "<html" not in text(part)
    assert f'id="group-report-post-{space["post"]}-errors"' in text(part)
    assert status_of(app, space["post"]) == "visible"


def test_a_lead_cannot_act_outside_their_space_nor_remove(app, cast, space):
    lead = signed_in(app, cast.lead)
    # Outside the space: not among the group's reports, and the thread page's route refuses too.
    assert (
        lead.post(f"{reports_page(space)}/posts/{space['outside']}/hide", data={"reason": "spam"}).status_code
        == 404
    )
    assert lead.post(f"/moderation/posts/{space['outside']}/hide", data={"reason": "spam"}).status_code == 403
    assert lead.get(f"/moderation/posts/{space['outside']}/hide").status_code == 403
    # Removing stays with staff, whichever way it is asked.
    assert lead.post(
        f"{reports_page(space)}/posts/{space['post']}/remove", data={"reason": "spam"}
    ).status_code in (
        404,
        405,
    )
    refused = lead.post(f"/moderation/posts/{space['post']}/remove", data={"reason": "spam"})
    assert refused.status_code == 403 and "Only staff can remove" in text(refused)
    assert status_of(app, space["post"]) == status_of(app, space["outside"]) == "visible"
    with app.app_context():
        post = Post.with_thread(space["outside"])
        with pytest.raises(NotAllowed):
            moderating.act_on_post(fresh(cast.lead), post, "hide", "spam")
        with pytest.raises(NotAllowed):
            moderating.act_on_post(fresh(cast.lead), Post.with_thread(space["post"]), "remove", "spam")
        # Nor decide reports outside the space, nor any without naming the item.
        with pytest.raises(NotAllowed):
            reporting.resolve_all(fresh(cast.lead), "post", post.id, "dismissed", item=post)
        with pytest.raises(NotAllowed):
            reporting.resolve_all(fresh(cast.lead), "post", space["post"], "dismissed")
        assert LogEntry.select().count() == 0
    # What staff removed, a lead does not restore.
    staff = signed_in(app, cast.staff)
    assert staff.post(f"/moderation/posts/{space['post']}/remove", data={"reason": "spam"}).status_code == 302
    refused = lead.post(f"/moderation/posts/{space['post']}/restore", data={"reason": "other"})
    assert refused.status_code == 403 and status_of(app, space["post"]) == "removed"


def test_a_lead_does_not_judge_reports_about_their_own_post(app, cast, space):
    report(app, space["reporter"], "post", space["lead_post"])
    lead = signed_in(app, cast.lead)
    page = text(lead.get(reports_page(space)))
    assert f'id="group-report-post-{space["lead_post"]}"' in page and "staff decide on it" in page
    assert f"/posts/{space['lead_post']}/hide" not in page
    assert (
        lead.post(
            f"{reports_page(space)}/posts/{space['lead_post']}/hide", data={"reason": "spam"}
        ).status_code
        == 403
    )
    assert lead.post(f"{reports_page(space)}/post/{space['lead_post']}/dismiss").status_code == 403
    with app.app_context():
        assert Report.open_on("post", space["lead_post"]).count() == 1
    # ... and is not told of a report about their own post.
    with app.app_context():
        assert (
            not Notification.select()
            .where((Notification.recipient == cast.lead.id) & (Notification.kind == "group_reports"))
            .exists()
        )


@pytest.mark.parametrize(
    ("viewer", "status"),
    [
        ("visitor", 302),
        ("group_member", 403),
        ("member", 403),
        ("former_member", 403),
        ("lead", 200),
        ("staff", 200),
    ],
)
def test_only_the_groups_leads_and_staff_see_its_reports(app, cast, space, viewer, status):
    report(app, space["reporter"], "post", space["post"])
    person = cast(viewer)[viewer]
    client = signed_in(app, person)
    response = client.get(reports_page(space))
    assert response.status_code == status
    if viewer == "visitor":
        assert response.headers["Location"].startswith("/sign-in")
    acted = client.post(f"{reports_page(space)}/posts/{space['post']}/hide", data={"reason": "spam"})
    assert acted.status_code == {"lead": 302, "staff": 302, "visitor": 302}.get(viewer, 403)
    assert status_of(app, space["post"]) == ("hidden" if viewer in ("lead", "staff") else "visible")


def test_an_unlisted_groups_reports_are_not_found_by_outsiders(app, cast, space):
    with app.app_context():
        unlisted = groups.create_group("Funders", listed=False, leads=[fresh(cast.lead)])
    assert signed_in(app, cast.member).get(f"/groups/{unlisted.slug}/reports").status_code == 404
    assert signed_in(app, cast.group_member).get(f"/groups/{unlisted.slug}/reports").status_code == 404
    assert signed_in(app, cast.lead).get(f"/groups/{unlisted.slug}/reports").status_code == 200
    assert signed_in(app, cast.lead).get("/groups/no-such-group/reports").status_code == 404


def test_staff_see_group_reports_in_their_queue_and_can_change_what_a_lead_did(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    staff = signed_in(app, cast.staff)
    assert f'id="queue-post-{space["post"]}"' in text(staff.get("/moderation/"))
    lead = signed_in(app, cast.lead)
    assert lead.get("/moderation/").status_code == 403, "the staff queue stays staff's"
    lead.post(f"{reports_page(space)}/posts/{space['post']}/hide", data={"reason": "uncivil"})
    # Staff restore what the lead hid, or remove it.
    assert (
        staff.post(
            f"/moderation/posts/{space['post']}/restore", data={"reason": "other", "note": "Fair comment"}
        ).status_code
        == 302
    )
    assert status_of(app, space["post"]) == "visible"
    assert staff.post(f"/moderation/posts/{space['post']}/remove", data={"reason": "spam"}).status_code == 302
    assert status_of(app, space["post"]) == "removed"
    with app.app_context():
        actions = [(e.action, e.staff_id) for e in LogEntry.select().order_by(LogEntry.id)]
        assert actions == [
            ("hide_post", cast.lead.id),
            ("restore_post", cast.staff.id),
            ("remove_post", cast.staff.id),
        ]
        assert {e.group_id for e in LogEntry.select()} == {space["group"]}


def test_a_lead_uses_the_thread_pages_hide_control_too(app, cast, space):
    lead = signed_in(app, cast.lead)
    page = text(lead.get(f"/t/{space['thread']}?page=1"))
    assert f'action="/moderation/posts/{space["post"]}/hide"' in page
    assert f'action="/moderation/posts/{space["post"]}/remove"' not in page
    assert f'action="/moderation/posts/{space["lead_post"]}/hide"' not in page, "not on their own post"
    assert lead.get(f"/moderation/posts/{space['post']}/hide").status_code == 200
    done = lead.post(f"/moderation/posts/{space['post']}/hide", data={"reason": "uncivil"}, headers=HTMX)
    assert done.status_code == 200 and status_of(app, space["post"]) == "hidden"
    assert lead.get(f"/moderation/posts/{space['outside']}/hide").status_code == 403


def test_an_urgent_report_in_a_group_space_reaches_staff_and_the_leads_hear_of_every_report(
    app, cast, space, outbox
):
    report(app, space["reporter"], "post", space["post"], urgent=True)
    urgent = [m for m in outbox() if m.kind == "report-urgent"]
    assert sorted(m.to_address for m in urgent) == sorted([cast.staff.email, cast.other_staff.email])
    with app.app_context():
        told = list(Notification.select().where(Notification.kind == "group_reports"))
        assert [n.recipient_id for n in told] == [cast.lead.id]
        assert told[0].link == reports_page(space) and "urgent" in told[0].text.lower()
        assert told[0].actor_id is None, "the reporter is not named"
    # A report outside the space tells no lead; one made by the lead tells not the lead.
    report(app, cast.group_member.id, "post", space["outside"])
    report(app, cast.lead.id, "thread", space["thread"])
    with app.app_context():
        assert Notification.select().where(Notification.kind == "group_reports").count() == 1
    # The lead's queue shows it, urgent.
    assert "Urgent" in text(signed_in(app, cast.lead).get(reports_page(space)))


def test_the_group_queue_costs_the_same_queries_however_long(app, cast, space, count_queries):
    report(app, space["reporter"], "post", space["post"])
    report(app, space["reporter"], "thread", space["thread"])
    lead = signed_in(app, cast.lead)
    lead.get(reports_page(space))
    with count_queries() as few:
        assert lead.get(reports_page(space)).status_code == 200
    with app.app_context():
        room = Category.get(Category.group == space["group"])
        thread = Thread.with_category(space["thread"])
        for n in range(4):
            reply = posting.reply(fresh(cast.group_member), thread, {"message": f"More {n}"})
            report(app, space["reporter"], "post", reply.id)
        opened = posting.start_thread(fresh(cast.group_member), room, {"title": "Another", "message": "x"})
    report(app, space["reporter"], "thread", opened.thread_id)
    with count_queries() as many:
        page = lead.get(reports_page(space))
    assert page.status_code == 200 and text(page).count('class="card queue-row') == 7
    assert len(many) == len(few), many


def test_the_service_refuses_what_the_route_refuses(app, cast, space):
    report(app, space["reporter"], "post", space["post"])
    with app.app_context():
        group = cast.group
        with pytest.raises(NotAllowed):
            queue.group_items(fresh(cast.group_member), group)
        assert [r.key for r in queue.group_items(fresh(cast.lead), group)] == [f"post-{space['post']}"]
        queue.dismiss_in_group(fresh(cast.lead), group, "post", space["post"], "No breach")
        with pytest.raises(Conflict):
            queue.dismiss_in_group(fresh(cast.lead), group, "post", space["post"])
