"""The search page cache behind SearchCourses (adapters/cache.SearchPageCache, the
handlers' ports.SearchPages): identical queries share one search while it runs and its
page afterwards; an expired page is served while one background search refreshes it; a
write clears the cache."""

from __future__ import annotations

import asyncio

from lms_course.adapters.cache import SearchPageCache
from lms_course.domain.search import SearchCriteria, SearchQuery
from lms_course.handlers import CourseUseCases
from lms_kit.testing.fakes import FakeStore

from .fakes import FakeCourseUnitOfWork, State


class CountingSearch:
    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self, query: SearchQuery) -> list:
        self.calls += 1
        await self.release.wait()
        return []

    async def search(self, criteria, after, limit) -> list:
        return await self(SearchQuery(criteria, after, limit - 1))


def query(text: str = "python", size: int = 20, **criteria) -> SearchQuery:
    return SearchQuery(SearchCriteria(query=text, **criteria), None, size)


def rendered(hits) -> bytes:
    return b"page of %d" % len(hits)


async def test_concurrent_identical_searches_run_one_query_and_share_its_page():
    search = CountingSearch()
    cache = SearchPageCache(ttl_s=60, render=rendered)

    calls = [asyncio.create_task(cache.page(query(language="en"), search)) for _ in range(10)]
    await asyncio.sleep(0)
    search.release.set()
    pages = await asyncio.gather(*calls)
    again = await cache.page(query(language="en"), search)

    assert search.calls == 1
    assert all(page is again for page in pages) and again.rendered == b"page of 0"


async def test_a_different_query_or_a_cleared_cache_searches_again():
    search = CountingSearch()
    search.release.set()
    cache = SearchPageCache(ttl_s=60)

    await cache.page(query(), search)
    await cache.page(query(size=5), search)
    cache.clear()
    await cache.page(query(), search)

    assert search.calls == 3


async def test_with_a_zero_time_to_live_every_search_queries():
    search = CountingSearch()
    search.release.set()
    cache = SearchPageCache(ttl_s=0)
    for _ in range(2):
        await cache.page(query(), search)
    assert search.calls == 2


async def test_an_expired_page_is_served_while_one_background_search_refreshes_it():
    search = CountingSearch()
    search.release.set()
    cache = SearchPageCache(ttl_s=0.05)
    await cache.page(query(), search)
    await asyncio.sleep(0.06)  # past its time-to-live, inside the stale window

    search.release.clear()  # the refresh will hang until released
    answers = [await cache.page(query(), search) for _ in range(5)]
    await asyncio.sleep(0)  # let the background refresh start

    assert search.calls == 2  # one refresh for five stale hits, none of which waited
    search.release.set()
    await asyncio.sleep(0.01)
    assert cache.lookup(query())[1] is True
    assert all(a == answers[0] for a in answers)


async def test_a_page_older_than_twice_its_time_to_live_is_not_served():
    search = CountingSearch()
    search.release.set()
    cache = SearchPageCache(ttl_s=0.02)
    await cache.page(query(), search)
    await asyncio.sleep(0.05)
    await cache.page(query(), search)
    assert search.calls == 2 and cache.get(query()) is not None


async def test_the_search_use_case_reads_through_the_pages_and_a_category_write_clears_them():
    search = CountingSearch()
    search.release.set()

    class CountingUnitOfWork(FakeCourseUnitOfWork):
        def bind(self, state: State) -> None:
            super().bind(state)
            self.search = search

    store = FakeStore(State())
    use_cases = CourseUseCases.build(
        lambda: CountingUnitOfWork(store), search_pages=SearchPageCache(ttl_s=60)
    )

    first = await use_cases.search.search(query())
    await use_cases.search.search(query())
    await use_cases.categories.create(parent_id=None, slug="dev", display_name="Dev")
    await use_cases.search.search(query())

    assert search.calls == 2
    assert first.hits == [] and first.size == 20 and first.cacheable_for_everyone


async def test_stopping_cancels_a_background_refresh():
    search = CountingSearch()
    search.release.set()
    cache = SearchPageCache(ttl_s=0.01)
    await cache.page(query(), search)
    await asyncio.sleep(0.015)
    search.release.clear()
    await cache.page(query(), search)  # stale: starts a refresh that hangs
    await asyncio.sleep(0)
    await asyncio.wait_for(cache.close(), timeout=1)
    assert cache.get(query()) is None
