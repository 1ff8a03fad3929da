"""The full-text index of posts: SQLite FTS5 or PostgreSQL tsvector behind one interface.

The index table `post_search` (made by migration 012) holds one row per post that members may
find: a visible post in a listed thread (Thread.listed). `refresh_posts` is the one call the code
that writes posts makes after any change (create, edit, withdraw, hide, restore, remove); it
deletes the posts' rows and puts back those that are still findable, so the index cannot drift
whatever the change was. Every search limits what it finds to the threads its viewer may see
(Thread.visible_to, the rule of every list), which also checks the thread's status again.

This module keeps the index and holds what both engines share; the engines themselves are in
search_engines.py. The words a search looks for arrive here already cleaned (services/search.py):
lists of letters and digits, never query syntax, so neither engine's parser sees anything a
person typed.
"""

from dataclasses import dataclass
from datetime import datetime

from peewee import PostgresqlDatabase

from .db import db
from .library import indexed_text_sql
from .posts import Post
from .prepared import PREPARED_LIMIT
from .threads import Thread

# Marks around matched words in excerpts: control characters that never survive into a post's
# text unescaped, turned into <mark> only after the rest has been HTML-escaped.
MARK_START = "\x02"
MARK_END = "\x03"
# PostgreSQL's text search configuration; SQLite's porter tokenizer stems English alike.
PG_CONFIG = "english"


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


# The thread in the SQL written here by hand, `t`, for the conditions peewee writes into it.
_THREAD = Thread.alias("t")


def _sql(condition) -> tuple[str, list]:
    """A peewee condition as SQL and its parameters, to be put into SQL written by hand. Written
    as inside a query, where peewee brackets a subquery (standing alone, it leaves it bare)."""
    context = db.get_sql_context()
    with context(subquery=True):
        return context.sql(condition).query()


# (kind of database, reading) -> the SQL of Thread.visible_to and its parameters: written once,
# as writing it took longer than some searches take.
_VISIBLE: dict = {}


def _visible(reading) -> tuple[str, list]:
    key = (type(db.obj), reading)
    if key not in _VISIBLE:
        if len(_VISIBLE) >= PREPARED_LIMIT:
            _VISIBLE.clear()
        _VISIBLE[key] = _sql(Thread.visible_to(reading, _THREAD))
    return _VISIBLE[key]


# -- keeping the index in step -------------------------------------------------------------------


def _findable() -> tuple[str, list]:
    """A visible post in a listed thread: the SQL (over p and t) that the migrations' backfill
    also wrote, when 'removed' was the only unlisted status."""
    listed, params = _sql(Thread.listed(_THREAD))
    return f"p.status = 'visible' AND {listed}", params


def _fill(condition: str, params) -> None:
    """Index the findable posts meeting `condition` (SQL over p, the post, and t, its thread).
    Each row carries its category, author and month as tags (migration 018), which searches use to
    narrow the index before reading any text. The opening post of a resource's discussion also
    carries the resource's summary and its file's words (models/library.py), so that a phrase
    inside a toolkit finds it, for those who may see its discussion."""
    findable, findable_params = _findable()
    params = [*findable_params, *params]
    if is_postgres():
        db.execute_sql(
            "INSERT INTO post_search (post_id, category_id, document) "
            f"SELECT p.id, t.category_id, setweight(to_tsvector('{PG_CONFIG}', "
            "CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A') || "
            f"setweight(to_tsvector('{PG_CONFIG}', p.body_md), 'B') || "
            f"setweight(to_tsvector('{PG_CONFIG}', {indexed_text_sql()}), 'C') || "
            "array_to_tsvector(ARRAY['#c' || t.category_id, '#a' || p.author_id, "
            "'#m' || to_char(p.created_at, 'YYYYMM')]) "
            f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {findable} AND {condition}",
            params,
        )
    else:
        db.execute_sql(
            "INSERT INTO post_search (rowid, title, body, tags) "
            "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, "
            f"p.body_md || ' ' || {indexed_text_sql()}, "
            "'c' || t.category_id || ' a' || p.author_id || ' m' || strftime('%Y%m', p.created_at) "
            f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {findable} AND {condition}",
            params,
        )


def _key() -> str:
    return "post_id" if is_postgres() else "rowid"


def refresh_posts(post_ids) -> None:
    """Bring the index in step with these posts (ids), whatever happened to them."""
    ids = sorted({int(i) for i in post_ids})
    if not ids:
        return
    marks = ", ".join([db.param] * len(ids))
    with db.atomic():
        db.execute_sql(f"DELETE FROM post_search WHERE {_key()} IN ({marks})", ids)
        _fill(f"p.id IN ({marks})", ids)


def refresh_thread(thread_id: int) -> None:
    """Every post of one thread (it moved to another category, say: its posts' tags change)."""
    with db.atomic():
        db.execute_sql(
            f"DELETE FROM post_search WHERE {_key()} IN (SELECT id FROM post WHERE thread_id = {db.param})",
            [thread_id],
        )
        _fill(f"t.id = {db.param}", [thread_id])


