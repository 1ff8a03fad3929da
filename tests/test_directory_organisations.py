"""Organisation pages: who sees which members, editing by its members and staff, merging."""

import pytest
from directory_support import page_of, save_profile, three_members

from forum.models import Member, Organisation


@pytest.fixture
def members(app, make_member):
    """Amina (a full profile), Ben (bare), Sam (staff): their ids."""
    return three_members(app, make_member)


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
