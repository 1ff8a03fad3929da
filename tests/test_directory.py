"""The Directory of Members: profiles and privacy, search, profile settings and organisations."""

import re
from datetime import timedelta

import pytest

from forum.models import Member, Organisation, utcnow
from forum.models.directory import Expertise, MemberExpertise
from forum.services import directory

PROFILE = {
    "organisation": "Bridges Trust",
    "job_title": "Youth worker",
    "region": "Wales",
    "bio": "I run **conversation clubs** in Cardiff.",
    "new_expertise": "Youth work, English classes",
    "projects": "A mentoring scheme",
    "interests": "Trustee of Bridges Trust",
    "website": "https://bridges.example.org",
    "listed": "y",
    "show_organisation": "y",
    "show_region": "y",
    "show_bio": "y",
    "show_website": "y",
    "contact_policy": "shared",
    "contact_note": "Mentoring; not sales",
}
HIDDEN = {"show_organisation": "", "show_region": "", "show_bio": "", "show_website": ""}


def save_profile(app, email, **changes):
    """Save a profile through the domain function; empty values switch a flag off."""
    data = {k: v for k, v in {**PROFILE, **changes}.items() if v != ""}
    with app.test_request_context():
        directory.update_profile(Member.by_email(email), data)


@pytest.fixture
def members(app, make_member):
    """Amina (full profile), Ben (bare), Sam (staff)."""
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    sam = make_member("sam@example.org", name="Sam Staff", role="staff")
    save_profile(app, "amina@example.org")
    return {"amina": amina.id, "ben": ben.id, "sam": sam.id}


