"""Static files compressed once, at their best levels, and served as each client accepts.

The stylesheet, the scripts and the icons change only with a release, so compressing them on every
request (at the quick per-request levels pages get, forum/web/conditional.py) is work thrown away
and bytes left on the wire. Each one is compressed when the app starts: brotli at 11, zstd at 19
and gzip at 9, kept in memory for every app of the process, and on disk in the instance folder
(`compressed-static/`, named by the file's digest), so a restart or another worker reads them
instead of compressing again.

A request gets the smallest of the encodings it accepts (with the highest q), or the file as it is:
`Content-Encoding` says which, `Vary: Accept-Encoding` tells caches that it depends on that, and the
ETag is strong and names the encoding (the bytes differ), so a conditional request answers 304
only for the same representation. Other files (images) are served by Flask's own static view.
"""

import gzip
import hashlib
import mimetypes
import os
from pathlib import Path
from typing import NamedTuple

import brotli
from flask import Response, request
from werkzeug.security import safe_join

from .conditional import accepted, zstd

COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".xml", ".map", ".ico"}
SUFFIXES = {"br": ".br", "zstd": ".zst", "gzip": ".gz"}


def compress(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=11)
    if encoding == "zstd":
        return zstd.compress(data, level=19)
    return gzip.compress(data, compresslevel=9, mtime=0)


class Variants(NamedTuple):
    digest: str
    mimetype: str
    mtime: float
    bodies: dict  # encoding ("" for none) -> bytes, smallest first


# Every app of the process shares them: (path, modification time, size) -> Variants.
_kept: dict = {}


def variants(path: Path, store: Path | None = None) -> Variants:
    """The file and its three compressed copies: kept in memory, else read from `store` (what an
    earlier start compressed), else compressed now."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _kept.get(key)
    if found is not None:
        return found
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=10).hexdigest()
    bodies = {"": data}
    for encoding, suffix in SUFFIXES.items():
        kept = store / f"{path.name}.{digest}{suffix}" if store else None
        on_disk = kept is not None and kept.is_file()
        bodies[encoding] = kept.read_bytes() if on_disk else compress(data, encoding)
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    ordered = dict(sorted(bodies.items(), key=lambda item: len(item[1])))
    found = _kept[key] = Variants(digest, mimetype, stat.st_mtime, ordered)
    return found


def keep_on_disk(path: Path, found: Variants, store: Path) -> None:
    """Write the compressed copies a later start will read, unless they are there."""
    for encoding, suffix in SUFFIXES.items():
        kept = store / f"{path.name}.{found.digest}{suffix}"
        if not kept.is_file():
            part = kept.with_name(f"{kept.name}.{os.getpid()}.part")
            part.write_bytes(found.bodies[encoding])
            part.replace(kept)


def choose(found: Variants, header: str) -> str:
    """The encoding to answer with: of those accepted with the highest q, the smallest; "" (the file
    as it is) when none is accepted."""
    qualities = accepted(header)
    anything = qualities.get("*", 0.0)
    best, best_q = "", 0.0
    for encoding in found.bodies:  # smallest first: a later one wins only with a higher q
        q = qualities.get(encoding, anything) if encoding else 0.0
        if q > best_q:
            best, best_q = encoding, q
    return best


def serve_static(folder: Path, original):
    def static(filename):
        path = safe_join(str(folder), filename)
        if path is None or Path(path).suffix not in COMPRESSIBLE or not Path(path).is_file():
            return original(filename=filename)
        found = variants(Path(path))
        encoding = choose(found, request.headers.get("Accept-Encoding", ""))
        response = Response(found.bodies[encoding], mimetype=found.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
        response.set_etag(f"{found.digest}-{encoding or 'identity'}")
        response.last_modified = found.mtime
        # Flask's own: browsers revalidate; add_response_headers makes a versioned URL immutable.
        response.cache_control.no_cache = True
        return response.make_conditional(request)

    return static


def init_app(app):
    """Compress every static file now (or read what an earlier start compressed), and serve them."""
    folder = Path(app.static_folder)
    store = Path(app.instance_path) / "compressed-static"
    try:
        store.mkdir(exist_ok=True)
    except OSError:
        store = None
    for path in sorted(folder.iterdir()):
        if path.suffix in COMPRESSIBLE and path.is_file():
            found = variants(path, store)
            if store is not None:
                keep_on_disk(path, found, store)
    original = app.view_functions["static"]
    app.view_functions["static"] = serve_static(folder, original)
