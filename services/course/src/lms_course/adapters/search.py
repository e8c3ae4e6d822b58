"""Catalogue search behind one interface: PostgreSQL full-text (generated tsvector,
GIN, websearch_to_tsquery, ts_rank, ts_headline) or SQLite FTS5 (bm25, snippet).

Keyset pagination: every order is (key DESC, id DESC) and a page starts strictly
after the last (key, id) of the previous page, so courses added meanwhile never
shift or repeat the pages that follow.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from lms_course.adapters.tables import categories, courses
from lms_course.domain.model import CourseState
from lms_course.domain.search import SearchCriteria, SearchHit, SearchOrder

MARK_START, MARK_END = "<mark>", "</mark>"
PG_CONFIG = "english"
PG_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8, MaxFragments=1"
# bm25 weights per FTS5 column: course_id (unindexed), title, subtitle, description, tags.
SQLITE_BM25 = "bm25(course_fts, 0.0, 10.0, 4.0, 1.0, 10.0)"
_WORD = re.compile(r"\w+", re.UNICODE)


def fts5_query(text: str) -> str:
    """The user's words as an FTS5 query: every word must match (quoted, so FTS5
    syntax characters in the input are literal)."""
    return " ".join(f'"{w}"' for w in _WORD.findall(text))


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


class SqlSearch:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _postgres(self) -> bool:
        return self._session.bind.dialect.name == "postgresql"

    async def search(
        self, criteria: SearchCriteria, after: tuple[str, str] | None, limit: int
    ) -> list[SearchHit]:
        from lms_course.adapters.repository import course_from_row  # one row mapping for both paths

        order = criteria.effective_order
        query_text = criteria.query.strip()
        c = courses.c
        filters: list[Any] = [c.state == CourseState.PUBLISHED.value, *await self._filters(criteria)]
        rank: Any = sa.literal(0.0)
        snippet: Any = sa.literal("")
        source: Any = courses
        if query_text and self._postgres:
            tsquery = sa.func.websearch_to_tsquery(PG_CONFIG, query_text)
            vector = sa.literal_column("courses.search_vector")
            filters.append(vector.op("@@")(tsquery))
            rank = sa.cast(sa.func.ts_rank(vector, tsquery), sa.Float(precision=53))
        elif query_text:
            match = fts5_query(query_text)
            if not match:
                return []
            source = courses.join(sa.table("course_fts"), sa.literal_column("course_fts.course_id") == c.id)
            filters.append(sa.text("course_fts MATCH :fts_match").bindparams(fts_match=match))
            rank = sa.literal_column(f"-{SQLITE_BM25}")
            snippet = sa.literal_column(f"snippet(course_fts, -1, '{MARK_START}', '{MARK_END}', '…', 16)")
        sort_key: Any = {
            SearchOrder.RELEVANCE: rank,
            SearchOrder.NEWEST: c.published_at,
            SearchOrder.RATING: c.rating_score,
            SearchOrder.POPULARITY: c.enrollment_count,
        }[order]
        if after is not None:
            last = sa.bindparam("after_key", _parse_key(order, after[0]), type_=sort_key.type)
            filters.append(sa.tuple_(sort_key, c.id) < sa.tuple_(last, sa.bindparam("after_id", after[1])))
        inner = (
            sa.select(courses, rank.label("relevance"), snippet.label("snippet"))
            .select_from(source)
            .where(*filters)
            .order_by(sort_key.desc(), c.id.desc())
            .limit(limit)
        )
        if query_text and self._postgres:
            # Headlines are costly: make them for the page only.
            page = inner.subquery("page")
            headline = sa.func.ts_headline(
                PG_CONFIG,
                page.c.title + sa.literal(" — ") + page.c.subtitle + sa.literal(" — ") + page.c.description,
                sa.func.websearch_to_tsquery(PG_CONFIG, query_text),
                PG_HEADLINE,
            )
            outer_key = {
                SearchOrder.RELEVANCE: page.c.relevance,
                SearchOrder.NEWEST: page.c.published_at,
                SearchOrder.RATING: page.c.rating_score,
                SearchOrder.POPULARITY: page.c.enrollment_count,
            }[order]
            statement: Any = sa.select(
                *[col for col in page.c if col.name != "snippet"], headline.label("snippet")
            ).order_by(outer_key.desc(), page.c.id.desc())
        else:
            statement = inner
        rows = (await self._session.execute(statement)).mappings().all()
        key_column = {
            SearchOrder.RELEVANCE: "relevance",
            SearchOrder.NEWEST: "published_at",
            SearchOrder.RATING: "rating_score",
            SearchOrder.POPULARITY: "enrollment_count",
        }[order]
        hits = []
        for row in rows:
            course = course_from_row(row)
            value = course.published_at if order is SearchOrder.NEWEST else row[key_column]
            key = (_key_value(order, value), row["id"])
            hits.append(SearchHit(course, row["snippet"] or "", float(row["relevance"] or 0.0), key))
        return hits

    async def _filters(self, criteria: SearchCriteria) -> list[Any]:
        c = courses.c
        found: list[Any] = []
        if criteria.category_id:
            path = (
                await self._session.execute(
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
