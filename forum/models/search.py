"""The full-text index of posts: SQLite FTS5 or PostgreSQL tsvector behind one interface.

The index table `post_search` (made by migration 012) holds one row per post that members may
find: a visible post in a thread that is not removed. `refresh_posts` is the one call the code
that writes posts makes after any change (create, edit, withdraw, hide, restore, remove); it
deletes the posts' rows and puts back those that are still findable, so the index cannot drift
whatever the change was. Searches still check the post's and thread's status at query time, as
a second guard.

The words a search looks for arrive here already cleaned (services/search.py): lists of letters
and digits, never query syntax, so neither engine's parser sees anything a person typed.
"""

from dataclasses import dataclass
from datetime import datetime

from peewee import PostgresqlDatabase

from ..db import db
from .threads import Post

# Marks around matched words in excerpts: control characters that never survive into a post's
# text unescaped, turned into <mark> only after the rest has been HTML-escaped.
MARK_START = "\x02"
MARK_END = "\x03"
# PostgreSQL's text search configuration; SQLite's porter tokenizer stems English alike.
PG_CONFIG = "english"
# Ordering by relevance scores the newest RANKED matching posts and no more: scoring costs a read
# of every match, which for a common word is most of the table. A search whose words are in
# fewer posts than this (nearly every real one) is ranked over all of them; a broad one ranks
# its most recent matches, which is what a forum's reader is after, in bounded time.
RANKED = 2000


def is_postgres() -> bool:
    return isinstance(db.obj, PostgresqlDatabase)


# -- keeping the index in step -------------------------------------------------------------------

# What is findable, the same rule the migration's backfill uses.
_FINDABLE = "p.status = 'visible' AND t.status <> 'removed'"


def refresh_posts(post_ids) -> None:
    """Bring the index in step with these posts (ids), whatever happened to them."""
    ids = sorted({int(i) for i in post_ids})
    if not ids:
        return
    marks = ", ".join([db.param] * len(ids))
    with db.atomic():
        if is_postgres():
            db.execute_sql(f"DELETE FROM post_search WHERE post_id IN ({marks})", ids)
            db.execute_sql(
                "INSERT INTO post_search (post_id, document) "
                f"SELECT p.id, setweight(to_tsvector('{PG_CONFIG}', "
                "CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A') || "
                f"setweight(to_tsvector('{PG_CONFIG}', p.body_md), 'B') "
                f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {_FINDABLE} AND p.id IN ({marks})",
                ids,
            )
        else:
            db.execute_sql(f"DELETE FROM post_search WHERE rowid IN ({marks})", ids)
            db.execute_sql(
                "INSERT INTO post_search (rowid, title, body) "
                "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md "
                f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {_FINDABLE} AND p.id IN ({marks})",
                ids,
            )


def rebuild() -> int:
    """Index every findable post afresh (after a restore from backup, say); returns how many."""
    with db.atomic():
        db.execute_sql("DELETE FROM post_search")
        if is_postgres():
            db.execute_sql(
                "INSERT INTO post_search (post_id, document) "
                f"SELECT p.id, setweight(to_tsvector('{PG_CONFIG}', "
                "CASE WHEN p.number = 1 THEN t.title ELSE '' END), 'A') || "
                f"setweight(to_tsvector('{PG_CONFIG}', p.body_md), 'B') "
                f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {_FINDABLE}"
            )
        else:
            db.execute_sql(
                "INSERT INTO post_search (rowid, title, body) "
                "SELECT p.id, CASE WHEN p.number = 1 THEN t.title ELSE '' END, p.body_md "
                f"FROM post p JOIN thread t ON t.id = p.thread_id WHERE {_FINDABLE}"
            )
        return db.execute_sql("SELECT COUNT(*) FROM post_search").fetchone()[0]


def refresh_posts_by(author_id: int) -> None:
    """Every post of one member (their account was deleted with its posts, say)."""
    refresh_posts(row[0] for row in Post.select(Post.id).where(Post.author == author_id).tuples())


# -- searching -----------------------------------------------------------------------------------


@dataclass
class Filters:
    """What a search is limited to. `category_ids`: those the viewer may read (never empty
    here: the caller answers "nothing" itself); `exclude_authors`: members whose posts the
    viewer does not want to see (muting)."""

    category_ids: list[int]
    author_ids: list[int] | None = None
    since: datetime | None = None
    before: datetime | None = None
    exclude_authors: list[int] | None = None


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


def _where(filters: Filters, params: list) -> str:
    clauses = [_FINDABLE]

    def add(sql, values):
        clauses.append(sql.replace("?", db.param))
        params.extend(values)

    add(f"t.category_id IN ({', '.join('?' * len(filters.category_ids))})", filters.category_ids)
    if filters.author_ids is not None:
        add(f"p.author_id IN ({', '.join('?' * len(filters.author_ids))})", filters.author_ids)
    if filters.exclude_authors:
        add(f"p.author_id NOT IN ({', '.join('?' * len(filters.exclude_authors))})", filters.exclude_authors)
    if filters.since is not None:
        add("p.created_at >= ?", [_stamp(filters.since)])
    if filters.before is not None:
        add("p.created_at < ?", [_stamp(filters.before)])
    return " AND ".join(clauses)


