"""What the dashboards show, as plain values, and the rules that shape them (a daily series
has a row for every day of its range; rates are 0 when nothing was counted)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from lms_kit.domain.money import Money

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class DayRange:
    first: date
    last: date

    @classmethod
    def ending(cls, today: date, days: int) -> DayRange:
        days = days or DEFAULT_DAYS
        return cls(today - timedelta(days=days - 1), today)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class CourseDay:
    day: date
    enrollments: int = 0
    completions: int = 0
    active_learners: int = 0


@dataclass(frozen=True)
class RevenueDay:
    day: date
    gross: Money
    refunded: Money
    orders: int

    @property
    def net(self) -> Money:
        return Money(self.gross.amount_minor - self.refunded.amount_minor, self.gross.currency)


@dataclass(frozen=True)
class QuizSummary:
    attempts: int = 0
    passed: int = 0
    mean_score_share: float = 0.0


@dataclass(frozen=True)
class CourseTotals:
    enrollments: int = 0
    completions: int = 0
    quizzes: QuizSummary = field(default_factory=QuizSummary)


@dataclass(frozen=True)
class CourseDashboard:
    course_id: str
    totals: CourseTotals
    days: list[CourseDay]
    revenue: list[RevenueDay]

    @property
    def completion_rate(self) -> float:
        if not self.totals.enrollments:
            return 0.0
        return self.totals.completions / self.totals.enrollments


@dataclass(frozen=True)
class ActiveUsersDay:
    day: date
    active_users: int = 0


@dataclass(frozen=True)
class CourseRanking:
    course_id: str
    enrollments: int


@dataclass(frozen=True)
class PlatformOverview:
    active_users: list[ActiveUsersDay]
    revenue: list[RevenueDay]
    top_courses: list[CourseRanking]


@dataclass(frozen=True)
class StoredStatement:
    event_id: str
    verb: str
    object_type: str
    object_id: str
    course_id: str
    result: dict[str, Any]
    occurred_at: datetime


@dataclass(frozen=True)
class LearnerActivity:
    user_id: str
    statements: list[StoredStatement]
    verb_counts: list[tuple[str, int]]


def fill_course_days(span: DayRange, known: Iterable[CourseDay]) -> list[CourseDay]:
    """One row per day of the range, zeros where nothing happened."""
    by_day = {row.day: row for row in known}
    return [by_day.get(day, CourseDay(day)) for day in span.days()]


def fill_active_days(span: DayRange, known: Iterable[ActiveUsersDay]) -> list[ActiveUsersDay]:
    by_day = {row.day: row for row in known}
    return [by_day.get(day, ActiveUsersDay(day)) for day in span.days()]


def course_csv_rows(dashboard: CourseDashboard) -> list[list[str]]:
    """The dashboard as CSV rows: a header, then one row per day (revenue per currency)."""
    currencies = sorted({r.gross.currency for r in dashboard.revenue})
    money = {(r.day, r.gross.currency): r for r in dashboard.revenue}
    header = ["day", "enrollments", "completions", "active_learners"]
    header += [f"net_revenue_minor_{c}" for c in currencies]
    rows = [header]
    for day in dashboard.days:
        row = [day.day.isoformat(), str(day.enrollments), str(day.completions), str(day.active_learners)]
        for currency in currencies:
            found = money.get((day.day, currency))
            row.append(str(found.net.amount_minor) if found else "0")
        rows.append(row)
    return rows
