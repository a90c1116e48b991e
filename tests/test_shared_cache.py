"""With Redis as the cache, sessions and the verification page's rate limit live in Redis, which
every worker and app server shares; the database still holds the sessions."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_PREFIX
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def server():
    """The Redis server itself, as a second app server would reach it."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    return client


@pytest.fixture
def redis_cache(settings, server):
    """The portal's cache on Redis, as REDIS_URL sets it, under a prefix of this test's own (the
    server may be shared: nothing here flushes it)."""
    prefix = f"sop-portal-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    yield prefix
    for key in server.scan_iter(f"{prefix}:*"):
        server.delete(key)


def _session_key(prefix: str, client: Client) -> str:
    # Django's key function: prefix, version, key.
    return f"{prefix}:1:{SESSION_PREFIX}{client.cookies['sessionid'].value}"


def _second_server(client: Client) -> Client:
    other = Client()
    other.cookies["sessionid"] = client.cookies["sessionid"].value
    return other


def test_a_session_is_read_from_redis(client, people, redis_cache, server):
    client.force_login(people["staf"])
    assert server.exists(_session_key(redis_cache, client))
    # Even with the database's copy gone, the cached copy still serves the session.
    Session.objects.all().delete()
    assert _second_server(client).get(reverse("workflow:inbox")).status_code == 200


def test_a_redis_flush_logs_nobody_out(client, people, redis_cache, server):
    client.force_login(people["staf"])
    server.delete(_session_key(redis_cache, client))
    assert _second_server(client).get(reverse("workflow:inbox")).status_code == 200
    assert server.exists(_session_key(redis_cache, client))


def test_a_sign_out_on_one_server_ends_the_session_on_the_other(client, people, redis_cache):
    client.force_login(people["staf"])
    other = _second_server(client)
    assert other.get(reverse("workflow:inbox")).status_code == 200
    client.post(reverse("logout"))
    assert other.get(reverse("workflow:inbox")).status_code == 302


def test_the_verification_rate_limit_is_counted_in_redis(db, settings, redis_cache, server):
    settings.VERIFY_RATE_PAGE = "3/m"
    url = reverse("documents:verify", args=["tidak-terdaftar"])
    first, second = Client(), Client()
    assert [first.get(url).status_code for _ in range(2)] == [404, 404]
    assert second.get(url).status_code == 404
    assert second.get(url).status_code == 429
    assert list(server.scan_iter(f"{redis_cache}:*rl:*")), "the count is a key in Redis"
