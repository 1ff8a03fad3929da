"""Markdown -> safe HTML, done once when a text is written; pages show the stored result."""

from functools import cache

import bleach
from bleach.html5lib_shim import Filter
from markdown_it import MarkdownIt

# Headings start at h2: the page's own title is the only h1.
ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "hr",
        "blockquote",
        "pre",
        "code",
        "em",
        "strong",
        "del",
        "s",
        "ul",
        "ol",
        "li",
        "a",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML is off; images are off because remote images cost members on slow links
    # and leak their address to a third party (photos come through uploads instead).
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable("image")
    md.core.ruler.push("demote_headings", _demote_headings)
    return md


def _demote_headings(state) -> None:
    """A written `# Title` becomes h2, keeping the outline under the page's h1."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"


class _LinkRel(Filter):
    """Links members write are not endorsements and must not reach back into the page."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                attrs = dict(token.get("data") or {})
                attrs[(None, "rel")] = "nofollow ugc noopener noreferrer"
                token["data"] = attrs
            yield token


@cache
def _cleaner() -> bleach.Cleaner:
    return bleach.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        filters=[_LinkRel],
    )


def render_markdown(source: str) -> str:
    """Safe HTML for a member's or an admin's Markdown."""
    return _cleaner().clean(_markdown().render(source or ""))
