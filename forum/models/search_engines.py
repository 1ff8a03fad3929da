"""The two full-text engines behind models/search.py's one interface: SQLite FTS5 and
PostgreSQL tsvector. Both read the index table `post_search`, narrow it by the tags each row
carries (category, author, month) and bound what they score, and check every candidate against
models/search.py's where_sql: the threads the viewer may see, and the search's filters.
"""

from datetime import timedelta

from .base import utcnow
from .db import db
from .search import (
    COLUMNS,
    JOINS,
    MARK_END,
    MARK_START,
    PG_CONFIG,
    hit_from_row,
    limit_offset,
    newest,
    where_sql,
)

# Ordering by relevance scores the newest RANKED matching posts and no more: scoring costs a read
# of every match, which for a common word is most of the table. A search whose words are in
# fewer posts than this (nearly every real one) is ranked over all of them; a broad one ranks
# its most recent matches, which is what a forum's reader is after, in bounded time. As many
# as the result pages show (services.search: 50 pages of 20).
RANKED = 1000
# A word in more posts than this is too common to score (see search_sqlite).
COMMON = 5000
# An author filter naming more members than this (a common name) is left to SQL, not tags.
MAX_AUTHOR_TAGS = 20
# A date range over more months than this is checked on the posts alone, not narrowed by tags.
MAX_MONTH_TAGS = 24


# -- SQLite FTS5 ---------------------------------------------------------------------------------


def _sqlite_words(words, columns="title body", joiner=" ") -> str:
    # Each word quoted: FTS5 then reads it as a string to tokenize, never as an operator; and
    # limited to the text columns, so no typed word can match a tag. joiner " ": every word;
    # " OR ": any of them.
    return "{" + columns + "} : (" + joiner.join('"' + w.replace('"', "") + '"' for w in words) + ")"


