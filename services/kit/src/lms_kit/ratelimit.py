"""Per-caller rate limits from the contract: `(lms.options.v1.rate_limit)`.

    rpc PostAnswer(...) returns (...) {
      option (lms.options.v1.rate_limit) = {per_user_per_minute: 30};
    }

`start_server` builds the limiter once at start-up (`build_rate_limiter`) and
the pipeline calls it after authorization. Each limited method has one token
bucket per caller (GCRA: up to `per_user_per_minute` calls at once, refilled
evenly over the minute). The caller is the end user (`principal.user_id`, so a
service calling on a user's behalf spends that user's budget), or the client
address for anonymous calls; a service calling for itself is not limited.

With `LMS_REDIS_URL` the buckets live in Redis (one Lua script per call, so
check-and-take is atomic across every worker and replica); without it each
process keeps its own. A refused call gets RESOURCE_EXHAUSTED, reason
RATE_LIMITED, RetryInfo and a `retry-after` trailer (HTTP 429 + Retry-After
through the gateway). If Redis is unreachable the call is let through (limits
protect capacity; they must not take the service down with them).

`LMS_RATE_LIMITS` (JSON, gRPC method path -> calls per minute, 0 = off)
overrides the contract per deployment, e.g.
`LMS_RATE_LIMITS='{"/lms.user.v1.UserService/Login": 10}'`.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping

from google.protobuf import descriptor as pb_descriptor

from lms.options.v1 import options_pb2
from lms_kit.auth.principal import Principal
from lms_kit.errors import Exhausted
from lms_kit.interceptors import RateLimiter
from lms_kit.policy import full_method_name
from lms_kit.settings import KitSettings

log = logging.getLogger("lms_kit.ratelimit")

PERIOD_MS = 60_000
DEFAULT_KEY_PREFIX = "lms:ratelimit:"
# In-process buckets are pruned (expired ones dropped) when there are more than this.
PRUNE_ABOVE = 10_000

# GCRA in one atomic step. KEYS[1]: the bucket. ARGV[1]: ms between calls
# (emission interval), ARGV[2]: the period in ms (burst tolerance). Redis's own
# clock is used, so every process agrees on "now". Returns 0 when the call may
# proceed (and records it), else the ms until it may.
_GCRA_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - now - period
if wait > 0 then return wait end
redis.call('SET', KEYS[1], next_tat, 'PX', math.max(1, math.ceil(next_tat - now)))
return 0
"""


def contract_limits(
    services: Iterable[pb_descriptor.ServiceDescriptor], overrides: Mapping[str, int] | None = None
) -> dict[str, int]:
    """Calls per minute per caller, keyed by gRPC method path; methods without a limit are absent."""
    limits: dict[str, int] = {}
    known: set[str] = set()
    for service in services:
        for method in service.methods:
            path = full_method_name(method)
            known.add(path)
            options = method.GetOptions()
            if options.HasExtension(options_pb2.rate_limit):
                per_minute = options.Extensions[options_pb2.rate_limit].per_user_per_minute
                if per_minute:
                    limits[path] = per_minute
    served = {path.rsplit("/", 1)[0] for path in known}
    for path, per_minute in (overrides or {}).items():
        if path.rsplit("/", 1)[0] not in served:
            continue  # another service's method: one LMS_RATE_LIMITS may serve a whole mesh
        if path not in known:
            raise ValueError(f"LMS_RATE_LIMITS names {path!r}, which this service does not serve")
        if per_minute < 0:
            raise ValueError(f"LMS_RATE_LIMITS: {path} must be >= 0")
        if per_minute:
            limits[path] = per_minute
        else:
            limits.pop(path, None)
    return limits


def caller_key(principal: Principal, address: str) -> str | None:
    """Whose budget a call spends: `user:<id>`, `peer:<address>` for anonymous callers
    (the client address of lms_kit.net), or None (not limited) for a service calling for
    itself."""
    user = principal.user_id
    if user:
        return f"user:{user}"
    if principal.is_service:
        return None
    return f"peer:{address}"


