"""Uploads, as pictures of people and organisations: a member's avatar (their initials until
then) and an organisation's logo, uploaded by its members, replaced and removed."""

import io
from pathlib import Path

import pytest
import upload_files as files
from helpers import signed_in

from forum.models import Member, Organisation
from forum.models.uploads import Upload


@pytest.fixture
def people(app, cast):
    """The member belongs to Bridges Trust; the other member does not."""
    cast("member", "other")
    with app.app_context():
        organisation = Organisation.create(name="Bridges Trust", name_key="bridges trust")
        Member.update(organisation=organisation).where(Member.id == cast.member.id).execute()
    return {"member": cast.member, "other": cast.other, "organisation": organisation.id}


def send(client, path, data, alt="Ada smiling in the garden", filename="me.jpg"):
    return client.post(
        path,
        data={"photo": (io.BytesIO(data), filename), "alt_text": alt},
        content_type="multipart/form-data",
    )


def test_an_avatar_replaces_the_initials_and_a_new_one_replaces_the_old(app, people):
    member = signed_in(app, people["member"])
    profile = f"/members/{people['member'].id}"
    assert 'class="initials"' in member.get(profile).get_data(as_text=True)
    assert member.get("/photos/avatar").status_code == 200
    response = send(member, "/photos/avatar", files.jpeg_with_gps(size=(800, 600)))
    assert response.status_code == 302 and response.headers["Location"] == profile
    page = member.get(profile).get_data(as_text=True)
    assert 'class="avatar"' in page and 'alt="Ada smiling in the garden"' in page
    with app.app_context():
        first = Upload.get()
        # Turned upright (EXIF orientation 6), then at most 96 and 400 pixels on the longest side.
        assert (first.kind, first.thumb_height, first.height) == ("avatar", 96, 400)
    # Others see it in the directory too, decorative beside the name.
    other = signed_in(app, people["other"])
    listing = other.get("/members").get_data(as_text=True)
    assert first.name in listing
    assert not files.has_gps(other.get(f"/photos/{first.name}/display").data)
    # A visitor sees no member's picture: the directory is for members.
    assert app.test_client().get(f"/photos/{first.name}/thumb").status_code == 404
    send(member, "/photos/avatar", files.image_bytes("PNG"), alt="Ada, a drawing")
    with app.app_context():
        assert Upload.get_by_id(first.id).status == "removed"
        assert Upload.select().where(Upload.status == "visible").count() == 1
    assert len(list(Path(app.config["UPLOAD_PATH"]).iterdir())) == 2


def test_an_avatar_needs_alt_text_and_a_real_image(app, people):
    member = signed_in(app, people["member"])
    response = send(member, "/photos/avatar", files.image_bytes(), alt="")
    assert response.status_code == 422 and "screen reader" in response.get_data(as_text=True)
    response = send(member, "/photos/avatar", files.PHP, filename="me.jpg")
    assert response.status_code == 422 and "not a photo we can use" in response.get_data(as_text=True)
    response = member.post("/photos/avatar", data={"alt_text": "Me"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a picture" in response.get_data(as_text=True)
    with app.app_context():
        assert Upload.select().count() == 0


def test_members_of_an_organisation_upload_its_logo(app, people):
    path = f"/photos/logo/{people['organisation']}"
    assert signed_in(app, people["other"]).get(path).status_code == 403
    member = signed_in(app, people["member"])
    response = send(member, path, files.image_bytes("PNG", size=(600, 200)), alt="Bridges Trust logo")
    assert response.status_code == 302
    page = signed_in(app, people["other"]).get(f"/organisations/{people['organisation']}")
    body = page.get_data(as_text=True)
    assert 'alt="Bridges Trust logo"' in body and 'width="400"' in body and 'height="133"' in body
