"""The table and the targets `make bench` prints (bench/run.py): each page's requests per second also
as a ratio to the floor, a bare Flask app answering with the thread page's bytes."""

# The thread page three ways: a visitor answered by the page cache, a visitor on a forum with the
# cache off (the page drawn each time), and the signed-in member of every other row ("thread first").
VISITOR_CACHED = "thread: visitor, cached"
VISITOR_DRAWN = "thread: visitor, uncached"
MEMBER = "thread first"


def _find(rows: dict, prefix: str):
    return next((r for name, r in rows.items() if name.startswith(prefix)), None)


def _ratio_check(checks, rows, floor, name, label, least):
    row = rows.get(name) or _find(rows, name)
    if row and floor["rps"]:
        ratio = row["rps"] / floor["rps"]
        checks.append((f"{label} >= {least:.0%} of the floor's requests/s", ratio >= least, f"{ratio:.0%}"))


def targets(rows: dict, floor: dict) -> list[tuple[str, bool, str]]:
    checks = []
    _ratio_check(checks, rows, floor, VISITOR_CACHED, "a visitor's thread page", 0.5)
    _ratio_check(checks, rows, floor, MEMBER, "a member's thread page", 0.2)
    _ratio_check(checks, rows, floor, "home", "the home page (member)", 0.2)
    _ratio_check(checks, rows, floor, "category p1", "a category's first page (member)", 0.2)
    first = _find(rows, "category p1")
    deep = next((r for n, r in rows.items() if n.startswith("category p") and n != "category p1"), None)
    if first and deep:
        ratio = deep["p50"] / first["p50"]
        checks.append(("deep category page within 1.5x of page 1 (p50)", ratio <= 1.5, f"{ratio:.2f}x"))
    thread, last = rows.get(MEMBER), _find(rows, "thread last")
    if thread and last:
        ratio = last["p50"] / thread["p50"]
        checks.append(("last page of the long thread within 1.5x of its first (p50)", ratio <= 1.5,
                       f"{ratio:.2f}x"))
    search = _find(rows, "forum search")
    if search:
        answered = search["requests"] > 0
        checks.append(("forum search p95 under 100 ms", answered and search["p95"] < 100,
                       f"{search['p95']} ms" if answered else "no request answered"))
    for name, row in [*rows.items(), ("floor", floor)]:
        if not row["requests"]:
            checks.append((f"{name}: answered under load", False, "no request answered"))
        ratio = row["p99"] / row["p50"] if row["p50"] else 0
        if ratio > 10:
            checks.append((f"{name}: p99 within 10x of p50", False, f"{ratio:.1f}x"))
    worst = max((r["p99"] / r["p50"] for r in [*rows.values(), floor] if r["p50"]), default=0)
    checks.append(("no page's p99 over 10x its p50", worst <= 10, f"worst {worst:.1f}x"))
    return checks


def _line(name, r, floor):
    return (f"{name:<30} {r['rps']:>8.1f} {r['rps'] / floor['rps']:>8.2f} {r['p50']:>8.2f} "
            f"{r['p95']:>8.2f} {r['p99']:>8.2f} {r.get('queries', ''):>7} {r.get('html_bytes', ''):>8} "
            f"{r.get('compressed_bytes', ''):>7}")


def print_table(rows: dict, floor: dict):
    """The pages a member reads, then the thread page for a visitor (from the cache and drawn) and
    for a member, beside the floor."""
    header = f"{'page':<30} {'req/s':>8} {'x floor':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} " \
             f"{'queries':>7} {'HTML B':>8} {'wire B':>7}"
    thread_rows = (VISITOR_CACHED, VISITOR_DRAWN, MEMBER)
    print("\nSigned in as the benchmark member:\n" + header + "\n" + "-" * len(header))
    for name, r in rows.items():
        if name not in thread_rows[:2]:
            print(_line(name, r, floor))
    print(_line("floor (bare Flask, same bytes)", floor, floor))
    print("\nThe thread page, first page of the long thread:\n" + header + "\n" + "-" * len(header))
    for name in thread_rows:
        if name in rows:
            print(_line(name if name != MEMBER else "thread: member", rows[name], floor))
    print(_line("floor (bare Flask, same bytes)", floor, floor))
