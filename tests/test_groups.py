"""Groups: creating them, joining by each rule, requests and invitations, leaving and removal, and
the limits (a taken name, a request sent twice, an answered request, the last lead, a forged join)."""

import pytest
from flask_login import AnonymousUserMixin

from forum import policy
from forum.errors import Conflict, Invalid, NotAllowed, NotFound
from forum.models import Category, Group, GroupMember, GroupRequest, LogEntry, Member, Thread
from forum.services import groups


def fresh(member):
    return Member.get_by_id(member.id)


def test_a_group_has_a_private_space_of_its_own(app, cast):
    cast("lead", "group_member", "member", "staff")
    with app.app_context():
        group = cast.group
        space = Category.get(Category.group == group)
        assert space.name == "ESOL Practice"
        assert group.member_count == 2
        for who, reads in (("lead", True), ("group_member", True), ("member", False), ("staff", True)):
            assert policy.may_read_category(cast[who], space) is reads, who
        assert not policy.may_read_category(AnonymousUserMixin(), space)


def test_a_taken_or_empty_name_is_refused_and_nothing_is_made(app, cast):
    cast("lead")
    with app.app_context():
        before = Category.select().count()
        with pytest.raises(Conflict, match="already a group"):
            groups.create_group("esol  PRACTICE")
        with pytest.raises(Invalid, match="name"):
            groups.create_group("   ")
        with pytest.raises(Invalid, match="join"):
            groups.create_group("Funders", join_rule="sometimes")
        assert Group.select().count() == 1
        assert Category.select().count() == before


def test_a_group_named_like_a_category_gets_a_space_at_an_address_of_its_own(app):
    with app.app_context():
        Category.create(name="Funders", slug="funders")
        groups.create_group("Funders")
        assert {c.slug for c in Category.select()} == {"funders", "funders-group"}


def test_an_open_group_is_joined_at_once_and_its_space_opens(app, cast):
    cast("member")
    with app.app_context():
        group = groups.create_group("Peer funders", join_rule="open")
        space = Category.get(Category.group == group)
        assert not policy.may_read_category(fresh(cast.member), space)
        groups.join(fresh(cast.member), group)
        assert policy.may_read_category(fresh(cast.member), space)
        assert fresh(cast.member).groups == {group.id: "member"}
        with pytest.raises(Conflict, match="already in"):
            groups.join(fresh(cast.member), Group.get_by_id(group.id))


def test_joining_a_group_by_request_or_invitation_with_a_forged_post_is_refused(app, cast):
    cast("member", "lead")
    with app.app_context():
        with pytest.raises(NotAllowed, match="ask to join"):
            groups.join(fresh(cast.member), cast.group)
        invited_only = groups.create_group("Board", join_rule="invite", leads=[cast.lead])
        with pytest.raises(NotAllowed, match="invitation"):
            groups.join(fresh(cast.member), invited_only)
        assert fresh(cast.member).groups == {}


def test_a_request_is_answered_once(app, cast):
    cast("member", "lead")
    with app.app_context():
        request = groups.ask(fresh(cast.member), cast.group, "I teach ESOL in Leeds.")
        with pytest.raises(Conflict, match="already asked"):
            groups.ask(fresh(cast.member), cast.group)
        with pytest.raises(NotAllowed):
            groups.answer(fresh(cast.member), cast.group, request.id, approve=True)
        groups.answer(fresh(cast.lead), cast.group, request.id, approve=True)
        with pytest.raises(Conflict, match="already answered"):
            groups.answer(fresh(cast.lead), cast.group, request.id, approve=False)
        assert fresh(cast.member).groups == {cast.group.id: "member"}
        assert GroupRequest.get_by_id(request.id).status == "approved"


def test_a_declined_request_leaves_the_member_outside(app, cast):
    cast("member", "lead")
    with app.app_context():
        request = groups.ask(fresh(cast.member), cast.group)
        groups.answer(fresh(cast.lead), cast.group, request.id, approve=False)
        assert fresh(cast.member).groups == {}
        # They may ask again later.
        groups.ask(fresh(cast.member), cast.group)


def test_an_invitation_lets_the_member_into_an_invitation_only_group(app, cast):
    cast("member", "lead")
    with app.app_context():
        board = groups.create_group("Board", join_rule="invite", listed=False, leads=[cast.lead])
        assert not policy.can(fresh(cast.member), "see_group", groups._loaded(fresh(cast.member), board))
        groups.invite(fresh(cast.lead), board, "MEMBER@example.org")
        with pytest.raises(Conflict, match="already invited"):
            groups.invite(fresh(cast.lead), board, cast.member.name)
        assert groups.group_for(fresh(cast.member), board.slug).id == board.id
        groups.join(fresh(cast.member), Group.get_by_id(board.id))
        assert fresh(cast.member).groups == {board.id: "member"}
        with pytest.raises(Invalid, match="No active member"):
            groups.invite(fresh(cast.lead), board, "nobody@example.org")


