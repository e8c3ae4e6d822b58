"""The search result cache in front of SearchCourses: identical requests share one
search while it runs and its page afterwards; a write clears the cache."""

from __future__ import annotations

import asyncio

from lms.course.v1 import course_pb2
from lms_course.adapters.cache import SearchResultCache
from lms_course.servicer import CourseServicer


class CountingSearch:
    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def search(self, criteria, after, limit):
        self.calls += 1
        await self.release.wait()
        return []


async def test_concurrent_identical_searches_run_one_query_and_share_its_page():
    handlers = CountingSearch()
    cache = SearchResultCache(ttl_s=60)
    servicer = CourseServicer(handlers, cache=None, search_cache=cache)  # type: ignore[arg-type]
    request = course_pb2.SearchCoursesRequest(query="python", language="en")

    calls = [asyncio.create_task(servicer.SearchCourses(request, None)) for _ in range(10)]
    await asyncio.sleep(0)
    handlers.release.set()
    pages = await asyncio.gather(*calls)
    again = await servicer.SearchCourses(request, None)

    assert handlers.calls == 1
    assert all(page == again for page in pages)


async def test_a_different_request_or_a_cleared_cache_searches_again():
    handlers = CountingSearch()
    handlers.release.set()
    cache = SearchResultCache(ttl_s=60)
    servicer = CourseServicer(handlers, cache=None, search_cache=cache)  # type: ignore[arg-type]

    await servicer.SearchCourses(course_pb2.SearchCoursesRequest(query="python"), None)
    await servicer.SearchCourses(course_pb2.SearchCoursesRequest(query="python", page_size=5), None)
    cache.clear()
    await servicer.SearchCourses(course_pb2.SearchCoursesRequest(query="python"), None)

    assert handlers.calls == 3


async def test_with_a_zero_time_to_live_every_search_queries():
    handlers = CountingSearch()
    handlers.release.set()
    servicer = CourseServicer(handlers, cache=None, search_cache=SearchResultCache(ttl_s=0))  # type: ignore[arg-type]
    for _ in range(2):
        await servicer.SearchCourses(course_pb2.SearchCoursesRequest(query="python"), None)
    assert handlers.calls == 2


async def test_an_expired_page_is_served_while_one_background_search_refreshes_it():
    handlers = CountingSearch()
    handlers.release.set()
    cache = SearchResultCache(ttl_s=0.05)
    servicer = CourseServicer(handlers, cache=None, search_cache=cache)  # type: ignore[arg-type]
    request = course_pb2.SearchCoursesRequest(query="python")
    await servicer.SearchCourses(request, None)
    await asyncio.sleep(0.06)  # past its time-to-live, inside the stale window

    handlers.release.clear()  # the refresh will hang until released
    answers = [await servicer.SearchCourses(request, None) for _ in range(5)]
    await asyncio.sleep(0)  # let the background refresh start

    assert handlers.calls == 2  # one refresh for five stale hits, none of which waited
    handlers.release.set()
    await asyncio.sleep(0.01)
    assert cache.lookup(request.SerializeToString(deterministic=True))[1] is True
    assert all(a == answers[0] for a in answers)


async def test_a_page_older_than_twice_its_time_to_live_is_not_served():
    handlers = CountingSearch()
    handlers.release.set()
    cache = SearchResultCache(ttl_s=0.02)
    servicer = CourseServicer(handlers, cache=None, search_cache=cache)  # type: ignore[arg-type]
    request = course_pb2.SearchCoursesRequest(query="python")
    await servicer.SearchCourses(request, None)
    await asyncio.sleep(0.05)
    await servicer.SearchCourses(request, None)
    assert handlers.calls == 2 and cache.get(request.SerializeToString(deterministic=True)) is not None
