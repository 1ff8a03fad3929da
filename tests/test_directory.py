"""The Directory of Members: profiles and privacy, and editing one's own profile."""

import re

import pytest
from directory_support import HIDDEN, PROFILE, page_of, save_profile, three_members

from forum.models import Member, Organisation
from forum.models.directory import Expertise, MemberExpertise


@pytest.fixture
def members(app, make_member):
    """Amina (a full profile), Ben (bare), Sam (staff): their ids."""
    return three_members(app, make_member)


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


def test_members_who_are_not_active_are_not_found_except_by_staff(app, client, auth, members, cast):
    gone, waiting = cast("suspended", "applicant").suspended, cast.applicant
    auth.sign_in("ben@example.org")
    for member in (gone, waiting):
        assert client.get(f"/members/{member.id}").status_code == 404
    listing = page_of(client, "/members")
    assert gone.name not in listing and waiting.name not in listing
    assert client.get("/members/99999").status_code == 404
    auth.sign_out()
    auth.sign_in("sam@example.org")
    assert "This account is suspended" in page_of(client, f"/members/{gone.id}")


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


def test_a_profile_costs_the_same_whatever_it_holds(app, client, auth, members, count_queries):
    auth.sign_in("ben@example.org")

    def costs():
        with count_queries() as queries:
            assert client.get(f"/members/{members['amina']}").status_code == 200
        return len(queries)

    few = costs()
    save_profile(app, "amina@example.org", new_expertise=", ".join(f"Area {n}" for n in range(12)))
    assert costs() == few


@pytest.mark.parametrize("typed", ["https://[", "http://[::1"])
def test_a_malformed_web_address_is_refused_not_a_500(app, typed):
    from forum.errors import Invalid
    from forum.services.directory import clean_website

    with pytest.raises(Invalid):
        clean_website(typed)