def rebuild() -> int:
    """Index every findable post afresh (after a restore from backup, say); returns how many."""
    with db.atomic():
        db.execute_sql("DELETE FROM post_search")
        _fill("1 = 1", [])
        if not is_postgres():
            # Merge FTS5's segments into one: a table filled (or emptied) in bulk is otherwise
            # left in many, and every search reads them all (ten times slower, measured).
            db.execute_sql("INSERT INTO post_search (post_search) VALUES ('optimize')")
        return db.execute_sql("SELECT COUNT(*) FROM post_search").fetchone()[0]


def refresh_posts_by(author_id: int) -> None:
    """Every post of one member (their account was deleted with its posts, say)."""
    refresh_posts(row[0] for row in Post.select(Post.id).where(Post.author == author_id).tuples())


# -- searching -----------------------------------------------------------------------------------


@dataclass
class Filters:
    """What a search is limited to. `reading`: what the viewer may read (policy.reading), for
    Thread.visible_to; `category_ids`: of those categories, the ones searched (never empty here:
    the caller answers "nothing" itself); `exclude_authors`: members whose posts the viewer does
    not want to see (muting)."""

    reading: object
    category_ids: list[int]
    author_ids: list[int] | None = None
    since: datetime | None = None
    before: datetime | None = None
    exclude_authors: list[int] | None = None
    # A member whose hidden threads (self-moderation) are left out.
    hidden_for: int | None = None


@dataclass
class Hit:
    post_id: int
    number: int
    created_at: datetime
    thread_id: int
    thread_title: str
    category_slug: str
    category_name: str
    author_id: int
    author_name: str
    # Text with MARK_START/MARK_END around matched words, not yet escaped.
    excerpt: str
    title_marked: str


def where_sql(filters: Filters, params: list) -> str:
    """The conditions (over p, the post, and t, its thread) every post a search finds meets: a
    visible post in a thread the viewer may see, within the filters. Their values go on `params`."""
    visible, visible_params = _visible(filters.reading)
    clauses = ["p.status = 'visible'", visible]
    params.extend(visible_params)

    def add(sql, values):
        clauses.append(sql.replace("?", db.param))
        params.extend(values)

    add(f"t.category_id IN ({', '.join('?' * len(filters.category_ids))})", filters.category_ids)
    if filters.author_ids is not None:
        add(f"p.author_id IN ({', '.join('?' * len(filters.author_ids))})", filters.author_ids)
    if filters.exclude_authors:
        add(f"p.author_id NOT IN ({', '.join('?' * len(filters.exclude_authors))})", filters.exclude_authors)
    if filters.hidden_for is not None:
        add("t.id NOT IN (SELECT thread_id FROM hidden_thread WHERE member_id = ?)", [filters.hidden_for])
    if filters.since is not None:
        add("p.created_at >= ?", [_stamp(filters.since)])
    if filters.before is not None:
        add("p.created_at < ?", [_stamp(filters.before)])
    return " AND ".join(clauses)


def _stamp(value: datetime) -> str:
    # The form peewee stores in SQLite (text that sorts as time); PostgreSQL casts it.
    return value.strftime("%Y-%m-%d %H:%M:%S")


COLUMNS = "p.id, p.number, p.created_at, t.id, t.title, c.slug, c.name, m.id, m.name"
JOINS = (
    "JOIN thread t ON t.id = p.thread_id JOIN category c ON c.id = t.category_id "
    "JOIN member m ON m.id = p.author_id"
)


def search(words: list[str], filters: Filters, order: str, limit: int, offset: int) -> list[Hit]:
    """One page of posts matching every word (or, with no words, the newest posts within the
    filters). order: "relevance" or "date"."""
    from .search_engines import search_postgres, search_sqlite  # they build on this module

    if is_postgres():
        return search_postgres(words, filters, order, limit, offset)
    return search_sqlite(words, filters, order, limit, offset)


def limit_offset(limit, offset) -> str:
    return f"LIMIT {int(limit)} OFFSET {int(offset)}"


def newest(filters, limit, offset):
    """The newest posts within the filters, when no index tag narrows them."""
    params: list = []
    where = where_sql(filters, params)
    sql = (
        f"SELECT {COLUMNS}, '' AS excerpt, '' AS title_marked, p.body_md FROM post p {JOINS} "
        f"WHERE {where} ORDER BY p.id DESC {limit_offset(limit, offset)}"
    )
    return [hit_from_row(row, plain_body=row[11]) for row in db.execute_sql(sql, params).fetchall()]


def hit_from_row(row, plain_body=None) -> Hit:
    created = Post.created_at.python_value(row[2])
    excerpt, title = row[9], row[10]
    if plain_body is not None:
        excerpt = _opening(plain_body)
        title = row[4]
    return Hit(
        post_id=row[0],
        number=row[1],
        created_at=created,
        thread_id=row[3],
        thread_title=row[4],
        category_slug=row[5],
        category_name=row[6],
        author_id=row[7],
        author_name=row[8],
        excerpt=excerpt or "",
        title_marked=(title or row[4]) if row[1] == 1 else row[4],
    )


def _opening(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")
