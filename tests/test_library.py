"""The resource library, its files: what is accepted, cleaned or refused, each with a clear message
beside the File field and nothing stored; versions; the limits as settings; a PDF's text read
outside the request and found by search. The files are real, made in library_files.py."""

import io
from pathlib import Path

import library_files as files
import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage

from forum.errors import DomainError, Invalid, NotAllowed
from forum.models import Category, Post, Thread
from forum.models.library import Resource, ResourceVersion
from forum.services import library, library_text
from forum.services import search as searching

PHRASE = "marmalade sandwiches for the conversation club"


@pytest.fixture
def app(make_app):
    # Text is read when a test asks (library_text.read_pending), not by a thread that could
    # outlive the test's database.
    return make_app(LIBRARY_TEXT_IN_BACKGROUND=False)


@pytest.fixture
def member(cast):
    return cast("member").member


def upload(data: bytes, filename="toolkit.pdf"):
    return FileStorage(stream=io.BytesIO(data), filename=filename)


def add(app, member, data=None, filename="toolkit.pdf", **fields):
    values = {
        "title": "Welcome circle toolkit",
        "summary": "How we run welcome circles for people new to the area.",
        "place": "members",
        "licence": "cc-by",
        "credit": "",
        "permission": True,
        "themes": [],
        **fields,
    }
    data = files.pdf([PHRASE]) if data is None else data
    with app.test_request_context():
        return library.add(member, values, upload(data, filename))


