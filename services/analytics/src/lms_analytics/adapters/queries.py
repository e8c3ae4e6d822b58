"""The dashboards' queries: they read the aggregate tables (days x courses), never the raw
statements, except for one learner's own record (a bloom-filter index on the actor)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Protocol

from lms_analytics.adapters.schema import DATABASE
from lms_analytics.domain.reports import (
    ActiveUsersDay,
    CourseDay,
    CourseRanking,
    CourseTotals,
    DayRange,
    QuizSummary,
    RevenueDay,
    StoredStatement,
)
from lms_kit.domain.money import Money


class Engine(Protocol):
    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None: ...

    def insert_json(self, table: str, rows: list[dict[str, Any]]) -> None: ...

    def close(self) -> None: ...


_RANGE = "day >= {first:Date} AND day <= {last:Date}"


class StatementQueries:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def run(self, query: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def course_totals(self, course_id: str) -> CourseTotals:
        rows = await self.run(
            "SELECT uniqExactMerge(enrolled) AS enrolled, uniqExactMerge(completed) AS completed,"
            " uniqExactMerge(attempts) AS attempts, uniqExactMerge(passed) AS passed,"
            " arrayAvg(x -> x.2, groupUniqArrayMerge(score_shares)) AS score_share"
            f" FROM {DATABASE}.course_daily WHERE course_id = {{course:String}}",
            {"course": course_id},
        )
        row = rows[0] if rows else {}
        share = _float(row.get("score_share"))
        return CourseTotals(
            enrollments=int(row.get("enrolled") or 0),
            completions=int(row.get("completed") or 0),
            quizzes=QuizSummary(int(row.get("attempts") or 0), int(row.get("passed") or 0), share),
        )

    async def course_days(self, course_id: str, span: DayRange) -> list[CourseDay]:
        rows = await self.run(
            "SELECT day, uniqExactMerge(enrolled) AS enrolled, uniqExactMerge(completed) AS completed,"
            " uniqExactMerge(active) AS active"
            f" FROM {DATABASE}.course_daily WHERE course_id = {{course:String}} AND {_RANGE}"
            " GROUP BY day ORDER BY day",
            {"course": course_id, **_span(span)},
        )
        return [
            CourseDay(date.fromisoformat(r["day"]), int(r["enrolled"]), int(r["completed"]), int(r["active"]))
            for r in rows
        ]

    async def revenue_days(self, span: DayRange, course_id: str | None = None) -> list[RevenueDay]:
        where = _RANGE + (" AND course_id = {course:String}" if course_id is not None else "")
        rows = await self.run(
            "SELECT day, currency, groupUniqArrayMerge(payments) AS paid, groupUniqArrayMerge(refunds) AS back,"
            " arraySum(x -> x.2, paid) AS gross, arraySum(x -> x.2, back) AS refunded, length(paid) AS orders"
            f" FROM {DATABASE}.revenue_daily WHERE {where}"
            " GROUP BY day, currency ORDER BY day, currency",
            {**_span(span), **({"course": course_id} if course_id is not None else {})},
        )
        return [
            RevenueDay(
                date.fromisoformat(r["day"]),
                Money(int(r["gross"]), r["currency"]),
                Money(int(r["refunded"]), r["currency"]),
                int(r["orders"]),
            )
            for r in rows
        ]

    async def active_users(self, span: DayRange) -> list[ActiveUsersDay]:
        rows = await self.run(
            f"SELECT day, uniqExactMerge(active) AS active FROM {DATABASE}.platform_daily"
            f" WHERE {_RANGE} GROUP BY day ORDER BY day",
            _span(span),
        )
        return [ActiveUsersDay(date.fromisoformat(r["day"]), int(r["active"])) for r in rows]

    async def top_courses(self, span: DayRange, limit: int) -> list[CourseRanking]:
        rows = await self.run(
            "SELECT course_id, uniqExactMerge(enrolled) AS enrolled"
            f" FROM {DATABASE}.course_daily WHERE {_RANGE} GROUP BY course_id"
            " HAVING enrolled > 0 ORDER BY enrolled DESC, course_id LIMIT {limit:UInt32}",
            {**_span(span), "limit": limit},
        )
        return [CourseRanking(r["course_id"], int(r["enrolled"])) for r in rows]

    async def learner_statements(self, user_id: str, limit: int) -> list[StoredStatement]:
        rows = await self.run(
            "SELECT event_id, verb, object_type, object_id, course_id, result,"
            " toString(occurred_at) AS occurred_at"
            f" FROM {DATABASE}.statements FINAL WHERE actor = {{actor:String}}"
            " ORDER BY occurred_at DESC, event_id LIMIT {limit:UInt32}",
            {"actor": user_id, "limit": limit},
        )
        return [
            StoredStatement(
                r["event_id"],
                r["verb"],
                r["object_type"],
                r["object_id"],
                r["course_id"],
                json.loads(r["result"] or "{}"),
                datetime.fromisoformat(r["occurred_at"]).replace(tzinfo=UTC),
            )
            for r in rows
        ]

    async def learner_verb_counts(self, user_id: str) -> list[tuple[str, int]]:
        rows = await self.run(
            f"SELECT verb, count() AS n FROM {DATABASE}.statements FINAL WHERE actor = {{actor:String}}"
            " GROUP BY verb ORDER BY n DESC, verb",
            {"actor": user_id},
        )
        return [(r["verb"], int(r["n"])) for r in rows]

    async def count_statements(self, event_id: str | None = None) -> int:
        """Statements as query results see them (FINAL: one per event id)."""
        where = " WHERE event_id = {id:String}" if event_id is not None else ""
        rows = await self.run(
            f"SELECT count() AS n FROM {DATABASE}.statements FINAL{where}",
            {"id": event_id} if event_id is not None else {},
        )
        return int(rows[0]["n"])


def _span(span: DayRange) -> dict[str, str]:
    return {"first": span.first.isoformat(), "last": span.last.isoformat()}


def _float(value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(number) else number