class ContractRateLimiter(RateLimiter):
    """The kit's RateLimiter: one GCRA bucket per (method, caller)."""

    def __init__(self, limits: Mapping[str, int], *, key_prefix: str = DEFAULT_KEY_PREFIX) -> None:
        # (ms between calls, period ms) per method: computed once, not per call.
        self._buckets = {path: (PERIOD_MS / n, PERIOD_MS) for path, n in limits.items() if n > 0}
        self._prefix = key_prefix

    @property
    def limited_methods(self) -> frozenset[str]:
        return frozenset(self._buckets)

    async def check(self, method: str, principal: Principal, address: str) -> None:
        bucket = self._buckets.get(method)
        if bucket is None:
            return
        key = caller_key(principal, address)
        if key is None:
            return
        wait_ms = await self._take(f"{self._prefix}{method}:{key}", *bucket)
        if wait_ms > 0:
            raise Exhausted(
                "RATE_LIMITED",
                "too many calls to this method; retry later",
                retry_after_s=wait_ms / 1000,
            )

    async def _take(self, key: str, interval_ms: float, period_ms: float) -> float:
        """Record one call in the bucket and return 0, or the ms until one would fit."""
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


class InProcessRateLimiter(ContractRateLimiter):
    """Buckets in this process's memory (the embedded default, one per worker)."""

    def __init__(
        self,
        limits: Mapping[str, int],
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(limits, key_prefix=key_prefix)
        self._clock = clock
        self._tat: dict[str, float] = {}  # key -> theoretical arrival time (ms)

    async def _take(self, key: str, interval_ms: float, period_ms: float) -> float:
        now = self._clock() * 1000
        tat = max(self._tat.get(key, now), now)
        next_tat = tat + interval_ms
        wait = next_tat - now - period_ms
        if wait > 0:
            return wait
        self._tat[key] = next_tat
        if len(self._tat) > PRUNE_ABOVE:
            self._tat = {k: t for k, t in self._tat.items() if t > now}
        return 0.0


class RedisRateLimiter(ContractRateLimiter):
    """Buckets in Redis, shared by every process and replica of the service."""

    def __init__(self, limits: Mapping[str, int], redis_url: str, *, key_prefix: str = DEFAULT_KEY_PREFIX):
        super().__init__(limits, key_prefix=key_prefix)
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self._script = self._redis.register_script(_GCRA_LUA)
        self._errors = 0

    async def _take(self, key: str, interval_ms: float, period_ms: float) -> float:
        try:
            wait = await self._script(keys=[key], args=[math.ceil(interval_ms), int(period_ms)])
        except Exception as exc:  # fail open: see the module docstring
            self._errors += 1
            if self._errors == 1 or self._errors % 1000 == 0:
                log.warning("rate_limit_store_unavailable errors=%d error=%r", self._errors, exc)
            return 0.0
        return float(wait)

    async def aclose(self) -> None:
        await self._redis.aclose()


def build_rate_limiter(
    settings: KitSettings,
    services: Iterable[pb_descriptor.ServiceDescriptor],
    *,
    overrides: Mapping[str, int] | None = None,
    key_prefix: str | None = None,
) -> ContractRateLimiter | None:
    """The limiter for these services, or None when no method is limited (then
    the pipeline skips the step entirely). `overrides` default to LMS_RATE_LIMITS."""
    if overrides is None:
        overrides = settings.rate_limits
    limits = contract_limits(services, overrides)
    if not limits:
        return None
    prefix = key_prefix or f"{DEFAULT_KEY_PREFIX}{settings.service_name}:"
    if settings.redis_url:
        return RedisRateLimiter(limits, settings.redis_url, key_prefix=prefix)
    return InProcessRateLimiter(limits, key_prefix=prefix)