def stored(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_PATH"]) / "library"
    return sorted(p for p in folder.iterdir()) if folder.exists() else []


def refused(app, member, data, filename="toolkit.pdf", field="file", **fields) -> str:
    with pytest.raises(Invalid) as caught:
        add(app, member, data, filename, **fields)
    assert caught.value.field == field
    with app.app_context():
        assert Resource.select().count() == 0
        assert ResourceVersion.select().count() == 0
        assert Thread.select().count() == 0
        assert Category.select().where(Category.slug.startswith("library")).count() == 0
    assert stored(app) == [], "a refused file leaves nothing on disk"
    return caught.value.message


def found(app, viewer, words) -> list:
    with app.test_request_context():
        results = searching.search(viewer, searching.read_query({"q": words}))
    return [hit.thread_title for hit in results.hits]


# -- what is accepted -------------------------------------------------------------------------------


def test_a_pdf_is_stored_outside_static_under_a_random_name_with_its_discussion(app, member):
    resource, removed = add(app, member)
    assert removed == []
    [path] = stored(app)
    assert path.resolve().is_relative_to(Path(app.instance_path).resolve())
    assert not path.resolve().is_relative_to(Path(app.static_folder).resolve())
    assert "toolkit" not in path.name and path.suffix == ".pdf"
    with app.app_context():
        version = ResourceVersion.get(ResourceVersion.resource == resource.id)
        assert (version.number, version.original_name, version.file_type) == (1, "toolkit.pdf", "pdf")
        assert path.read_bytes() == files.pdf([PHRASE])
        assert (resource.file_type, resource.pages, resource.size_bytes) == ("pdf", 1, path.stat().st_size)
        thread = Thread.get_by_id(resource.thread_id)
        assert thread.title == "Welcome circle toolkit"
        assert thread.category.slug == "library-members" and thread.category.read_access == "members"
        assert thread.sharing == "credit"
        opening = Post.get((Post.thread == thread) & (Post.number == 1))
        assert f"/library/{resource.id}" in opening.body_html


def test_a_phrase_inside_the_pdf_finds_it_once_its_text_is_read_outside_the_request(app, member):
    resource, _ = add(app, member, files.pdf(["Chapter one", ["Our notes", PHRASE]]))
    assert resource.text_status == "pending"
    assert found(app, member, "marmalade sandwiches") == []
    with app.app_context():
        assert library_text.read_pending() == 1
        resource = Resource.get_by_id(resource.id)
    assert resource.text_status == "done" and PHRASE in resource.file_text
    assert found(app, member, "marmalade sandwiches") == ["Welcome circle toolkit"]
    # The summary is searchable too, and the title.
    assert found(app, member, "welcome circles new area") == ["Welcome circle toolkit"]


def test_reading_text_in_a_background_thread_of_the_worker(make_app, cast):
    app = make_app(LIBRARY_TEXT_IN_BACKGROUND=True)
    member = cast("member").member
    threads = []
    original = library_text.read_later

    def keep(resource_id):
        threads.append(original(resource_id))
        return threads[-1]

    library_text.read_later = keep
    try:
        resource, _ = add(app, member)
    finally:
        library_text.read_later = original
    threads[0].join(60)
    with app.app_context():
        assert Resource.get_by_id(resource.id).text_status == "done"
    assert found(app, member, "marmalade") == ["Welcome circle toolkit"]


@pytest.mark.parametrize(
    ("data", "filename", "file_type"),
    [
        (files.docx(), "plan.docx", "docx"),
        (files.odt(), "plan.odt", "odt"),
        (files.CSV, "attendance.csv", "csv"),
        (files.TEXT, "notes.txt", "txt"),
    ],
)
def test_office_opendocument_csv_and_text_are_accepted_by_their_content(
    app, member, data, filename, file_type
):
    resource, _ = add(app, member, data, filename)
    assert resource.file_type == file_type
    [path] = stored(app)
    assert path.read_bytes() == data and path.suffix == f".{file_type}"


def test_csv_and_text_are_searchable_at_once(app, member):
    add(app, member, files.CSV, "attendance.csv", title="Attendance figures")
    assert found(app, member, "conversation club") == ["Attendance figures"]


def test_a_pdf_with_javascript_is_cleaned_before_it_is_stored(app, member):
    original = files.pdf_with_javascript()
    assert b"/JavaScript" in original and b"/OpenAction" in original and b"/EmbeddedFiles" in original
    resource, removed = add(app, member, original)
    assert "JavaScript" in removed
    assert "embedded files" in removed
    assert any("opened" in words for words in removed)
    [path] = stored(app)
    kept = path.read_bytes()
    for marker in (b"/JavaScript", b"/JS ", b"/OpenAction", b"/AA", b"/EmbeddedFiles", b"payload.exe"):
        assert marker not in kept, marker
    reader = PdfReader(io.BytesIO(kept))
    assert len(reader.pages) == 1
    assert "A toolkit with a script" in reader.pages[0].extract_text()
    with app.app_context():
        version = ResourceVersion.get(ResourceVersion.resource == resource.id)
        assert "JavaScript" in version.removed
        assert version.size_bytes == len(kept)


# -- what is refused, with nothing stored -----------------------------------------------------------


def test_an_html_file_named_pdf_is_refused(app, member):
    message = refused(app, member, files.HTML, "toolkit.pdf")
    assert "web page" in message and "whatever its name says" in message


@pytest.mark.parametrize(
    ("data", "filename", "words"),
    [
        (files.SVG, "logo.svg", "SVG"),
        (files.EXECUTABLE, "setup.pdf", "program"),
        (b"#!/bin/sh\nrm -rf ~\n", "run.txt", "program"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old.doc", "older Office file"),
        (files.encrypted_pdf(), "secret.pdf", "password"),
        (files.broken_pdf(), "cut.pdf", "damaged or incomplete"),
        (files.docx_with_macro(), "plan.docx", "macros"),
        (files.docx_bomb(40), "bomb.docx", "zip bomb"),
        (files.docx_with_many_parts(5100), "many.docx", "parts"),
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02binary", "data.bin", "can't take that kind of file"),
    ],
)
def test_each_unsafe_or_unknown_file_is_refused_with_its_reason(app, member, data, filename, words):
    app.config["LIBRARY_ZIP_MAX_UNPACKED_BYTES"] = 30 * 1024 * 1024
    assert words in refused(app, member, data, filename)


@pytest.mark.parametrize(
    "filename", ["../../etc/passwd.pdf", "folder\\toolkit.pdf", "tool\x07kit.pdf", "kit\u202efdp.exe"]
)
def test_a_name_with_path_separators_or_control_characters_is_refused(app, member, filename):
    assert "file name can't be used" in refused(app, member, files.pdf(), filename)


def test_a_file_over_the_limit_is_refused(app, member):
    app.config["LIBRARY_MAX_BYTES"] = 2000
    message = refused(app, member, files.pdf(["x" * 40] * 10))
    assert "too large" in message and "2 kB" in message


def test_the_quota_counts_every_version_kept(app, member):
    first, _ = add(app, member, files.CSV, "a.csv")
    app.config["LIBRARY_QUOTA_BYTES"] = first.size_bytes + 100
    with pytest.raises(Invalid) as caught:
        add(app, member, files.TEXT + b"x" * 200, "b.txt", title="Another one")
    assert caught.value.field == "file" and "reached your space" in caught.value.message
    with app.app_context():
        assert Resource.select().count() == 1


def test_the_same_file_twice_is_refused_with_where_it_is(app, member):
    add(app, member)
    with pytest.raises(Invalid) as caught:
        add(app, member, title="The same again")
    assert caught.value.field == "file"
    assert (
        "already shared this same file" in caught.value.message
        and "Welcome circle toolkit" in caught.value.message
    )
    assert len(stored(app)) == 1


def test_a_pdf_that_takes_too_long_to_check_is_refused(app, member):
    app.config["LIBRARY_CHECK_SECONDS"] = 0.001
    assert "longer than" in refused(app, member, files.pdf())


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"permission": False}, "permission", "permission"),
        ({"licence": "members", "place": "public"}, "licence", "members only"),
        ({"licence": "made-up"}, "licence", "licence"),
        ({"title": "x"}, "title", "at least 3"),
        ({"summary": ""}, "summary", "at least 10"),
        ({"place": "group-999"}, "place", "who can see it"),
        ({"themes": ["99999"]}, "themes", "themes"),
    ],
)
def test_bad_fields_are_refused_beside_their_field(app, member, fields, field, words):
    assert words.lower() in refused(app, member, files.pdf(), field=field, **fields).lower()


