"""The groups' pages through the test client: the Groups page, a group's page, and every control on
it as a plain form (post, redirect, the message flashed) and with htmx (the group's part redrawn, the
message announced); each bad input sent back with its message beside what it is about and the
right status, and nothing changed; the admin's groups page; and a group's page costing the same
number of queries whatever the group's size."""

import json

import pytest
from helpers import signed_in, text

from forum.models import Category, Group, GroupMember, GroupRequest, LogEntry, Member, Thread
from forum.services import groups, posting

HTMX = {"HX-Request": "true"}
PAGE = "/groups/esol-practice"


def fresh(member):
    return Member.get_by_id(member.id)


def announced(response) -> dict:
    return json.loads(response.headers["HX-Trigger"])["forum:announce"]


@pytest.fixture
def space(app, cast):
    """The cast's group (its lead and a member, and one who left), with a thread in its space."""
    cast("lead", "group_member", "former_member")
    with app.app_context():
        category = Category.get(Category.group == cast.group)
        post = posting.start_thread(fresh(cast.lead), category, {"title": "Our plans", "message": "Termly."})
    return {"category": category, "thread": post.thread_id}


def make_group(app, name, lead, **kw):
    with app.app_context():
        return groups.create_group(name, f"About {name}.", leads=[fresh(lead)], **kw)


def membership(app, group_id, member) -> str | None:
    with app.app_context():
        row = GroupMember.get_or_none((GroupMember.group == group_id) & (GroupMember.member == member.id))
        return row.role if row else None


# -- the Groups page ---------------------------------------------------------------------------------


def test_the_groups_page_lists_what_a_member_may_see_with_size_and_activity(app, cast, space):
    cast("member", "staff")
    make_group(app, "Safeguarding leads", cast.lead, listed=False, join_rule="invite")
    page = text(signed_in(app, cast.member).get("/groups"))
    assert "ESOL Practice" in page and "2 members" in page and "Latest activity" in page
    assert "Safeguarding leads" not in page
    assert 'href="/groups"' in page  # the navigation's Groups link
    for who in ("lead", "staff"):
        assert "Safeguarding leads" in text(signed_in(app, cast[who]).get("/groups")), who
    assert "You lead it" in text(signed_in(app, cast.lead).get("/groups"))


def test_groups_are_for_members_only(app, cast, space):
    cast("applicant")
    for path in ("/groups", PAGE):
        response = signed_in(app, None).get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
        response = signed_in(app, cast.applicant).get(path)
        assert response.headers["Location"] == "/application"
    assert 'href="/groups"' not in text(signed_in(app, None).get("/"))


def test_an_unlisted_group_is_not_found_by_outsiders(app, cast, space):
    cast("member", "staff")
    hidden = make_group(app, "Safeguarding leads", cast.lead, listed=False)
    path = f"/groups/{hidden.slug}"
    assert signed_in(app, cast.member).get(path).status_code == 404
    assert signed_in(app, cast.member).post(f"{path}/ask", data={"note": "Hi"}).status_code == 404
    assert signed_in(app, cast.staff).get(path).status_code == 200
    assert signed_in(app, cast.lead).get(path).status_code == 200
    assert signed_in(app, cast.member).get("/groups/no-such-group").status_code == 404


# -- a group's page ----------------------------------------------------------------------------------


def test_a_group_page_shows_members_its_threads_and_outsiders_only_that_they_are_private(app, cast, space):
    cast("member")
    inside = text(signed_in(app, cast.group_member).get(PAGE))
    assert "Teachers of English" in inside and "Working group" in inside
    assert "Our plans" in inside
    assert 'href="/c/esol-practice/new"' in inside and ">New thread<" in inside
    assert "Lee Lead" in inside and "Gil Group" in inside and "Fay Former" not in inside
    assert "Leave group" in inside and "Ask to join" not in inside
    outside = text(signed_in(app, cast.member).get(PAGE))
    assert "Our plans" not in outside and "New thread" not in outside
    assert "read by its members and staff alone" in outside
    assert "Ask to join" in outside and "Members ask to join; a lead approves" in outside
    assert signed_in(app, cast.member).get(f"/t/{space['thread']}").status_code == 404


