"""The library through its pages, without JavaScript (plain multipart forms that redirect) and with
htmx (the same routes, answering in place): adding a resource and each bad input beside its field
with the form kept; the resource's page and its file, only as a download; who sees a members-only
or a group's resource (page, file, list, search, cards); the filters; reports, staff hiding and
removing, the log; My data and closing an account."""

import io
import re
from pathlib import Path

import library_files as files
import pytest
from helpers import signed_in, text

from forum.models import LogEntry, Post, Thread
from forum.models.directory import Expertise
from forum.models.library import Resource, ResourceVersion
from forum.models.reports import Report
from forum.services import library, library_text, posting

PHRASE = "marmalade sandwiches for the conversation club"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def app(make_app):
    return make_app(LIBRARY_TEXT_IN_BACKGROUND=False)


def form(**fields):
    data = {
        "title": "Welcome circle toolkit",
        "summary": "How we run welcome circles for people new to the area.",
        "place": "members",
        "licence": "cc-by",
        "credit": "Ann Author, Bridges Trust (2026)",
        "permission": "y",
    }
    data.update(fields)
    return data


def with_file(data, content=None, filename="toolkit.pdf"):
    content = files.pdf(["Toolkit", [PHRASE]]) if content is None else content
    return {**data, "file": (io.BytesIO(content), filename)}


def post_form(client, data, headers=None):
    return client.post("/library/new", data=data, content_type="multipart/form-data", headers=headers or {})


def add(app, who, **fields):
    """A resource added through the service (its text read at once), as `who`."""
    values = {**form(), "permission": True, "themes": [], **fields}
    content = values.pop("content", None)
    with app.test_request_context():
        from werkzeug.datastructures import FileStorage

        upload = FileStorage(io.BytesIO(content or files.pdf([values["title"], PHRASE])), filename="kit.pdf")
        resource, _ = library.add(who, values, upload)
        library_text.read_pending()
        return Resource.by_id(resource.id)


