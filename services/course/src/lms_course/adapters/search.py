"""Catalogue search on PostgreSQL full-text: the generated `courses.search_vector` (title
and tags weigh most, then subtitle, then description; GIN index), websearch_to_tsquery
(quoted phrases, -word, or), ts_rank, and ts_headline for the page's rows only.

Keyset pagination: every order is (key DESC, id DESC) and a page starts strictly
after the last (key, id) of the previous page, so courses added meanwhile never
shift or repeat the pages that follow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lms_course.adapters.courses import course_from_row
from lms_course.adapters.tables import COURSE_READ_COLUMNS, categories, courses
from lms_course.adapters.vocabulary import SqlVocabulary
from lms_course.domain.enums import CourseState
from lms_course.domain.search import (
    COMPLETIONS,
    SearchCriteria,
    SearchHit,
    SearchOrder,
    completes_last_word,
    query_words,
)
from lms_kit.uow import SqlRepository

MARK_START, MARK_END = "<mark>", "</mark>"
PG_CONFIG = "english"
PG_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1"
# The row column each order sorts by ("relevance" is the rank computed per query).
KEY_COLUMN = {
    SearchOrder.RELEVANCE: "relevance",
    SearchOrder.NEWEST: "published_at",
    SearchOrder.RATING: "rating_score",
    SearchOrder.POPULARITY: "enrollment_count",
}


def _key_value(order: SearchOrder, value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if order is SearchOrder.RELEVANCE:
        return repr(float(value))
    return str(int(value))


def _parse_key(order: SearchOrder, text: str) -> Any:
    if order is SearchOrder.NEWEST:
        return datetime.fromisoformat(text)
    if order is SearchOrder.RELEVANCE:
        return float(text)
    return int(text)


class SqlSearch(SqlRepository):
    async def search(
        self, criteria: SearchCriteria, after: tuple[str, str] | None, limit: int
    ) -> list[SearchHit]:
        order = criteria.effective_order
        query_text = criteria.query.strip()
        c = courses.c
        filters: list[Any] = [c.state == CourseState.PUBLISHED.value, *await self._filters(criteria)]
        rank: Any = sa.literal(0.0)
        if query_text:
            tsquery = await self._forgiving_query(criteria.query)  # unstripped: a trailing space ends a word
            filters.append(c.search_vector.op("@@")(tsquery))
            rank = sa.cast(sa.func.ts_rank(c.search_vector, tsquery), sa.Float(precision=53))
        sort_key: Any = rank if order is SearchOrder.RELEVANCE else c[KEY_COLUMN[order]]
        if after is not None:
            last = sa.bindparam("after_key", _parse_key(order, after[0]), type_=sort_key.type)
            filters.append(sa.tuple_(sort_key, c.id) < sa.tuple_(last, sa.bindparam("after_id", after[1])))
        statement: Any = (
            sa.select(*COURSE_READ_COLUMNS, rank.label("relevance"), sa.literal("").label("snippet"))
            .where(*filters)
            .order_by(sort_key.desc(), c.id.desc())
            .limit(limit)
        )
        if query_text:
            # Headlines are costly: make them for the page only.
            page = statement.subquery("page")
            headline = sa.func.ts_headline(
                PG_CONFIG,
                page.c.title + sa.literal(" — ") + page.c.subtitle + sa.literal(" — ") + page.c.description,
                tsquery,
                PG_HEADLINE,
            )
            statement = sa.select(
                *[col for col in page.c if col.name != "snippet"], headline.label("snippet")
            ).order_by(page.c[KEY_COLUMN[order]].desc(), page.c.id.desc())
        rows = (await self.session.execute(statement)).mappings().all()
        hits = []
        for row in rows:
            course = self.seen(course_from_row(row))
            value = course.published_at if order is SearchOrder.NEWEST else row[KEY_COLUMN[order]]
            key = (_key_value(order, value), row["id"])
            hits.append(SearchHit(course, row["snippet"] or "", float(row["relevance"] or 0.0), key))
        return hits

    async def _forgiving_query(self, text: str) -> Any:
        """The query as written (websearch syntax: phrases, -word, or) OR, when some of its
        words are not in the vocabulary, the same words each widened by its corrections
        within the typo budget, and the last one by the words it is the start of."""
        written = sa.func.websearch_to_tsquery(PG_CONFIG, text)
        words = query_words(text)
        vocabulary = SqlVocabulary(self.session)
        unknown = [w for w in words if w not in await vocabulary.known(words)]
        if not unknown:
            return written
        alternatives = await vocabulary.corrections(unknown)
        if completes_last_word(text) and words[-1] in unknown:
            completions = await vocabulary.completions(words[-1], COMPLETIONS)
            alternatives[words[-1]] = [*alternatives.get(words[-1], []), *completions]
        if not alternatives:
            return written
        widened: Any = None
        for word in words:
            either: Any = sa.func.plainto_tsquery(PG_CONFIG, word)
            for other in alternatives.get(word, []):
                either = either.op("||")(sa.func.plainto_tsquery(PG_CONFIG, other))
            widened = either if widened is None else widened.op("&&")(either)
        return written.op("||")(widened)

    async def _filters(self, criteria: SearchCriteria) -> list[Any]:
        c = courses.c
        found: list[Any] = []
        if criteria.category_id:
            path = (
                await self.session.execute(
                    sa.select(categories.c.path).where(categories.c.id == criteria.category_id)
                )
            ).scalar_one_or_none()
            if path is None:
                return [sa.false()]
            subtree = sa.select(categories.c.id).where(categories.c.path.startswith(path, autoescape=True))
            found.append(c.category_id.in_(subtree))
        if criteria.level is not None:
            found.append(c.level == criteria.level.value)
        if criteria.language:
            found.append(c.language == criteria.language)
        if criteria.free_only:
            found.append(c.price_amount_minor == 0)
        if criteria.min_price is not None:
            found += [
                c.price_currency == criteria.min_price.currency,
                c.price_amount_minor >= criteria.min_price.amount_minor,
            ]
        if criteria.max_price is not None:
            found.append(
                sa.or_(
                    c.price_amount_minor == 0,
                    sa.and_(
                        c.price_currency == criteria.max_price.currency,
                        c.price_amount_minor <= criteria.max_price.amount_minor,
                    ),
                )
            )
        if criteria.min_rating > 0:
            found.append(c.rating_score >= round(criteria.min_rating * 1000))
        return found
