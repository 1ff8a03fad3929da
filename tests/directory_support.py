"""What the directory's test modules share: a full profile, saving one, three members, reading a page."""

from forum.models import Member
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


def three_members(app, make_member):
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
