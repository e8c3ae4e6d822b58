"""Shared copies of the public reads, behind the handlers' ports (handlers/ports.py).

Course pages (`CoursePageCache`, ports.CoursePages): GetCourse's answer for a published or
archived course, serialized once and kept in Redis when LMS_REDIS_URL is set (shared by
every worker and pod), else in-process. A hit is those bytes, handed back unparsed to the
servicer's mapper.

Search pages (`SearchPageCache`, ports.SearchPages): recent result pages per process, their
results serialized once. Equal queries that miss together run one search; a page past its
time-to-live is answered once more while one background search refreshes it.

Invalidation: the use case that changes a course drops its page and clears the search
pages right after the commit (so the writer's own process and, with Redis, everyone reads
the change at once). Other processes with an in-process cache drop theirs when the
course's own events (CourseChanged, CoursePublished, ReviewPosted) reach them over NATS
(`CacheInvalidator`). Entries also expire after their time-to-live, which bounds staleness
of counters that change without an event (enrolment count) and of the rare race where a
reader fills the cache with a value read just before a write committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

import redis.asyncio as redis

from lms.course.v1 import events_pb2
from lms_course.domain.search import SearchHit, SearchQuery
from lms_course.handlers.results import CourseOutline, CoursePage, SearchPage

log = logging.getLogger(__name__)

KEY_PREFIX = "lms:course:detail:v1:"


class ByteStore(Protocol):
    """Where course pages are kept: bytes by course id, with a time-to-live."""

    async def get(self, course_id: str) -> bytes | None: ...
    async def set(self, course_id: str, value: bytes) -> None: ...
    async def invalidate(self, course_id: str) -> None: ...
    async def close(self) -> None: ...


class InProcessCache:
    """A small LRU of bytes with a time-to-live."""

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


class RedisCache:
    """The same over Redis; a Redis failure is a cache miss, never an error."""

    def __init__(self, url: str, *, ttl_s: float = 60.0) -> None:
        self._redis = redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._ttl_ms = int(ttl_s * 1000)

    async def get(self, course_id: str) -> bytes | None:
        try:
            value = await self._redis.get(KEY_PREFIX + course_id)
        except Exception:
            log.warning("course_cache_get_failed course_id=%s", course_id, exc_info=True)
            return None
        return value if isinstance(value, bytes) else None

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


class CoursePageCache:
    """ports.CoursePages on a ByteStore: `render` serializes a page once, when it is kept
    (mappers.outline_bytes, given by server.py)."""

    def __init__(self, store: ByteStore, render: Callable[[CourseOutline], bytes]) -> None:
        self.store = store
        self._render = render

    async def get(self, course_id: str) -> CoursePage | None:
        rendered = await self.store.get(course_id)
        return None if rendered is None else CoursePage(rendered=rendered, cacheable_for_everyone=True)

    async def keep(self, outline: CourseOutline) -> CoursePage:
        rendered = self._render(outline)
        await self.store.set(outline.course.id, rendered)
        return CoursePage(outline, rendered, cacheable_for_everyone=True)

    async def invalidate(self, course_id: str) -> None:
        await self.store.invalidate(course_id)

    async def close(self) -> None:
        await self.store.close()


Searching = Callable[[SearchQuery], Awaitable[list[SearchHit]]]


class SearchPageCache:
    """ports.SearchPages for a few seconds, per process, keyed by the query (criteria,
    where the page starts, its size). Safe to share between callers: search shows only
    published courses and nothing about the caller. This process's writes clear it (the
    use cases); other processes' writes show after at most 2 x `ttl_s` (a stale page is
    served while it is refreshed), or at once with the in-process course cache, whose event
    subscription clears it too. `render` serializes a page's results once (mappers)."""

    def __init__(
        self,
        *,
        ttl_s: float = 5.0,
        max_entries: int = 2_000,
        render: Callable[[Sequence[SearchHit]], bytes] | None = None,
    ) -> None:
        self._ttl_s = ttl_s
        self._max = max_entries
        self._render = render
        self._entries: OrderedDict[SearchQuery, tuple[float, SearchPage]] = OrderedDict()
        self._searching: dict[SearchQuery, asyncio.Future[SearchPage | None]] = {}
        self._refreshing: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return self._ttl_s > 0

    async def page(self, query: SearchQuery, search: Searching) -> SearchPage:
        if not self.enabled:
            return SearchPage(await search(query), query.size)
        cached, fresh = self.lookup(query)
        if cached is not None:
            if not fresh and query not in self._searching:
                # Answer with the stale page and refresh it in the background: under load an
                # expiring entry never makes callers wait for a query.
                self._searching[query] = asyncio.get_running_loop().create_future()
                task = asyncio.create_task(self._refresh(query, search))
                self._refreshing.add(task)
                task.add_done_callback(self._refreshing.discard)
            return cached
        # One search per page at a time: callers that miss together (an entry just
        # expired under load) wait for the first one's result instead of all querying.
        pending = self._searching.get(query)
        if pending is not None:
            shared = await asyncio.shield(pending)
            if shared is not None:
                return shared
            return SearchPage(await search(query), query.size)  # the first one failed: on our own
        future: asyncio.Future[SearchPage | None] = asyncio.get_running_loop().create_future()
        self._searching[query] = future
        found = None
        try:
            found = await self._fill(query, search)
            return found
        finally:
            del self._searching[query]
            future.set_result(found)

    async def _refresh(self, query: SearchQuery, search: Searching) -> None:
        """Search again for a stale page (its future is in `_searching` already)."""
        future = self._searching[query]
        found = None
        try:
            found = await self._fill(query, search)
        except Exception:  # the stale page stays until it ages out; the next caller retries
            log.warning("search_refresh_failed", exc_info=True)
        finally:
            del self._searching[query]
            future.set_result(found)

    async def _fill(self, query: SearchQuery, search: Searching) -> SearchPage:
        hits = await search(query)
        rendered = self._render(hits[: query.size]) if self._render is not None else None
        found = SearchPage(hits, query.size, rendered)
        self.put(query, found)
        return found

    def get(self, key: SearchQuery) -> SearchPage | None:
        value, fresh = self.lookup(key)
        return value if fresh else None

    def lookup(self, key: SearchQuery) -> tuple[SearchPage | None, bool]:
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

    def put(self, key: SearchQuery, value: SearchPage) -> None:
        if not self.enabled:
            return
        self._entries[key] = (time.monotonic() + self._ttl_s, value)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()

    async def close(self) -> None:
        """Stop the background refreshes (at shutdown)."""
        for task in list(self._refreshing):
            task.cancel()
        await asyncio.gather(*self._refreshing, return_exceptions=True)
        self._entries.clear()


class Invalidates(Protocol):
    async def invalidate(self, course_id: str) -> None: ...


class Clears(Protocol):
    def clear(self) -> None: ...


# Each of these messages names its course in `course_id`.
INVALIDATING_EVENTS: dict[str, Any] = {
    "lms.course.v1.CourseChanged": events_pb2.CourseChanged,
    "lms.course.v1.CoursePublished": events_pb2.CoursePublished,
    "lms.course.v1.ReviewPosted": events_pb2.ReviewPosted,
}


class CacheInvalidator:
    """Drops cache entries when this service's own events arrive over NATS. A plain
    (non-durable) subscription: every process hears every event; one missed while
    disconnected is covered by the entry's time-to-live."""

    def __init__(self, nc: Any, cache: Invalidates, search_cache: Clears | None = None) -> None:
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
