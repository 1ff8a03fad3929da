"""Groups in the Directory of Members: a profile shows the groups a member belongs to if they
choose, and never an unlisted group to those outside it; the directory filters by a group the
viewer may see, matching the members who show their groups."""

import re

import pytest
from helpers import signed_in, text

from forum.models import Group, Member
from forum.services import directory, groups

PROFILE_FORM = {"contact_policy": "nobody", "listed": "y"}


def fresh(member):
    return Member.get_by_id(member.id)


@pytest.fixture
def unlisted(app, cast):
    """An unlisted group, "Board", with the group member in it (and the lead leading it)."""
    cast("lead", "group_member")
    with app.app_context():
        board = groups.create_group("Board", listed=False, join_rule="invite", leads=[fresh(cast.lead)])
        groups.add_member(board, fresh(cast.group_member))
        return board.slug


def groups_section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="groups-heading">.*?</section>', page, re.S)
    return found.group(0) if found else ""


def set_show_groups(app, member, shown: bool):
    with app.app_context():
        Member.update(show_groups=shown).where(Member.id == member.id).execute()


def test_a_profile_shows_the_listed_groups_a_member_is_in(app, cast):
    cast("lead", "group_member", "member", "former_member")
    reader = signed_in(app, cast.member)
    section = groups_section(text(reader.get(f"/members/{cast.group_member.id}")))
    assert "ESOL Practice" in section and "(lead)" not in section
    assert 'href="/groups/esol-practice"' in section
    assert "(lead)" in groups_section(text(reader.get(f"/members/{cast.lead.id}")))
    # Someone who left is in no group, and a member in none has no such section.
    assert groups_section(text(reader.get(f"/members/{cast.former_member.id}"))) == ""


def test_a_member_who_chooses_not_to_show_their_groups_is_shown_in_none_but_to_staff_and_themselves(
    app, cast
):
    cast("group_member", "member", "staff")
    set_show_groups(app, cast.group_member, False)
    path = f"/members/{cast.group_member.id}"
    assert groups_section(text(signed_in(app, cast.member).get(path))) == ""
    own = groups_section(text(signed_in(app, cast.group_member).get(path)))
    assert "ESOL Practice" in own and "Hidden from members" in own
    assert "ESOL Practice" in groups_section(text(signed_in(app, cast.staff).get(path)))


def test_an_unlisted_group_never_appears_on_a_profile_to_outsiders(app, cast, unlisted):
    cast("member", "staff")
    path = f"/members/{cast.group_member.id}"
    outsider = groups_section(text(signed_in(app, cast.member).get(path)))
    assert "ESOL Practice" in outsider and "Board" not in outsider
    # Its own members see it there; so do staff and the member themselves.
    for who in ("lead", "staff", "group_member"):
        section = groups_section(text(signed_in(app, cast[who]).get(path)))
        assert "Board" in section and "Unlisted" in section, who


def test_the_choice_is_on_the_profile_settings_with_its_label_and_is_saved(app, cast):
    cast("group_member")
    client = signed_in(app, cast.group_member)
    page = text(client.get("/settings/profile"))
    assert re.search(r'<input [^>]*checked [^>]*id="show_groups"', page)
    assert '<label for="show_groups">Show the groups I belong to</label>' in page
    assert client.post("/settings/profile", data=PROFILE_FORM).status_code == 302
    with app.app_context():
        assert fresh(cast.group_member).show_groups is False
    saved = client.post(
        "/settings/profile", data={**PROFILE_FORM, "show_groups": "y"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200
    with app.app_context():
        assert fresh(cast.group_member).show_groups is True


def names_in(page: str) -> set[str]:
    return set(re.findall(r'<h2><a href="/members/\d+">([^<]+)</a>', page))


def test_the_directory_filters_by_a_group_among_those_who_show_their_groups(app, cast, make_member):
    cast("lead", "group_member", "member", "staff")
    shy = make_member("shy@example.org", name="Shy Member")
    with app.app_context():
        groups.add_member(cast.group, fresh(shy))
    set_show_groups(app, shy, False)
    page = text(signed_in(app, cast.member).get("/members?group=esol-practice"))
    assert '<option selected value="esol-practice">ESOL Practice</option>' in page
    assert names_in(page) == {"Lee Lead", "Gil Group"}, "not the member who hides their groups"
    assert "Shy Member" in names_in(text(signed_in(app, cast.staff).get("/members?group=esol-practice")))
    # With htmx, the results alone, filtered the same way.
    part = text(
        signed_in(app, cast.member).get("/members?group=esol-practice", headers={"HX-Request": "true"})
    )
    assert "<html" not in part and names_in(part) == {"Lee Lead", "Gil Group"}


def test_only_a_group_the_viewer_may_see_filters_the_directory(app, cast, unlisted):
    cast("member", "staff")
    outsider = text(signed_in(app, cast.member).get(f"/members?group={unlisted}"))
    assert "That group is not on the list, so it was left out." in outsider
    assert "Board" not in outsider, "the unlisted group's name is not confirmed, nor offered"
    assert "Mo Member" in names_in(outsider), "the filter was left out, not applied"
    same = text(signed_in(app, cast.member).get("/members?group=no-such-group"))
    assert "That group is not on the list, so it was left out." in same
    # Its members, and staff, may filter by it.
    for who in ("group_member", "staff"):
        page = text(signed_in(app, cast[who]).get(f"/members?group={unlisted}"))
        assert f'<option selected value="{unlisted}">Board</option>' in page, who
        assert names_in(page) == {"Lee Lead", "Gil Group"}, who


def test_the_search_service_keeps_a_group_only_for_those_who_may_see_it(app, cast, unlisted):
    cast("member")
    with app.app_context():
        board = Group.by_slug(unlisted)
        kept = directory.read_search({"group": unlisted}, fresh(cast.group_member))
        assert (kept.group, kept.group_id) == (unlisted, board.id) and kept.args() == {"group": unlisted}
        dropped = directory.read_search({"group": unlisted}, fresh(cast.member))
        assert dropped.group_id is None and "group" in dropped.problems
        assert [g.slug for g in directory.filter_choices(fresh(cast.member))["groups"]] == ["esol-practice"]
