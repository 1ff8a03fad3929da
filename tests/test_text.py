"""Markdown is rendered once, to HTML that is safe to show."""

from html.parser import HTMLParser

import pytest

from forum.services.text import render_markdown


def test_markdown_basics():
    html = render_markdown("# Title\n\nSome **bold** and ~~gone~~.\n\n- one\n- two")
    assert "<h2>Title</h2>" in html  # the page's h1 stays the only one
    assert "<strong>bold</strong>" in html and "<s>gone</s>" in html
    assert "<li>one</li>" in html


def test_links_are_marked_as_member_content():
    html = render_markdown("[site](https://example.org)")
    assert 'href="https://example.org"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        '<a href="x" onclick="alert(1)">x</a>',
        "![img](https://tracker.example/pixel.png)",
        '<div hx-get="/x" hx-trigger="load">x</div>',
    ],
)
def test_hostile_input_is_neutralised(source):
    elements = _elements(render_markdown(source))
    for tag, attrs in elements:
        assert tag in {"p", "a"}, tag
        for name, value in attrs:
            assert not name.startswith(("on", "hx-", "data-")), name
            if name == "href":
                assert value.startswith(("http:", "https:", "mailto:")), value
    assert ("a", [("href", "https://tracker.example/pixel.png")]) not in elements


def _elements(html):
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found
