"""Catalogue search: published courses by words, filters and order, in keyset pages.
A page is the same for every caller, so recent pages are shared (ports.SearchPages)."""

from __future__ import annotations

from collections.abc import Callable

from lms_course.domain.search import (
    COMPLETIONS,
    SearchHit,
    SearchQuery,
    Suggestions,
    completes_last_word,
    corrected_query,
    query_words,
)
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

    async def suggest(self, text: str) -> Suggestions:
        """What a search box offers while the learner types: the query with misspelt words
        corrected ("did you mean"), and whole queries completing the last word."""
        words = query_words(text)
        if not words:
            return Suggestions("", ())
        async with self._uow() as uow:
            known = await uow.vocabulary.known(words)
            unknown = [w for w in words if w not in known]
            corrections = await uow.vocabulary.corrections(unknown) if unknown else {}
            typing = completes_last_word(text)
            completions = await uow.vocabulary.completions(words[-1], COMPLETIONS) if typing else []
        if completions:  # a word being typed is not misspelt
            corrections.pop(words[-1], None)
        head = " ".join(words[:-1])
        return Suggestions(
            corrected_query(text, corrections), tuple(f"{head} {c}".strip() for c in completions)
        )