def page_of(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


# -- profiles and privacy --------------------------------------------------------------------------


def test_profile_shows_what_the_member_chose_but_never_the_email(client, auth, members):
    auth.sign_in("ben@example.org")
    page = page_of(client, f"/members/{members['amina']}")
    for text in (
        "Amina Yusuf",
        "Youth worker",
        "Bridges Trust",
        "Wales",
        "<strong>conversation clubs</strong>",
        "Youth work",
        "English classes",
        "A mentoring scheme",
        "Trustee of Bridges Trust",
        'href="https://bridges.example.org"',
        "Mentoring; not sales",
        "Member since",
    ):
        assert text in page, text
    assert "amina@example.org" not in page
    assert "Hidden from members" not in page


def test_hidden_fields_are_hidden_from_members_and_shown_to_staff_and_self(app, client, auth, members):
    save_profile(app, "amina@example.org", **HIDDEN)
    auth.sign_in("ben@example.org")
    page = page_of(client, f"/members/{members['amina']}")
    for hidden in ("Bridges Trust</a>", "Wales", "conversation clubs", "bridges.example.org"):
        assert hidden not in page, hidden
    # Declared interests are never hidden: the Charter asks for them to be open.
    assert "Trustee of Bridges Trust" in page
    results = page_of(client, "/members")
    assert "Amina Yusuf" in results and "Wales" not in results and "Bridges Trust" not in results
    auth.sign_out()

    for viewer in ("sam@example.org", "amina@example.org"):
        auth.sign_in(viewer)
        page = page_of(client, f"/members/{members['amina']}")
        for shown in (
            "Bridges Trust",
            "Wales",
            "conversation clubs",
            "bridges.example.org",
            "amina@example.org",
        ):
            assert shown in page, (viewer, shown)
        assert page.count("Hidden from members") == 4
        auth.sign_out()


def test_hidden_fields_cannot_be_found_by_searching_them(app, client, auth, members):
    save_profile(app, "amina@example.org", **HIDDEN)
    auth.sign_in("ben@example.org")
    for query in ("?q=cardiff", "?q=bridges", "?organisation=bridges", "?region=Wales"):
        assert "Amina Yusuf" not in page_of(client, "/members" + query), query
    auth.sign_out()
    auth.sign_in("sam@example.org")
    for query in ("?q=cardiff", "?q=bridges", "?organisation=bridges", "?region=Wales"):
        assert "Amina Yusuf" in page_of(client, "/members" + query), query


def test_an_unlisted_member_is_absent_from_search_but_staff_see_them(app, client, auth, members):
    save_profile(app, "amina@example.org", listed="")
    org = Organisation.get(Organisation.name == "Bridges Trust")
    auth.sign_in("ben@example.org")
    assert "Amina Yusuf" not in page_of(client, "/members")
    assert "Amina Yusuf" not in page_of(client, "/members?q=amina")
    assert "Amina Yusuf" not in page_of(client, f"/organisations/{org.id}")
    # Their name still links to their profile from what they post.
    assert "Amina Yusuf" in page_of(client, f"/members/{members['amina']}")
    auth.sign_out()
    auth.sign_in("sam@example.org")
    page = page_of(client, "/members?q=amina")
    assert "Amina Yusuf" in page and "Unlisted" in page


def test_members_who_are_not_active_are_not_found_except_by_staff(app, client, auth, members, make_member):
    gone = make_member("gone@example.org", name="Gone Member", status="suspended")
    waiting = make_member("waiting@example.org", name="Waiting Applicant", status="applicant")
    auth.sign_in("ben@example.org")
    for member in (gone, waiting):
        assert client.get(f"/members/{member.id}").status_code == 404
    assert "Gone Member" not in page_of(client, "/members")
    assert client.get("/members/99999").status_code == 404
    auth.sign_out()
    auth.sign_in("sam@example.org")
    assert "This account is suspended" in page_of(client, f"/members/{gone.id}")


# -- search ----------------------------------------------------------------------------------------


@pytest.fixture
def network(app, make_member, members):
    """A few more members with different profiles to search among."""
    make_member("cho@example.org", name="Cho Lin")
    save_profile(
        app,
        "cho@example.org",
        organisation="Open Doors",
        job_title="Project manager",
        region="London",
        bio="Refugee welcome and housing.",
        new_expertise="Housing",
    )
    make_member("dee@example.org", name="dee morgan")
    save_profile(
        app, "dee@example.org", organisation="", job_title="", region="london", bio="", new_expertise=""
    )


def names_in(page: str) -> list[str]:
    found = []
    for name in ("Amina Yusuf", "Ben Carter", "Cho Lin", "dee morgan", "Sam Staff"):
        position = page.find(f">{name}</a>")
        if position >= 0:
            found.append((position, name))
    return [name for _, name in sorted(found)]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", ["Amina Yusuf", "Ben Carter", "Cho Lin", "dee morgan", "Sam Staff"]),
        ("?q=CHO", ["Cho Lin"]),  # name, any case
        ("?q=open+doors", ["Cho Lin"]),  # organisation, every word
        ("?q=manager", ["Cho Lin"]),  # role
        ("?q=housing", ["Cho Lin"]),  # expertise (and bio)
        ("?q=cardiff", ["Amina Yusuf"]),  # bio
        ("?q=youth+cardiff", ["Amina Yusuf"]),
        ("?q=youth+london", []),
        ("?q=%25", []),  # LIKE's wildcard is only a character here
        ("?region=London", ["Cho Lin", "dee morgan"]),  # whatever the case it was typed in
        ("?organisation=bridges", ["Amina Yusuf"]),
        (
            "?q=&region=&expertise=&organisation=&sort=",
            ["Amina Yusuf", "Ben Carter", "Cho Lin", "dee morgan", "Sam Staff"],
        ),
    ],
)
def test_search_and_filters(client, auth, network, query, expected):
    auth.sign_in("ben@example.org")
    assert names_in(page_of(client, "/members" + query)) == expected


def test_filter_by_expertise_and_an_unknown_one(app, client, auth, network):
    auth.sign_in("ben@example.org")
    youth = Expertise.get(Expertise.name_key == "youth work")
    assert names_in(page_of(client, f"/members?expertise={youth.id}")) == ["Amina Yusuf"]
    for unknown in ("99999", "abc", "<script>"):
        page = page_of(client, f"/members?expertise={unknown}")
        assert "That area of expertise is not on the list" in page
        assert len(names_in(page)) == 5
        assert "<script>" not in page


