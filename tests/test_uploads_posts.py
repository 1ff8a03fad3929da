"""Uploads, in the forum: photos attached to posts from the post forms (JavaScript on and off),
served only to those who may read the post, taken down by their uploader or staff."""

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import upload_files as files
from helpers import signed_in
from PIL import Image
from werkzeug.datastructures import FileStorage

from forum.errors import Invalid
from forum.models import Category, Member, Post, Thread, utcnow
from forum.models.uploads import Upload
from forum.services import notifying, posting, uploads


@pytest.fixture
def members(cast):
    return cast("author", "other", "staff")


@pytest.fixture
def categories(app):
    with app.app_context():
        return {
            "public": Category.create(name="Practice", slug="practice"),
            "members": Category.create(name="Members room", slug="room", read_access="members"),
        }


def stored(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_PATH"])
    return sorted(folder.iterdir()) if folder.exists() else []


def photo_fields(data=None, filename="garden.jpg", alt="Volunteers planting a community garden", **extra):
    fields = {"alt_text": alt, **extra}
    if data is not None:
        fields["photo"] = (io.BytesIO(data), filename)
    return fields


def new_thread(client, slug="practice", message="Our garden project, with a photo.", **photo):
    return client.post(
        f"/c/{slug}/new",
        data={"title": "Garden days", "message": message, "sharing": "credit", **photo_fields(**photo)},
        content_type="multipart/form-data",
    )


def photo_urls(html: str) -> list[str]:
    return re.findall(r'(/photos/[\w-]+/(?:thumb|display))', html)


def test_a_thread_with_a_photo_shows_a_lazy_thumbnail_linking_to_the_display_size(app, members, categories):
    client = signed_in(app, "author@example.org")
    response = new_thread(client, data=files.jpeg_with_gps(orientation=6, size=(1200, 800)))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    img = re.search(r"<img [^>]*>", page.split('class="post-photos"')[1]).group(0)
    assert 'loading="lazy"' in img
    assert 'alt="Volunteers planting a community garden"' in img
    # Turned upright: 800 wide, 1200 high, thumbnail at most 400 on its longest side.
    assert 'width="267"' in img and 'height="400"' in img
    display, thumb = photo_urls(page)[:2]
    assert display.endswith("/display") and thumb.endswith("/thumb")
    with app.app_context():
        upload = Upload.get()
        assert upload.owner_id == members["author"].id and upload.post_id is not None
        assert upload.alt_text == "Volunteers planting a community garden"


def test_served_images_are_images_only_with_no_gps(app, members, categories):
    client = signed_in(app, "author@example.org")
    new_thread(client, data=files.jpeg_with_gps())
    with app.app_context():
        upload = Upload.get()
    for size in ("thumb", "display"):
        response = app.test_client().get(f"/photos/{upload.name}/{size}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "private" in response.headers["Cache-Control"]
        assert "max-age=3600" in response.headers["Cache-Control"]
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert response.headers["Content-Disposition"].startswith("inline")
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "JPEG"
        assert not files.has_gps(response.data)
        assert dict(image.getexif()) == {}


def test_a_photo_in_a_members_only_category_cannot_be_fetched_by_a_visitor(app, members, categories):
    client = signed_in(app, "author@example.org")
    assert new_thread(client, slug="room", data=files.image_bytes()).status_code == 302
    with app.app_context():
        upload = Upload.get()
    for size in ("thumb", "display"):
        assert app.test_client().get(f"/photos/{upload.name}/{size}").status_code == 404
        assert signed_in(app, "other@example.org").get(f"/photos/{upload.name}/{size}").status_code == 200


def test_a_photo_on_a_withdrawn_post_is_not_served_to_others(app, members, categories):
    client = signed_in(app, "author@example.org")
    new_thread(client, data=files.image_bytes())
    with app.app_context():
        upload = Upload.get()
        Post.update(status="withdrawn").where(Post.id == upload.post_id).execute()
    assert app.test_client().get(f"/photos/{upload.name}/thumb").status_code == 404
    assert signed_in(app, "staff@example.org").get(f"/photos/{upload.name}/thumb").status_code == 200


def test_unknown_names_and_sizes_are_not_found(app, members, categories):
    client = app.test_client()
    assert client.get("/photos/nothing-here/thumb").status_code == 404
    assert client.get("/photos/..%2F..%2Fsecret_key/thumb").status_code == 404
    assert client.get("/photos/x/original").status_code == 404


BAD = {
    "php renamed .jpg": (files.PHP, "shell.jpg", {}, "not a photo we can use"),
    "html renamed .jpg": (files.HTML, "page.jpg", {}, "not a photo we can use"),
    "svg renamed .jpg": (files.SVG, "drawing.jpg", {}, "not a photo we can use"),
    "truncated": (files.truncated_jpeg(), "half.jpg", {}, "damaged or incomplete"),
    "50,000 × 50,000 png": (files.huge_png(), "huge.png", {}, "too large in pixels"),
    "zip bomb": (files.zip_bomb(), "archive.jpg", {}, "not a photo we can use"),
    "path traversal": (files.image_bytes(), "../../x", {}, "file name can&#39;t be used"),
    "no alt text": (files.image_bytes(), "garden.jpg", {"alt": ""}, "screen reader"),
    "others shown without permission": (
        files.image_bytes(), "garden.jpg", {"shows_others": "y"}, "confirm you have permission"
    ),
}


@pytest.mark.parametrize("case", list(BAD))
@pytest.mark.parametrize("htmx", [False, True], ids=["nojs", "htmx"])
def test_a_refused_photo_posts_nothing_writes_nothing_and_keeps_the_text(
    app, members, categories, case, htmx
):
    data, filename, extra, message = BAD[case]
    client = signed_in(app, "author@example.org")
    text = "My carefully written message about the garden, kept."
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(
        "/c/practice/new",
        data={"title": "Garden days", "message": text, "sharing": "credit",
              **photo_fields(data, filename=filename, **extra)},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    assert text in body
    assert "<html" not in body if htmx else "<html" in body
    assert stored(app) == []
    with app.app_context():
        assert Post.select().count() == 0 and Upload.select().count() == 0


def test_a_reply_with_a_photo_and_with_htmx(app, members, categories):
    with app.app_context():
        first = posting.start_thread(
            members["author"], categories["public"], {"title": "Hello all", "message": "Hello"}
        )
    client = signed_in(app, "other@example.org")
    response = client.post(
        f"/t/{first.thread_id}/reply",
        data={"message": "Here is ours", **photo_fields(files.image_bytes("PNG", size=(50, 50)))},
        content_type="multipart/form-data",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'class="post-photos"' in body and 'loading="lazy"' in body
    with app.app_context():
        assert Upload.get().extension == "png"


def test_a_refused_reply_photo_keeps_the_reply_text_with_htmx(app, members, categories):
    with app.app_context():
        first = posting.start_thread(
            members["author"], categories["public"], {"title": "Hello all", "message": "Hello"}
        )
    client = signed_in(app, "other@example.org")
    response = client.post(
        f"/t/{first.thread_id}/reply",
        data={"message": "Words I do not want to lose", **photo_fields(files.SVG, filename="x.jpg")},
        content_type="multipart/form-data",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form"
    body = response.get_data(as_text=True)
    assert "Words I do not want to lose" in body and "not a photo we can use" in body
    assert stored(app) == []


def chosen(data, filename="garden.jpg"):
    return uploads.Photo(FileStorage(io.BytesIO(data), filename), alt_text="Our garden")


def test_a_refused_photo_stores_no_reply(app, members, categories):
    with app.app_context():
        first = posting.start_thread(
            members["author"], categories["public"], {"title": "Hello all", "message": "Hello"}
        )
        thread = Thread.get_by_id(first.thread_id)
        with pytest.raises(Invalid, match="not a photo we can use"):
            posting.reply(members["other"], thread, {"message": "Ours"}, photo=chosen(files.SVG, "x.jpg"))
        assert Post.select().count() == 1 and Thread.get_by_id(thread.id).post_count == 1
        assert Upload.select().count() == 0
    assert stored(app) == []


def test_a_refused_post_stores_no_photo_and_keeps_the_text(make_app, cast):
    app = make_app(POST_INTERVAL=60, NEW_MEMBER_POST_INTERVAL=60)
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, "author@example.org")
    assert new_thread(client, data=None).status_code == 302
    response = new_thread(client, message="Too soon, but kept.", data=files.image_bytes())
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "You are posting quickly" in body and "Too soon, but kept." in body
    assert stored(app) == []
    with app.app_context():
        assert Post.select().count() == 1 and Upload.select().count() == 0


def test_a_post_failing_after_its_photo_was_written_leaves_no_file_nor_row(
    app, members, categories, monkeypatch
):
    def fail(*args):
        raise RuntimeError("the notification could not be written")

    monkeypatch.setattr(notifying, "after_post", fail)
    with app.app_context():
        with pytest.raises(RuntimeError):
            posting.start_thread(
                members["author"], categories["public"], {"title": "Garden days", "message": "Ours"},
                photo=chosen(files.image_bytes()),
            )
        assert Post.select().count() == 0 and Thread.select().count() == 0
        assert Upload.select().count() == 0
    assert stored(app) == []


def test_the_same_form_sent_twice_keeps_one_post_and_one_photo(app, members, categories):
    data = {"title": "Garden days", "message": "Ours", "submission": "form-key-1"}
    author, public = members["author"], categories["public"]
    with app.app_context():
        first = posting.start_thread(author, public, data, photo=chosen(files.image_bytes()))
        again = posting.start_thread(author, public, data, photo=chosen(files.image_bytes()))
        assert again.id == first.id
        assert Upload.select().count() == 1
    assert len(stored(app)) == 2  # its thumbnail and display size


def test_over_quota_is_refused_with_a_clear_message(make_app, cast, tmp_path):
    app = make_app(UPLOAD_QUOTA_BYTES=1500)
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, "author@example.org")
    assert new_thread(client, data=files.image_bytes()).status_code == 302
    before = stored(app)
    response = new_thread(client, message="A second one, kept.", data=files.image_bytes(size=(300, 300)))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "reached your space for photos" in body and "A second one, kept." in body
    assert stored(app) == before


def test_a_file_far_over_the_limit_gets_a_clear_413(make_app, cast):
    app = make_app(UPLOAD_MAX_BYTES=10_000)
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    client = signed_in(app, "author@example.org")
    response = new_thread(client, data=b"\xff\xd8\xff" + bytes(3 * 1024 * 1024))
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert stored(app) == []


def test_a_photo_larger_than_the_text_limit_is_accepted_on_the_post_form(make_app, cast):
    # Other forms keep their 1 MB limit; the post forms take a photo up to UPLOAD_MAX_BYTES.
    app = make_app()
    cast("author")
    with app.app_context():
        Category.create(name="Practice", slug="practice")
    noisy = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 1024 * 1024
    client = signed_in(app, "author@example.org")
    assert new_thread(client, data=out.getvalue(), filename="noise.png").status_code == 302


def test_the_uploader_removes_their_photo_and_it_disappears_from_the_post(app, members, categories):
    client = signed_in(app, "author@example.org")
    location = new_thread(client, data=files.image_bytes()).headers["Location"]
    with app.app_context():
        upload = Upload.get()
    assert signed_in(app, "other@example.org").post(f"/photos/{upload.id}/remove").status_code == 404
    page = client.get("/photos")
    assert page.status_code == 200 and upload.alt_text in page.get_data(as_text=True)
    response = client.post(f"/photos/{upload.id}/remove", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Photo removed" in response.get_data(as_text=True)
    assert upload.name not in client.get(location).get_data(as_text=True)
    assert app.test_client().get(f"/photos/{upload.name}/thumb").status_code == 404
    assert stored(app) == []


def test_a_suspended_member_still_removes_their_photo(app, members, categories):
    client = signed_in(app, "author@example.org")
    new_thread(client, data=files.image_bytes())
    with app.app_context():
        upload = Upload.get()
        Member.update(
            status="suspended", suspended_until=utcnow() + timedelta(days=2), suspension_reason="Testing"
        ).where(Member.email == "author@example.org").execute()
    assert client.get("/photos").status_code == 200
    assert client.post(f"/photos/{upload.id}/remove").status_code == 302
    assert stored(app) == []


def test_staff_remove_a_photo_inline_and_see_the_permission(app, members, categories):
    client = signed_in(app, "author@example.org")
    response = new_thread(client, data=files.image_bytes(), shows_others="y", permission="y")
    location = response.headers["Location"]
    staff = signed_in(app, "staff@example.org")
    page = staff.get(location).get_data(as_text=True)
    assert "confirmed permission from the people and organisations shown" in page
    assert "Remove photo" in page
    with app.app_context():
        upload = Upload.get()
    response = staff.post(f"/photos/{upload.id}/remove", data={"next": location})
    assert response.status_code == 302 and response.headers["Location"] == location
    with app.app_context():
        removed = Upload.get_by_id(upload.id)
        assert removed.status == "removed"
        assert removed.removed_by_id == Member.by_email("staff@example.org").id
    assert stored(app) == []


def test_low_data_mode_shows_a_link_instead_of_the_image(app, members, categories):
    client = signed_in(app, "author@example.org")
    location = new_thread(client, data=files.image_bytes()).headers["Location"]
    assert "<img" in client.get(location).get_data(as_text=True).split('class="post-photos"')[1]
    with app.app_context():
        Member.update(low_data=True).where(Member.email == "author@example.org").execute()
    page = client.get(location).get_data(as_text=True)
    photos = page.split('class="post-photos"')[1]
    assert "<img" not in photos.split("</div>")[0]
    assert "Photo: Volunteers planting a community garden" in photos


def test_a_thread_page_asks_for_photos_only_when_it_shows_some(app, members, categories, count_queries):
    """The page of posts counts each post's photos; the photos themselves are one query more, and
    only on a page where a post has some."""
    client = signed_in(app, "author@example.org")
    plain = new_thread(client, data=None).headers["Location"]
    with_photo = new_thread(client, data=files.image_bytes()).headers["Location"]
    counts = []
    for location in (plain, with_photo):
        with count_queries() as queries:
            assert client.get(location).status_code == 200
        counts.append(len(queries))
    assert counts[1] == counts[0] + 1


# -- reporting a photo ---------------------------------------------------------------------------


def test_a_photo_is_reported_as_posted_without_permission_and_staff_remove_it_from_the_queue(
    app, members, categories
):
    from forum.models.moderation import LogEntry
    from forum.models.reports import Report

    author = signed_in(app, "author@example.org")
    location = new_thread(author, data=files.image_bytes()).headers["Location"]
    with app.app_context():
        upload = Upload.get()
    # Its uploader removes it rather than reporting it; others see Report on it.
    assert f"/report/photo/{upload.id}" not in author.get(location).get_data(as_text=True)
    assert author.post(f"/report/photo/{upload.id}", data={"reason": "permission"}).status_code == 403
    other = signed_in(app, "other@example.org")
    assert f"/report/photo/{upload.id}" in other.get(location).get_data(as_text=True)
    form = other.get(f"/report/photo/{upload.id}").get_data(as_text=True)
    assert "Content or photo posted without permission" in form
    response = other.post(f"/report/photo/{upload.id}", data={"reason": "permission", "note": "That is me."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/p/{upload.post_id}"
    with app.app_context():
        report = Report.get()
        assert (report.target_type, report.target_id, report.reason) == ("photo", upload.id, "permission")
        assert report.subject_id == members["author"].id
    assert "A photo by Ann Author" in other.get("/reports").get_data(as_text=True)
    staff = signed_in(app, "staff@example.org")
    queue = staff.get("/moderation/").get_data(as_text=True)
    assert "Photo by Ann Author" in queue and upload.name in queue
    assert "That is me." in queue
    response = staff.post(f"/photos/{upload.id}/remove", data={"next": "/moderation/"})
    assert response.headers["Location"] == "/moderation/"
    with app.app_context():
        assert Report.get().status == "actioned"
        assert LogEntry.get().action == "remove_photo"
    assert "Photo by Ann Author" not in staff.get("/moderation/").get_data(as_text=True)
    assert app.test_client().get(f"/photos/{upload.name}/thumb").status_code == 404


def test_dismissing_reports_on_a_photo_keeps_it(app, members, categories):
    author = signed_in(app, "author@example.org")
    new_thread(author, data=files.image_bytes())
    with app.app_context():
        upload = Upload.get()
    other = signed_in(app, "other@example.org")
    other.post(f"/report/photo/{upload.id}", data={"reason": "permission"})
    staff = signed_in(app, "staff@example.org")
    assert staff.post(f"/moderation/queue/photo/{upload.id}/dismiss").status_code == 302
    assert app.test_client().get(f"/photos/{upload.name}/thumb").status_code == 200


def test_a_visitor_cannot_report_a_photo_in_a_members_only_category(app, members, categories):
    author = signed_in(app, "author@example.org")
    new_thread(author, slug="room", data=files.image_bytes())
    with app.app_context():
        upload = Upload.get()
    assert app.test_client().get(f"/report/photo/{upload.id}").status_code == 302  # sign in first
    with app.app_context():
        Member.update(status="suspended").where(Member.email == "other@example.org").execute()
