"""Courses (the aggregate) and their prerequisites in PostgreSQL. Counters change only
through single atomic statements (increments), never by reading a value and writing it
back. Every course loaded or added is handed to the unit of work (`seen`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert

from lms_course.adapters.sql import wrote_row
from lms_course.adapters.tables import COURSE_READ_COLUMNS, course_prerequisites, courses
from lms_course.domain.enums import CourseState, Level
from lms_course.domain.model import Course, CourseDetails, RatingSummary
from lms_course.handlers.ports import After
from lms_kit.domain.money import Money
from lms_kit.uow import SqlRepository


class SqlCourses(SqlRepository):
    async def add(self, course: Course, *, request_id: str | None = None) -> bool:
        """Insert; False if a course with this create request id already exists."""
        statement = (
            insert(courses)
            .values(**_course_row(course), create_request_id=request_id, created_at=course.created_at)
            .on_conflict_do_nothing()
        )
        if not await wrote_row(self.session, statement, courses.c.id):
            return False
        await self._save_prerequisites(course)
        self.seen(course)
        return True

    async def get(self, course_id: str, *, lock: bool = False) -> Course | None:
        query = sa.select(*COURSE_READ_COLUMNS).where(courses.c.id == course_id)
        if lock:
            query = query.with_for_update(of=courses)
        row = (await self.session.execute(query)).mappings().first()
        if row is None:
            return None
        required = await self.session.execute(
            sa.select(course_prerequisites.c.required_course_id)
            .where(course_prerequisites.c.course_id == course_id)
            .order_by(course_prerequisites.c.position)
        )
        return self.seen(course_from_row(row, tuple(required.scalars())))

    async def get_by_request_id(self, request_id: str) -> Course | None:
        query = sa.select(courses.c.id).where(courses.c.create_request_id == request_id)
        course_id = (await self.session.execute(query)).scalar_one_or_none()
        return await self.get(course_id) if course_id else None

    async def existing_ids(self, course_ids: Iterable[str]) -> set[str]:
        ids = list(set(course_ids))
        if not ids:
            return set()
        query = sa.select(courses.c.id).where(courses.c.id.in_(ids))
        return set((await self.session.execute(query)).scalars())

    async def save(self, course: Course) -> None:
        row = _course_row(course)
        del row["id"]
        await self.session.execute(sa.update(courses).where(courses.c.id == course.id).values(**row))
        await self._save_prerequisites(course)
        self.seen(course)

    async def _save_prerequisites(self, course: Course) -> None:
        await self.session.execute(
            sa.delete(course_prerequisites).where(course_prerequisites.c.course_id == course.id)
        )
        if course.details.prerequisite_ids:
            await self.session.execute(
                sa.insert(course_prerequisites),
                [
                    {"course_id": course.id, "required_course_id": required, "position": index}
                    for index, required in enumerate(course.details.prerequisite_ids)
                ],
            )

    async def lock_prerequisite_graph(self) -> None:
        """Serialise prerequisite writes, so two concurrent edits cannot close a cycle
        that neither sees alone."""
        await self.session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('course.prereqs'))"))

    async def prerequisite_closure(self, course_ids: Iterable[str]) -> set[str]:
        """Every course that `course_ids` require, transitively (recursive CTE)."""
        ids = list(set(course_ids))
        if not ids:
            return set()
        p = course_prerequisites
        reach = (
            sa.select(p.c.required_course_id.label("id"))
            .where(p.c.course_id.in_(ids))
            .cte("reach", recursive=True)
        )
        reach = reach.union(sa.select(p.c.required_course_id).join(reach, p.c.course_id == reach.c.id))
        return set((await self.session.execute(sa.select(reach.c.id))).scalars())

    async def list_teaching(self, user_id: str, after: After, limit: int) -> list[Course]:
        """Courses the user owns or co-teaches, any state, newest first (created_at, id).
        Co-teachers are found in the instructor_ids JSON (jsonb containment)."""
        c = courses.c
        co_teaches = sa.cast(c.instructor_ids, postgresql.JSONB).contains([user_id])
        query = sa.select(*COURSE_READ_COLUMNS).where(sa.or_(c.owner_id == user_id, co_teaches))
        if after is not None:
            query = query.where(sa.tuple_(c.created_at, c.id) < sa.tuple_(*after))
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        rows = list((await self.session.execute(query)).mappings())
        required: dict[str, list[str]] = {}
        if rows:
            p = course_prerequisites.c
            found = await self.session.execute(
                sa.select(p.course_id, p.required_course_id)
                .where(p.course_id.in_([row["id"] for row in rows]))
                .order_by(p.course_id, p.position)
            )
            for course_id, required_id in found:
                required.setdefault(course_id, []).append(required_id)
        return [self.seen(course_from_row(row, tuple(required.get(row["id"], ())))) for row in rows]

    async def count_enrollment(self, course_id: str) -> None:
        await self.session.execute(
            sa.update(courses)
            .where(courses.c.id == course_id)
            .values(enrollment_count=courses.c.enrollment_count + 1)
        )

    async def apply_rating(self, course_id: str, *, old: int | None, new: int) -> None:
        """Change the aggregate for one review posted (old None) or edited, atomically."""
        c = courses.c
        added = 0 if old is not None else 1
        delta = new - (old or 0)
        values: dict[str, Any] = {
            "rating_count": c.rating_count + added,
            "rating_total": c.rating_total + delta,
            # SET expressions read the row's old values, so this is the new mean x 1000.
            "rating_score": ((c.rating_total + delta) * 1000) / (c.rating_count + added),
        }
        if old is not None and old != new:
            values[f"rating_{old}"] = c[f"rating_{old}"] - 1
        if old is None or old != new:
            values[f"rating_{new}"] = c[f"rating_{new}"] + 1
        await self.session.execute(sa.update(courses).where(c.id == course_id).values(**values))


def _course_row(course: Course) -> dict[str, Any]:
    d = course.details
    return {
        "id": course.id,
        "owner_id": course.owner_id,
        "title": d.title,
        "subtitle": d.subtitle,
        "description": d.description,
        "category_id": d.category_id,
        "level": d.level.value,
        "language": d.language,
        "tags": list(d.tags),
        "tags_text": " ".join(d.tags),
        "thumbnail": d.thumbnail,
        "price_amount_minor": d.price.amount_minor,
        "price_currency": d.price.currency,
        "state": course.state.value,
        "instructor_ids": list(d.instructor_ids),
        "refund_window_days": d.refund_window_days,
        "updated_at": course.updated_at,
        "published_at": course.published_at,
    }


def course_from_row(row: Mapping[Any, Any], prerequisite_ids: tuple[str, ...] = ()) -> Course:
    """A course from a row of `courses` (search reads the same columns)."""
    return Course(
        id=row["id"],
        owner_id=row["owner_id"],
        details=CourseDetails(
            title=row["title"],
            subtitle=row["subtitle"],
            description=row["description"],
            category_id=row["category_id"],
            level=Level(row["level"]),
            language=row["language"],
            tags=tuple(row["tags"]),
            thumbnail=row["thumbnail"],
            price=Money(row["price_amount_minor"], row["price_currency"]),
            instructor_ids=tuple(row["instructor_ids"]),
            prerequisite_ids=prerequisite_ids,
            refund_window_days=row["refund_window_days"],
        ),
        state=CourseState(row["state"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        published_at=row["published_at"],
        rating=RatingSummary(
            count=row["rating_count"],
            total=row["rating_total"],
            histogram=(row["rating_1"], row["rating_2"], row["rating_3"], row["rating_4"], row["rating_5"]),
        ),
        enrollment_count=row["enrollment_count"],
        lecture_count=int(row.get("lecture_count") or 0),
        total_duration_s=int(row.get("total_duration_s") or 0),
    )
