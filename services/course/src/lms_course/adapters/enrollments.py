"""Enrolments in PostgreSQL: one row per (course, learner); the order id is unique."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_course.adapters.sql import wrote_row
from lms_course.adapters.tables import courses, enrollments
from lms_course.domain.enums import EnrollmentSource, EnrollmentState
from lms_course.domain.model import Enrollment
from lms_course.handlers.ports import After
from lms_kit.uow import SqlRepository


def _with_title() -> Any:
    """Enrolment rows with their course's title (every answer that shows an enrolment names it)."""
    return sa.select(enrollments, courses.c.title.label("course_title")).join(
        courses, courses.c.id == enrollments.c.course_id
    )


class SqlEnrollments(SqlRepository):
    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Enrollment | None:
        query = _with_title().where(enrollments.c.course_id == course_id, enrollments.c.user_id == user_id)
        if lock:
            query = query.with_for_update(of=enrollments)
        row = (await self.session.execute(query)).mappings().first()
        return _enrollment(row) if row else None

    async def get_by_order(self, order_id: str) -> Enrollment | None:
        query = _with_title().where(enrollments.c.order_id == order_id)
        row = (await self.session.execute(query)).mappings().first()
        return _enrollment(row) if row else None

    async def add_if_absent(self, enrollment: Enrollment) -> bool:
        """Insert unless this learner already has a row for the course (or the order id
        is taken): False then. Never fails on a concurrent insert."""
        statement = insert(enrollments).values(**_enrollment_row(enrollment)).on_conflict_do_nothing()
        return await wrote_row(self.session, statement, enrollments.c.course_id)

    async def save(self, enrollment: Enrollment) -> None:
        await self.session.execute(
            sa.update(enrollments)
            .where(
                enrollments.c.course_id == enrollment.course_id, enrollments.c.user_id == enrollment.user_id
            )
            .values(**_enrollment_row(enrollment))
        )

    async def mark_completed(self, course_id: str, user_id: str, now: datetime) -> bool:
        """Set completed_at once: True only for the call that set it."""
        statement = (
            sa.update(enrollments)
            .where(
                enrollments.c.course_id == course_id,
                enrollments.c.user_id == user_id,
                enrollments.c.completed_at.is_(None),
            )
            .values(completed_at=now)
        )
        return await wrote_row(self.session, statement, enrollments.c.course_id)

    async def completed_course_ids(self, user_id: str, course_ids: Iterable[str]) -> set[str]:
        ids = list(course_ids)
        if not ids:
            return set()
        query = sa.select(enrollments.c.course_id).where(
            enrollments.c.user_id == user_id,
            enrollments.c.course_id.in_(ids),
            enrollments.c.completed_at.is_not(None),
        )
        return set((await self.session.execute(query)).scalars())

    async def list_for_user(self, user_id: str, after: After, limit: int) -> list[Enrollment]:
        e = enrollments
        query = (
            sa.select(e, courses.c.title.label("course_title"))
            .join(courses, courses.c.id == e.c.course_id)
            .where(e.c.user_id == user_id, e.c.state == EnrollmentState.ACTIVE.value)
        )
        if after is not None:
            query = query.where(sa.tuple_(e.c.enrolled_at, e.c.course_id) < sa.tuple_(*after))
        query = query.order_by(e.c.enrolled_at.desc(), e.c.course_id.desc()).limit(limit)
        return [_enrollment(row) for row in (await self.session.execute(query)).mappings()]

    async def list_for_course(self, course_id: str, after: After, limit: int) -> list[Enrollment]:
        e = enrollments
        query = (
            sa.select(e, courses.c.title.label("course_title"))
            .join(courses, courses.c.id == e.c.course_id)
            .where(e.c.course_id == course_id, e.c.state == EnrollmentState.ACTIVE.value)
        )
        if after is not None:
            query = query.where(sa.tuple_(e.c.enrolled_at, e.c.user_id) < sa.tuple_(*after))
        query = query.order_by(e.c.enrolled_at.desc(), e.c.user_id.desc()).limit(limit)
        return [_enrollment(row) for row in (await self.session.execute(query)).mappings()]


def _enrollment_row(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "course_id": enrollment.course_id,
        "user_id": enrollment.user_id,
        "state": enrollment.state.value,
        "source": enrollment.source.value,
        "order_id": enrollment.order_id or None,
        "enrolled_at": enrollment.enrolled_at,
        "ended_at": enrollment.ended_at,
        "completed_at": enrollment.completed_at,
    }


def _enrollment(row: Mapping[Any, Any]) -> Enrollment:
    return Enrollment(
        course_id=row["course_id"],
        user_id=row["user_id"],
        state=EnrollmentState(row["state"]),
        source=EnrollmentSource(row["source"]),
        order_id=row["order_id"] or "",
        enrolled_at=row["enrolled_at"],
        ended_at=row["ended_at"],
        completed_at=row["completed_at"],
        course_title=row.get("course_title", "") or "",
    )