def test_a_member_the_directory_does_not_list_is_counted_not_named(app, cast, space):
    cast("member", "staff")
    with app.app_context():
        Member.update(listed=False).where(Member.id == cast.group_member.id).execute()
    outside = text(signed_in(app, cast.member).get(PAGE))
    assert "Gil Group" not in outside and "1 member is not listed in the directory" in outside
    assert "Gil Group" in text(signed_in(app, cast.staff).get(PAGE))
    assert "Gil Group" in text(signed_in(app, cast.group_member).get(PAGE))


def test_a_group_page_as_an_htmx_request_is_its_part_alone(app, cast, space):
    response = signed_in(app, cast.group_member).get(PAGE, headers=HTMX)
    assert response.status_code == 200
    assert '<div id="group"' in text(response) and "<html" not in text(response)


# -- joining, asking, leaving ------------------------------------------------------------------------


def test_joining_an_open_group_without_javascript(app, cast, space):
    cast("member")
    open_group = make_group(app, "Peer funders", cast.lead, join_rule="open")
    client = signed_in(app, cast.member)
    assert "Join group" in text(client.get(f"/groups/{open_group.slug}"))
    response = client.post(f"/groups/{open_group.slug}/join")
    assert response.status_code == 302 and response.headers["Location"] == f"/groups/{open_group.slug}"
    page = text(client.get(response.headers["Location"]))
    assert "You joined Peer funders" in page and "Leave group" in page and "New thread" in page
    assert membership(app, open_group.id, cast.member) == "member"