def test_sort_by_recently_active(app, client, auth, network):
    with app.app_context():
        now = utcnow()
        for email, ago in (("dee@example.org", 1), ("amina@example.org", 2)):
            Member.update(last_active_at=now - timedelta(days=ago)).where(Member.email == email).execute()
        Member.update(last_active_at=None).where(Member.email.in_(["ben@example.org"])).execute()
    auth.sign_in("cho@example.org")  # signing in is activity: Cho is the most recent
    names = names_in(page_of(client, "/members?sort=active"))
    assert names[:3] == ["Cho Lin", "dee morgan", "Amina Yusuf"]
    assert names[-1] == "Ben Carter"  # never active, last
    assert '<option selected value="active">' in page_of(client, "/members?sort=active")


def test_results_are_paged_with_links_that_keep_the_search(app, client, auth, make_member):
    for n in range(25):
        make_member(f"m{n:02}@example.org", name=f"Member {n:02}")
    auth.sign_in("m00@example.org")
    first = page_of(client, "/members?q=member")
    assert "25 members found, page 1 of 2." in first
    assert first.count('class="card member-card"') == 20
    assert 'href="/members?q=member&amp;page=2"' in first
    second = page_of(client, "/members?q=member&page=2")
    assert second.count('class="card member-card"') == 5
    assert "Member 24" in second and "Member 00" not in second
    for odd in ("0", "-1", "x", "999999"):
        assert client.get(f"/members?page={odd}").status_code == 200


