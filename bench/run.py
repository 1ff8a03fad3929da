"""make bench: throughput, latency, queries and weight of the forum's main pages, on benchmark data.

One run:
1. seeds a benchmark database (`flask seed-bench`) unless one of this size is already there:
   a SQLite file under bench/data/, or FORUM_DATABASE_URL (PostgreSQL works the same way);
2. in process, signed in as the benchmark member, counts the queries each page runs and weighs its
   HTML, raw and compressed as the load generator asks for it;
3. serves the forum with gunicorn (several workers, as in production), the same forum with the
   visitors' page cache off (FORUM_PAGE_CACHE=off), and beside them the floor: a bare Flask app
   answering with the same bytes as the thread page, served the same way;
4. loads each page and the floor in turn with CONNECTIONS concurrent keep-alive connections of a
   signed-in member (wrk when it is on PATH, else bench/loadgen.py), then the thread page as a
   visitor (no cookie) from the page cache and from the forum without it, and measures requests
   per second and p50/p95/p99 latency;
5. prints the tables (bench/report.py), each page's requests per second also as a ratio to the
   floor, checks the issue's targets, and writes everything to bench/results.json.

The page cache is in each worker's memory, or in Redis when FORUM_CACHE_URL is set (the case of
several app servers).

    python bench/run.py [--size quick|full] [--duration S] [--connections N] [--workers N] [--profile]

BENCH_SIZE=full sets the size too. Figures are noisy on a shared machine: compare the ratios within
one run, not the absolute numbers across runs.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from report import VISITOR_CACHED, VISITOR_DRAWN, print_table, targets

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

SIZES = {
    # A smoke test of the benchmark itself, in seconds.
    "tiny": {"members": 200, "organisations": 40, "threads": 3000, "posts": 15_000},
    # Enough threads in the first category for its page 1,000 (40% of threads, 30 a page), and
    # a thread of 5,000 posts: the deep pages the issue asks about, in a couple of minutes.
    "quick": {"members": 2000, "organisations": 400, "threads": 80_000, "posts": 250_000},
    "full": {"members": 10_000, "organisations": 2000, "threads": 100_000, "posts": 1_000_000},
}
# What Chromium sends: the forum answers with zstd, the cheapest of them to make.
ACCEPT_ENCODING = "gzip, deflate, br, zstd"
# A row of the table that is not a page: the forum answering with the thread page's bytes and no
# page work (bench/app_floor.py).
APP_FLOOR = "forum, same bytes, no work"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the database ------------------------------------------------------------------------------


def environment(args) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    instance = DATA / "instance"
    instance.mkdir(exist_ok=True)
    url = os.environ.get("FORUM_DATABASE_URL") or f"sqlite:///{DATA / f'bench-{args.size}.sqlite3'}"
    return {
        **os.environ,
        "FORUM_DATABASE_URL": url,
        "FORUM_INSTANCE_PATH": str(instance),
        "FORUM_RATELIMIT_STORAGE_URL": "memory://",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }


def flask(env, *args):
    subprocess.run([str(Path(sys.executable).parent / "flask"), "--app", "forum", *args],
                   env=env, cwd=ROOT, check=True)


def prepare_database(env, size: str):
    flask(env, "db", "upgrade")
    app = make_app(env)
    from forum.commands.bench_data import BENCH_MEMBER
    from forum.models import Member

    with app.app_context():
        seeded = Member.select().where(Member.email == BENCH_MEMBER).exists()
        members = Member.select().count()
    if seeded:
        print(f"Using the benchmark data already in {redact(env['FORUM_DATABASE_URL'])}.")
        return
    if members:
        raise SystemExit("That database has members but no benchmark data: use an empty database.")
    sizes = SIZES[size]
    started = time.monotonic()
    flask(env, "seed-bench", *(f"--{k}={v}" for k, v in sizes.items()))
    print(f"Seeded in {time.monotonic() - started:.0f} s.")


def redact(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url)


def make_app(env):
    for key in ("FORUM_DATABASE_URL", "FORUM_INSTANCE_PATH", "FORUM_RATELIMIT_STORAGE_URL"):
        os.environ[key] = env[key]
    from forum import create_app

    return create_app()


# -- the pages ---------------------------------------------------------------------------------


def pages(app) -> list[tuple[str, str]]:
    """(name, path) of each page measured; search and notifications when the forum has them."""
    from forum.commands.bench_data import BENCH_MEMBER
    from forum.models import THREADS_PER_PAGE, Category, Member, Thread
    from forum.services.categories import Cursor

    with app.app_context():
        long = Thread.select().order_by(Thread.post_count.desc(), Thread.id).first()
        category = Category.select().order_by(Category.thread_count.desc()).first()
        unpinned = Thread.select().where(
            (Thread.category == category) & (Thread.pinned == False) & (Thread.status != "removed")  # noqa: E712
        )
        deep = min(1000, max(1, unpinned.count() // THREADS_PER_PAGE))
        # The cursor page 1,000 would carry: after the last thread of page 999 (pinned ones come
        # on page 1 only, so counting unpinned threads is close enough for a benchmark).
        last_of_previous = (
            unpinned.order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .offset((deep - 1) * THREADS_PER_PAGE - 1).limit(1).first()
        )
        member = Member.get(Member.email == BENCH_MEMBER)
        words = (member.name.split() or ["a"])[0]
    deep_path = f"/c/{category.slug}"
    if deep > 1:
        deep_path += "?" + urlencode({"before": str(Cursor.after(last_of_previous))})
    found = [
        ("home", "/"),
        ("category p1", f"/c/{category.slug}"),
        (f"category p{deep}", deep_path),
        ("thread first", f"/t/{long.id}?page=1"),
        (f"thread last ({long.post_count} posts)", f"/t/{long.id}?page={long.last_page}"),
        ("directory search", "/members?" + urlencode({"q": words})),
    ]
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    if "/search" in rules:
        found.append(("forum search", "/search?" + urlencode({"q": "volunteers training"})))
    for rule in ("/notifications", "/me/notifications"):
        if rule in rules:
            found.append(("notifications", rule))
    return found


def sign_in_test_client(app):
    from forum.commands.bench_data import BENCH_MEMBER, BENCH_PASSWORD

    client = app.test_client()
    response = client.post("/sign-in", data={"email": BENCH_MEMBER, "password": BENCH_PASSWORD,
                                             "csrf_token": csrf_from(client.get("/sign-in").get_data(True))})
    if response.status_code != 302:
        raise SystemExit(f"Could not sign in as {BENCH_MEMBER} in process ({response.status_code}).")
    return client


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    return next(g for g in match.groups() if g) if match else ""


def weigh(app, client, path: str) -> dict:
    """Queries, raw and compressed bytes of one page, in process."""
    from forum.models.db import db

    statements = []
    database = db.obj
    original = database.execute_sql

    def counting(sql, params=None, *a, **kw):
        statements.append(sql)
        return original(sql, params, *a, **kw)

    database.execute_sql = counting
    try:
        plain = client.get(path)
    finally:
        database.execute_sql = original
    if plain.status_code != 200:
        raise SystemExit(f"{path} answered {plain.status_code} in process.")
    packed = client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
    gzip = client.get(path, headers={"Accept-Encoding": "gzip"})
    return {
        "queries": len(statements),
        "html_bytes": len(plain.get_data()),
        "compressed_bytes": len(packed.get_data()),
        "encoding": packed.headers.get("Content-Encoding", ""),
        "gzip_bytes": len(gzip.get_data()),
        "_body": packed.get_data(),
        "_html": plain.get_data(),
        "_headers": {k: v for k, v in packed.headers.items()
                     if k in ("Content-Encoding", "Vary", "Cache-Control", "ETag")},
    }


def profile(app, client, path: str, requests: int = 300) -> str:
    """pyinstrument over many in-process requests of one page: where its time goes."""
    from pyinstrument import Profiler

    for _ in range(20):
        client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
    profiler.stop()
    return profiler.output_text(unicode=True, color=False, show_all=False)


# -- the servers and the load ----------------------------------------------------------------


class Server:
    def __init__(self, name, app_spec, env, workers, chdir=ROOT):
        self.name, self.port = name, free_port()
        log = open(DATA / f"{name}.log", "ab")  # noqa: SIM115 (the server writes to it until stopped)
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--workers", str(workers),
             "--bind", f"127.0.0.1:{self.port}", "--chdir", str(chdir), app_spec],
            env=env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/")
                if conn.getresponse().status < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"The {name} server did not start: see {DATA / f'{name}.log'}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def sign_in_http(server) -> str:
    """The session cookie of the benchmark member, signed in through the server like a browser."""
    from forum.commands.bench_data import BENCH_MEMBER, BENCH_PASSWORD

    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request("GET", "/sign-in")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
    body = urlencode({"email": BENCH_MEMBER, "password": BENCH_PASSWORD, "csrf_token": csrf_from(html)})
    conn.request("POST", "/sign-in", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"Could not sign in through the server ({response.status}).")
    return (response.getheader("Set-Cookie") or cookie).split(";", 1)[0]


def load(url, headers: dict, connections: int, duration: float) -> dict:
    wrk = shutil.which("wrk")
    if wrk:
        # A generous timeout: a slow answer should count in the latencies, not vanish as an error.
        command = [wrk, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   "--timeout", "30s", "-s", str(BENCH / "wrk_report.lua")]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
        result = json.loads(output.strip().splitlines()[-1])
        result["generator"] = "wrk"
        return result
    import loadgen

    result = loadgen.run(url, headers, connections, duration)
    result["generator"] = "bench/loadgen.py"
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=SIZES, default=os.environ.get("BENCH_SIZE", "quick"))
    parser.add_argument("--duration", type=float, default=None, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers for each server")
    parser.add_argument("--profile", action="store_true", help="also profile the thread page (pyinstrument)")
    parser.add_argument("--out", default=str(BENCH / "results.json"))
    args = parser.parse_args()
    duration = args.duration or (5 if args.size == "quick" else 15)

    env = environment(args)
    prepare_database(env, args.size)
    app = make_app(env)
    client = sign_in_test_client(app)
    measured = {name: {"path": path, **weigh(app, client, path)} for name, path in pages(app)}
    thread_page = next(r for n, r in measured.items() if n == "thread first")
    visitor = app.test_client()
    drawn = weigh(app, visitor, thread_page["path"])  # the first visit draws the page and keeps it
    kept = weigh(app, visitor, thread_page["path"])  # from the page cache: no query
    visitor_rows = {
        VISITOR_CACHED: {"path": thread_page["path"], **kept, "server": "forum"},
        VISITOR_DRAWN: {"path": thread_page["path"], **drawn, "server": "uncached"},
    }
    (DATA / "floor-body").write_bytes(thread_page["_body"])
    (DATA / "floor-html").write_bytes(thread_page["_html"])
    floor_env = {**env, "BENCH_FLOOR_BODY": str(DATA / "floor-body"),
                 "BENCH_FLOOR_HEADERS": json.dumps(thread_page["_headers"])}
    profile_text = profile(app, client, thread_page["path"]) if args.profile else None

    forum = Server("forum", "forum:create_app()", env, args.workers)
    # The same forum with the visitors' page cache off: a visitor's page drawn every time.
    drawing = Server("forum-uncached", "forum:create_app()", {**env, "FORUM_PAGE_CACHE": "off"}, args.workers)
    floor = Server("floor", "floor:create_app()", floor_env, args.workers, chdir=BENCH)
    app_floor = Server("app-floor", "app_floor:create_app()",
                       {**env, "BENCH_FLOOR_HTML": str(DATA / "floor-html"),
                        "PYTHONPATH": os.pathsep.join([str(BENCH), env["PYTHONPATH"]])}, args.workers)
    try:
        cookie = sign_in_http(forum)
        headers = {"Cookie": cookie, "Accept-Encoding": ACCEPT_ENCODING}
        print(f"Loading each page for {duration:g} s with {args.connections} connections, "
              f"{args.workers} gunicorn workers, {'wrk' if shutil.which('wrk') else 'bench/loadgen.py'}; "
              f"visitors' page cache {'in Redis' if env.get('FORUM_CACHE_URL') else 'in process'}.")
        rows = {}
        for name, row in measured.items():
            load(forum.url(row["path"]), headers, args.connections, 1)  # warm up: caches, connections
            result = load(forum.url(row["path"]), headers, args.connections, duration)
            rows[name] = {**{k: v for k, v in row.items() if not k.startswith("_")}, **result}
            if result["errors"]:
                print(f"  {name}: {result['errors']} errors (non-200 or failed requests)")
        # A visitor: no cookie at all, so the page cache answers (or, on the other server, draws).
        servers = {"forum": forum, "uncached": drawing}
        for name, row in visitor_rows.items():
            url = servers[row["server"]].url(row["path"])
            load(url, {"Accept-Encoding": ACCEPT_ENCODING}, args.connections, 1)
            result = load(url, {"Accept-Encoding": ACCEPT_ENCODING}, args.connections, duration)
            rows[name] = {**{k: v for k, v in row.items() if not k.startswith("_")}, **result}
        load(floor.url("/"), headers, args.connections, 1)
        floor_row = load(floor.url("/"), headers, args.connections, duration)
        # The forum's own handling of any request, with the thread page's bytes and no page work.
        import app_floor as app_floor_module

        load(app_floor.url(app_floor_module.PATH), headers, args.connections, 1)
        app_floor_row = load(app_floor.url(app_floor_module.PATH), headers, args.connections, duration)
        rows[APP_FLOOR] = app_floor_row
    finally:
        forum.stop()
        drawing.stop()
        floor.stop()
        app_floor.stop()

    print_table(rows, floor_row)
    checks = targets(rows, floor_row)
    print("\nTargets:")
    for text, ok, figure in checks:
        print(f"  [{'met' if ok else 'MISSED'}] {text}: {figure}")
    result = {
        "size": args.size, "database": redact(env["FORUM_DATABASE_URL"]).split(":", 1)[0],
        "page_cache": "redis" if env.get("FORUM_CACHE_URL") else "in process",
        "workers": args.workers, "connections": args.connections, "seconds_per_page": duration,
        "accept_encoding": ACCEPT_ENCODING, "pages": rows, "floor": floor_row,
        "targets": [{"target": t, "met": ok, "figure": f} for t, ok, f in checks],
        "cpus": os.cpu_count(),
    }
    if profile_text:
        (BENCH / "profile-thread.txt").write_text(profile_text)
        result["profile"] = str((BENCH / "profile-thread.txt").relative_to(ROOT))
        print(f"\nProfile of the thread page: {result['profile']}")
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"Results written to {args.out}.")


if __name__ == "__main__":
    main()
