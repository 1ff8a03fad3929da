"""Rate limits hold across app servers: gunicorn with several workers sharing Redis counts
sign-in attempts from one address together, so spreading them over workers gains nothing."""

import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest

from forum.web.limits import SIGN_IN_PER_ADDRESS

REDIS = ("127.0.0.1", 6379)
ROOT = Path(__file__).resolve().parent.parent


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(app, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "FORUM_DATABASE_URL": app.config["DATABASE_URL"],
        "FORUM_INSTANCE_PATH": str(tmp_path),
        "FORUM_SECRET_KEY": "shared-limits",
        "FORUM_RATELIMIT_STORAGE_URL": f"redis://{REDIS[0]}:{REDIS[1]}",
        "FORUM_TRUSTED_PROXIES": "1",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--workers", "3", "--bind", f"127.0.0.1:{port}", "forum:create_app()"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/sign-in", timeout=5)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    yield url
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def attempt(url: str, address: str) -> int:
    """One failed sign-in as a browser makes it (a fresh session, its form's token), on
    whichever worker the connection lands."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    headers = {"X-Forwarded-For": address}
    page = opener.open(urllib.request.Request(url + "/sign-in", headers=headers), timeout=30).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = urlencode(
        {"email": f"{secrets.token_hex(4)}@example.org", "password": "wrong", "csrf_token": token}
    )
    try:
        response = opener.open(urllib.request.Request(url + "/sign-in", form.encode(), headers), timeout=30)
        return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_sign_in_limit_is_shared_by_every_worker(server):
    allowed = int(SIGN_IN_PER_ADDRESS.split()[0])
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{1 + secrets.randbelow(250)}"
    statuses = [attempt(server, address) for _ in range(allowed + 5)]
    # Each worker alone would allow `allowed`: three of them, with their own memory, three times as many.
    assert 429 not in statuses[:allowed], statuses
    assert statuses[allowed:] == [429] * 5, statuses
    # Another address is not held back by this one's attempts.
    assert attempt(server, f"10.254.254.{1 + secrets.randbelow(250)}") != 429
