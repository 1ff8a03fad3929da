"""make check-load: nothing lost under load, nor when the server is killed.

For one database (FORUM_DATABASE_URL-style URL, or a fresh SQLite file), it:
1. serves the forum with gunicorn (several workers, as in production);
2. has MEMBERS members, each over their own keep-alive connection and address, post REPLIES
   replies into a few shared threads (half as plain forms, half with htmx), edit some of them and
   report others' posts, all at once; every reply carries a unique marker;
3. checks that every acknowledged reply is stored exactly once, that the counters equal the real
   counts, that nothing answered 5xx, and prints p50/p99 latency;
4. runs the load again and kills the server with SIGKILL in the middle of it, restarts it, and
   checks the database (SQLite's integrity check) and that every reply acknowledged before the
   kill is there, once.
Exit status 0 only when every check holds. Not part of `make test`: it takes minutes.
"""

import argparse
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-check-password-42"
MARKER = re.compile(r"\bload-[0-9a-f]{32}\b")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SUBMISSION = re.compile(r'name="submission"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="submission"')
REVISION = re.compile(r'name="revision"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="revision"')
POST_ID = re.compile(r'href="/p/(\d+)"')


def found(pattern, html) -> str:
    match = pattern.search(html)
    if not match:
        raise RuntimeError(f"{pattern.pattern} not on the page")
    return next(g for g in match.groups() if g is not None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the server --------------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict, workers: int, log: Path):
        self.env, self.workers, self.log = env, workers, log
        self.port = free_port()
        self.process = None

    def start(self):
        gunicorn = Path(sys.executable).parent / "gunicorn"
        out = open(self.log, "ab")  # noqa: SIM115 (gunicorn writes to it for as long as it runs)
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--graceful-timeout",
                "5",
                "forum:create_app()",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within a minute: see {self.log}")

    def kill(self):
        """SIGKILL to the master and every worker at once: no shutdown code runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


# -- a member in a browser ----------------------------------------------------------------------


class Gone(Exception):
    """The server went away mid-request: whatever was sent is not acknowledged."""


class Member:
    def __init__(self, port: int, email: str, address: str):
        self.port, self.email, self.address = port, email, address
        self.cookies: dict[str, str] = {}
        self.conn = HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method, path, form=None, htmx=False, timings=None):
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if htmx:
            headers["HX-Request"] = "true"
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode()
        except (OSError, ConnectionError) as exc:
            self.conn.close()
            raise Gone(str(exc)) from None
        if timings is not None:
            timings.append((method, response.status, time.perf_counter() - started))
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def sign_in(self, timings):
        _, _, html = self.request("GET", "/sign-in", timings=timings)
        form = {"email": self.email, "password": PASSWORD, "csrf_token": found(CSRF, html)}
        status, _, _ = self.request("POST", "/sign-in", form, timings=timings)
        if status != 302:
            raise RuntimeError(f"{self.email} could not sign in: {status}")


class Load:
    """The shared record of one round: what was acknowledged, refused, and how long it took."""

    def __init__(self):
        self.lock = threading.Lock()
        self.acknowledged: set[str] = set()
        self.own_posts: dict[str, list[int]] = {}
        self.all_posts: list[tuple[int, str]] = []
        self.timings: list[tuple[str, int, float]] = []
        self.problems: list[str] = []
        self.edits = self.reports = 0
        self.gone = threading.Event()


def member_round(member: Member, threads: list[int], replies: int, load: Load):
    timings: list = []
    rng = random.Random(member.email)
    try:
        member.sign_in(timings)
        for n in range(replies):
            if load.gone.is_set():
                break
            thread_id = rng.choice(threads)
            _, _, html = member.request("GET", f"/t/{thread_id}/reply", timings=timings)
            marker = f"load-{uuid.uuid4().hex}"
            form = {
                "csrf_token": found(CSRF, html),
                "submission": found(SUBMISSION, html),
                "message": f"Reply {n} from {member.email}: {marker}",
                "sharing": "",
                "interest": "",
            }
            htmx = n % 2 == 1
            status, headers, body = member.request("POST", f"/t/{thread_id}/reply", form, htmx, timings)
            if (htmx and status == 200 and marker in body) or (not htmx and status == 302):
                with load.lock:
                    load.acknowledged.add(marker)
                if htmx:
                    post_id = int(POST_ID.search(body).group(1))
                    with load.lock:
                        load.own_posts.setdefault(member.email, []).append(post_id)
                        load.all_posts.append((post_id, member.email))
            elif status >= 500:
                load.problems.append(f"{status} on a reply by {member.email}")
            else:
                load.problems.append(f"reply refused with {status} for {member.email}: {body[:200]!r}")
            if n % 10 == 9 and load.own_posts.get(member.email):
                edit(member, rng.choice(load.own_posts[member.email]), load, timings)
            if n % 8 == 7:
                report(member, rng, load, timings)
    except Gone:
        pass  # the server was killed: this member's last request is not acknowledged
    except Exception as exc:  # noqa: BLE001 (reported, and fails the check)
        load.problems.append(f"{member.email}: {type(exc).__name__}: {exc}")
    with load.lock:
        load.timings.extend(timings)


def edit(member, post_id, load, timings):
    status, _, html = member.request("GET", f"/p/{post_id}/edit", timings=timings)
    if status != 200:
        return  # hidden by reports meanwhile: nothing to edit
    message = re.search(r"<textarea[^>]*>\s*(.*?)</textarea>", html, re.S).group(1)
    message = message.replace("&#39;", "'").replace("&amp;", "&").replace("&#34;", '"').replace("&quot;", '"')
    form = {
        "csrf_token": found(CSRF, html),
        "revision": found(REVISION, html),
        "message": message + " (edited)",
        "interest": "",
    }
    status, _, _ = member.request("POST", f"/p/{post_id}/edit", form, timings=timings)
    if status >= 500:
        load.problems.append(f"{status} on an edit by {member.email}")
    elif status in (302, 409):  # 409: edited meanwhile elsewhere, which the form says
        load.edits += 1


def report(member, rng, load, timings):
    with load.lock:
        others = [pid for pid, author in load.all_posts if author != member.email]
    if not others:
        return
    post_id = rng.choice(others)
    status, _, html = member.request("GET", f"/report/post/{post_id}", timings=timings)
    if status != 200:
        return
    form = {"csrf_token": found(CSRF, html), "reason": "other", "note": "Load check report"}
    status, _, _ = member.request("POST", f"/report/post/{post_id}", form, timings=timings)
    if status >= 500:
        load.problems.append(f"{status} on a report by {member.email}")
    elif status == 302:
        load.reports += 1


def run_round(port, emails, threads, replies, kill_after=None, server=None) -> Load:
    load = Load()
    members = [
        Member(port, email, f"10.{i // 250}.{i % 250}.{1 + i % 200}") for i, email in enumerate(emails)
    ]
    workers = [threading.Thread(target=member_round, args=(m, threads, replies, load)) for m in members]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    if kill_after is not None:
        while len(load.acknowledged) < kill_after and any(w.is_alive() for w in workers):
            time.sleep(0.05)
        with load.lock:
            load.before_kill = set(load.acknowledged)
        server.kill()
        load.gone.set()
    for worker in workers:
        worker.join()
    load.seconds = time.perf_counter() - started
    return load


# -- the database, read directly ------------------------------------------------------------------


def app_for(env):
    os.environ.update(env)
    from forum import create_app

    return create_app({"PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def prepare(app, members: int, thread_count: int):
    from forum.models import Category
    from forum.models.db import upgrade
    from forum.services import documents, membership, posting

    with app.app_context():
        upgrade(app.config["MIGRATIONS_DIR"])
        documents.install_shipped()
        emails = [f"load{n}@example.org" for n in range(members)]
        people = [
            membership.create_account(e, f"Load Member {n}", "member", PASSWORD) for n, e in enumerate(emails)
        ]
        category = Category.create(name="Load", slug="load")
        threads = [
            posting.start_thread(
                people[n], category, {"title": f"Busy thread {n}", "message": "Opening"}
            ).thread_id
            for n in range(thread_count)
        ]
    return emails, threads


def verify(app, acknowledged: set[str], sqlite_path: Path | None) -> tuple[list[str], int]:
    """What is wrong with the stored data (nothing, when every check holds), and the replies stored."""
    from forum.models import Post
    from forum.models.db import db

    wrong = [] if sqlite_path is None else _integrity(sqlite_path)
    with app.app_context():
        stored = Counter(m for (body,) in Post.select(Post.body_md).tuples() for m in MARKER.findall(body))
        missing = [m for m in acknowledged if stored[m] == 0]
        twice = [m for m, c in stored.items() if c > 1]
        if missing:
            wrong.append(f"{len(missing)} acknowledged replies are missing")
        if twice:
            wrong.append(f"{len(twice)} replies are stored more than once")
        wrong += _counters_wrong()
        total = sum(stored.values())
    db.close()
    return wrong, total


def _integrity(sqlite_path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(sqlite_path)
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    conn.close()
    return [] if result == "ok" else [f"integrity check: {result}"]


def _counters_wrong() -> list[str]:
    """Each kept counter (a thread's posts, a category's threads and posts, a member's reports)
    against the real count."""
    from forum.models import Category, Member, Post, Thread
    from forum.models.reports import Report

    wrong = []
    for thread in Thread.select():
        numbers = [n for (n,) in Post.select(Post.number).where(Post.thread == thread).tuples()]
        if thread.post_count != len(numbers) or sorted(numbers) != list(range(1, len(numbers) + 1)):
            wrong.append(f"thread {thread.id}: post_count {thread.post_count}, {len(numbers)} posts")
    for category in Category.select():
        posts = Post.select().join(Thread).where(Thread.category == category).count()
        threads = Thread.select().where(Thread.category == category).count()
        if (category.post_count, category.thread_count) != (posts, threads):
            wrong.append(
                f"category {category.slug}: counters {category.post_count}/{category.thread_count}, "
                f"real {posts}/{threads}"
            )
    for member in Member.select():
        real = Report.select().where(Report.reporter == member).count()
        if member.report_count != real:
            wrong.append(f"member {member.id}: report_count {member.report_count}, real {real}")
    return wrong


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def describe(load: Load) -> str:
    writes = [t for m, s, t in load.timings if m == "POST"]
    reads = [t for m, s, t in load.timings if m == "GET"]
    errors = sum(1 for _, s, _ in load.timings if s >= 500)
    return (
        f"{len(load.acknowledged)} replies acknowledged, {load.edits} edits, {load.reports} reports "
        f"in {load.seconds:.1f} s; {len(load.timings)} requests, {errors} answered 5xx; "
        f"POST p50 {percentile(writes, 0.5) * 1000:.0f} ms p99 {percentile(writes, 0.99) * 1000:.0f} ms; "
        f"GET p50 {percentile(reads, 0.5) * 1000:.0f} ms p99 {percentile(reads, 0.99) * 1000:.0f} ms"
    )


def fresh_postgres(server_url: str) -> tuple[str, callable]:
    import psycopg2

    name = f"forum_load_{secrets.token_hex(6)}"

    def admin(sql):
        conn = psycopg2.connect(server_url)
        conn.autocommit = True
        conn.cursor().execute(sql)
        conn.close()

    admin(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(server_url)._replace(path="/" + name))
    return url, lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite", help="sqlite, or a postgresql:// server URL")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--threads", type=int, default=5)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="forum-load-"))
    drop = None
    sqlite_path = None
    if args.database == "sqlite":
        sqlite_path = folder / "forum.sqlite3"
        url = f"sqlite:///{sqlite_path}"
    else:
        url, drop = fresh_postgres(args.database)
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": url,
        "FORUM_INSTANCE_PATH": str(folder),
        "FORUM_SECRET_KEY": secrets.token_hex(16),
        "FORUM_TRUSTED_PROXIES": "1",  # each member comes from an address of its own
        "FORUM_POST_INTERVAL": "0",
        "FORUM_NEW_MEMBER_POST_INTERVAL": "0",
        "FORUM_REPORTS_PER_HOUR": "1000",
    }
    env.pop("FORUM_MAIL_URL", None)
    label = "SQLite" if sqlite_path else "PostgreSQL"
    failures = []
    try:
        app = app_for({k: v for k, v in env.items() if k.startswith("FORUM_")})
        emails, threads = prepare(app, args.members, args.threads)
        server = Server(env, args.workers, folder / "gunicorn.log")
        server.start()
        print(f"== {label}: {args.members} members x {args.replies} replies, {args.workers} gunicorn workers")
        load = run_round(server.port, emails, threads, args.replies)
        print("load:  " + describe(load))
        wrong, total = verify(app, load.acknowledged, sqlite_path)
        failures += [f"load: {w}" for w in wrong + load.problems]
        errors = sum(1 for _, s, _ in load.timings if s >= 500)
        if errors:
            failures.append(f"load: {errors} requests answered 5xx")
        print(
            f"load:  {len(load.acknowledged)} acknowledged, {total} load replies stored"
            + ("" if wrong else ": each acknowledged reply once, counters equal the real counts")
        )

        kill_after = len(load.acknowledged) // 2
        crash = run_round(server.port, emails, threads, args.replies, kill_after=kill_after, server=server)
        print(f"crash: killed the server (SIGKILL) with {len(crash.before_kill)} replies acknowledged")
        server.start()
        # Every acknowledged reply was committed before its answer was sent: all must be there.
        wrong, total = verify(app, crash.acknowledged | load.acknowledged, sqlite_path)
        failures += [f"crash: {w}" for w in wrong]
        status, _, _ = Member(server.port, emails[0], "10.9.9.9").request("GET", "/")
        if status != 200:
            failures.append(f"crash: the restarted server answered {status}")
        print(
            f"crash: restarted; {'integrity check ok, ' if sqlite_path and not wrong else ''}"
            f"{total} load replies stored, every reply acknowledged before the kill is there "
            f"{'once' if not wrong else '- NOT'} (with {len(crash.acknowledged) - len(crash.before_kill)} "
            "acknowledged in the instant of the kill)"
        )
        server.stop()
    finally:
        if drop:
            from forum.models.db import db

            db.close()
            drop()
    for failure in failures:
        print("FAILED " + failure)
    print(f"{label}: {'all checks passed' if not failures else f'{len(failures)} checks failed'}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
