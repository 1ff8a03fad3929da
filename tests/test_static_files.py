"""Static files (forum/web/static_files.py): compressed once at their best levels, kept on disk for
the next start, and served as each client accepts, a gzip-only client too, with headers that keep
every cache right."""

import gzip
from pathlib import Path

import brotli
import pytest

from forum.web import static_files

try:
    from compression import zstd
except ImportError:
    from backports import zstd

DECODE = {"gzip": gzip.decompress, "br": brotli.decompress, "zstd": zstd.decompress}
FILES = ["htmx-2.0.11.min.js", "forum.css", "forum.js", "favicon.svg"]


def fetch(client, name, accept="", **headers):
    response = client.get(f"/static/{name}?v=1", headers={"Accept-Encoding": accept, **headers})
    response.close()
    return response


@pytest.mark.parametrize("name", FILES)
def test_each_client_gets_the_smallest_encoding_it_accepts(app, name):
    client = app.test_client()
    plain = fetch(client, name)
    assert "Content-Encoding" not in plain.headers and plain.headers["Vary"].startswith("Accept-Encoding")
    original = plain.get_data()
    sizes = {}
    for accept, expected in [("gzip", "gzip"), ("br", "br"), ("zstd", "zstd"), ("gzip, br;q=0.5", "gzip"),
                             ("identity", None), ("gzip;q=0, deflate", None)]:
        answer = fetch(client, accept=accept, name=name)
        assert answer.headers.get("Content-Encoding") == expected, accept
        assert "Accept-Encoding" in answer.headers["Vary"]
        data = answer.get_data()
        assert (DECODE[expected](data) if expected else data) == original, accept
        if expected:
            sizes[expected] = len(data)
    # A browser's header: the smallest of the three.
    browser = fetch(client, name, "gzip, deflate, br, zstd")
    assert len(browser.get_data()) == min(sizes.values())


@pytest.mark.parametrize("name", ["htmx-2.0.11.min.js", "forum.css"])
def test_the_best_levels_beat_the_per_request_ones(app, name):
    """Smaller than Flask-Compress makes them per request (brotli 4, zstd 3): htmx goes from
    17.9 KB to about 15.3 KB on the wire."""
    client = app.test_client()
    original = fetch(client, name).get_data()
    per_request = min(len(brotli.compress(original, quality=4)), len(zstd.compress(original, level=3)))
    best = len(fetch(client, name, "gzip, deflate, br, zstd").get_data())
    assert best < 0.93 * per_request, (best, per_request)
    assert len(fetch(client, name, "gzip").get_data()) < len(gzip.compress(original, compresslevel=6))


def test_each_encoding_has_its_own_strong_etag_and_answers_304(app):
    client = app.test_client()
    etags = {accept: fetch(client, "forum.css", accept).headers["ETag"]
             for accept in ("", "gzip", "br", "zstd")}
    assert len(set(etags.values())) == 4 and not any(tag.startswith("W/") for tag in etags.values())
    again = fetch(client, "forum.css", "br", **{"If-None-Match": etags["br"]})
    assert again.status_code == 304 and again.get_data() == b""
    # Another encoding's ETag is another representation: the file comes whole.
    other = fetch(client, "forum.css", "gzip", **{"If-None-Match": etags["br"]})
    assert other.status_code == 200 and other.headers["Content-Encoding"] == "gzip"


def test_versioned_files_are_immutable_and_others_revalidated(app):
    client = app.test_client()
    versioned = fetch(client, "forum.css", "br")
    rules = versioned.headers["Cache-Control"]
    assert "immutable" in rules and "max-age=31536000" in rules
    plain = client.get("/static/forum.css", headers={"Accept-Encoding": "br"})
    plain.close()
    assert "no-cache" in plain.headers["Cache-Control"] and plain.headers["Content-Encoding"] == "br"


def test_compressed_once_and_kept_on_disk_for_the_next_start(app, monkeypatch):
    kept = sorted(p.name for p in (Path(app.instance_path) / "compressed-static").iterdir())
    assert len(kept) == 3 * len(FILES) and any(name.endswith(".br") for name in kept)
    # Another start reads them: nothing is compressed again.
    static_files._kept.clear()
    monkeypatch.setattr(static_files, "compress", lambda data, encoding: pytest.fail("compressed again"))
    static_files.init_app(app)
    assert fetch(app.test_client(), "forum.css", "br").headers["Content-Encoding"] == "br"


def test_missing_and_escaping_paths_are_404(app):
    client = app.test_client()
    assert client.get("/static/nothing.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404
