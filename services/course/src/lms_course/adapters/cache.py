"""The published course detail cache: Redis when LMS_REDIS_URL is set (shared by every
worker and pod), else in-process.

Invalidation: the handler that changes a course drops its entry right after the
commit (so the writer's own process and, with Redis, everyone reads the change
at once). Other processes with an in-process cache drop theirs when the course's
own events (CourseChanged, CoursePublished, ReviewPosted) reach them over NATS
(`CacheInvalidator`). Entries also expire after `ttl_s`, which bounds staleness
of counters that change without an event (enrolment count) and of the rare race
where a reader fills the cache with a value read just before a write committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import Any

from lms.course.v1 import events_pb2

log = logging.getLogger(__name__)

KEY_PREFIX = "lms:course:detail:v1:"


class InProcessCache:
    """A small LRU with a time-to-live."""

    def __init__(self, *, ttl_s: float = 60.0, max_entries: int = 10_000) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    async def get(self, course_id: str) -> bytes | None:
        entry = self._entries.get(course_id)
        if entry is None:
            return None
        expires, value = entry
        if expires < time.monotonic():
            self._entries.pop(course_id, None)
            return None
        self._entries.move_to_end(course_id)
        return value

    async def set(self, course_id: str, value: bytes) -> None:
        self._entries[course_id] = (time.monotonic() + self._ttl_s, value)
        self._entries.move_to_end(course_id)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def invalidate(self, course_id: str) -> None:
        self._entries.pop(course_id, None)

    async def close(self) -> None:
        self._entries.clear()


class SearchResultCache:
    """Search result pages for a few seconds, per process, keyed by the request's
    deterministic bytes (query, filters, order, page size and token). Safe to share
    between callers: search shows only published courses and nothing about the caller.
    This process's writes clear it (CourseHandlers); other processes' writes show
    after at most 2 x `ttl_s` (a stale page is served while it is refreshed), or at once
    with the in-process detail cache, whose event subscription clears it too. Values are
    response messages, never mutated."""

    def __init__(self, *, ttl_s: float = 5.0, max_entries: int = 2_000) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._entries: OrderedDict[bytes, tuple[float, Any]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self._ttl_s > 0

    def get(self, key: bytes) -> Any | None:
        value, fresh = self.lookup(key)
        return value if fresh else None

    def lookup(self, key: bytes) -> tuple[Any | None, bool]:
        """(page, fresh). A page past its time-to-live is still returned (not fresh) for one
        more time-to-live, so a caller can answer with it while one refresh runs; older
        pages are dropped."""
        entry = self._entries.get(key)
        if entry is None:
            return None, False
        now = time.monotonic()
        if entry[0] + self._ttl_s < now:
            self._entries.pop(key, None)
            return None, False
        return entry[1], entry[0] >= now

    def put(self, key: bytes, value: Any) -> None:
        if not self.enabled:
            return
        self._entries[key] = (time.monotonic() + self._ttl_s, value)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


class RedisCache:
    """The same interface over Redis; a Redis failure is a cache miss, never an error."""

    def __init__(self, url: str, *, ttl_s: float = 60.0) -> None:
        import redis.asyncio as redis

        self._redis = redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._ttl_ms = int(ttl_s * 1000)

    async def get(self, course_id: str) -> bytes | None:
        try:
            return await self._redis.get(KEY_PREFIX + course_id)
        except Exception:
            log.warning("course_cache_get_failed course_id=%s", course_id, exc_info=True)
            return None

    async def set(self, course_id: str, value: bytes) -> None:
        try:
            await self._redis.set(KEY_PREFIX + course_id, value, px=self._ttl_ms)
        except Exception:
            log.warning("course_cache_set_failed course_id=%s", course_id, exc_info=True)

    async def invalidate(self, course_id: str) -> None:
        try:
            await self._redis.delete(KEY_PREFIX + course_id)
        except Exception:
            log.warning("course_cache_invalidate_failed course_id=%s", course_id, exc_info=True)

    async def close(self) -> None:
        await self._redis.aclose()


INVALIDATING_EVENTS: dict[str, Any] = {
    "lms.course.v1.CourseChanged": events_pb2.CourseChanged,
    "lms.course.v1.CoursePublished": events_pb2.CoursePublished,
    "lms.course.v1.ReviewPosted": events_pb2.ReviewPosted,
}


class CacheInvalidator:
    """Drops cache entries when this service's own events arrive over NATS. A plain
    (non-durable) subscription: every process hears every event; one missed while
    disconnected is covered by the entry's time-to-live."""

    def __init__(self, nc: Any, cache: Any, search_cache: SearchResultCache | None = None) -> None:
        self._nc = nc
        self._cache = cache
        self._search_cache = search_cache
        self._subscriptions: list[Any] = []

    async def start(self) -> None:
        for subject in INVALIDATING_EVENTS:
            self._subscriptions.append(await self._nc.subscribe(subject, cb=self._on_message))

    async def _on_message(self, message: Any) -> None:
        kind = INVALIDATING_EVENTS.get(message.subject)
        if kind is None:
            return
        if self._search_cache is not None:
            self._search_cache.clear()
        with contextlib.suppress(Exception):
            await self._cache.invalidate(kind.FromString(message.data).course_id)

    async def stop(self) -> None:
        for subscription in self._subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()
        self._subscriptions.clear()
        await asyncio.sleep(0)