def test_joining_an_open_group_with_htmx_redraws_the_group(app, cast, space):
    cast("member")
    open_group = make_group(app, "Peer funders", cast.lead, join_rule="open")
    response = signed_in(app, cast.member).post(f"/groups/{open_group.slug}/join", headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert "<html" not in body and '<div id="group"' in body
    assert "Leave group" in body and "New thread" in body and "2 members" in body
    assert announced(response) == {
        "message": "You joined Peer funders: its threads are open to you.",
        "focus": "#membership",
        "kind": "success",
    }


def test_a_forged_join_to_an_invitation_only_group_is_refused_and_changes_nothing(app, cast, space):
    cast("member")
    board = make_group(app, "Board", cast.lead, join_rule="invite")
    client = signed_in(app, cast.member)
    response = client.post(f"/groups/{board.slug}/join")
    assert response.status_code == 403
    assert "by invitation only" in text(response) and 'id="membership-problem"' in text(response)
    response = client.post(f"/groups/{board.slug}/join", headers=HTMX)
    assert response.status_code == 403 and "by invitation only" in text(response)
    assert announced(response)["kind"] == "error" and announced(response)["focus"] == "#membership-problem"
    # A request-only group is not joined by a forged POST either.
    assert client.post(f"{PAGE}/join").status_code == 403
    assert membership(app, board.id, cast.member) is None
    assert membership(app, cast.group.id, cast.member) is None


def test_asking_to_join_then_a_lead_approves_without_javascript(app, cast, space):
    cast("member")
    client = signed_in(app, cast.member)
    response = client.post(f"{PAGE}/ask", data={"note": "I run conversation clubs in Leeds."})
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = text(client.get(PAGE))
    assert "is sent: a lead will answer" in page and "Withdraw request" in page
    lead = signed_in(app, cast.lead)
    page = text(lead.get(PAGE))
    assert "Mo Member" in page and "I run conversation clubs in Leeds." in page
    with app.app_context():
        request_id = GroupRequest.get(GroupRequest.member == cast.member.id).id
    response = lead.post(f"{PAGE}/requests/{request_id}/approve")
    assert response.status_code == 302
    assert "Mo Member is now a member of ESOL Practice." in text(lead.get(PAGE))
    assert membership(app, cast.group.id, cast.member) == "member"
    # The new member reads the space at once.
    assert client.get(f"/t/{space['thread']}").status_code == 200
    assert "Our plans" in text(client.get(PAGE))


def test_asking_and_declining_with_htmx(app, cast, space):
    cast("member")
    response = signed_in(app, cast.member).post(f"{PAGE}/ask", data={"note": ""}, headers=HTMX)
    assert response.status_code == 200 and "Withdraw request" in text(response)
    with app.app_context():
        request_id = GroupRequest.get(GroupRequest.member == cast.member.id).id
    response = signed_in(app, cast.lead).post(f"{PAGE}/requests/{request_id}/decline", headers=HTMX)
    assert response.status_code == 200
    assert announced(response)["message"] == "You declined Mo Member's request to join."
    assert "No requests are waiting." in text(response)
    assert membership(app, cast.group.id, cast.member) is None


def test_asking_twice_is_refused_with_the_note_kept(app, cast, space):
    cast("member")
    client = signed_in(app, cast.member)
    client.post(f"{PAGE}/ask", data={"note": "First"})
    response = client.post(f"{PAGE}/ask", data={"note": "Second, in another tab"})
    assert response.status_code == 409
    page = text(response)
    assert "already asked to join" in page and "Second, in another tab</textarea>" in page
    response = client.post(f"{PAGE}/ask", data={"note": "Third"}, headers=HTMX)
    assert response.status_code == 409 and "Third</textarea>" in text(response)
    assert announced(response)["focus"] == "#ask-form-error"
    with app.app_context():
        assert GroupRequest.select().where(GroupRequest.member == cast.member.id).count() == 1


def test_a_note_too_long_is_shown_beside_the_note(app, cast, space):
    cast("member")
    response = signed_in(app, cast.member).post(f"{PAGE}/ask", data={"note": "x" * 501})
    assert response.status_code == 422
    assert 'id="note-error"' in text(response) and "at most 500" in text(response)
    with app.app_context():
        assert not GroupRequest.select().where(GroupRequest.member == cast.member.id).exists()


def test_a_suspended_member_may_not_ask(app, cast, space):
    cast("suspended")
    response = signed_in(app, cast.suspended).post(f"{PAGE}/ask", data={"note": "Please"})
    assert response.status_code == 403 and "good standing" in text(response)
    page = text(signed_in(app, cast.suspended).get(PAGE))
    assert 'id="ask-form"' not in page and "Only members in good standing can join groups." in page


def test_withdrawing_a_request(app, cast, space):
    cast("member")
    client = signed_in(app, cast.member)
    client.post(f"{PAGE}/ask", data={"note": ""})
    response = client.post(f"{PAGE}/withdraw")
    assert response.status_code == 302
    assert "Ask to join" in text(client.get(PAGE))
    response = client.post(f"{PAGE}/withdraw")
    assert response.status_code == 409 and "no request or invitation waiting" in text(response)


def test_an_answered_request_is_not_answered_again(app, cast, space):
    cast("member", "staff")
    signed_in(app, cast.member).post(f"{PAGE}/ask", data={"note": ""})
    with app.app_context():
        request_id = GroupRequest.get(GroupRequest.member == cast.member.id).id
    assert signed_in(app, cast.lead).post(f"{PAGE}/requests/{request_id}/decline").status_code == 302
    response = signed_in(app, cast.staff).post(f"{PAGE}/requests/{request_id}/approve")
    assert response.status_code == 409
    assert "already answered" in text(response) and 'id="requests-problem"' in text(response)
    assert membership(app, cast.group.id, cast.member) is None
    response = signed_in(app, cast.lead).post(f"{PAGE}/requests/99999/approve", headers=HTMX)
    assert response.status_code == 404 and "no such request" in text(response)


def test_only_leads_answer_requests(app, cast, space):
    cast("member")
    signed_in(app, cast.member).post(f"{PAGE}/ask", data={"note": ""})
    with app.app_context():
        request_id = GroupRequest.get(GroupRequest.member == cast.member.id).id
    for who in ("group_member", "member"):
        response = signed_in(app, cast[who]).post(f"{PAGE}/requests/{request_id}/approve")
        assert response.status_code == 403, who
    assert "Approve" not in text(signed_in(app, cast.group_member).get(PAGE))
    assert membership(app, cast.group.id, cast.member) is None


def test_leaving_closes_the_space_at_once(app, cast, space):
    client = signed_in(app, cast.group_member)
    response = client.post(f"{PAGE}/leave")
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    assert "You left ESOL Practice." in text(client.get(PAGE))
    assert client.get(f"/t/{space['thread']}").status_code == 404
    assert membership(app, cast.group.id, cast.group_member) is None


def test_leaving_an_unlisted_group_goes_to_the_groups_page(app, cast, space):
    cast("member")
    hidden = make_group(app, "Safeguarding leads", cast.lead, listed=False)
    with app.app_context():
        groups.add_member(hidden, fresh(cast.member))
    client = signed_in(app, cast.member)
    response = client.post(f"/groups/{hidden.slug}/leave", headers=HTMX)
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/groups"
    assert client.get(f"/groups/{hidden.slug}").status_code == 404


def test_the_last_lead_cannot_leave(app, cast, space):
    response = signed_in(app, cast.lead).post(f"{PAGE}/leave")
    assert response.status_code == 409 and "only lead" in text(response)
    assert membership(app, cast.group.id, cast.lead) == "lead"


# -- invitations -------------------------------------------------------------------------------------


def test_a_lead_invites_and_the_member_accepts(app, cast, space):
    cast("member")
    board = make_group(app, "Board", cast.lead, join_rule="invite", listed=False)
    lead = signed_in(app, cast.lead)
    response = lead.post(f"/groups/{board.slug}/invite", data={"who": "member@example.org"})
    assert response.status_code == 302
    assert "Mo Member is invited" in text(lead.get(f"/groups/{board.slug}"))
    member = signed_in(app, cast.member)
    assert "You are invited to join" in text(member.get("/groups"))
    page = text(member.get(f"/groups/{board.slug}"))
    assert "You are invited to join this group." in page and "Join group" in page
    response = member.post(f"/groups/{board.slug}/join", headers=HTMX)
    assert response.status_code == 200 and "Leave group" in text(response)
    assert membership(app, board.id, cast.member) == "member"


def test_declining_an_invitation(app, cast, space):
    cast("member")
    board = make_group(app, "Board", cast.lead, join_rule="invite")
    signed_in(app, cast.lead).post(f"/groups/{board.slug}/invite", data={"who": "Mo Member"})
    member = signed_in(app, cast.member)
    response = member.post(f"/groups/{board.slug}/decline")
    assert response.status_code == 302
    assert "You declined the invitation" in text(member.get(f"/groups/{board.slug}"))
    assert member.post(f"/groups/{board.slug}/join").status_code == 403
    assert member.post(f"/groups/{board.slug}/decline").status_code == 409
    assert membership(app, board.id, cast.member) is None


def test_inviting_someone_who_asked_lets_them_in(app, cast, space):
    cast("member")
    signed_in(app, cast.member).post(f"{PAGE}/ask", data={"note": ""})
    response = signed_in(app, cast.lead).post(f"{PAGE}/invite", data={"who": "member@example.org"})
    assert response.status_code == 302
    assert membership(app, cast.group.id, cast.member) == "member"


@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        ("", 422, "Say whom to invite"),
        ("nobody@example.org", 422, "No active member is called nobody@example.org"),
        ("Gil Group", 409, "Gil Group is already in this group"),
    ],
)
def test_inviting_bad_input_comes_back_beside_the_field(app, cast, space, who, status, message):
    for headers in ({}, HTMX):
        response = signed_in(app, cast.lead).post(f"{PAGE}/invite", data={"who": who}, headers=headers)
        assert response.status_code == status
        page = text(response)
        assert 'id="who-error"' in page and message in page
        assert f'value="{who}"' in page
        if headers:
            assert announced(response)["focus"] == "#who" and message in announced(response)["message"]
    with app.app_context():
        assert not GroupRequest.select().where(GroupRequest.kind == "invitation").exists()


