"""Uploads, the processing: what is accepted, what it becomes, and every bad input refused with
a clear message and nothing written to storage. The files are real, crafted in upload_files.py."""

import io
import os
from pathlib import Path

import pytest
import upload_files as files
from PIL import Image
from werkzeug.datastructures import FileStorage

from forum.errors import Invalid
from forum.models.uploads import Upload
from forum.services import uploads


@pytest.fixture
def member(cast):
    return cast("member").member


def upload(data: bytes, filename="photo.jpg", content_type="image/jpeg"):
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_PATH"])
    return sorted(folder.iterdir()) if folder.exists() else []


def prepare_and_store(app, member, data, filename="photo.jpg", **options):
    options = {"alt_text": "A community garden in spring", **options}
    with app.test_request_context():
        prepared = uploads.prepare(member, upload(data, filename), **options)
        return uploads.store(member, prepared)


def test_the_storage_folder_is_in_the_instance_folder_and_not_under_static(app):
    folder = Path(app.config["UPLOAD_PATH"]).resolve()
    assert folder.is_relative_to(Path(app.instance_path).resolve())
    assert not folder.is_relative_to(Path(app.static_folder).resolve())


def test_limits_come_from_the_environment(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_UPLOAD_MAX_BYTES", "1234")
    monkeypatch.setenv("FORUM_UPLOAD_QUOTA_BYTES", "5678")
    monkeypatch.setenv("FORUM_UPLOAD_PATH", str(tmp_path / "elsewhere"))
    app = make_app()
    assert app.config["UPLOAD_MAX_BYTES"] == 1234
    assert app.config["UPLOAD_QUOTA_BYTES"] == 5678
    assert app.config["UPLOAD_PATH"] == str(tmp_path / "elsewhere")


@pytest.mark.parametrize(
    ("fmt", "extension"), [("JPEG", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "png")]
)
def test_each_format_is_accepted_and_stored_under_a_random_name_in_two_sizes(app, member, fmt, extension):
    data = files.image_bytes(fmt, size=(2000, 1000))
    with app.app_context():
        stored = prepare_and_store(app, member, data, filename="my holiday.jpg")
        assert stored.extension == extension
        assert (stored.width, stored.height) == (1600, 800)
        assert (stored.thumb_width, stored.thumb_height) == (400, 200)
        names = [p.name for p in stored_files(app)]
        assert names == sorted([stored.filename("display"), stored.filename("thumb")])
        assert not any("holiday" in name for name in names)
        assert len(stored.name) >= 24
        for size in ("display", "thumb"):
            on_disk = Image.open(uploads.path_of(stored, size))
            assert on_disk.format == uploads.PIL_FORMAT[extension]
        assert stored.size_bytes == sum(p.stat().st_size for p in stored_files(app))


def test_exif_and_gps_are_stripped_after_the_orientation_is_honoured(app, member):
    original = files.jpeg_with_gps(orientation=6, size=(60, 40))
    assert files.has_gps(original)
    with app.app_context():
        stored = prepare_and_store(app, member, original)
        for size in ("display", "thumb"):
            data = uploads.path_of(stored, size).read_bytes()
            assert not files.has_gps(data)
            image = Image.open(io.BytesIO(data))
            assert dict(image.getexif()) == {}
            assert b"TestCam" not in data
        # Orientation 6: the phone was turned a quarter; the stored photo is upright instead.
        assert (stored.width, stored.height) == (40, 60)
        upright = Image.open(uploads.path_of(stored, "display")).convert("RGB")
        # The blue corner, top-left in the sensor's pixels, is top-right once turned.
        red, green, blue = upright.getpixel((upright.width - 3, 2))
        assert blue > 150 and red < 100


def test_a_script_hidden_after_a_jpeg_is_dropped_by_re_encoding(app, member):
    with app.app_context():
        stored = prepare_and_store(app, member, files.polyglot_jpeg())
        for size in ("display", "thumb"):
            assert files.SCRIPT_PAYLOAD not in uploads.path_of(stored, size).read_bytes()


BAD_FILES = {
    "php renamed .jpg": (files.PHP, "shell.jpg", "photo", "not a photo we can use"),
    "html renamed .jpg": (files.HTML, "page.jpg", "photo", "not a photo we can use"),
    "svg renamed .jpg": (files.SVG, "drawing.jpg", "photo", "not a photo we can use"),
    "truncated image": (files.truncated_jpeg(), "half.jpg", "photo", "damaged or incomplete"),
    "50,000 × 50,000 png": (files.huge_png(), "huge.png", "photo", "too large in pixels"),
    "png decompression bomb": (files.png_bomb(), "bomb.png", "photo", "too large in pixels"),
    "zip bomb": (files.zip_bomb(), "archive.jpg", "photo", "not a photo we can use"),
    "path traversal name": (files.image_bytes(), "../../x", "photo", "file name can't be used"),
    "backslash traversal name": (files.image_bytes(), "..\\..\\x.jpg", "photo", "file name can't be used"),
    "empty file": (b"", "empty.jpg", "photo", "empty"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_are_refused_clearly_and_nothing_is_written(app, member, case):
    data, filename, field, message = BAD_FILES[case]
    with app.app_context(), pytest.raises(Invalid) as refused:
        prepare_and_store(app, member, data, filename=filename)
    assert refused.value.field == field
    assert message in refused.value.message
    with app.app_context():
        assert Upload.select().count() == 0
    assert stored_files(app) == []


def test_alt_text_is_required(app, member):
    with app.app_context(), pytest.raises(Invalid) as refused:
        prepare_and_store(app, member, files.image_bytes(), alt_text="   ")
    assert refused.value.field == "alt_text"
    assert "screen reader" in refused.value.message
    assert stored_files(app) == []


def test_permission_is_required_when_others_are_shown(app, member):
    with app.app_context(), pytest.raises(Invalid) as refused:
        prepare_and_store(app, member, files.image_bytes(), shows_others=True, permission=False)
    assert refused.value.field == "permission"
    assert "permission" in refused.value.message
    assert stored_files(app) == []
    with app.app_context():
        stored = prepare_and_store(app, member, files.image_bytes(), shows_others=True, permission=True)
        assert stored.shows_others and stored.permission


def test_a_file_over_the_size_limit_is_refused(make_app, cast):
    app = make_app(UPLOAD_MAX_BYTES=2000)
    member = cast("member").member
    noisy = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    data = out.getvalue()
    assert len(data) > 2000
    with app.app_context(), pytest.raises(Invalid) as refused:
        prepare_and_store(app, member, data, filename="big.png")
    assert "too large: photos can be up to" in refused.value.message
    assert stored_files(app) == []


def test_over_quota_is_refused_with_what_is_used(make_app, cast):
    app = make_app(UPLOAD_QUOTA_BYTES=3000)
    member = cast("member").member
    with app.app_context():
        prepare_and_store(app, member, files.image_bytes(size=(60, 40)))
        before = stored_files(app)
        with pytest.raises(Invalid) as refused:
            for _ in range(10):
                prepare_and_store(app, member, files.image_bytes(size=(60, 40)))
                before = stored_files(app)
        assert "reached your space for photos" in refused.value.message
        assert "Remove photos" in refused.value.message
        assert stored_files(app) == before


def test_removed_photos_stop_counting_toward_the_quota_and_their_files_go(app, member):
    with app.app_context():
        stored = prepare_and_store(app, member, files.image_bytes())
        assert Upload.used_by(member) == stored.size_bytes
        with app.test_request_context():
            uploads.remove(member, stored)
        assert Upload.used_by(member) == 0
        assert stored_files(app) == []
        assert Upload.get_by_id(stored.id).status == "removed"


def test_visitors_and_applicants_cannot_upload(app, cast):
    applicant = cast("applicant").applicant
    from forum.errors import NotAllowed

    with app.app_context(), pytest.raises(NotAllowed):
        prepare_and_store(app, applicant, files.image_bytes())


def test_a_large_jpeg_is_decoded_at_a_reduced_scale_that_still_fills_the_largest_size():
    """A camera's photo is decoded at 1/2, 1/4 or 1/8 scale (JPEG's DCT scaling), never below the
    largest stored size: 3,600 × 2,400 wanted at 1,600 is decoded at 1,800 × 1,200."""
    buffer = io.BytesIO()
    Image.new("RGB", (3600, 2400), (120, 160, 90)).save(buffer, "JPEG")
    image = uploads._decode(buffer.getvalue(), "JPEG", 40_000_000, 1600)
    assert image.size == (1800, 1200)
    out, size = uploads._encode(image, "jpg", 1600)
    assert size == (1600, 1067)
