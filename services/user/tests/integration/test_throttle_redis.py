"""The Redis login throttle against the real Redis at 127.0.0.1:6379: atomic counts
under concurrency, locks with growing backoff, reset."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from lms_user.adapters.throttle import RedisThrottle
from lms_user.domain.throttle import ThrottleRule

RULE = ThrottleRule(free_failures=3, base_lock_s=2.0, max_lock_s=8.0, window_s=60.0)


@pytest.fixture
async def throttle():
    throttle = RedisThrottle.from_url("redis://127.0.0.1:6379/0")
    yield throttle
    await throttle.close()


async def test_concurrent_failures_are_each_counted_once(throttle):
    key = f"test:{uuid.uuid4().hex}"
    locks = await asyncio.gather(*(throttle.record_failure(key, RULE) for _ in range(20)))
    # Exactly one call saw each count from 1 to 20: locks 0,0,2,4,8,8,...
    assert sorted(locks) == sorted([RULE.lock_after(n) for n in range(1, 21)])
    assert 7.0 < await throttle.retry_after([key, f"test:{uuid.uuid4().hex}"]) <= 8.0
    await throttle.reset(key)
    assert await throttle.retry_after([key]) == 0.0


async def test_lock_grows_after_the_free_failures(throttle):
    key = f"test:{uuid.uuid4().hex}"
    assert [await throttle.record_failure(key, RULE) for _ in range(5)] == [0.0, 0.0, 2.0, 4.0, 8.0]
