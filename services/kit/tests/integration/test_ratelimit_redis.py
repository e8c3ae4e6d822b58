"""Per-caller limits shared through a real Redis (127.0.0.1:6379)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from lms_kit.auth.principal import Principal
from lms_kit.errors import Exhausted
from lms_kit.ratelimit import RedisRateLimiter, build_rate_limiter
from lms_kit.settings import KitSettings

REDIS_URL = "redis://127.0.0.1:6379/0"
ECHO = "/lms.testing.v1.ProbeService/Echo"
PEER = "127.0.0.1"


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix of the test's own; its keys are deleted afterwards."""
    prefix = f"test:ratelimit:{uuid.uuid4().hex}:"
    yield prefix
    client = aioredis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def outcome(limiter: RedisRateLimiter, principal: Principal) -> float:
    """0 if the call passed, else the retry delay it was refused with."""
    try:
        await limiter.check(ECHO, principal, PEER)
    except Exhausted as refused:
        return refused.retry_after_s
    return 0.0


async def test_concurrent_calls_from_two_processes_share_one_bucket_exactly(prefix: str) -> None:
    # Two limiters = two worker processes; 20 calls race for a budget of 5.
    workers = [RedisRateLimiter({ECHO: 5}, REDIS_URL, key_prefix=prefix) for _ in range(2)]
    alice = Principal(subject="alice")
    try:
        results = await asyncio.gather(*(outcome(workers[i % 2], alice) for i in range(20)))
    finally:
        for worker in workers:
            await worker.aclose()

    assert sum(1 for delay in results if delay == 0) == 5
    refused = [delay for delay in results if delay > 0]
    assert len(refused) == 15
    assert all(0 < delay <= 12 for delay in refused)  # one call every 60 s / 5


async def test_each_user_has_a_bucket_of_their_own_and_keys_expire(prefix: str) -> None:
    limiter = RedisRateLimiter({ECHO: 1}, REDIS_URL, key_prefix=prefix)
    try:
        assert await outcome(limiter, Principal(subject="alice")) == 0
        assert await outcome(limiter, Principal(subject="alice")) > 0
        assert await outcome(limiter, Principal(subject="bob")) == 0
    finally:
        await limiter.aclose()

    client = aioredis.from_url(REDIS_URL)
    key = f"{prefix}{ECHO}:user:alice"
    ttl_ms = await client.pttl(key)
    await client.aclose()
    assert 0 < ttl_ms <= 60_000


async def test_settings_with_a_redis_url_build_the_redis_limiter(prefix: str) -> None:
    from lms.testing.v1 import probe_pb2

    settings = KitSettings(service_name="testing", redis_url=REDIS_URL)
    limiter = build_rate_limiter(
        settings,
        [probe_pb2.DESCRIPTOR.services_by_name["ProbeService"]],
        overrides={ECHO: 1},
        key_prefix=prefix,
    )
    assert isinstance(limiter, RedisRateLimiter)
    try:
        assert await outcome(limiter, Principal(subject="carol")) == 0
        assert await outcome(limiter, Principal(subject="carol")) > 0
    finally:
        await limiter.aclose()


async def test_an_unreachable_redis_lets_calls_through() -> None:
    limiter = RedisRateLimiter({ECHO: 1}, "redis://127.0.0.1:1/0", key_prefix="unused:")
    try:
        assert [await outcome(limiter, Principal(subject="dave")) for _ in range(3)] == [0, 0, 0]
    finally:
        await limiter.aclose()
