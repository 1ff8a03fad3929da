"""Benchmark data: `flask --app forum seed-bench --members N --organisations N --threads N --posts N`.

Unlike seed-demo this does not go through the domain functions: a million posts one transaction
at a time would take hours. Rows are built in memory and written with insert_many, in batches,
a transaction per few batches, with ids chosen here so that posts can name their threads without
reading them back. Every denormalised counter (a thread's post count and last post, a category's
counts and latest thread, a member's report count) is computed from the rows written, so the data
obeys the same invariants as data made by members. Markdown is rendered once per message
template, not once per post: rendering is the slowest step of posting.

The first category holds most threads (so its deep pages exist) and the first thread is long
(up to 5,000 posts): the benchmark reads its first and last pages.
"""

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from werkzeug.security import generate_password_hash

from ..models import (
    Acceptance,
    Category,
    DocumentVersion,
    Member,
    Organisation,
    Post,
    ReadState,
    Thread,
    utcnow,
)
from ..models import search as search_index
from ..models.db import db
from ..models.directory import REGIONS, Expertise, MemberExpertise
from ..models.reports import Report
from ..services.text import render_markdown
from .bench_rows import Writer, is_postgres, next_id, reset_sequences
from .bench_words import (
    CATEGORIES,
    EXPERTISE,
    EXTRAS,
    FIRST,
    JOBS,
    LAST,
    ORG_KINDS,
    ORG_WORDS,
    SECTORS,
    SENTENCES,
)

BENCH_PASSWORD = "bench password"
BENCH_MEMBER = "bench@bench.example"
BENCH_STAFF = "bench-staff@bench.example"
LONG_THREAD_POSTS = 5000
@dataclass
class Sizes:
    members: int
    organisations: int
    threads: int
    posts: int


def _templates(rng, count: int) -> list[tuple[str, str]]:
    """(markdown, html) for messages from one line to several paragraphs, each rendered once."""
    templates = []
    for i in range(count):
        paragraphs = []
        for _ in range(1 + i % 5):
            paragraphs.append(" ".join(rng.sample(SENTENCES, 1 + rng.randrange(4))))
        markdown = "\n\n".join(paragraphs) + rng.choice(EXTRAS)
        templates.append((markdown, render_markdown(markdown)))
    return templates


def total_rows(sizes: Sizes) -> int:
    """Roughly how many rows seed() writes, for the progress bar's length."""
    return sizes.organisations + sizes.members * 6 + sizes.threads + sizes.posts + sizes.posts // 200