def test_only_leads_invite(app, cast, space):
    cast("member")
    response = signed_in(app, cast.group_member).post(f"{PAGE}/invite", data={"who": "member@example.org"})
    assert response.status_code == 403
    with app.app_context():
        assert not GroupRequest.select().exists()


# -- removing members, and leads ---------------------------------------------------------------------


def test_a_lead_removes_a_member_with_a_reason(app, cast, space):
    lead = signed_in(app, cast.lead)
    assert "Reason for removing Gil Group" in text(lead.get(PAGE))
    path = f"{PAGE}/members/{cast.group_member.id}/remove"
    response = lead.post(path, data={"reason": "Left the organisation"})
    assert response.status_code == 302
    assert "Gil Group is removed from ESOL Practice." in text(lead.get(PAGE))
    assert membership(app, cast.group.id, cast.group_member) is None
    with app.app_context():
        entry = LogEntry.get(LogEntry.action == "remove_from_group")
        assert (entry.note, entry.group_id) == ("Left the organisation", cast.group.id)
    assert signed_in(app, cast.group_member).get(f"/t/{space['thread']}").status_code == 404
    # Removed already: nothing to remove.
    response = lead.post(path, data={"reason": "Again"}, headers=HTMX)
    assert response.status_code == 404 and "not in this group" in text(response)


