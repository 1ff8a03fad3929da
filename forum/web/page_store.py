"""Where the visitors' page cache (page_cache.py) keeps its pages and its generation.

- MemoryStore: pages in each worker's memory (an LRU bounded in bytes, PAGE_CACHE_BYTES), and the
  generation in a file of the instance folder, mapped into memory by every process of the forum on
  the machine: reading it costs no system call, and a write committed by any worker or CLI command
  moves it for all (a generation per process would let one worker serve a page another had just
  made stale).
- RedisStore: pages and generation in Redis (FORUM_CACHE_URL, else the rate limits' Redis), for
  several app servers. One round trip a lookup (MGET of the generation and the page); pages expire
  after PAGE_CACHE_SECONDS. Keys carry `build_id`: a deploy with other code, templates or settings
  never reads pages the previous one drew. If Redis cannot be reached, pages are drawn and none is
  kept (lookup answers no generation).

A generation starts at a random 64-bit number, so one lost and started again (a deleted file, an
evicted key) never comes back to a value that kept pages carry.
"""

import fcntl
import hashlib
import json
import logging
import mmap
import os
import secrets
import threading
from collections import OrderedDict
from contextlib import suppress
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger("forum")

FORUM = Path(__file__).resolve().parent.parent
BUILD_FILES = (".py", ".html", ".txt", ".md", ".css", ".js", ".svg", ".xml")
GENERATION_FILE = "page-cache-generation"


class Entry(NamedTuple):
    generation: int
    expires: float  # time.time() after which it is not served
    status: str
    headers: list  # [(name, value)], as the app answered
    body: bytes  # compressed as the answer's Content-Encoding says
    etag: str | None


_code_digest = None


def build_id(app) -> str:
    """A digest of the forum's code, templates and content, and of the settings: what a page is
    drawn from besides the database."""
    global _code_digest
    if _code_digest is None:
        digest = hashlib.blake2b(digest_size=12)
        for path in sorted(FORUM.rglob("*")):
            if path.suffix in BUILD_FILES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(FORUM)).encode() + b"\0" + path.read_bytes())
        _code_digest = digest.hexdigest()
    settings = sorted(
        (name, repr(value)) for name, value in app.config.items()
        if isinstance(value, str | int | float | bool | type(None))
    )
    return hashlib.blake2b(f"{_code_digest}{settings}".encode(), digest_size=12).hexdigest()


class FileGeneration:
    """A 64-bit counter in a file, mapped into memory by every process: read without a system call.

    Moving it on is done under flock, taken on a descriptor opened for the purpose: an exclusive
    lock on its own open file, so it excludes other processes and other threads alike. Without it a
    slow bump could write back a value an earlier page was kept under, after a later write.

    A mapping holds a file descriptor, so a process keeps at most KEEP_MAPPED of them (a server has
    one; a test run makes an app, and a generation file, per test) and maps one again when used."""

    KEEP_MAPPED = 8
    _mapped: OrderedDict = OrderedDict()  # the process's open mappings, the latest used last

    def __init__(self, path: Path):
        if not path.exists():
            # Written whole under another name, then linked: no process maps a half-written file.
            part = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            part.write_bytes(secrets.token_bytes(8))
            try:
                os.link(part, path)
            except FileExistsError:
                pass
            finally:
                part.unlink()
        self.path = path
        self._map = None

    def _mapping(self) -> mmap.mmap:
        mapping = self._map
        if mapping is None:
            fd = os.open(self.path, os.O_RDWR)
            try:
                mapping = self._map = mmap.mmap(fd, 8)
            finally:
                os.close(fd)
            mapped = self._mapped
            mapped[id(self)] = self
            while len(mapped) > self.KEEP_MAPPED:
                _, oldest = mapped.popitem(last=False)
                oldest._map, old = None, oldest._map
                old.close()
        return mapping

    def current(self) -> int:
        return int.from_bytes(self._mapping()[:8], "little")

    def bump(self) -> None:
        mapping = self._mapping()
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            mapping[:8] = ((int.from_bytes(mapping[:8], "little") + 1) % 2**64).to_bytes(8, "little")
        finally:
            os.close(fd)  # which lets the lock go


class MemoryStore:
    def __init__(self, generation: FileGeneration, max_bytes: int):
        self.generation = generation
        self.max_bytes = max_bytes
        self._entries: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def lookup(self, key: str) -> tuple[int, Entry | None]:
        entry = self._entries.get(key)
        if entry is not None:
            try:  # noqa: SIM105 (contextlib.suppress costs three calls, on every hit)
                self._entries.move_to_end(key)
            except KeyError:  # dropped by another thread meanwhile
                pass
        return self.generation.current(), entry

    def put(self, key: str, entry: Entry) -> None:
        size = len(entry.body) + len(key)
        if size > self.max_bytes // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body) + len(key)
            self._entries[key] = entry
            self._bytes += size
            while self._bytes > self.max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body) + len(dropped_key)

    def bump(self) -> None:
        self.generation.bump()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


class RedisStore:
    def __init__(self, client, namespace: str, build: str, max_age: int):
        from redis.exceptions import RedisError

        self.client = client
        self.errors = (RedisError, OSError)
        self.generation_key = f"forum:{namespace}:page-generation"
        self.prefix = f"forum:{namespace}:page:{build}:"
        self.max_age = max_age

    def _page_key(self, key: str) -> str:
        return self.prefix + hashlib.blake2b(key.encode(), digest_size=16).hexdigest()

    def lookup(self, key: str) -> tuple[int | None, Entry | None]:
        try:
            generation, raw = self.client.mget(self.generation_key, self._page_key(key))
            if generation is None:
                self.client.set(self.generation_key, secrets.randbits(62), nx=True)
                return None, None
        except self.errors:
            log.warning("The page cache's Redis cannot be reached: pages are drawn afresh")
            return None, None
        if raw is None:
            return int(generation), None
        head, _, body = raw.partition(b"\n")
        number, expires, status, headers, etag = json.loads(head)
        return int(generation), Entry(number, expires, status, [tuple(h) for h in headers], body, etag)

    def put(self, key: str, entry: Entry) -> None:
        head = json.dumps([entry.generation, entry.expires, entry.status, entry.headers, entry.etag])
        with suppress(*self.errors):
            self.client.set(self._page_key(key), head.encode() + b"\n" + entry.body, ex=self.max_age)

    def bump(self) -> None:
        self.client.incr(self.generation_key)


def redis_url(config) -> str | None:
    url = config.get("CACHE_URL")
    if url:
        return url
    limits = config.get("RATELIMIT_STORAGE_URI") or ""
    return limits if limits.startswith(("redis://", "rediss://")) else None


def make_store(app, build: str):
    config = app.config
    url = redis_url(config)
    if url:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        namespace = hashlib.blake2b(
            f"{config['DATABASE_URL']}\0{config['SECRET_KEY']}".encode(), digest_size=6
        ).hexdigest()
        return RedisStore(client, namespace, build, config["PAGE_CACHE_SECONDS"])
    generation = FileGeneration(Path(app.instance_path) / GENERATION_FILE)
    return MemoryStore(generation, config["PAGE_CACHE_BYTES"])