def _months(filters) -> list[str]:
    """The months (YYYYMM) a date range covers, when it has a start and covers few enough to be
    worth narrowing by (else none: the range is then checked on the posts alone)."""
    if filters.since is None:
        return []
    end = filters.before or (utcnow() + timedelta(days=1))
    months, year, month = [], filters.since.year, filters.since.month
    while (year, month) <= (end.year, end.month) and len(months) <= MAX_MONTH_TAGS:
        months.append(f"{year}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months if len(months) <= MAX_MONTH_TAGS else []


def _sqlite_tags(filters) -> list[str]:
    tags = []
    if len(filters.category_ids) == 1:
        tags.append(f"tags : c{int(filters.category_ids[0])}")
    if filters.author_ids and len(filters.author_ids) <= MAX_AUTHOR_TAGS:
        tags.append("tags : (" + " OR ".join(f"a{int(a)}" for a in filters.author_ids) + ")")
    if months := _months(filters):
        tags.append("tags : (" + " OR ".join(f"m{m}" for m in months) + ")")
    return tags


def search_sqlite(words, filters, order, limit, offset):
    tags = _sqlite_tags(filters)
    if not words and not tags:
        return newest(filters, limit, offset)
    match = " AND ".join(([_sqlite_words(words)] if words else []) + tags)
    params: list = [match]
    where = where_sql(filters, params)
    if not words or order != "relevance":
        # Newest first goes by id, which rises with time: FTS5 walks its rowids backwards and
        # stops at the page, instead of sorting every match by date.
        if words:
            columns = (
                f"{COLUMNS}, snippet(post_search, 1, char(2), char(3), '…', 24), "
                "highlight(post_search, 0, char(2), char(3)), NULL"
            )
        else:
            columns = f"{COLUMNS}, '', '', p.body_md"
        sql = (
            f"SELECT {columns} FROM post_search JOIN post p ON p.id = post_search.rowid {JOINS} "
            f"WHERE post_search MATCH ? AND {where} "
            f"ORDER BY post_search.rowid DESC {limit_offset(limit, offset)}"
        )
        return [hit_from_row(row, plain_body=row[11]) for row in db.execute_sql(sql, params).fetchall()]
    # Relevance: the newest RANKED matches within the filters are the candidates, found with no
    # scoring at all. bm25() costs a read of every post holding each word it scores (for its
    # rarity), whatever the LIMIT: so only words in at most COMMON posts are scored (a word in
    # more says little about relevance anyway), and when every word is that common, a match in
    # the thread's title comes first, then the newest.
    counted = ", ".join(
        f"(SELECT COUNT(*) FROM (SELECT 1 FROM post_search WHERE post_search MATCH ? LIMIT {COMMON + 1}))"
        for _ in words
    )
    counts = db.execute_sql(f"SELECT {counted}", [_sqlite_words([w]) for w in words]).fetchone()
    rare = [w for w, n in zip(words, counts, strict=True) if n <= COMMON]
    if rare:
        # bm25 of the rare words alone, for the posts holding them (at most COMMON each).
        cand_score = "0.0"
        scores = (
            "SELECT rowid AS id, bm25(post_search, 10.0, 1.0, 0.0) AS score FROM post_search "
            "WHERE post_search MATCH ? AND rowid >= (SELECT MIN(id) FROM cand)"
        )
        score_params = [_sqlite_words(rare)]
    else:
        # Whether any of the words is in the title: the candidates' range searched again in the
        # title column alone, which FTS5 walks by rowid from the oldest candidate (highlight() on
        # each of RANKED candidates was half of a common two-word search).
        cand_score = "0"
        scores = (
            "SELECT rowid AS id, -1 AS score FROM post_search "
            "WHERE post_search MATCH ? AND rowid >= (SELECT MIN(id) FROM cand)"
        )
        score_params = [_sqlite_words(words, "title", joiner=" OR ")]
    sql = (
        f"WITH cand AS MATERIALIZED (SELECT post_search.rowid AS id, {cand_score} AS score "
        "FROM post_search JOIN post p ON p.id = post_search.rowid JOIN thread t ON t.id = p.thread_id "
        f"WHERE post_search MATCH ? AND {where} ORDER BY post_search.rowid DESC LIMIT {RANKED}), "
        f"scores AS MATERIALIZED ({scores}), "
        "page AS (SELECT cand.id, COALESCE(scores.score, cand.score) AS score FROM cand "
        "LEFT JOIN scores ON scores.id = cand.id "
        f"ORDER BY score, cand.id DESC {limit_offset(limit, offset)}) "
        f"SELECT {COLUMNS}, snippet(post_search, 1, char(2), char(3), '…', 24), "
        "highlight(post_search, 0, char(2), char(3)) "
        f"FROM page JOIN post_search ON post_search.rowid = page.id JOIN post p ON p.id = page.id {JOINS} "
        "WHERE post_search MATCH ? ORDER BY page.score, page.id DESC"
    )
    rows = db.execute_sql(sql, [*params, *score_params, _sqlite_words(words)]).fetchall()
    return [hit_from_row(row) for row in rows]


# -- PostgreSQL -----------------------------------------------------------------------------------


def _postgres_tags(filters) -> str:
    """The author and date filters as a tsquery over the tag lexemes (ids only: nothing typed
    reaches it). One category narrows by the index's own column instead (_postgres_category)."""
    tags = []
    if filters.author_ids and len(filters.author_ids) <= MAX_AUTHOR_TAGS:
        tags.append("(" + " | ".join(f"'#a{int(a)}'" for a in filters.author_ids) + ")")
    if months := _months(filters):
        tags.append("(" + " | ".join(f"'#m{m}'" for m in months) + ")")
    return " & ".join(tags)


def _postgres_category(filters) -> int | None:
    """The one category a search is limited to, if it is: post_search.category_id (migration
    019) has a btree index with the post's id, which walks that category's newest posts and tests
    each one's words. Its '#c' tag would make PostgreSQL intersect every GIN entry of a common
    word with the category's (55 ms at a million posts for a ranked search in a small category,
    against 9 ms walking the category)."""
    return int(filters.category_ids[0]) if len(filters.category_ids) == 1 else None


def search_postgres(words, filters, order, limit, offset):
    tags = _postgres_tags(filters)
    if not words and not tags and _postgres_category(filters) is None:
        return newest(filters, limit, offset)
    # plainto_tsquery never raises on its input, and the words are plain already.
    query = f"plainto_tsquery('{PG_CONFIG}', %s)"
    text = " ".join(words)
    ranked = bool(words) and order == "relevance"
    with db.atomic():
        # Starting parallel workers costs more than these bounded queries take (10-20 ms seen).
        db.execute_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        if not words and filters.author_ids:
            # An author's tags are in few documents, but the planner guesses them common and
            # reads the whole index backwards for them (170 ms at a million posts, against 3 ms
            # through the GIN index).
            db.execute_sql("SET LOCAL enable_indexscan = off")
        ids = _postgres_matches(
            query, text, tags, filters, RANKED if ranked else offset + limit, offset + limit
        )
        if not ids:
            return []
        if ranked:
            inner = (
                f"SELECT r.post_id, ts_rank(r.document, {query}) AS rank FROM post_search r "
                f"WHERE r.post_id = ANY(%s) ORDER BY rank DESC, r.post_id DESC {limit_offset(limit, offset)}"
            )
            inner_params = [text, ids]
            outer_order = "hit.rank DESC, p.id DESC"
        else:
            inner = "SELECT post_id, 0 AS rank FROM unnest(%s) AS u(post_id)"
            inner_params = [ids[offset : offset + limit]]
            outer_order = "p.id DESC"
        if words:
            # Only the page's posts are read in full, and only they get excerpts (ts_headline
            # reads the text).
            options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=35, MinWords=15, MaxFragments=1"
            columns = (
                f"ts_headline('{PG_CONFIG}', p.body_md, {query}, %s), "
                f"CASE WHEN p.number = 1 THEN ts_headline('{PG_CONFIG}', t.title, {query}, %s) "
                "ELSE t.title END, NULL"
            )
            params = [text, options, text, options, *inner_params]
        else:
            columns = "'', '', p.body_md"
            params = inner_params
        sql = (
            f"SELECT {COLUMNS}, {columns} FROM ({inner}) AS hit JOIN post p ON p.id = hit.post_id {JOINS} "
            f"ORDER BY {outer_order}"
        )
        rows = db.execute_sql(sql, params).fetchall()
    return [hit_from_row(row, plain_body=row[11]) for row in rows]


def _postgres_matches(query, text, tags, filters, wanted, enough) -> list[int]:
    """Ids of the newest `wanted` posts matching the words and tags and passing every filter
    (or, for ranking, at least `enough` of them: the page must be full).

    The index is read alone first (its GIN index, or its primary key backwards when matches are
    dense), for twice as many as wanted, and only those rows are checked against the posts and
    threads: joined from the start, PostgreSQL's planner tends to walk the posts of a category
    or a date range and test each one's document, which is slower by tens of times. If the
    filters leave fewer than `enough` of a full batch, the joined query answers instead."""
    conditions, params = [], []
    if text:
        conditions.append(f"s.document @@ {query}")
        params.append(text)
    if tags:
        conditions.append("s.document @@ %s::tsquery")
        params.append(tags)
    if (category := _postgres_category(filters)) is not None:
        conditions.append("s.category_id = %s")
        params.append(category)
    matching = " AND ".join(conditions)
    fetch = wanted * 2
    params_where: list = []
    where = where_sql(filters, params_where)
    sql = (
        f"WITH cand AS MATERIALIZED (SELECT s.post_id FROM post_search s WHERE {matching} "
        f"ORDER BY s.post_id DESC LIMIT {fetch}) "
        "SELECT ARRAY(SELECT cand.post_id FROM cand "
        "JOIN post p ON p.id = cand.post_id JOIN thread t ON t.id = p.thread_id "
        f"WHERE {where} ORDER BY cand.post_id DESC LIMIT {wanted}), (SELECT COUNT(*) FROM cand)"
    )
    ids, fetched = db.execute_sql(sql, [*params, *params_where]).fetchone()
    if len(ids) >= enough or fetched < fetch:
        return ids
    sql = (
        "SELECT s.post_id FROM post_search s JOIN post p ON p.id = s.post_id "
        f"JOIN thread t ON t.id = p.thread_id WHERE {matching} AND {where} "
        f"ORDER BY s.post_id DESC LIMIT {wanted}"
    )
    return [row[0] for row in db.execute_sql(sql, [*params, *params_where]).fetchall()]