def test_the_same_form_sent_twice_adds_one_resource(app, member):
    first, _ = add(app, member, submission="abc123")
    second, _ = add(app, member, submission="abc123")
    assert first.id == second.id
    with app.app_context():
        assert Resource.select().count() == 1


def test_only_members_in_good_standing_add_resources(app, cast):
    cast("suspended")
    with pytest.raises(NotAllowed):
        add(app, cast.suspended)


# -- versions -----------------------------------------------------------------------------------------


def test_a_new_version_keeps_the_earlier_ones_listed(app, member, cast):
    resource, _ = add(app, member)
    with app.test_request_context():
        resource = Resource.by_id(resource.id)
        updated, _ = library.add_version(
            member, resource, upload(files.pdf(["Second edition"]), "v2.pdf"), "Typos fixed", True
        )
        assert updated.version_count == 2 and updated.text_status == "pending"
        versions = ResourceVersion.of(updated)
        assert [(v.number, v.note) for v in versions] == [(2, "Typos fixed"), (1, "")]
        with pytest.raises(Invalid) as caught:
            library.add_version(member, updated, upload(files.pdf(["Second edition"]), "again.pdf"), "", True)
        assert "version 2 of this resource" in caught.value.message
        with pytest.raises(DomainError):
            library.add_version(cast("other").other, updated, upload(files.pdf(["Mine now"])), "", True)
    assert len(stored(app)) == 2


def test_limits_come_from_the_environment(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("FORUM_LIBRARY_MAX_BYTES", "1234")
    monkeypatch.setenv("FORUM_LIBRARY_QUOTA_BYTES", "5678")
    monkeypatch.setenv("FORUM_LIBRARY_PATH", str(tmp_path / "elsewhere"))
    app = make_app()
    assert (app.config["LIBRARY_MAX_BYTES"], app.config["LIBRARY_QUOTA_BYTES"]) == (1234, 5678)
    with app.app_context():
        assert library.storage() == tmp_path / "elsewhere"
