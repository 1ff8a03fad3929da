"""The foundation: pages, headers, assets, configuration and the database."""

import os
import subprocess
import sys

import pytest

from forum import create_app
from forum.models import DocumentVersion
from forum.services import documents

PAGES = ["/", "/charter", "/code-of-conduct", "/terms"]


@pytest.mark.parametrize("path", PAGES)
def test_public_pages_render_in_the_layout(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<a class="skip-link" href="#main">' in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert '<main id="main"' in html
    assert 'role="status" aria-live="polite"' in html
    assert "/static/htmx-2.0.11.min.js?v=" in html


def test_charter_shows_the_shipped_text(client):
    html = client.get("/charter").get_data(as_text=True)
    assert "<h1>Members&#39; Charter</h1>" in html
    assert "Act honestly at all times." in html
    assert "spirit of civility, respect, mutual trust and good faith" in html
    assert "Version 1" in html


@pytest.mark.parametrize("path", PAGES + ["/no-such-page"])
def test_security_headers_on_every_page(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in headers["Vary"]


def test_session_cookie_is_httponly_lax_and_secure_over_https(make_app):
    # The sign-in page's form carries a CSRF token, so it starts a session (a visitor's reading
    # pages set no cookie at all: test_page_cache.py).
    app = make_app(WTF_CSRF_ENABLED=True)
    plain = app.test_client().get("/sign-in").headers["Set-Cookie"]
    assert "HttpOnly" in plain and "SameSite=Lax" in plain and "Secure" not in plain
    secure = app.test_client().get("/sign-in", base_url="https://forum.example").headers["Set-Cookie"]
    assert "Secure" in secure


def test_versioned_assets_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    start = html.index("/static/htmx-2.0.11.min.js?v=")
    url = html[start : html.index('"', start)]
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/javascript")
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    assert "no-cache" not in cache
    assert len(response.data) == 52182  # htmx.org@2.0.11 dist/htmx.min.js, unmodified
    response.close()


def test_unversioned_asset_is_not_cached_for_long(client):
    response = client.get("/static/forum.css")
    assert "max-age=31536000" not in response.headers.get("Cache-Control", "")
    response.close()


def test_upgrade_is_idempotent(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Applied 0 migration(s)." in result.output
    assert "Installed" not in result.output


def test_publishing_a_new_version_changes_the_page(app, client):
    with app.app_context():
        v2 = documents.publish("charter", "## Revised\n\nMembers will **listen**.", "Clearer wording")
        assert v2.version == 2
        assert DocumentVersion.current("charter").version == 2
        assert DocumentVersion.current_versions() == {"charter": 2, "code-of-conduct": 1, "terms": 1}
    html = client.get("/charter").get_data(as_text=True)
    assert "Version 2" in html and "<strong>listen</strong>" in html


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FORUM_SECRET_KEY", raising=False)
    config = {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/f.db"}
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").read_text() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("FORUM_SECRET_KEY", "from-the-environment")
    assert create_app(config).config["SECRET_KEY"] == "from-the-environment"


@pytest.mark.parametrize("url", ["mysql://root@localhost/forum", "nonsense", "sqlite://", ""])
def test_bad_database_url_stops_start_up_with_one_line(tmp_path, url):
    env = {**os.environ, "FORUM_DATABASE_URL": url, "FORUM_INSTANCE_PATH": str(tmp_path)}
    if not url:
        env["FORUM_DATABASE_URL"] = "://"
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "forum", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "FORUM_DATABASE_URL" in lines[0], result.stderr


def test_passwords_are_hashed_with_scrypt_by_default(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/f.db"})
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
