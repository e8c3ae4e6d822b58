"""Use cases that read dashboards, each behind its access rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

from lms_analytics.domain.errors import NotCourseTeacher
from lms_analytics.domain.reports import (
    CourseDashboard,
    DayRange,
    LearnerActivity,
    PlatformOverview,
    course_csv_rows,
    fill_active_days,
    fill_course_days,
)
from lms_analytics.handlers.ports import CourseTeachers, Statements
from lms_kit.domain import Actor

TOP_COURSES = 10
DEFAULT_ACTIVITY = 50


class Reports:
    def __init__(
        self, statements: Statements, teachers: CourseTeachers, clock: Callable[[], datetime]
    ) -> None:
        self._statements = statements
        self._teachers = teachers
        self._clock = clock

    async def course_dashboard(self, actor: Actor, course_id: str, days: int) -> CourseDashboard:
        """Teachers of the course and admins only (NotCourseTeacher otherwise)."""
        if not actor.is_admin and not await self._teachers.teaches(actor, course_id):
            raise NotCourseTeacher(course_id)
        span = DayRange.ending(self._clock().date(), days)
        return CourseDashboard(
            course_id=course_id,
            totals=await self._statements.course_totals(course_id),
            days=fill_course_days(span, await self._statements.course_days(course_id, span)),
            revenue=await self._statements.revenue_days(span, course_id),
        )

    async def course_csv(self, actor: Actor, course_id: str, days: int) -> str:
        dashboard = await self.course_dashboard(actor, course_id, days)
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(course_csv_rows(dashboard))
        return out.getvalue()

    async def platform_overview(self, days: int) -> PlatformOverview:
        span = DayRange.ending(self._clock().date(), days)
        return PlatformOverview(
            active_users=fill_active_days(span, await self._statements.active_users(span)),
            revenue=await self._statements.revenue_days(span),
            top_courses=await self._statements.top_courses(span, TOP_COURSES),
        )

    async def learner_activity(self, user_id: str, limit: int) -> LearnerActivity:
        """The policy (owner or admin) is the contract's; this only reads."""
        return LearnerActivity(
            user_id=user_id,
            statements=await self._statements.learner_statements(user_id, limit or DEFAULT_ACTIVITY),
            verb_counts=await self._statements.learner_verb_counts(user_id),
        )
