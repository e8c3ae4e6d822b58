"""Catalogue search: published courses by words, filters and order, in keyset pages.
A page is the same for every caller, so recent pages are shared (ports.SearchPages)."""

from __future__ import annotations

from collections.abc import Callable

from lms_course.domain.search import SearchHit, SearchQuery
from lms_course.handlers.common import SharedReads
from lms_course.handlers.ports import CourseUnitOfWork
from lms_course.handlers.results import SearchPage


class SearchHandlers:
    def __init__(self, uow: Callable[[], CourseUnitOfWork], *, shared: SharedReads | None = None) -> None:
        self._uow = uow
        self._shared = shared or SharedReads()

    async def search(self, query: SearchQuery) -> SearchPage:
        """One page of published courses (and whether a next one exists)."""
        return await self._shared.search_pages.page(query, self._search)

    async def _search(self, query: SearchQuery) -> list[SearchHit]:
        async with self._uow() as uow:
            return await uow.search.search(query.criteria, query.after, query.size + 1)
