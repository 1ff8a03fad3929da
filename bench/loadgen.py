"""A keep-alive HTTP load generator of our own, for machines without wrk: CONNECTIONS processes,
each with one persistent connection sending GET requests back to back for DURATION seconds.
Processes, not threads, so the generator is not held to one core by the GIL.

    python bench/loadgen.py URL --connections 8 --duration 10 -H "Cookie: session=..."

prints one line of JSON: requests, errors, seconds, rps, p50, p95, p99 (milliseconds)."""

import argparse
import json
import multiprocessing
import time
from http.client import HTTPConnection
from urllib.parse import urlsplit


def worker(url, headers, duration, start_at, queue):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies, errors = [], 0
    conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
    while time.monotonic() < start_at:
        time.sleep(0.001)
    end = start_at + duration
    while True:
        began = time.monotonic()
        if began >= end:
            break
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except OSError:
            errors += 1
            conn.close()
            conn = HTTPConnection(parts.hostname, parts.port, timeout=30)
            continue
        latencies.append(time.monotonic() - began)
    conn.close()
    queue.put((latencies, errors))


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def run(url, headers: dict, connections: int, duration: float) -> dict:
    queue = multiprocessing.Queue()
    start_at = time.monotonic() + 0.5
    processes = [
        multiprocessing.Process(target=worker, args=(url, headers, duration, start_at, queue))
        for _ in range(connections)
    ]
    for p in processes:
        p.start()
    latencies, errors = [], 0
    for _ in processes:
        got, failed = queue.get()
        latencies.extend(got)
        errors += failed
    for p in processes:
        p.join()
    latencies.sort()
    ms = lambda v: None if v is None else round(v * 1000, 2)  # noqa: E731
    return {
        "requests": len(latencies),
        "errors": errors,
        "seconds": duration,
        "rps": round(len(latencies) / duration, 1),
        "p50": ms(percentile(latencies, 50)),
        "p95": ms(percentile(latencies, 95)),
        "p99": ms(percentile(latencies, 99)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("-H", "--header", action="append", default=[])
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    print(json.dumps(run(args.url, headers, args.connections, args.duration)))


if __name__ == "__main__":
    main()