def test_an_unlisted_group_is_not_found_by_outsiders(app, cast):
    cast("member", "staff")
    with app.app_context():
        hidden = groups.create_group("Safeguarding leads", listed=False)
        with pytest.raises(NotFound):
            groups.group_for(fresh(cast.member), hidden.slug)
        assert hidden.id not in {g.id for g in groups.visible_groups(fresh(cast.member))}
        assert hidden.id in {g.id for g in groups.visible_groups(fresh(cast.staff))}


def test_leaving_closes_the_space_at_once(app, cast):
    cast("group_member", "author")
    with app.app_context():
        space = Category.get(Category.group == cast.group)
        thread = Thread.create(category=space, author=cast.author, title="Our plans")
        reader = fresh(cast.group_member)
        assert thread.id in {t.id for t in Thread.select().where(Thread.visible_to(policy.reading(reader)))}
        groups.leave(reader, cast.group)
        reader = fresh(cast.group_member)
        assert thread.id not in {
            t.id for t in Thread.select().where(Thread.visible_to(policy.reading(reader)))
        }
        assert not policy.may_read_thread(reader, Thread.get_by_id(thread.id))


def test_the_last_lead_cannot_leave_nor_be_removed(app, cast):
    cast("lead", "staff", "group_member")
    with app.app_context():
        with pytest.raises(Conflict, match="only lead"):
            groups.leave(fresh(cast.lead), cast.group)
        with pytest.raises(Conflict, match="only lead"):
            groups.remove_member(fresh(cast.staff), cast.group, cast.lead.id, "Stepping back")
        with pytest.raises(NotAllowed):
            groups.remove_member(fresh(cast.group_member), cast.group, cast.lead.id, "Coup")
        assert fresh(cast.lead).groups == {cast.group.id: "lead"}


def test_a_lead_removes_a_member_with_a_reason_and_it_is_logged(app, cast):
    cast("lead", "group_member")
    with app.app_context():
        with pytest.raises(Invalid, match="why"):
            groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "  ")
        groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Left the organisation")
        assert fresh(cast.group_member).groups == {}
        entry = LogEntry.get(LogEntry.action == "remove_from_group")
        assert (entry.staff_id, entry.target_id, entry.group_id) == (
            cast.lead.id,
            cast.group_member.id,
            cast.group.id,
        )
        assert entry.note == "Left the organisation"
        with pytest.raises(NotFound):
            groups.remove_member(fresh(cast.lead), cast.group, cast.group_member.id, "Again")


def test_staff_appoint_a_second_lead_who_may_then_lead(app, cast):
    cast("lead", "group_member", "staff")
    with app.app_context():
        with pytest.raises(NotAllowed):
            groups.set_lead(fresh(cast.lead), cast.group, cast.group_member.id, True)
        groups.set_lead(fresh(cast.staff), cast.group, cast.group_member.id, True)
        assert GroupMember.lead_count(cast.group) == 2
        groups.leave(fresh(cast.lead), cast.group)
        assert fresh(cast.group_member).groups == {cast.group.id: "lead"}


def test_the_former_member_and_their_counts(app, cast):
    cast("lead", "group_member", "former_member")
    with app.app_context():
        assert fresh(cast.former_member).groups == {}
        assert cast.group.member_count == 2


@pytest.mark.parametrize("role", ["visitor", "member", "group_member", "lead", "former_member", "staff"])
def test_the_space_query_agrees_with_its_rule_for_each_reader(app, cast, role):
    cast("lead", "group_member", "former_member", "author")
    member = AnonymousUserMixin() if role == "visitor" else fresh(cast(role)[role])
    with app.app_context():
        public = Category.create(name="Open", slug="open")
        space = Category.get(Category.group == cast.group)
        for category in (public, space):
            Thread.create(category=category, author=cast.author, title=category.name)
        reading = policy.reading(member)
        readable = {c.id for c in Category.select().where(Category.readable_by(reading))}
        assert readable == {c.id for c in Category.select() if policy.may_read_category(member, c)}
        threads = list(Thread.select(Thread, Category).join(Category))
        visible = {t.id for t in Thread.select().where(Thread.visible_to(reading))}
        assert visible == {t.id for t in threads if policy.may_list_thread(member, t)}
        assert (space.id in readable) is (role in ("group_member", "lead", "staff"))