def stored(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_PATH"]) / "library"
    return sorted(folder.iterdir()) if folder.exists() else []


# -- adding, without JavaScript and with htmx ---------------------------------------------------------


def test_the_add_form_has_the_contract_labels(app, cast):
    page = text(signed_in(app, cast("member").member).get("/library/new"))
    for label in (">Title<", ">Summary<", ">File<", ">Licence<", "I have permission", ">Add resource<"):
        assert label in page
    assert 'enctype="multipart/form-data"' in page


def test_adding_without_javascript_redirects_to_the_resource(app, cast):
    client = signed_in(app, cast("member").member)
    response = post_form(client, with_file(form()))
    assert response.status_code == 302
    with app.app_context():
        resource = Resource.get()
    assert response.headers["Location"] == f"/library/{resource.id}"
    page = text(client.get(response.headers["Location"]))
    assert "Your resource is in the library." in page
    assert "Welcome circle toolkit" in page and "CC BY 4.0" in page
    assert "Ann Author, Bridges Trust (2026)" in page
    assert f'href="/library/{resource.id}/download"' in page and ">Download</a>" in page
    assert "How to credit this" in page
    assert "“Welcome circle toolkit” by Ann Author, Bridges Trust (2026)" in page
    assert "creativecommons.org/licenses/by/4.0" in page
    assert f'href="/t/{resource.thread_id}"' in page


def test_adding_with_htmx_answers_with_a_redirect(app, cast):
    client = signed_in(app, cast("member").member)
    response = post_form(client, with_file(form()), HTMX)
    assert response.status_code == 204
    with app.app_context():
        assert response.headers["HX-Redirect"] == f"/library/{Resource.get().id}"


@pytest.mark.parametrize(
    ("content", "filename", "words"),
    [
        (files.HTML, "toolkit.pdf", "web page"),
        (files.pdf_with_javascript()[:200], "toolkit.pdf", "damaged"),
        (files.docx_with_macro(), "plan.docx", "macros"),
        (files.pdf(), "../toolkit.pdf", "file name"),
    ],
)
def test_a_refused_file_comes_back_beside_its_field_with_the_form_kept(app, cast, content, filename, words):
    client = signed_in(app, cast("member").member)
    data = with_file(form(summary="Our notes <b>from</b> the spring term."), content, filename)
    for headers in ({}, HTMX):
        data["file"] = (io.BytesIO(content), filename)
        response = post_form(client, data, headers)
        assert response.status_code == 422
        page = text(response)
        assert bool(headers) != ("<html" in page), "htmx gets the form alone, in place"
        error = re.search(r'<p class="error" id="file-error">([^<]*)</p>', page)
        assert error and words in error.group(1)
        assert 'value="Welcome circle toolkit"' in page
        assert "Our notes &lt;b&gt;from&lt;/b&gt; the spring term." in page
        assert 'aria-invalid="true"' in page
    with app.app_context():
        assert Resource.select().count() == 0 and Thread.select().count() == 0
    assert stored(app) == []


def test_a_file_over_the_limit_and_a_missing_permission_are_said_beside_their_fields(app, cast):
    app.config["LIBRARY_MAX_BYTES"] = 1000
    client = signed_in(app, cast("member").member)
    response = post_form(client, with_file(form(), files.pdf(["x" * 50] * 20)))
    assert response.status_code == 422 and "too large" in text(response)
    response = post_form(client, with_file(form(permission="")))
    assert response.status_code == 422
    assert re.search(r'id="permission-error">Tick the box', text(response))
    assert "choose the file again" in text(response)


def test_a_file_far_over_the_limit_gets_the_413_page(app, cast):
    app.config["LIBRARY_MAX_BYTES"] = 1000
    client = signed_in(app, cast("member").member)
    # Up to twice the limit (and the text's allowance) is read, to answer beside the field; past that, 413.
    response = post_form(client, with_file(form(), b"x" * (1024 * 1024 + 5000), "big.txt"))
    assert response.status_code == 413


# -- the file, only as a download -----------------------------------------------------------------------


def test_the_file_is_served_only_as_a_download(app, cast):
    resource = add(app, cast("member").member)
    client = signed_in(app, cast.member)
    response = client.get(f"/library/{resource.id}/download")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "kit.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "private" in response.headers["Cache-Control"]
    with app.app_context():
        version = ResourceVersion.get(ResourceVersion.resource == resource.id)
        assert response.data == library_path(app, version).read_bytes()


def library_path(app, version):
    with app.app_context():
        return library.path_of(version)


def test_earlier_versions_stay_listed_and_downloadable(app, cast):
    resource = add(app, cast("member").member)
    client = signed_in(app, cast.member)
    data = {
        "file": (io.BytesIO(files.pdf(["Second edition"])), "v2.pdf"),
        "note": "Typos fixed",
        "permission": "y",
    }
    response = client.post(f"/library/{resource.id}/version", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = text(client.get(f"/library/{resource.id}"))
    assert "Version 2" in page and "Typos fixed" in page and "Version 1" in page
    assert f"/library/{resource.id}/download?version=1" in page
    old = client.get(f"/library/{resource.id}/download?version=1")
    assert old.status_code == 200 and PHRASE.encode() in old.data
    assert "(version 1)" in old.headers["Content-Disposition"]
    assert b"Second edition" in client.get(f"/library/{resource.id}/download").data


# -- who sees what: one rule, the discussion's --------------------------------------------------------


def searched(app, who, words) -> str:
    return text(signed_in(app, who).get("/search", query_string={"q": words}))


def test_a_group_resource_is_invisible_outside_the_group(app, cast):
    cast("lead", "group_member", "member", "staff")
    resource = add(app, cast.lead, place=f"group-{cast.group.id}", title="Our private plans")
    for outsider in (None, cast.member):
        client = signed_in(app, outsider)
        assert client.get(f"/library/{resource.id}").status_code == 404
        assert client.get(f"/library/{resource.id}/download").status_code == 404
        assert "Our private plans" not in text(client.get("/library"))
        assert "Our private plans" not in searched(app, outsider, "marmalade sandwiches")
        assert client.get(f"/report/resource/{resource.id}").status_code in (302, 404)
    for insider in (cast.group_member, cast.staff):
        client = signed_in(app, insider)
        assert client.get(f"/library/{resource.id}").status_code == 200
        assert client.get(f"/library/{resource.id}/download").status_code == 200
        assert "Our private plans" in text(client.get("/library"))
        assert "Our private plans" in searched(app, insider, "marmalade sandwiches")


def test_a_members_only_resource_is_not_seen_by_visitors(app, cast):
    resource = add(app, cast("member").member, title="For members")
    visitor = signed_in(app, None)
    assert visitor.get(f"/library/{resource.id}").status_code == 404
    assert visitor.get(f"/library/{resource.id}/download").status_code == 404
    assert "For members" not in text(visitor.get("/library"))
    assert "For members" not in searched(app, None, "marmalade")
    public = add(app, cast.member, title="For everyone", place="public", content=files.pdf(["Open to all"]))
    assert visitor.get(f"/library/{public.id}").status_code == 200
    assert "For everyone" in text(visitor.get("/library"))
    assert "For everyone" in searched(app, None, "open all")


def test_the_library_filters_by_theme_type_organisation_and_licence(app, cast):
    member = cast("member").member
    with app.app_context():
        theme = Expertise.create(name="Youth work", name_key="youth work")
    add(app, member, title="Youth toolkit", themes=[str(theme.id)])
    add(app, member, title="Ask first plan", licence="ask", content=files.CSV)
    client = signed_in(app, member)
    assert "Youth toolkit" in text(client.get("/library"))
    by_theme = text(client.get("/library", query_string={"theme": theme.id}))
    assert "Youth toolkit" in by_theme and "Ask first plan" not in by_theme
    by_type = text(client.get("/library", query_string={"type": "csv"}))
    assert "Ask first plan" in by_type and "Youth toolkit" not in by_type
    by_licence = text(client.get("/library", query_string={"licence": "ask"}))
    assert "Ask first plan" in by_licence and "Youth toolkit" not in by_licence
    nothing = client.get("/library", query_string={"organisation": 99999, "type": "exe", "theme": "x"})
    assert nothing.status_code == 200
    part = client.get("/library", query_string={"licence": "ask"}, headers=HTMX)
    assert "<html" not in text(part) and "Ask first plan" in text(part)


def test_a_post_linking_a_resource_shows_a_card_with_its_licence_to_those_who_may_see_it(app, cast):
    cast("lead", "member", "group_member")
    open_one = add(app, cast.member, title="Open toolkit", place="public")
    private = add(app, cast.lead, title="Group plans", place=f"group-{cast.group.id}", content=files.CSV)
    with app.test_request_context():
        from forum.models import Category

        category = Category.create(name="General", slug="general")
        message = f"See [this](/library/{open_one.id}) and [that](http://localhost/library/{private.id})."
        post = posting.start_thread(cast.member, category, {"title": "Useful things", "message": message})
    for _ in range(2):  # drawn afresh each time, never from the kept blocks
        page = text(signed_in(app, cast.member).get(f"/t/{post.thread_id}"))
        assert 'aria-label="Resource: Open toolkit"' in page and "CC BY 4.0" in page
        assert "Resource: Group plans" not in page, "no card for a resource the viewer may not see"
    inside = text(signed_in(app, cast.group_member).get(f"/t/{post.thread_id}"))
    assert 'aria-label="Resource: Group plans"' in inside


# -- reports, staff, the log -----------------------------------------------------------------------


def test_report_hide_restore_and_remove(app, cast, outbox):
    cast("member", "other", "staff")
    resource = add(app, cast.member, title="Dubious toolkit")
    reporter = signed_in(app, cast.other)
    page = text(reporter.get(f"/library/{resource.id}"))
    assert f'action="/report/resource/{resource.id}"' in page and ">Report<" in page
    response = reporter.post(f"/report/resource/{resource.id}", data={"reason": "permission"})
    assert response.status_code == 302
    staff = signed_in(app, cast.staff)
    queue = text(staff.get("/moderation/"))
    assert "Dubious toolkit" in queue and f"/library/{resource.id}/moderate/hide" in queue
    hide = staff.post(f"/library/{resource.id}/moderate/hide", data={"reason": "permission", "note": ""})
    assert hide.status_code == 302
    with app.app_context():
        assert Resource.get_by_id(resource.id).status == "hidden"
        assert Report.get().status == "actioned"
        assert LogEntry.get(LogEntry.action == "hide_resource").target_label == "Dubious toolkit"
    assert "About your resource" in outbox()[-1].subject or any("resource" in m.subject for m in outbox())
    assert reporter.get(f"/library/{resource.id}").status_code == 404
    assert signed_in(app, cast.member).get(f"/library/{resource.id}").status_code == 200
    assert "Dubious toolkit" not in searched(app, cast.other, "marmalade")
    assert "hid a resource in the library" in text(staff.get("/moderation-log")).lower()
    assert (
        staff.post(
            f"/library/{resource.id}/moderate/restore", data={"reason": "other", "note": "Fine"}
        ).status_code
        == 302
    )
    assert reporter.get(f"/library/{resource.id}").status_code == 200
    assert staff.post(f"/library/{resource.id}/moderate/remove", data={"reason": "spam"}).status_code == 302
    assert stored(app) == []
    assert reporter.get(f"/library/{resource.id}").status_code == 404
    assert staff.get(f"/library/{resource.id}/download").status_code == 404
    assert "Removed" in text(staff.get(f"/library/{resource.id}"))


def test_a_staff_action_needs_a_reason(app, cast):
    cast("member", "staff")
    resource = add(app, cast.member)
    response = signed_in(app, cast.staff).post(
        f"/library/{resource.id}/moderate/hide", data={"reason": "other"}
    )
    assert response.status_code == 422 and "Say what the reason is." in text(response)


def test_the_author_removes_their_own_resource(app, cast):
    resource = add(app, cast("member").member)
    client = signed_in(app, cast.member)
    assert "Remove resource" in text(client.get(f"/library/{resource.id}/remove"))
    assert client.post(f"/library/{resource.id}/remove").status_code == 302
    assert stored(app) == []
    assert client.get(f"/library/{resource.id}").status_code == 404
    with app.app_context():
        assert Post.select().count() == 1, "its discussion stays"


# -- My data and closing an account --------------------------------------------------------------


def test_my_data_lists_the_members_own_resources(app, cast):
    add(app, cast("member").member, title="My toolkit")
    client = signed_in(app, cast.member)
    assert "My toolkit" in text(client.get("/my/data"))
    data = client.get("/my/data.json").get_json()
    [mine] = data["resources"]
    assert mine["title"] == "My toolkit" and mine["versions"][0]["file"] == "kit.pdf"


def test_the_delete_page_says_what_happens_to_files(app, cast):
    page = text(signed_in(app, cast("member").member).get("/my/delete"))
    assert "resources in the library" in page and "files deleted" in page


@pytest.mark.parametrize(("posts", "kept"), [("keep", True), ("withdraw", False)])
def test_closing_an_account_keeps_or_removes_resources_as_it_does_posts(app, cast, posts, kept):
    resource = add(app, cast("member").member)
    client = signed_in(app, cast.member)
    from helpers import PASSWORD

    response = client.post("/my/delete", data={"posts": posts, "password": PASSWORD})
    assert response.status_code == 302
    assert bool(stored(app)) == kept
    with app.app_context():
        assert (Resource.get_by_id(resource.id).status == "visible") == kept