def test_htmx_search_answers_the_results_alone_with_the_count(client, auth, network):
    auth.sign_in("ben@example.org")
    response = client.get("/members?q=cho", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<form" not in body
    assert names_in(body) == ["Cho Lin"]
    assert 'id="result-count"' in body and 'data-hx-swap-oob="innerHTML"' in body
    assert "1 member found." in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_search_form_is_labelled_and_active_with_htmx(client, auth, members):
    auth.sign_in("ben@example.org")
    page = page_of(client, "/members")
    assert '<label for="q">Search members</label>' in page
    assert 'data-hx-get="/members"' in page and 'data-hx-push-url="true"' in page
    assert 'data-hx-target="#results"' in page and 'role="status"' in page
    assert '<a href="/members">Members</a>' in page  # the navigation link


def test_a_directory_page_costs_the_same_whatever_its_size(app, client, auth, make_member, count_queries):
    """The count, one page of members with their organisations, their expertise, and the filter
    lists: the same number of queries for 3 members as for 45, and for any page size."""
    make_member("viewer@example.org", name="Viewer")
    auth.sign_in("viewer@example.org")

    def costs(path, **headers):
        with count_queries() as queries:
            assert client.get(path, headers=headers).status_code == 200
        return len(queries)

    def add(n, start):
        for i in range(start, start + n):
            make_member(f"p{i}@example.org", name=f"Person {i}")
            save_profile(
                app, f"p{i}@example.org", organisation=f"Org {i % 4}", new_expertise=f"Topic {i % 5}"
            )

    add(2, 0)
    small = (costs("/members"), costs("/members?q=person", **{"HX-Request": "true"}))
    add(43, 2)
    large = (costs("/members"), costs("/members?q=person", **{"HX-Request": "true"}))
    assert small == large
    # The page itself is 5 (count, members, their expertise, regions, areas); the rest is the
    # request's own (the member, the current Charter versions).
    assert large[0] <= 8 and large[1] <= 6, large
    with app.test_request_context(), count_queries() as few:
        directory.search_members(Member.by_email("viewer@example.org"), directory.Search(), per_page=5)
    with app.test_request_context(), count_queries() as many:
        directory.search_members(Member.by_email("viewer@example.org"), directory.Search(), per_page=100)
    assert len(few) == len(many) == 4  # the viewer's row, then count, page, expertise


# -- one's own profile -----------------------------------------------------------------------------


def test_settings_shows_the_saved_profile(client, auth, members):
    auth.sign_in("amina@example.org")
    page = page_of(client, "/settings/profile")
    assert 'value="Bridges Trust"' in page and "A mentoring scheme" in page
    assert re.search(r'<input checked[^>]* value="shared"', page)
    assert page.count('type="checkbox" value=') >= 2  # the shared list of areas, Amina's ticked


def test_saving_the_profile(app, client, auth, members):
    auth.sign_in("ben@example.org")
    youth = Expertise.get(Expertise.name_key == "youth work")
    data = {
        **PROFILE,
        "organisation": "  open   DOORS ",
        "expertise": [str(youth.id)],
        "new_expertise": "youth WORK, Arts",
    }
    response = client.post("/settings/profile", data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/settings/profile"
    ben = Member.get_by_id(members["ben"])
    assert ben.organisation.name == "open DOORS"
    areas = sorted(e.name for e in MemberExpertise.for_members([ben.id])[ben.id])
    assert areas == ["Arts", "Youth work"]  # "youth WORK" is the existing area, not a new one
    assert Expertise.select().count() == 3
    assert "Your profile is saved." in page_of(client, "/settings/profile")


def test_saving_with_htmx_swaps_the_form_and_announces_it(client, auth, members):
    auth.sign_in("ben@example.org")
    response = client.post("/settings/profile", data=PROFILE, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<form") or 'id="profile-form"' in body
    assert "<html" not in body
    assert "Your profile is saved." in response.headers["HX-Trigger"]


HOSTILE = [
    ({"website": "javascript:alert(1)"}, "website", "starting with http:// or https://"),
    ({"website": "data:text/html,<b>x</b>"}, "website", "starting with http:// or https://"),
    ({"website": "ftp://example.org"}, "website", "starting with http:// or https://"),
    ({"website": "https://exa mple.org"}, "website", "can't contain spaces"),
    ({"website": "https://" + "a" * 200 + ".org"}, "website", "at most 200 characters"),
    ({"bio": "x" * 2001}, "bio", "at most 2,000 characters"),
    ({"job_title": "x" * 121}, "job_title", "at most 120 characters"),
    ({"contact_note": "x" * 201}, "contact_note", "at most 200 characters"),
    ({"organisation": "   "}, "organisation", "can't"),
    (
        {"new_expertise": "<script>alert(1)</script>"},
        "new_expertise",
        "characters an area of expertise can't have",
    ),
    ({"new_expertise": "x" * 41}, "new_expertise", "too long"),
    ({"expertise": ["99999"]}, "expertise", "not on the list"),
    ({"expertise": ["abc"]}, "expertise", "not on the list"),
    ({"contact_policy": "everyone-and-their-dog"}, "contact_policy", ""),
    ({"new_expertise": ", ".join(f"Area {n}" for n in range(13))}, "expertise", "at most 12"),
]


@pytest.mark.parametrize("change, field, message", HOSTILE)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_saved(
    app, client, auth, members, change, field, message
):
    if field == "organisation":
        message = "Enter the organisation's name, or leave the field empty for none."
    auth.sign_in("ben@example.org")
    before = Expertise.select().count()
    data = {**PROFILE, "job_title": "Kept title", "bio": "Kept bio", **change}
    response = client.post("/settings/profile", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    assert message.replace("'", "&#39;") in page
    if field not in ("job_title", "bio"):
        assert 'value="Kept title"' in page and "Kept bio" in page  # the member's text is kept
    ben = Member.get_by_id(members["ben"])
    assert ben.job_title == "" and ben.organisation_id is None and ben.bio_md == ""
    assert Expertise.select().count() == before


def test_markdown_in_the_bio_is_sanitised(app, client, auth, members):
    bio = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)> [ok](https://ok.example)"
    save_profile(app, "ben@example.org", bio=bio)
    auth.sign_in("amina@example.org")
    page = page_of(client, f"/members/{members['ben']}")
    assert "<script>alert" not in page and 'href="javascript:' not in page and "<img" not in page
    assert 'href="https://ok.example" rel="nofollow ugc noopener noreferrer"' in page


def test_a_website_without_a_scheme_becomes_https(app, members):
    save_profile(app, "ben@example.org", website="example.org/about")
    assert Member.get_by_id(members["ben"]).website == "https://example.org/about"


def test_inline_check_answers_one_field_with_its_message(client, auth, members):
    auth.sign_in("ben@example.org")
    response = client.post(
        "/settings/profile/check?field=website", data={**PROFILE, "website": "javascript:x"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.strip().startswith('<div id="check-website"') and 'id="website-error"' in body
    assert "bio" not in body
    fine = client.post("/settings/profile/check?field=website", data=PROFILE).get_data(as_text=True)
    assert "website-error" not in fine
    assert client.post("/settings/profile/check?field=nope", data=PROFILE).status_code == 404
    assert client.post("/settings/profile/check?field=csrf_token", data=PROFILE).status_code == 404
    # Checking saves nothing.
    assert Member.get_by_id(members["ben"]).website == ""


# -- organisations ---------------------------------------------------------------------------------


@pytest.fixture
def bridges(members):
    return Organisation.get(Organisation.name == "Bridges Trust")


def test_organisation_page_lists_its_members_in_the_directory(client, auth, bridges, make_member, app):
    make_member("eve@example.org", name="Eve Hidden")
    save_profile(app, "eve@example.org", show_organisation="")
    auth.sign_in("ben@example.org")
    page = page_of(client, f"/organisations/{bridges.id}")
    assert "Amina Yusuf" in page and "Eve Hidden" not in page
    assert "Edit this organisation" not in page  # Ben is not one of its members
    assert client.get("/organisations/99999").status_code == 404


def test_its_members_and_staff_edit_an_organisation_others_cannot(app, client, auth, bridges):
    data = {
        "name": "Bridges Trust",
        "sector": "Charity",
        "region": "Wales",
        "website": "bridges.example",
        "description": "We *build* bridges.",
    }
    auth.sign_in("ben@example.org")
    assert client.get(f"/organisations/{bridges.id}/edit").status_code == 403
    assert client.post(f"/organisations/{bridges.id}/edit", data=data).status_code == 403
    auth.sign_out()
    auth.sign_in("amina@example.org")
    assert "Edit this organisation" in page_of(client, f"/organisations/{bridges.id}")
    response = client.post(f"/organisations/{bridges.id}/edit", data=data)
    assert response.status_code == 302
    page = page_of(client, f"/organisations/{bridges.id}")
    assert "Charity" in page and "<em>build</em>" in page and 'href="https://bridges.example"' in page
    auth.sign_out()
    auth.sign_in("sam@example.org")
    assert client.get(f"/organisations/{bridges.id}/edit").status_code == 200


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"name": "   "}, "name", "Enter the organisation"),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"name": "open doors"}, "name", "Another organisation already has this name"),
        ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
        ({"description": "x" * 4001}, "description", "at most 4,000"),
    ],
)
def test_bad_organisation_input(app, client, auth, bridges, change, field, message):
    Organisation.create(name="Open Doors", name_key="open doors")
    auth.sign_in("amina@example.org")
    data = {"name": "Bridges Trust", "sector": "Kept sector", **change}
    response = client.post(f"/organisations/{bridges.id}/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert 'value="Kept sector"' in page
    assert Organisation.get_by_id(bridges.id).sector == ""


def test_staff_merge_a_duplicate_organisation(app, client, auth, bridges, make_member):
    make_member("fay@example.org", name="Fay Duplicate")
    save_profile(app, "fay@example.org", organisation="Bridges Trust Cymru")
    duplicate = Organisation.get(Organisation.name == "Bridges Trust Cymru")
    Organisation.update(sector="Charity").where(Organisation.id == duplicate.id).execute()
    auth.sign_in("amina@example.org")
    assert (
        client.post(f"/organisations/{duplicate.id}/merge", data={"into": "Bridges Trust"}).status_code == 403
    )
    assert "Merge a duplicate" not in page_of(client, f"/organisations/{duplicate.id}")
    auth.sign_out()
    auth.sign_in("sam@example.org")
    for bad, message in (
        ("Nowhere Ltd", "No organisation has that name"),
        ("bridges trust cymru", "this is the one"),
    ):
        response = client.post(f"/organisations/{duplicate.id}/merge", data={"into": bad})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    response = client.post(f"/organisations/{duplicate.id}/merge", data={"into": "bridges TRUST"})
    assert response.status_code == 302 and response.headers["Location"] == f"/organisations/{bridges.id}"
    assert Organisation.get_or_none(Organisation.id == duplicate.id) is None
    assert Member.by_email("fay@example.org").organisation_id == bridges.id
    assert Organisation.get_by_id(bridges.id).sector == "Charity"
    assert client.get(f"/organisations/{duplicate.id}").status_code == 404
