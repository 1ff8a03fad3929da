"""How long a forum search takes on benchmark data: p50 and p95 of each kind of search people make.

    python bench/search.py [--size tiny|quick|full] [--repeat N]

Uses (and seeds, if it is not there yet) the same database as bench/run.py: a SQLite file under
bench/data/ for the size, or FORUM_DATABASE_URL (PostgreSQL works the same way; use a database of
its own). Each search runs in process, signed in as the benchmark member (who may read the
members-only categories), once to warm up and then --repeat times, and is timed twice: the
search alone (services.search.search: every query it runs, excerpts included) and the whole
page through the Flask test client (the search plus rendering). The issue's target is a search
under 100 ms over a million posts (--size full). "cpu" is this process's CPU time for the search
alone: on SQLite that is the whole of the search's work, and it is less disturbed by other
processes on the machine than the wall-clock times.

The benchmark's posts are made from a dozen sentences, so every word in them is common (the
rarest is in several percent of posts): "rare word" is the rarest there is, and "no match" a
word in no post. Figures are noisy on a shared machine: run it when the machine is quiet.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import SIZES, environment, make_app, prepare_database, redact, sign_in_test_client  # noqa: E402


def searches(app) -> list[tuple[str, dict]]:
    """(label, query string) of each search measured."""
    from forum.models import Category, Member, Post

    with app.app_context():
        big = Category.select().order_by(Category.post_count.desc()).first()
        small = Category.select().where(Category.post_count > 0).order_by(Category.post_count).first()
        # The author of the newest post: an active member, as a reader would look one up.
        author = Member.get_by_id(Post.select(Post.author).order_by(Post.id.desc()).first().author_id)
        newest = Post.select(Post.created_at).order_by(Post.created_at.desc()).first().created_at
    month_ago = newest.date().fromordinal(newest.date().toordinal() - 30).isoformat()
    return [
        ("common word (in 3 posts of 4)", {"q": "volunteers"}),
        ("two common words", {"q": "volunteers training"}),
        ("rarer word (in 1 post of 10)", {"q": "induction"}),
        ("no match", {"q": "zanzibar"}),
        ('"phrase" (read as words)', {"q": '"shared meals"'}),
        ("common word, by date", {"q": "volunteers", "order": "date"}),
        ("common word, page 50", {"q": "volunteers", "page": "50"}),
        (
            f"common word, small category ({small.post_count:,} posts)",
            {"q": "volunteers", "category": small.slug},
        ),
        (f"common word, big category ({big.post_count:,} posts)", {"q": "volunteers", "category": big.slug}),
        ("common word, by an author", {"q": "volunteers", "author": author.name}),
        ("common word, last 30 days", {"q": "volunteers", "since": month_ago}),
        ("small category, no words", {"category": small.slug}),
        ("an author, no words, by date", {"author": author.name, "order": "date"}),
    ]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(app, client, args: dict, repeat: int) -> dict:
    from forum.commands.bench_data import BENCH_MEMBER
    from forum.models import Member
    from forum.services import search

    path = "/search?" + urlencode(args)
    alone, cpu, page = [], [], []
    with app.app_context():
        viewer = Member.get(Member.email == BENCH_MEMBER)
        for i in range(repeat + 1):
            started, started_cpu = time.perf_counter(), time.process_time()
            results = search.search(viewer, search.read_query(args))
            if i:
                alone.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
    for i in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path)
        if i:
            page.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}.")
    return {
        "hits": len(results.hits),
        "problems": results.query.problems,
        "search_p50": statistics.median(alone),
        "search_p95": percentile(alone, 95),
        "cpu_p50": statistics.median(cpu),
        "page_p50": statistics.median(page),
        "page_p95": percentile(page, 95),
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=SIZES, default="quick")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    env = environment(args)
    prepare_database(env, args.size)
    app = make_app(env)
    client = sign_in_test_client(app)
    from forum.models import Post

    with app.app_context():
        posts = Post.select().count()
    print(
        f"Search on {redact(env['FORUM_DATABASE_URL']).split(':', 1)[0]}, {posts:,} posts, "
        f"{args.repeat} runs each (ms):"
    )
    print(f"{'search':58} {'hits':>4} {'alone p50':>9} {'p95':>7} {'cpu p50':>7} {'page p50':>9} {'p95':>7}")
    worst = 0.0
    for label, query in searches(app):
        row = measure(app, client, query, args.repeat)
        worst = max(worst, row["search_p95"])
        note = f"  ({'; '.join(row['problems'].values())})" if row["problems"] else ""
        print(
            f"{label:58} {row['hits']:>4} {row['search_p50']:>9.1f} {row['search_p95']:>7.1f} "
            f"{row['cpu_p50']:>7.1f} {row['page_p50']:>9.1f} {row['page_p95']:>7.1f}{note}"
        )
    print(f"Slowest p95 of a search alone: {worst:.1f} ms.")


if __name__ == "__main__":
    main()
