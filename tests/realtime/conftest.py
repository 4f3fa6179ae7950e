"""Fixtures for tests that need Redis or a Postgres database shared by several servers."""

import asyncio
import uuid

import pytest
import redis

from tests.conftest import REDIS_URL, service_missing, truncate_all


@pytest.fixture(scope="session")
def redis_url():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {REDIS_URL}", f"{exc.__class__.__name__}: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url):
    """A prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def shared_postgres_url(postgres_database):
    """An emptied Postgres database for servers that share it."""
    asyncio.run(truncate_all(postgres_database))
    return postgres_database