def test_removing_without_a_reason_comes_back_with_the_form_open(app, cast, space):
    path = f"{PAGE}/members/{cast.group_member.id}/remove"
    for headers in ({}, HTMX):
        response = signed_in(app, cast.lead).post(path, data={"reason": "   "}, headers=headers)
        assert response.status_code == 422
        page = text(response)
        assert f'id="reason-{cast.group_member.id}-error"' in page and "Say why" in page
        assert '<details class="more-options" open>' in page
    response = signed_in(app, cast.lead).post(path, data={"reason": "x" * 501}, headers=HTMX)
    assert response.status_code == 422 and "x" * 501 + "</textarea>" in text(response)
    assert announced(response)["focus"] == f"#reason-{cast.group_member.id}"
    assert membership(app, cast.group.id, cast.group_member) == "member"


def test_only_leads_remove_and_only_staff_remove_a_lead(app, cast, space):
    cast("staff", "other")
    path = f"{PAGE}/members/{cast.group_member.id}/remove"
    assert signed_in(app, cast.other).post(path, data={"reason": "Why not"}).status_code == 403
    with app.app_context():
        groups.add_member(cast.group, fresh(cast.other), lead=True)
    # A lead may not remove another lead; staff may not remove the last one.
    response = signed_in(app, cast.lead).post(
        f"{PAGE}/members/{cast.other.id}/remove", data={"reason": "Coup"}
    )
    assert response.status_code == 403 and "Only staff can remove a lead" in text(response)
    assert membership(app, cast.group.id, cast.other) == "lead"
    staff = signed_in(app, cast.staff)
    assert (
        staff.post(f"{PAGE}/members/{cast.other.id}/remove", data={"reason": "Stepped back"}).status_code
        == 302
    )
    response = staff.post(f"{PAGE}/members/{cast.lead.id}/remove", data={"reason": "Stepped back"})
    assert response.status_code == 409 and "only lead" in text(response)
    assert 'id="members-problem"' in text(response)
    assert membership(app, cast.group.id, cast.lead) == "lead"