def _stamp(value: datetime) -> str:
    # The form peewee stores in SQLite (text that sorts as time); PostgreSQL casts it.
    return value.strftime("%Y-%m-%d %H:%M:%S")


_COLUMNS = (
    "p.id, p.number, p.created_at, t.id, t.title, c.slug, c.name, m.id, m.name"
)
_JOINS = (
    "JOIN thread t ON t.id = p.thread_id JOIN category c ON c.id = t.category_id "
    "JOIN member m ON m.id = p.author_id"
)


def search(words: list[str], filters: Filters, order: str, limit: int, offset: int) -> list[Hit]:
    """One page of posts matching every word (or, with no words, the newest posts within the
    filters), in one query. order: "relevance" or "date"."""
    params: list = []
    if not words:
        where = _where(filters, params)
        sql = (
            f"SELECT {_COLUMNS}, '' AS excerpt, '' AS title_marked, p.body_md FROM post p {_JOINS} "
            f"WHERE {where} ORDER BY p.id DESC LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        rows = db.execute_sql(sql, params).fetchall()
        return [_hit(row, plain_body=row[11]) for row in rows]
    if is_postgres():
        return _search_postgres(words, filters, order, limit, offset)
    return _search_sqlite(words, filters, order, limit, offset)


def _search_sqlite(words, filters, order, limit, offset):
    # Each word quoted: FTS5 then reads it as a string to tokenize, never as an operator.
    match = " ".join('"' + w.replace('"', "") + '"' for w in words)
    params: list = [match]
    where = _where(filters, params)
    columns = (
        f"{_COLUMNS}, snippet(post_search, 1, char(2), char(3), '…', 24), "
        "highlight(post_search, 0, char(2), char(3))"
    )
    if order != "relevance":
        # Newest first goes by id, which rises with time: FTS5 walks its rowids backwards and
        # stops at the page, instead of sorting every match by date.
        sql = (
            f"SELECT {columns} FROM post_search JOIN post p ON p.id = post_search.rowid {_JOINS} "
            f"WHERE post_search MATCH ? AND {where} "
            f"ORDER BY post_search.rowid DESC LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        return [_hit(row) for row in db.execute_sql(sql, params).fetchall()]
    # Scores for the newest RANKED matches only (see RANKED); title matches count ten times a
    # body match, so a thread named for the words comes first. Excerpts for the page alone.
    sql = (
        "WITH ranked AS ("
        "SELECT post_search.rowid AS id, bm25(post_search, 10.0, 1.0) AS score "
        "FROM post_search JOIN post p ON p.id = post_search.rowid JOIN thread t ON t.id = p.thread_id "
        f"WHERE post_search MATCH ? AND {where} ORDER BY post_search.rowid DESC LIMIT {RANKED}), "
        "page AS (SELECT id, score FROM ranked ORDER BY score, id DESC "
        f"LIMIT {int(limit)} OFFSET {int(offset)}) "
        f"SELECT {columns} FROM page JOIN post_search ON post_search.rowid = page.id "
        f"JOIN post p ON p.id = page.id {_JOINS} "
        "WHERE post_search MATCH ? ORDER BY page.score, page.id DESC"
    )
    return [_hit(row) for row in db.execute_sql(sql, [*params, match]).fetchall()]


def _search_postgres(words, filters, order, limit, offset):
    # plainto_tsquery never raises on its input, and the words are plain already.
    options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1"
    params: list = [options, options, " ".join(words)]
    where = _where(filters, params)
    if order == "relevance":
        # Scores for the newest RANKED matches only (see RANKED).
        matches = (
            "SELECT s.post_id, s.document, q.query FROM post_search s "
            "JOIN post p ON p.id = s.post_id JOIN thread t ON t.id = p.thread_id "
            f"CROSS JOIN plainto_tsquery('{PG_CONFIG}', %s) AS q(query) "
            f"WHERE s.document @@ q.query AND {where} ORDER BY s.post_id DESC LIMIT {RANKED}"
        )
        inner = (
            "SELECT m.post_id, m.query, ts_rank(m.document, m.query) AS rank "
            f"FROM ({matches}) AS m ORDER BY rank DESC, m.post_id DESC "
            f"LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        outer_order = "hit.rank DESC, p.id DESC"
    else:
        inner = (
            "SELECT p.id AS post_id, q.query, 0 AS rank "
            "FROM post_search s JOIN post p ON p.id = s.post_id JOIN thread t ON t.id = p.thread_id "
            f"CROSS JOIN plainto_tsquery('{PG_CONFIG}', %s) AS q(query) "
            f"WHERE s.document @@ q.query AND {where} "
            f"ORDER BY p.id DESC LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        outer_order = "p.id DESC"
    # Only the page's posts are read in full, and only they get excerpts (ts_headline reads
    # the text).
    sql = (
        f"SELECT {_COLUMNS}, ts_headline('{PG_CONFIG}', p.body_md, hit.query, %s), "
        f"CASE WHEN p.number = 1 THEN ts_headline('{PG_CONFIG}', t.title, hit.query, %s) "
        "ELSE t.title END "
        f"FROM ({inner}) AS hit JOIN post p ON p.id = hit.post_id {_JOINS} "
        f"ORDER BY {outer_order}"
    )
    return [_hit(row) for row in db.execute_sql(sql, params).fetchall()]


def _hit(row, plain_body=None) -> Hit:
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
