"""Photos in Chromium, with JavaScript (the reply appended in place) and without (a multipart
form, POST-redirect-GET): attach a photo to a reply, see it load through the access-checked
route, have a bad file refused beside its field with the message kept, and remove the photo."""

import pytest
import upload_files as files
from playwright.sync_api import expect
from viewers import sign_in

from forum.models import Category
from forum.models.uploads import Upload
from forum.services import posting


@pytest.fixture
def app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def thread_id(app, make_member):
    author = make_member("author@example.org", name="Ann Author")
    make_member("reader@example.org", name="Rae Reader")
    with app.app_context():
        category = Category.create(name="Practice", slug="practice")
        first = posting.start_thread(author, category, {"title": "Garden days", "message": "Show us yours"})
    return first.thread_id


def choose(page, name, data, mime="image/jpeg"):
    page.get_by_label("Photo (optional)").set_input_files({"name": name, "mimeType": mime, "buffer": data})


def test_reply_with_a_photo_then_remove_it(page, app, thread_id, js):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    page.get_by_label("Message").fill("Our raised beds this spring.")
    choose(page, "beds.jpg", files.jpeg_with_gps(orientation=6, size=(1200, 800)))
    page.get_by_label("Describe the photo (alt text)").fill("Raised vegetable beds")
    page.get_by_role("button", name="Reply", exact=True).click()

    post = page.locator("#post-2")
    expect(post).to_contain_text("Our raised beds this spring.")
    image = post.get_by_role("img", name="Raised vegetable beds")
    expect(image).to_have_attribute("loading", "lazy")
    expect(image).to_have_attribute("width", "267")
    expect(image).to_have_attribute("height", "400")
    image.scroll_into_view_if_needed()
    # Loaded through /photos/..., the access-checked route: a real image, upright.
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=5000
    )
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [267, 400]
    if js:
        assert navigations == [], "the reply is appended in place with JavaScript on"
        expect(page.get_by_label("Message")).to_have_value("")

    post.get_by_role("button", name="Remove photo: Raised vegetable beds").click()
    if js:
        expect(post.get_by_text("Photo removed.")).to_be_visible()
    else:
        expect(page.get_by_text("The photo is removed.")).to_be_visible()
    page.goto(f"/t/{thread_id}")
    expect(page.locator("#post-2").get_by_role("img")).to_have_count(0)
    with app.app_context():
        assert Upload.get().status == "removed"
    assert page.console_errors == []


def test_a_profile_picture(page, app, thread_id, auditor):
    sign_in(page, "reader@example.org")
    page.goto("/photos/avatar")
    page.get_by_label("Choose a picture").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": files.image_bytes("PNG", size=(300, 300))}
    )
    page.get_by_label("Describe the picture (alt text)").fill("Rae at the allotment")
    page.get_by_role("button", name="Upload picture").click()
    image = page.get_by_role("img", name="Rae at the allotment")
    expect(image).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    auditor.assert_accessible(page)


def test_a_file_that_is_not_an_image_is_refused_and_the_message_kept(page, app, thread_id, js, auditor):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Message").fill("A long reply I would hate to type again.")
    choose(page, "drawing.jpg", files.SVG)
    page.get_by_label("Describe the photo (alt text)").fill("A drawing")
    page.get_by_role("button", name="Reply", exact=True).click()

    field = page.locator(".photo-fields")
    expect(field.locator(".error")).to_contain_text("not a photo we can use")
    expect(page.get_by_label("Message")).to_have_value("A long reply I would hate to type again.")
    expect(page.get_by_label("Describe the photo (alt text)")).to_have_value("A drawing")
    expect(page.get_by_label("Photo (optional)")).to_have_attribute("aria-invalid", "true")
    auditor.assert_accessible(page)
    with app.app_context():
        assert Upload.select().count() == 0
    assert page.locator("#post-2").count() == 0


def test_alt_text_is_asked_for_beside_its_field(page, app, thread_id, js):
    sign_in(page, "reader@example.org")
    page.goto(f"/t/{thread_id}")
    page.get_by_label("Message").fill("Photo without a description")
    choose(page, "garden.png", files.image_bytes("PNG"), "image/png")
    page.get_by_role("button", name="Reply", exact=True).click()
    expect(page.locator(".photo-fields .error")).to_contain_text("screen reader")
    expect(page.get_by_label("Message")).to_have_value("Photo without a description")