def test_staff_appoint_and_end_a_lead(app, cast, space):
    cast("staff")
    staff = signed_in(app, cast.staff)
    assert "Appoint as lead" in text(staff.get(PAGE))
    assert "Appoint as lead" not in text(signed_in(app, cast.lead).get(PAGE))
    response = staff.post(f"{PAGE}/leads/{cast.group_member.id}/appoint", headers=HTMX)
    assert response.status_code == 200
    assert announced(response)["message"] == "Gil Group is now a lead of ESOL Practice."
    assert membership(app, cast.group.id, cast.group_member) == "lead"
    assert staff.post(f"{PAGE}/leads/{cast.group_member.id}/appoint").status_code == 409
    assert staff.post(f"{PAGE}/leads/{cast.lead.id}/end").status_code == 302
    response = staff.post(f"{PAGE}/leads/{cast.group_member.id}/end")
    assert response.status_code == 409 and "only lead" in text(response)
    assert membership(app, cast.group.id, cast.group_member) == "lead"


def test_a_lead_may_not_appoint_leads(app, cast, space):
    response = signed_in(app, cast.lead).post(f"{PAGE}/leads/{cast.group_member.id}/appoint")
    assert response.status_code == 403
    assert membership(app, cast.group.id, cast.group_member) == "member"


# -- pinning threads in the space --------------------------------------------------------------------


def test_a_lead_pins_and_unpins_a_thread_of_the_space(app, cast, space):
    lead = signed_in(app, cast.lead)
    path = f"{PAGE}/threads/{space['thread']}"
    response = lead.post(f"{path}/pin")
    assert response.status_code == 302
    page = text(lead.get(PAGE))
    assert "is pinned at the top" in page and ">Unpin</button>" in page and "Pinned" in page
    with app.app_context():
        assert Thread.get_by_id(space["thread"]).pinned
        entry = LogEntry.get(LogEntry.action == "pin_thread")
        assert (entry.staff_id, entry.group_id) == (cast.lead.id, cast.group.id)
    response = lead.post(f"{path}/pin", headers=HTMX)
    assert response.status_code == 409 and "already pinned" in text(response)
    assert 'id="threads-problem"' in text(response)
    response = lead.post(f"{path}/unpin", headers=HTMX)
    assert response.status_code == 200 and ">Pin</button>" in text(response)
    with app.app_context():
        assert not Thread.get_by_id(space["thread"]).pinned


def test_only_leads_and_staff_pin_and_outsiders_find_no_thread(app, cast, space):
    cast("member", "staff")
    path = f"{PAGE}/threads/{space['thread']}/pin"
    assert ">Pin</button>" not in text(signed_in(app, cast.group_member).get(PAGE))
    assert signed_in(app, cast.group_member).post(path).status_code == 403
    assert signed_in(app, cast.member).post(path).status_code == 404
    assert signed_in(app, cast.staff).post(path).status_code == 302
    # A thread outside the group's space is not pinned from here, even by its lead.
    with app.app_context():
        general = Category.create(name="General", slug="general")
        other = posting.start_thread(fresh(cast.lead), general, {"title": "Hello", "message": "Hi"})
    assert signed_in(app, cast.lead).post(f"{PAGE}/threads/{other.thread_id}/pin").status_code == 404
    with app.app_context():
        assert not Thread.get_by_id(other.thread_id).pinned


def test_a_group_member_posts_from_the_groups_new_thread_link(app, cast, space):
    client = signed_in(app, cast.group_member)
    response = client.post(
        "/c/esol-practice/new", data={"title": "Resources", "message": "Worksheets", "submission": "k1"}
    )
    assert response.status_code == 302
    assert "Resources" in text(client.get(PAGE))
    assert "Resources" not in text(signed_in(app, cast.former_member).get(PAGE))


# -- the admin's groups page -------------------------------------------------------------------------


