"""The library in Chromium, with JavaScript (htmx: the form answered in place, then a redirect) and
without (a multipart form, POST-redirect-GET): a bad file is refused beside its field with what was
typed kept; a member adds a resource by the contract's labels, downloads it, and finds it with a
phrase from inside its PDF, whose text is read after it is stored, outside the request."""

import time
from pathlib import Path

import library_files as files
import pytest
from playwright.sync_api import expect
from viewers import sign_in

from forum.models.library import Resource

PHRASE = "Marmalade sandwiches keep the conversation club going"


@pytest.fixture
def app(make_app):
    # Text is read by the worker's background thread, as in production.
    return make_app(WTF_CSRF_ENABLED=True, LIBRARY_TEXT_IN_BACKGROUND=True)


def choose(page, name, data, mime="application/pdf"):
    page.get_by_label("File", exact=True).set_input_files({"name": name, "mimeType": mime, "buffer": data})


def test_add_a_resource_and_find_it_by_a_phrase_inside_its_pdf(page, app, make_member, js, auditor):
    make_member("author@example.org", name="Ann Author")
    sign_in(page, "author@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Add a resource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a resource")

    page.get_by_label("Title", exact=True).fill("Welcome circle toolkit")
    page.get_by_label("Summary", exact=True).fill("How we run welcome circles for people new to the area.")
    page.get_by_label("Licence", exact=True).select_option(label="CC BY 4.0")
    page.get_by_label("I have permission").check()
    # First a web page dressed as a PDF: refused beside the File field, what was typed kept.
    choose(page, "toolkit.pdf", files.HTML)
    page.get_by_role("button", name="Add resource").click()
    expect(page.locator("#file-error")).to_contain_text("web page")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Welcome circle toolkit")
    expect(page.get_by_label("Summary", exact=True)).to_have_value(
        "How we run welcome circles for people new to the area."
    )
    expect(page.get_by_label("File", exact=True)).to_have_attribute("aria-invalid", "true")
    auditor.assert_accessible(page)
    with app.app_context():
        assert Resource.select().count() == 0

    # Then the real thing: a PDF with the phrase on its second page.
    choose(page, "toolkit.pdf", files.pdf(["Welcome circles", ["Chapter two", PHRASE]]))
    page.get_by_label("I have permission").check()
    page.get_by_role("button", name="Add resource").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome circle toolkit")
    expect(page.get_by_text("Your resource is in the library.")).to_be_visible()
    expect(page.get_by_text("CC BY 4.0").first).to_be_visible()
    expect(page.get_by_label("How to credit this")).to_have_value(
        "“Welcome circle toolkit” by Ann Author, shared on Belong Forum under CC BY 4.0 "
        "(https://creativecommons.org/licenses/by/4.0/). " + page.url
    )
    auditor.assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download", exact=True).click()
    assert download.value.suggested_filename == "toolkit.pdf"
    assert PHRASE.encode() in Path(download.value.path()).read_bytes()

    # Found by a phrase from inside the PDF once its text is read (a moment, outside the request).
    deadline = time.monotonic() + 30
    while True:
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
        page.get_by_label("Search for").fill("marmalade sandwiches conversation club")
        page.get_by_role("button", name="Search", exact=True).click()
        hit = page.get_by_role("link", name="Welcome circle toolkit")
        try:
            expect(hit.first).to_be_visible(timeout=2000)
            break
        except AssertionError:
            if time.monotonic() > deadline:
                raise
    hit.first.click()
    # The discussion's opening post shows the resource as a card with its licence.
    card = page.get_by_role("complementary", name="Resource: Welcome circle toolkit")
    expect(card).to_contain_text("CC BY 4.0")
    card.get_by_role("link", name="Welcome circle toolkit", exact=True).click()
    expect(page.get_by_role("link", name="Download", exact=True)).to_be_visible()
    # The refused file's answer, 422, is logged by the browser (and htmx) as a failed request.
    assert [e for e in page.console_errors if "422" not in e] == []
