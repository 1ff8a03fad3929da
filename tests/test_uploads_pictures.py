"""Uploads, as pictures of people and organisations: a member's avatar (their initials until
then) and an organisation's logo, uploaded by its members, replaced and removed."""

import io
from pathlib import Path

import pytest
import upload_files as files
from helpers import PASSWORD

from forum.models import Member, Organisation
from forum.models.uploads import Upload


@pytest.fixture
def people(app, make_member):
    ada = make_member("ada@example.org", name="Ada Lovelace")
    make_member("ben@example.org", name="Ben Bell")
    with app.app_context():
        organisation = Organisation.create(name="Bridges Trust", name_key="bridges trust")
        Member.update(organisation=organisation).where(Member.id == ada.id).execute()
    return {"ada": ada.id, "organisation": organisation.id}


def signed_in(app, email):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def send(client, path, data, alt="Ada smiling in the garden", filename="me.jpg"):
    return client.post(
        path,
        data={"photo": (io.BytesIO(data), filename), "alt_text": alt},
        content_type="multipart/form-data",
    )


def test_an_avatar_replaces_the_initials_and_a_new_one_replaces_the_old(app, people):
    ada = signed_in(app, "ada@example.org")
    profile = f"/members/{people['ada']}"
    assert 'class="initials"' in ada.get(profile).get_data(as_text=True)
    assert ada.get("/photos/avatar").status_code == 200
    response = send(ada, "/photos/avatar", files.jpeg_with_gps(size=(800, 600)))
    assert response.status_code == 302 and response.headers["Location"] == profile
    page = ada.get(profile).get_data(as_text=True)
    assert 'class="avatar"' in page and 'alt="Ada smiling in the garden"' in page
    with app.app_context():
        first = Upload.get()
        # Turned upright (EXIF orientation 6), then at most 96 and 400 pixels on the longest side.
        assert (first.kind, first.thumb_height, first.height) == ("avatar", 96, 400)
    # Others see it in the directory too, decorative beside the name.
    ben = signed_in(app, "ben@example.org")
    listing = ben.get("/members").get_data(as_text=True)
    assert first.name in listing
    assert not files.has_gps(ben.get(f"/photos/{first.name}/display").data)
    # A visitor sees no member's picture: the directory is for members.
    assert app.test_client().get(f"/photos/{first.name}/thumb").status_code == 404
    send(ada, "/photos/avatar", files.image_bytes("PNG"), alt="Ada, a drawing")
    with app.app_context():
        assert Upload.get_by_id(first.id).status == "removed"
        assert Upload.select().where(Upload.status == "visible").count() == 1
    assert len(list(Path(app.config["UPLOAD_PATH"]).iterdir())) == 2


def test_an_avatar_needs_alt_text_and_a_real_image(app, people):
    ada = signed_in(app, "ada@example.org")
    response = send(ada, "/photos/avatar", files.image_bytes(), alt="")
    assert response.status_code == 422 and "screen reader" in response.get_data(as_text=True)
    response = send(ada, "/photos/avatar", files.PHP, filename="me.jpg")
    assert response.status_code == 422 and "not a photo we can use" in response.get_data(as_text=True)
    response = ada.post("/photos/avatar", data={"alt_text": "Me"}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a picture" in response.get_data(as_text=True)
    with app.app_context():
        assert Upload.select().count() == 0


def test_members_of_an_organisation_upload_its_logo(app, people):
    path = f"/photos/logo/{people['organisation']}"
    assert signed_in(app, "ben@example.org").get(path).status_code == 403
    ada = signed_in(app, "ada@example.org")
    response = send(ada, path, files.image_bytes("PNG", size=(600, 200)), alt="Bridges Trust logo")
    assert response.status_code == 302
    page = signed_in(app, "ben@example.org").get(f"/organisations/{people['organisation']}")
    body = page.get_data(as_text=True)
    assert 'alt="Bridges Trust logo"' in body and 'width="400"' in body and 'height="133"' in body