def test_an_admin_creates_a_group_with_its_leads(app, cast):
    cast("admin", "lead")
    admin = signed_in(app, cast.admin)
    assert ">Create group</button>" in text(admin.get("/admin/groups"))
    data = {
        "name": "North West network",
        "description": "Members in the North West.",
        "kind": "regional network",
        "join_rule": "open",
        "listed": "y",
        "leads": "lead@example.org",
    }
    response = admin.post("/admin/groups", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/groups"
    assert "is created, at /groups/north-west-network" in text(admin.get("/admin/groups"))
    with app.app_context():
        group = Group.get(Group.slug == "north-west-network")
        assert (group.kind, group.join_rule, group.listed) == ("regional network", "open", True)
        assert fresh(cast.lead).groups[group.id] == "lead"
        assert Category.get(Category.group == group).read_access == "members"
    assert "Create a group" in text(admin.get("/groups"))


@pytest.mark.parametrize(
    ("changes", "status", "field", "message"),
    [
        ({"name": "esol practice"}, 409, "name", "already a group called"),
        ({"name": "   "}, 422, "name", "Give the group a name."),
        ({"leads": "nobody@example.org"}, 422, "leads", "No active member has the email address"),
        ({"kind": "k" * 41}, 422, "kind", "at most 40"),
    ],
)
def test_creating_a_group_with_bad_input_keeps_the_text(app, cast, changes, status, field, message):
    cast("admin", "lead")
    data = {"name": "Funders", "description": "Kept text", "kind": "peer group", "join_rule": "request"}
    response = signed_in(app, cast.admin).post("/admin/groups", data={**data, **changes})
    assert response.status_code == status
    page = text(response)
    assert f'id="{field}-error"' in page and message in page and "Kept text</textarea>" in page
    with app.app_context():
        assert Group.select().count() == 1


def test_an_unticked_box_makes_an_unlisted_group_and_only_admins_create(app, cast):
    cast("admin", "staff", "member")
    data = {"name": "Board", "kind": "working group", "join_rule": "invite"}
    assert signed_in(app, cast.admin).post("/admin/groups", data=data).status_code == 302
    with app.app_context():
        assert not Group.get(Group.slug == "board").listed
    for who in ("staff", "member"):
        assert signed_in(app, cast[who]).post("/admin/groups", data={**data, "name": "X"}).status_code == 403
    with app.app_context():
        assert Group.select().count() == 1


# -- a fixed number of queries -----------------------------------------------------------------------


def _grow(app, make_member, cast, start: int, end: int):
    """More members, threads and waiting requests in the cast's group: numbers start to end."""
    with app.app_context():
        space = Category.get(Category.group == cast.group)
        lead = fresh(cast.lead)
        for n in range(start, end):
            groups.add_member(
                Group.get_by_id(space.group_id), make_member(f"m{n}@example.org", name=f"Member {n}")
            )
            posting.start_thread(lead, space, {"title": f"Thread {n}", "message": "Hello"})
            asker = make_member(f"a{n}@example.org", name=f"Asker {n}")
            groups.ask(fresh(asker), Group.get_by_id(space.group_id), "Please")


@pytest.mark.parametrize("viewer", ["lead", "group_member", "member", "staff"])
def test_a_group_page_costs_the_same_whatever_its_size(app, make_member, cast, count_queries, viewer):
    cast("lead", "group_member", viewer)
    client = signed_in(app, cast[viewer])
    counts, rows = [], []
    for start, end in ((0, 3), (3, 30)):
        _grow(app, make_member, cast, start, end)
        client.get(PAGE)  # the prepared queries' first use
        with count_queries() as queries:
            response = client.get(PAGE)
        assert response.status_code == 200
        counts.append(len(queries))
        rows.append((text(response).count('class="thread-row'), text(response).count(">Approve</button>")))
    assert counts[0] == counts[1], counts
    reads, leads = viewer != "member", viewer in ("lead", "staff")
    assert rows == [(3 * reads, 3 * leads), (20 * reads, 30 * leads)]


def test_the_groups_page_costs_the_same_whatever_the_number_of_groups(app, cast, count_queries):
    cast("lead", "member")
    client = signed_in(app, cast.member)
    counts = []
    for start, end in ((0, 3), (3, 30)):
        with app.app_context():
            for n in range(start, end):
                groups.create_group(f"Group {n}", leads=[fresh(cast.lead)])
        client.get("/groups")
        with count_queries() as queries:
            assert client.get("/groups").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
