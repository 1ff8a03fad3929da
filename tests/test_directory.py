"""The Directory of Members: profiles, privacy, search, organisations and profile settings."""

import pytest

from forum.models import Member, Organisation
from forum.models.directory import Expertise, MemberExpertise
from forum.services import directory

PROFILE = {
    "organisation": "Bridges Trust",
    "job_title": "Youth worker",
    "region": "Wales",
    "bio": "I run **conversation clubs**.",
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


@pytest.fixture
def members(app, make_member):
    """An active member (Amina) with a full profile, a second member (Ben) and staff (Sam)."""
    amina = make_member("amina@example.org", name="Amina Yusuf")
    ben = make_member("ben@example.org", name="Ben Carter")
    sam = make_member("sam@example.org", name="Sam Staff", role="staff")
    with app.test_request_context():
        directory.update_profile(Member.get_by_id(amina.id), PROFILE)
    return {"amina": amina.id, "ben": ben.id, "sam": sam.id}


def save_profile(app, member_id, **changes):
    with app.test_request_context():
        directory.update_profile(Member.get_by_id(member_id), {**PROFILE, **changes})


def test_profile_shows_what_the_member_chose(client, auth, members):
    auth.sign_in("ben@example.org")
    page = client.get(f"/members/{members['amina']}").get_data(as_text=True)
    assert "Amina Yusuf" in page
    assert "Youth worker" in page
    assert "Bridges Trust" in page
    assert "<strong>conversation clubs</strong>" in page
    assert "Youth work" in page and "English classes" in page
    assert "Trustee of Bridges Trust" in page
    assert "https://bridges.example.org" in page
    assert "amina@example.org" not in page


def test_directory_lists_and_searches(client, auth, members):
    auth.sign_in("ben@example.org")
    page = client.get("/members").get_data(as_text=True)
    assert "Amina Yusuf" in page and "Ben Carter" in page
    page = client.get("/members?q=youth").get_data(as_text=True)
    assert "Amina Yusuf" in page and "Ben Carter" not in page


def test_settings_page_saves(client, auth, members, app):
    auth.sign_in("ben@example.org")
    assert client.get("/settings/profile").status_code == 200
    response = client.post("/settings/profile", data={**PROFILE, "organisation": "Open Doors"})
    assert response.status_code == 302
    with app.app_context():
        ben = Member.get_by_id(members["ben"])
        assert ben.organisation.name == "Open Doors"
        assert {e.name for e in Expertise.select()} == {"Youth work", "English classes"}
        assert MemberExpertise.select().where(MemberExpertise.member == ben).count() == 2


def test_organisation_page(client, auth, members, app):
    auth.sign_in("ben@example.org")
    with app.app_context():
        org = Organisation.get(Organisation.name == "Bridges Trust")
    page = client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert "Amina Yusuf" in page
