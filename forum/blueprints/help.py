"""Help pages: Markdown shipped in forum/content/help/, each replaceable by an admin through
the instance folder (`<instance>/help/<slug>.md`), rendered with the forum's text pipeline."""

import html
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from flask import Blueprint, current_app, render_template

from ..errors import NotFound
from ..services.text import render_markdown

bp = Blueprint("help", __name__, url_prefix="/help")

# The order pages are listed in on the index; "index" itself is the index's introduction.
PAGES = (
    "posting", "sharing", "reporting", "appeals", "self-moderation", "email", "directory", "photos", "contact"
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)


@dataclass
class HelpPage:
    slug: str
    title: str
    summary: str
    body_html: str
    toc: list  # (level, anchor, text)


def _source(slug: str) -> str:
    override = Path(current_app.instance_path) / "help" / f"{slug}.md"
    if override.is_file():
        return override.read_text("utf-8")
    return resources.files("forum").joinpath("content", "help", f"{slug}.md").read_text("utf-8")


def _promote(lines: list[str]) -> str:
    """`##` sections become h2 and `###` h3 once the pipeline has demoted them by one."""
    out, fenced = [], False
    for line in lines:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.startswith("##"):
            line = line[1:]
        out.append(line)
    return "\n".join(out)


def _anchor(text: str, used: set) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def load(slug: str) -> HelpPage:
    if slug != "index" and slug not in PAGES:
        raise NotFound("There is no help page by that name.")
    lines = _source(slug).strip().splitlines()
    title = slug.replace("-", " ").capitalize()
    if lines and lines[0].startswith("# "):
        title, lines = lines[0][2:].strip(), lines[1:]
    body = render_markdown(_promote(lines))
    toc, used = [], set()

    def add_id(match):
        # The pipeline's headings carry no attributes; their text is already escaped.
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2)))
        anchor = _anchor(text, used)
        toc.append((int(match.group(1)), anchor, text))
        return f'<h{match.group(1)} id="{anchor}">{match.group(2)}</h{match.group(1)}>'

    body = _HEADING.sub(add_id, body)
    first = next((line.strip() for line in lines if line.strip() and not line.startswith("#")), "")
    summary = re.sub(r"[*_`\[\]]|\(/[^)]*\)", "", first)
    return HelpPage(slug=slug, title=title, summary=summary, body_html=body, toc=toc)


@bp.get("/")
def index():
    return render_template("help/index.html", intro=load("index"), pages=[load(slug) for slug in PAGES])


@bp.get("/<slug>")
def page(slug):
    return render_template("help/page.html", page=load(slug), pages=[(s, load(s).title) for s in PAGES])
