"""Searching posts and threads: reading what a person typed into a search the engines can run
safely, limiting it to what the viewer may read, and excerpts with the words marked.

Whatever is typed, the answer is a page: words that cannot be searched for (only common words,
only punctuation, query syntax, far too long) give no results and a hint saying why, never an
error. The words reach the database as plain letters and digits only (models/search.py).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup, escape
from peewee import fn

from .. import policy
from ..models import Member
from ..models import search as index
from . import categories, self_moderation

PER_PAGE = 20
MAX_PAGE = 50
MAX_QUERY = 200
MAX_WORDS = 10
MAX_WORD = 40
ORDERS = {"relevance": "Best match", "date": "Newest first"}
# Letters and digits of any script: what both engines index as a word.
WORD = re.compile(r"[^\W_]+")
SYNTAX = re.compile(r"[\"*()^:+\-]|\bNEAR\b|\bAND\b|\bOR\b|\bNOT\b")
# Words too common to say anything (PostgreSQL's English list, which SQLite lacks): dropped on
# both databases so a search means the same on each.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now""".split()  # noqa: SIM905
)


def excluded_authors(viewer) -> list[int]:
    """Members whose posts `viewer` has chosen not to see: those they muted. Results leave
    these authors' posts out in the same query; this is one query per request (or none)."""
    return sorted(self_moderation.muted_ids(viewer))


@dataclass
class Query:
    """A search as typed (the form's values) and as understood."""

    q: str = ""
    category: str = ""
    author: str = ""
    since: str = ""
    until: str = ""
    order: str = "relevance"
    page: int = 1
    words: list[str] = field(default_factory=list)
    # field name -> message shown beside it; "q" for the words.
    problems: dict = field(default_factory=dict)
    hints: list[str] = field(default_factory=list)
    since_at: datetime | None = None
    before_at: datetime | None = None

    @property
    def asked(self) -> bool:
        """Whether there is anything to search for (else the page shows the form alone)."""
        return bool(self.q.strip() or self.category or self.author or self.since or self.until)

    def args(self, **changes) -> dict:
        values = {
            "q": self.q,
            "category": self.category,
            "author": self.author,
            "since": self.since,
            "until": self.until,
            "order": self.order if self.order != "relevance" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in ("", None, 1)}


def _date(raw: str, name: str, problems: dict) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d")
    except ValueError:
        problems[name] = "Enter a date as year-month-day, for example 2026-03-31."
        return None


def read_query(args) -> Query:
    """A Query from the query string; never raises."""
    def text(name, limit=200):
        return " ".join(str(args.get(name, "") or "").split())[: limit * 30]

    query = Query(
        q=text("q"),
        category=text("category", 80)[:80],
        author=text("author", 80),
        since=text("since", 10)[:20],
        until=text("until", 10)[:20],
        order=args.get("order") if args.get("order") in ORDERS else "relevance",
    )
    try:
        query.page = min(max(int(args.get("page", 1)), 1), MAX_PAGE)
    except (TypeError, ValueError):
        query.page = 1
    if len(query.author) > 80:
        query.problems["author"] = "A member's name has at most 80 characters."
    query.since_at = _date(query.since, "since", query.problems)
    until = _date(query.until, "until", query.problems)
    if until is not None:
        query.before_at = until + timedelta(days=1)
    if query.since_at and until and query.since_at > until:
        query.problems["until"] = "The end date is before the start date."
    _read_words(query)
    return query


def _read_words(query: Query) -> None:
    raw = query.q
    if len(raw) > MAX_QUERY:
        query.problems["q"] = (
            f"Searches can be up to {MAX_QUERY} characters; this one has {len(raw):,}. "
            "Try a few distinctive words."
        )
        query.q = raw[: MAX_QUERY * 2]
        return
    normal = unicodedata.normalize("NFKC", raw).lower()
    found = WORD.findall(normal)
    words = []
    for word in found:
        if word in STOP_WORDS or word in words:
            continue
        words.append(word[:MAX_WORD])
    if SYNTAX.search(raw):
        query.hints.append(
            "Search finds posts with all of the words you type: quotes, *, brackets and words "
            "like NEAR or OR are read as plain text."
        )
    if len(words) > MAX_WORDS:
        query.hints.append(f"Only the first {MAX_WORDS} words were searched for.")
        words = words[:MAX_WORDS]
    if raw.strip() and not words:
        if found:
            query.problems["q"] = (
                "Those words are too common to search for: add a more distinctive word."
            )
        else:
            query.problems["q"] = "Type some words to search for: punctuation alone finds nothing."
    query.words = words


@dataclass
class Results:
    query: Query
    hits: list
    has_next: bool
    categories: list
    # Whether a search ran (False: the empty form, or a problem stopped it).
    ran: bool


def search(viewer, query: Query) -> Results:
    """One page of results: a fixed number of queries (categories; the author, if named; the
    page itself), whatever the page holds."""
    readable = categories.readable_categories(viewer)
    if query.category and not any(c.slug == query.category for c in readable):
        # An unknown slug and one the viewer may not read answer alike.
        query.problems["category"] = "There is no such category: choose one from the list."
    if not query.asked or query.problems:
        return Results(query, [], False, readable, ran=False)
    category_ids = [c.id for c in readable if not query.category or c.slug == query.category]
    author_ids = None
    if query.author:
        author_ids = [
            m.id for m in Member.select(Member.id).where(fn.LOWER(Member.name) == query.author.lower())
        ]
        if not author_ids:
            query.problems["author"] = f"No member is called “{query.author}”: check the spelling."
            return Results(query, [], False, readable, ran=False)
    if not category_ids:
        return Results(query, [], False, readable, ran=True)
    filters = index.Filters(
        reading=policy.reading(viewer),
        category_ids=category_ids,
        author_ids=author_ids,
        since=query.since_at,
        before=query.before_at,
        exclude_authors=excluded_authors(viewer),
        # Threads the viewer hid are left out of search as of every other list of threads.
        hidden_for=viewer.id if getattr(viewer, "is_authenticated", False) else None,
    )
    order = query.order if query.words else "date"
    hits = index.search(query.words, filters, order, PER_PAGE + 1, (query.page - 1) * PER_PAGE)
    if not hits and not query.words and not query.q:
        query.hints.append("Nothing matches these filters: try a wider date range or another category.")
    return Results(query, hits[:PER_PAGE], len(hits) > PER_PAGE, readable, ran=True)


_MARKED = re.compile(f"{index.MARK_START}(.*?){index.MARK_END}", re.S)


def marked(text: str) -> Markup:
    """Text with the engine's match marks as <mark>, everything else escaped. (Escaping first
    leaves the marks, two control characters, as they are; forty excerpts and titles a page made
    this a tenth of the search page's time with Markup.format.)"""
    html = _MARKED.sub(_mark, str(escape(text or "")))
    return Markup(html.replace(index.MARK_START, "").replace(index.MARK_END, ""))  # noqa: S704


def _mark(match) -> str:
    return "<mark>" + match.group(1).replace(index.MARK_START, "") + "</mark>"
