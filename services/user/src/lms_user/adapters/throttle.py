"""Login throttle stores: Redis (shared by every process and replica, atomic via a
Lua script) when LMS_REDIS_URL is set, else in process memory (the embedded
default: each process counts on its own)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from redis.asyncio import Redis

from lms_user.domain.throttle import ThrottleRule

PREFIX = "lms:user:throttle:"

# KEYS[1] failure counter, KEYS[2] lock. ARGV: window ms, free failures, base lock ms, max lock ms.
# Returns the lock started, in ms (0: none). One script, so concurrent failures count exactly.
_RECORD_FAILURE = """
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
local free = tonumber(ARGV[2])
if failures < free then return 0 end
local lock = math.min(tonumber(ARGV[3]) * 2 ^ (failures - free), tonumber(ARGV[4]))
lock = math.floor(lock)
redis.call('SET', KEYS[2], failures, 'PX', lock)
return lock
"""


class RedisThrottle:
    def __init__(self, redis: Redis, *, prefix: str = PREFIX) -> None:
        self._redis = redis
        self._prefix = prefix  # one Redis may serve several deployments (and test runs)
        self._record = redis.register_script(_RECORD_FAILURE)

    @classmethod
    def from_url(cls, url: str, *, prefix: str = PREFIX) -> RedisThrottle:
        return cls(Redis.from_url(url), prefix=prefix)

    async def retry_after(self, keys: Sequence[str]) -> float:
        async with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.pttl(self._prefix + "lock:" + key)
            remaining = await pipe.execute()
        return max([ms / 1000.0 for ms in remaining if ms and ms > 0], default=0.0)

    async def record_failure(self, key: str, rule: ThrottleRule) -> float:
        lock_ms = await self._record(
            keys=[self._prefix + "fail:" + key, self._prefix + "lock:" + key],
            args=[int(rule.window_s * 1000), rule.free_failures, int(rule.base_lock_s * 1000),
                  int(rule.max_lock_s * 1000)],
        )  # fmt: skip
        return int(lock_ms) / 1000.0

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + "fail:" + key, self._prefix + "lock:" + key)

    async def close(self) -> None:
        await self._redis.aclose()


class MemoryThrottle:
    """The same rules in one process's memory (bounded: idle keys are dropped)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # key -> (count, forget at)
        self._locks: dict[str, float] = {}  # key -> locked until
        self._max_keys = max_keys

    async def retry_after(self, keys: Sequence[str]) -> float:
        now = self._clock()
        return max([self._locks.get(k, 0.0) - now for k in keys] + [0.0])

    async def record_failure(self, key: str, rule: ThrottleRule) -> float:
        now = self._clock()
        count, forget_at = self._failures.get(key, (0, 0.0))
        count = count + 1 if forget_at > now else 1
        self._failures[key] = (count, now + rule.window_s)
        lock = rule.lock_after(count)
        if lock > 0:
            self._locks[key] = now + lock
        if len(self._failures) > self._max_keys:
            self._evict(now)
        return lock

    async def reset(self, key: str) -> None:
        self._failures.pop(key, None)
        self._locks.pop(key, None)

    def _evict(self, now: float) -> None:
        self._failures = {k: v for k, v in self._failures.items() if v[1] > now}
        self._locks = {k: v for k, v in self._locks.items() if v > now}
