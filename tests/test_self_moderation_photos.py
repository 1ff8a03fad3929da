"""Self-moderation meets photos (issue #9 with uploads): low-data mode shows a post's photo as a
link, with no <img> and no script; a pause before posting says the photo must be chosen again."""

import io

import upload_files as files
from helpers import signed_in

from forum.models import Category, Member, Post


def post_thread(client, message, **extra):
    return client.post(
        "/c/practice/new",
        data={
            "title": "Garden days",
            "message": message,
            "sharing": "credit",
            "alt_text": "Volunteers planting a community garden",
            "photo": (io.BytesIO(files.image_bytes("JPEG", size=(600, 400))), "garden.jpg"),
            **extra,
        },
        content_type="multipart/form-data",
    )


def test_low_data_mode_shows_a_photo_as_a_link_without_img_or_script(app, cast):
    author, reader = cast("author", "member").author, cast.member
    with app.app_context():
        Category.create(name="Practice", slug="practice")
        Member.update(low_data=True).where(Member.id == reader.id).execute()
    response = post_thread(signed_in(app, author), "Our garden, with a photo.")
    assert response.status_code == 302
    path = response.headers["Location"]
    assert "<img" in signed_in(app, author).get(path).get_data(as_text=True)
    page = signed_in(app, reader).get(path).get_data(as_text=True)
    assert "Our garden, with a photo." in page
    assert "<img" not in page and "<script" not in page
    assert "/photos/" in page  # the photo is still there, one click away


def test_a_pause_says_the_photo_must_be_chosen_again(app, cast):
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, cast.author)
    response = post_thread(client, "What a STUPID council decision")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "a moment to pause" in page
    assert "Your photo is not attached any more" in page
    with app.app_context():
        assert Post.select().count() == 0
    plain = client.post(
        "/c/practice/new", data={"title": "Garden days", "message": "A stupid idea", "sharing": "credit"}
    )
    assert "a moment to pause" in plain.get_data(as_text=True)
    assert "Your photo is not attached" not in plain.get_data(as_text=True)
