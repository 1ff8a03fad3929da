"""Help pages: shipped Markdown with a table of contents, linked together, replaceable by an admin."""

import re

import pytest

from forum.blueprints.help import PAGES


def test_index_lists_every_page(client):
    page = client.get("/help/").get_data(as_text=True)
    assert "<h1>Help</h1>" in page
    for slug in PAGES:
        assert f'href="/help/{slug}"' in page


@pytest.mark.parametrize("slug", PAGES)
def test_each_page_renders_with_a_table_of_contents(client, slug):
    response = client.get(f"/help/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count("<h1>") == 1
    anchors = re.findall(r'<h[23] id="([a-z0-9-]+)">', page)
    assert anchors, "every help page has sections"
    for anchor in anchors:
        assert f'href="#{anchor}"' in page
    # Every help page links to the others and back to the index.
    assert 'href="/help/"' in page
    assert 'aria-current="page"' in page


def test_sections_are_h2_and_subsections_h3(client):
    page = client.get("/help/posting").get_data(as_text=True)
    assert '<h2 id="formatting-with-markdown">' in page
    assert '<h3 id="emphasis-and-lists">' in page
    # Markdown inside a code example is shown, not rendered.
    assert "**bold**" in page


def test_pages_link_to_each_other(client):
    page = client.get("/help/reporting").get_data(as_text=True)
    assert 'href="/support"' in page
    page = client.get("/help/self-moderation").get_data(as_text=True)
    assert 'href="/help/posting"' in page


def test_unknown_page_is_404(client):
    assert client.get("/help/nothing-here").status_code == 404
    assert client.get("/help/..%2Fcharter").status_code == 404


def test_instance_folder_overrides_a_shipped_page(app, client):
    from pathlib import Path

    folder = Path(app.instance_path) / "help"
    folder.mkdir(exist_ok=True)
    (folder / "photos.md").write_text("# Our photo rules\n\n## Ask first\n\n<script>x</script> Always ask.\n")
    page = client.get("/help/photos").get_data(as_text=True)
    assert "<h1>Our photo rules</h1>" in page
    assert '<h2 id="ask-first">Ask first</h2>' in page
    assert "<script>x" not in page
    assert "Our photo rules" in client.get("/help/").get_data(as_text=True)


def test_duplicate_headings_get_distinct_anchors(app, client):
    from pathlib import Path

    folder = Path(app.instance_path) / "help"
    folder.mkdir(exist_ok=True)
    (folder / "sharing.md").write_text("# Sharing\n\n## Notes\n\nOne.\n\n## Notes\n\nTwo.\n")
    page = client.get("/help/sharing").get_data(as_text=True)
    assert 'id="notes"' in page and 'id="notes-2"' in page


def test_guidance_in_context_links_to_sections_that_exist(app, client, auth, cast):
    """The report form and the contact-request form each link to the help section that explains
    them, and the section's anchor is on that page; Help is in the signed-in navigation too."""
    from forum.models import Category, Member
    from forum.services import posting

    author, reader = cast("author", "member").author, cast.member
    with app.app_context():
        Member.update(contact_policy="anyone").where(Member.id == author.id).execute()
        posting.start_thread(author, Category.create(name="P", slug="p"), {"title": "Hello", "message": "Hi"})
    auth.sign_in(reader)
    pages = {
        "/report/post/1": "/help/reporting#what-happens-after-a-report",
        f"/members/{author.id}/contact": "/help/directory#contact-requests",
    }
    for form_page, link in pages.items():
        html = client.get(form_page).get_data(as_text=True)
        assert f'href="{link}"' in html, form_page
        help_path, anchor = link.split("#")
        assert f'id="{anchor}"' in client.get(help_path).get_data(as_text=True)
    nav = client.get("/").get_data(as_text=True).split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'href="/help/"' in nav


def test_every_link_in_the_help_pages_leads_somewhere(client, auth, cast):
    auth.sign_in(cast("member").member)
    for slug in PAGES:
        html = client.get(f"/help/{slug}").get_data(as_text=True)
        body = html.split("<main", 1)[1].split("</main>", 1)[0]
        for path in sorted(set(re.findall(r'href="(/[^"#]*)', body))):
            assert client.get(path).status_code == 200, f"/help/{slug} links to {path}"