def seed(sizes: Sizes, *, force: bool = False, seed: int = 12, progress=lambda n: None) -> dict:
    """Fill the database; returns what was made and how to sign in. Refuses a database that
    already has members unless `force` (benchmark rows would bury real ones)."""
    if sizes.members < 2 or sizes.threads < 1 or sizes.posts < sizes.threads:
        raise ValueError("Need at least 2 members, 1 thread, and as many posts as threads.")
    if not force and Member.select().exists():
        raise RuntimeError("This database already has members: use --force to add benchmark data anyway.")
    rng = random.Random(seed)
    if not is_postgres():
        # Benchmark data can be made again: durability per commit is not worth its fsyncs here.
        db.execute_sql("PRAGMA synchronous = OFF")
    writer = Writer(progress)
    now = utcnow()
    org_ids = _organisations(writer, rng, sizes.organisations)
    member_ids = _members(writer, rng, sizes.members, org_ids, now)
    categories = _categories(rng)
    threads = _threads(writer, rng, sizes, categories, member_ids, now)
    reports = _reports(writer, rng, threads, member_ids, sizes.posts // 200)
    _read_states(writer, rng, threads, member_ids, now)
    _finish_categories(categories, threads)
    # Rows written in bulk bypass posting, which keeps the search index: index them in one go.
    search_index.rebuild()
    reset_sequences([Organisation, Member, Category, Thread, Post, Report, ReadState, Acceptance,
                      Expertise, MemberExpertise])
    if is_postgres():
        # Statistics for the rows just written, as autovacuum would gather them later: without
        # them PostgreSQL's planner took a category of 1,174 threads for 5 and joined them all
        # before sorting (a category's first page 5.7 ms, 0.9 ms once analysed).
        db.execute_sql("ANALYZE")
    return {
        "members": len(member_ids),
        "organisations": len(org_ids),
        "threads": len(threads),
        "posts": sum(t["post_count"] for t in threads),
        "reports": reports,
        "long_thread": threads[0]["id"],
        "long_thread_posts": threads[0]["post_count"],
        "category": categories[0].slug,
        "member": BENCH_MEMBER,
        "staff": BENCH_STAFF,
        "password": BENCH_PASSWORD,
    }


def _organisations(writer, rng, count):
    first = next_id(Organisation)
    ids = list(range(first, first + count))
    about = [(md, render_markdown(md)) for md in (
        "We bring neighbours together across languages and faiths.",
        "A small charity running **clubs, advice and events** for new arrivals.",
        "Research and training for people doing cohesion work.",
    )]
    now = utcnow()

    def rows():
        for i in ids:
            name = f"{rng.choice(ORG_WORDS)} {rng.choice(ORG_KINDS)} {i}"
            md, html = rng.choice(about)
            yield (i, name, name.lower(), now, md, html, "", rng.choice(REGIONS), rng.choice(SECTORS))

    writer.write(Organisation, [Organisation.id, Organisation.name, Organisation.name_key,
                                Organisation.created_at, Organisation.description_md,
                                Organisation.description_html, Organisation.website,
                                Organisation.region, Organisation.sector], rows())
    return ids


def _members(writer, rng, count, org_ids, now):
    first = next_id(Member)
    ids = list(range(first, first + count))
    # One hash for every account: hashing is deliberately slow, and they share a password.
    password_hash = generate_password_hash(
        BENCH_PASSWORD, method=current_app.config["PASSWORD_HASH_METHOD"]
    )
    versions = DocumentVersion.current_versions()
    accepted = json.dumps(versions, sort_keys=True)
    bios = [(md, render_markdown(md)) for md in (" ".join(rng.sample(SENTENCES, 2)) for _ in range(20))]

    def email(i):
        if i == first:
            return BENCH_MEMBER
        return BENCH_STAFF if i == first + 1 else f"member{i}@bench.example"

    def rows():
        for i in ids:
            bio_md, bio_html = rng.choice(bios)
            joined = now - timedelta(days=rng.uniform(1, 900))
            yield (
                i, email(i), f"{rng.choice(FIRST)} {rng.choice(LAST)}", password_hash,
                "staff" if i == first + 1 or rng.random() < 0.002 else "member", "active",
                rng.choice(org_ids) if org_ids and rng.random() < 0.85 else None,
                rng.choice(JOBS), rng.choice(REGIONS), now, joined, accepted, joined, bio_md, bio_html,
                rng.random() < 0.95, now - timedelta(hours=rng.uniform(0, 2000)),
                rng.choice(("shared", "shared", "anyone", "nobody")),
            )

    writer.write(Member, [Member.id, Member.email, Member.name, Member.password_hash, Member.role,
                          Member.status, Member.organisation, Member.job_title, Member.region,
                          Member.email_verified_at, Member.reviewed_at, Member.accepted_versions,
                          Member.created_at, Member.bio_md, Member.bio_html, Member.listed,
                          Member.last_active_at, Member.contact_policy], rows())
    writer.write(Acceptance, [Acceptance.member, Acceptance.document, Acceptance.version],
                 ((i, doc, v) for i in ids for doc, v in versions.items()))
    expertise_ids = []
    for name in EXPERTISE:
        row = Expertise.get_or_none(Expertise.name_key == Expertise.key_for(name))
        expertise_ids.append((row or Expertise.create(name=name, name_key=Expertise.key_for(name))).id)
    writer.write(MemberExpertise, [MemberExpertise.member, MemberExpertise.expertise],
                 ((i, e) for i in ids for e in rng.sample(expertise_ids, rng.randrange(4))))
    return ids


def _categories(rng):
    made = []
    position = (Category.select(Category.position).order_by(Category.position.desc()).limit(1).scalar() or 0)
    for i, (name, description, read_access, _) in enumerate(CATEGORIES):
        taken = Category.select().where(Category.name == name).exists()
        suffix = f" {rng.randrange(10**6)}" if taken else ""
        slug = (name + suffix).lower().replace(" ", "-")
        made.append(Category.create(name=name + suffix, slug=slug, description=description,
                                    read_access=read_access, position=position + i + 1))
    return made


def _post_counts(rng, sizes: Sizes) -> list[int]:
    """Posts per thread: the first thread long, the rest with a long tail, as forums have."""
    counts = [1] * sizes.threads
    counts[0] = min(LONG_THREAD_POSTS, sizes.posts - sizes.threads + 1)
    spare = sizes.posts - sum(counts)
    if spare and sizes.threads > 1:
        weights = [rng.paretovariate(1.3) for _ in range(sizes.threads - 1)]
        for index, extra in Counter(rng.choices(range(1, sizes.threads), weights, k=spare)).items():
            counts[index] += extra
    elif spare:
        counts[0] += spare
    return counts


def _threads(writer, rng, sizes, categories, member_ids, now):
    """Threads and their posts; returns each thread's counters for the categories and reports."""
    counts = _post_counts(rng, sizes)
    templates = _templates(rng, 60)
    weights = [c[3] for c in CATEGORIES]
    first_thread, first_post = next_id(Thread), next_id(Post)
    threads = []
    for i, count in enumerate(counts):
        category = categories[0] if i == 0 else rng.choices(categories, weights)[0]
        gap = timedelta(minutes=10) if i == 0 else timedelta(minutes=rng.uniform(5, 600))
        start = now - timedelta(days=rng.uniform(0, 720)) - gap * count
        threads.append({
            "id": first_thread + i, "category": category,
            # Not the bench member, who reports a post of the long thread (nobody reports their own).
            "author": member_ids[-1] if i == 0 else rng.choice(member_ids),
            "title": " ".join(rng.sample(SENTENCES, 1))[:-1][:150], "post_count": count,
            "start": start, "gap": gap, "last_author": None, "last_post_at": start,
        })
    next_post = [first_post]
    for thread in threads:
        thread["first_post_id"] = next_post[0]
        next_post[0] += thread["post_count"]

    post_seed = rng.random()

    def post_rows():
        # Its own generator, so the posts can be generated twice alike (see below).
        prng = random.Random(post_seed)
        for thread in threads:
            for number in range(1, thread["post_count"] + 1):
                author = thread["author"] if number == 1 else prng.choice(member_ids)
                at = thread["start"] + thread["gap"] * (number - 1)
                md, html = prng.choice(templates)
                roll = prng.random()
                status = "withdrawn" if roll < 0.004 else "hidden" if roll < 0.006 else "visible"
                thread["last_author"], thread["last_post_at"] = author, at
                yield (thread["first_post_id"] + number - 1, thread["id"], author, number, md, html,
                       status, at)

    def thread_rows():
        for t in threads:
            yield (t["id"], t["category"].id, t["author"], t["title"],
                   rng.choice(("credit", "credit", "members", "ask")), False, rng.random() < 0.01,
                   "visible", t["post_count"], t["last_post_at"], t["last_author"], t["start"])

    # Post rows decide each thread's last author and time, so they are built first, but threads
    # must be inserted first (the foreign key): the generator fills them in as it goes.
    post_fields = [Post.id, Post.thread, Post.author, Post.number, Post.body_md, Post.body_html,
                   Post.status, Post.created_at]
    rows = list(post_rows()) if sizes.posts <= 200_000 else None
    if rows is None:
        # Too many to hold at once: one pass for last authors and times, then stream the posts.
        for _ in post_rows():
            pass
    writer.write(Thread, [Thread.id, Thread.category, Thread.author, Thread.title, Thread.sharing,
                          Thread.pinned, Thread.locked, Thread.status, Thread.post_count,
                          Thread.last_post_at, Thread.last_author, Thread.created_at], thread_rows())
    writer.write(Post, post_fields, rows if rows is not None else post_rows())
    return threads


def _reports(writer, rng, threads, member_ids, count):
    """Reports on posts, from random members: a few open, most decided. The bench member has
    reported a post of the long thread, so its page runs the 'what have I reported' query."""
    seen = set()
    made = Counter()
    rows = []
    long = threads[0]
    candidates = [(member_ids[0], long["first_post_id"] + long["post_count"] - 1, long["author"])]
    for _ in range(count):
        thread = rng.choice(threads)
        number = rng.randrange(thread["post_count"])
        candidates.append((rng.choice(member_ids), thread["first_post_id"] + number, thread["author"]))
    for reporter, post_id, subject in candidates:
        if (reporter, post_id) in seen:
            continue
        seen.add((reporter, post_id))
        made[reporter] += 1
        status = rng.choice(("open", "dismissed", "actioned", "dismissed"))
        rows.append((reporter, "post", post_id, subject, rng.choice(("uncivil", "spam", "other")),
                     status, utcnow()))
    writer.write(Report, [Report.reporter, Report.target_type, Report.target_id, Report.subject,
                          Report.reason, Report.status, Report.created_at], rows)
    # Subjects are approximate (the thread's author), which is enough for a benchmark's queue.
    with db.atomic():
        for reporter, n in made.items():
            Member.update(report_count=Member.report_count + n).where(Member.id == reporter).execute()
    return len(rows)


def _read_states(writer, rng, threads, member_ids, now):
    """Each member has read a few threads, some to the end and some part way."""
    def rows():
        for member in member_ids:
            picked = {0} if member == member_ids[0] else set()
            picked.update(rng.randrange(len(threads)) for _ in range(min(len(threads), 5)))
            for index in picked:
                thread = threads[index]
                read = thread["post_count"] if rng.random() < 0.6 or index == 0 else rng.randint(
                    1, thread["post_count"])
                yield (member, thread["id"], read, now)

    writer.write(ReadState, [ReadState.member, ReadState.thread, ReadState.last_read,
                             ReadState.updated_at], rows())


def _finish_categories(categories, threads):
    by_category = {c.id: [] for c in categories}
    for thread in threads:
        by_category[thread["category"].id].append(thread)
    with db.atomic():
        for category in categories:
            mine = by_category[category.id]
            latest = max(mine, key=lambda t: (t["last_post_at"], t["id"])) if mine else None
            Category.update(
                thread_count=len(mine),
                post_count=sum(t["post_count"] for t in mine),
                last_post_at=latest["last_post_at"] if latest else None,
                last_thread_id=latest["id"] if latest else None,
                last_thread_title=latest["title"] if latest else "",
            ).where(Category.id == category.id).execute()
