"""Rate limits share Redis across app servers, and outlive Redis going away."""

import os
import uuid

import pytest

REDIS_URL = "redis://127.0.0.1:6379"


def redis_available():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
        return True
    except Exception:
        return False


@pytest.fixture
def redis_url():
    if not redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("Redis is not running at 127.0.0.1:6379")
        pytest.skip("Redis is not running at 127.0.0.1:6379")
    return REDIS_URL


def flood(client, n):
    return [client.post("/reset", data={"email": f"x{i}@example.org"}).status_code for i in range(n)]


def test_two_app_servers_share_limits_through_redis(make_app, redis_url):
    # A prefix of this run's own, so nothing else in that Redis is touched or counted.
    shared = {"RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    first = make_app(**shared).test_client()
    assert flood(first, 10) == [200] * 10
    # Another app server, the same Redis: the address has used its allowance.
    second = make_app(**shared).test_client()
    response = second.post("/reset", data={"email": "y@example.org"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_limits_fall_back_to_memory_when_redis_is_gone(make_app):
    # Nothing listens on port 1: every limited route still answers, and memory keeps counting.
    client = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1").test_client()
    assert flood(client, 11) == [200] * 10 + [429]


def test_every_limit_is_a_routes_own_so_no_check_runs_before_each_request(app):
    """flask-limiter's before-request hook only enforces app-wide limits; the forum has none, so
    create_app drops it (docs/performance.md). Adding a default, application, meta or blueprint limit
    makes app_wide_limits() true and the hook stays: then this test is the one to update."""
    from forum.web.limits import app_wide_limits, limiter

    assert not app_wide_limits()
    assert limiter._check_request_limit not in app.before_request_funcs.get(None, [])


def test_a_routes_own_limit_still_applies_without_the_hook(client):
    statuses = flood(client, 12)
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]
