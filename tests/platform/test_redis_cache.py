"""The Redis cache (config/redis_cache.py) against the real Redis of ``make test``: Django's
behaviour, with one client per server kept across calls; and a revoked token forgotten at
once in Redis, refused by another process once its own memory of it (a few seconds,
``TOKEN_MEMORY_SECONDS``) has passed."""

import os
import time

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from config import api_conventions
from config.local_cache import LocalFor

#: Its own database: the suite's cache (make test-engines) is 14, its broker 15, and
#: benchmarks/load.py uses 13.
REDIS_URL = "redis://127.0.0.1:6379/10"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_answers(), reason=f"no Redis at {REDIS_URL}")

SHARED = {
    "default": {
        "BACKEND": "config.redis_cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{os.getpid()}",
    }
}


@pytest.fixture
def shared_cache():
    with override_settings(CACHES=SHARED):
        cache = caches["default"]
        cache.clear()
        yield cache
        cache.clear()


def test_the_cache_keeps_its_client_and_behaves_as_djangos(shared_cache):
    client = shared_cache._cache.get_client()
    assert shared_cache._cache.get_client(write=True) is client
    shared_cache.set("answer", {"x": [1, 2]}, 30)
    assert shared_cache.get("answer") == {"x": [1, 2]}
    assert shared_cache.add("answer", "other") is False
    assert shared_cache.get_many(["answer", "none"]) == {"answer": {"x": [1, 2]}}
    shared_cache.set("n", 1)
    assert shared_cache.incr("n") == 2
    shared_cache.delete_many(["answer", "n"])
    assert shared_cache.get("answer") is None and shared_cache.get("n") is None
    assert shared_cache._cache.get_client() is client


def test_settings_choose_it_for_a_redis_url():
    import environ

    from config import settings

    parsed = environ.Env.cache_url_config("redis://127.0.0.1:6379/2")
    assert parsed["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert settings.CACHES["default"]["BACKEND"] in {
        "config.redis_cache.RedisCache",  # CACHE_URL=redis://…
        "django.core.cache.backends.locmem.LocMemCache",  # the embedded default
    }


def _token_entries(cache) -> list[bytes]:
    """The cached tokens, as any other process sharing the Redis sees them."""
    return [key for key in cache._cache.get_client().keys("*") if b"auth-token" in key]


@pytest.mark.django_db
def test_a_deleted_token_is_gone_for_every_process_sharing_the_cache(shared_cache, learner):
    token = Token.objects.create(user=learner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/reviews/settings/").status_code == 200
    assert len(_token_entries(shared_cache)) == 1  # its user, kept in Redis
    token.delete()
    assert _token_entries(shared_cache) == []
    assert client.get("/api/v1/reviews/settings/").status_code == 401


@pytest.mark.django_db
def test_another_process_refuses_a_deleted_token_once_its_memory_of_it_passes(
    shared_cache, learner, monkeypatch
):
    """The deletion happens in "another process": the row and the Redis entry go, with
    no signal reaching this one, which remembered the token for ``seconds``."""
    monkeypatch.setattr(api_conventions, "tokens_in_process", LocalFor(seconds=0.5))
    token = Token.objects.create(user=learner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/v1/reviews/settings/").status_code == 200
    Token.objects.filter(pk=token.pk)._raw_delete(using="default")  # no signal here
    shared_cache._cache.get_client().delete(*_token_entries(shared_cache))
    assert client.get("/api/v1/reviews/settings/").status_code == 200  # still remembered
    time.sleep(0.6)
    assert client.get("/api/v1/reviews/settings/").status_code == 401
