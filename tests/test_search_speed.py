"""How fast search is over a large table: 50,000 posts inserted in bulk, then the kinds of search
people make. Prints the times (run with -s to see them); the bound only catches a query that has
lost its index, since CI machines vary."""

import random
import time

import pytest

from forum.models import Category, Member, Post, Thread, utcnow
from forum.models import search as index
from forum.models.db import db
from forum.services import search

WORDS = (  # noqa: SIM905
    "youth housing english refugee arts sport faith women health community garden volunteer "
    "funding training mentoring school family language employment welcome kitchen music theatre "
    "library council charity advice clinic festival football"
).split()


# Word frequencies follow Zipf's law, as in real text; the named words rank 30th to 60th, so each
# is in roughly 5-10% of posts, like a forum's topic words, and the rest are rarer.
VOCABULARY = [f"w{i}" for i in range(30)] + WORDS + [f"w{i}" for i in range(30, 5000)]
WEIGHTS = [1 / rank for rank in range(1, len(VOCABULARY) + 1)]


def build(app, make_member, posts=50_000, per_thread=10):
    random.seed(10)
    author = make_member("author@example.org", name="Busy Author")
    with app.app_context(), db.atomic():
        categories = [Category.create(name=f"Cat {i}", slug=f"cat-{i}") for i in range(5)]
        now = utcnow()
        threads = [
            {
                "category": categories[i % 5].id,
                "author": author.id,
                "title": " ".join(random.choices(VOCABULARY, WEIGHTS, k=4)),
                "post_count": per_thread,
                "last_post_at": now,
                "created_at": now,
            }
            for i in range(posts // per_thread)
        ]
        for start in range(0, len(threads), 1000):
            Thread.insert_many(threads[start : start + 1000]).execute()
        thread_ids = [t.id for t in Thread.select(Thread.id).order_by(Thread.id)]
        rows = []
        for thread_id in thread_ids:
            for number in range(1, per_thread + 1):
                text = " ".join(random.choices(VOCABULARY, WEIGHTS, k=40)) + f" word{random.randrange(5000)}"
                rows.append({
                    "thread": thread_id, "author": author.id, "number": number, "body_md": text,
                    "body_html": text, "created_at": now,
                })
        for start in range(0, len(rows), 1000):
            Post.insert_many(rows[start : start + 1000]).execute()
        count = index.rebuild()
    with app.app_context():
        if index.is_postgres():
            db.execute_sql("ANALYZE")
    return count


@pytest.mark.slow
def test_search_over_fifty_thousand_posts(app, make_member):
    count = build(app, make_member)
    assert count == 50_000
    with app.app_context():
        viewer = Member.get(Member.email == "author@example.org")
        for label, args in [
            ("rare word", {"q": "word1234"}),
            ("two common words, relevance", {"q": "housing garden"}),
            ("one common word, by date", {"q": "festival", "order": "date"}),
            ("common word, deep page", {"q": "music", "page": "40"}),
            ("no match", {"q": "zzzzzz"}),
            ("the most common word (in most posts), relevance", {"q": "w0"}),
            ("the most common word, by date", {"q": "w0", "order": "date"}),
            ("category and author only", {"category": "cat-3", "author": "Busy Author"}),
        ]:
            started = time.perf_counter()
            results = search.search(viewer, search.read_query(args))
            took = (time.perf_counter() - started) * 1000
            print(f"\n{'postgresql' if index.is_postgres() else 'sqlite'}: {label}: {took:.1f} ms, "
                  f"{len(results.hits)} hits")
            assert took < 5000, (label, took)
