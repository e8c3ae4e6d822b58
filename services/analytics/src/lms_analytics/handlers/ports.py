"""What the use cases need from the outside world, as Protocols (adapters/ implements them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from lms_analytics.domain.reports import (
    ActiveUsersDay,
    CourseDay,
    CourseRanking,
    CourseTotals,
    DayRange,
    RevenueDay,
    StoredStatement,
)
from lms_analytics.domain.statements import Statement
from lms_kit.domain import Actor


class Statements(Protocol):
    async def add(self, statements: Iterable[Statement], *, now: datetime) -> tuple[int, int]:
        """Store statements with new event ids; (stored, already there)."""
        ...

    async def course_totals(self, course_id: str) -> CourseTotals: ...

    async def course_days(self, course_id: str, span: DayRange) -> list[CourseDay]: ...

    async def revenue_days(self, span: DayRange, course_id: str | None = None) -> list[RevenueDay]: ...

    async def active_users(self, span: DayRange) -> list[ActiveUsersDay]: ...

    async def top_courses(self, span: DayRange, limit: int) -> list[CourseRanking]: ...

    async def learner_statements(self, user_id: str, limit: int) -> list[StoredStatement]: ...

    async def learner_verb_counts(self, user_id: str) -> list[tuple[str, int]]: ...


class CourseTeachers(Protocol):
    async def teaches(self, actor: Actor, course_id: str) -> bool:
        """Whether the actor owns or instructs the course (False when it does not exist)."""
        ...
