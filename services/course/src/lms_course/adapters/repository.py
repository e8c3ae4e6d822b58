"""The SQL unit of work and repositories (PostgreSQL in production and tests,
SQLite as the embedded default). Counters and progress change only through single
atomic SQL statements (increments, GREATEST/MAX upserts, conditional updates), never
by reading a value and writing it back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from lms_course.adapters.search import SqlSearch
from lms_course.adapters.tables import (
    categories,
    chapters,
    course_prerequisites,
    courses,
    enrollments,
    lecture_progress,
    lectures,
    reviews,
)
from lms_course.domain.errors import Conflict
from lms_course.domain.model import (
    Category,
    Chapter,
    Course,
    CourseDetails,
    CourseState,
    DomainEvent,
    Enrollment,
    EnrollmentSource,
    EnrollmentState,
    Lecture,
    LectureContent,
    LectureKind,
    Level,
    Money,
    RatingSummary,
    Review,
)
from lms_course.mappers import event_to_proto
from lms_kit.db import Database, dialect_insert
from lms_kit.db import UnitOfWork as KitUnitOfWork


async def _inserted(session: AsyncSession, statement: Any, column: Any) -> bool:
    """Run an INSERT ... ON CONFLICT DO NOTHING; whether it inserted the row. (RETURNING,
    because the async psycopg driver reports no rowcount for an INSERT.)"""
    return (await session.execute(statement.returning(column))).first() is not None


def _greatest(session: AsyncSession, *args: Any) -> Any:
    # PostgreSQL's GREATEST; SQLite's scalar MAX(a, b) does the same.
    return sa.func.greatest(*args) if session.bind.dialect.name == "postgresql" else sa.func.max(*args)


class SqlCategories:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def lock_tree(self) -> None:
        """Serialise tree changes (moves must see a stable tree). SQLite has one writer."""
        if self._session.bind.dialect.name == "postgresql":
            await self._session.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtext('course.categories'))")
            )

    async def add(self, category: Category) -> None:
        statement = dialect_insert(self._session, categories).values(**_category_row(category))
        if not await _inserted(self._session, statement.on_conflict_do_nothing(), categories.c.id):
            raise Conflict("CATEGORY_SLUG_TAKEN", f"the slug {category.slug!r} is taken")

    async def get(self, category_id: str) -> Category | None:
        row = (
            (await self._session.execute(sa.select(categories).where(categories.c.id == category_id)))
            .mappings()
            .first()
        )
        return Category(**row) if row else None

    async def slug_taken(self, slug: str, other_than: str) -> bool:
        query = sa.select(categories.c.id).where(categories.c.slug == slug, categories.c.id != other_than)
        return (await self._session.execute(query)).first() is not None

    async def sibling_ids(self, parent_id: str | None) -> list[str]:
        where = categories.c.parent_id.is_(None) if parent_id is None else categories.c.parent_id == parent_id
        query = sa.select(categories.c.id).where(where).order_by(categories.c.position, categories.c.id)
        return list((await self._session.execute(query)).scalars())

    async def set_positions(self, order: dict[str, int]) -> None:
        for category_id, position in order.items():
            await self._session.execute(
                sa.update(categories).where(categories.c.id == category_id).values(position=position)
            )

    async def save(self, category: Category) -> None:
        row = _category_row(category)
        del row["id"]
        await self._session.execute(sa.update(categories).where(categories.c.id == category.id).values(**row))

    async def move_subtree(self, old_path: str, new_path: str) -> None:
        """Re-root every descendant's path (the category itself included)."""
        await self._session.execute(
            sa.update(categories)
            .where(categories.c.path.startswith(old_path, autoescape=True))
            .values(path=sa.literal(new_path) + sa.func.substr(categories.c.path, len(old_path) + 1))
        )

    async def list_all(self) -> list[Category]:
        rows = (await self._session.execute(sa.select(categories))).mappings()
        return [Category(**row) for row in rows]


def _category_row(category: Category) -> dict[str, Any]:
    return {
        "id": category.id,
        "parent_id": category.parent_id,
        "slug": category.slug,
        "display_name": category.display_name,
        "position": category.position,
        "path": category.path,
    }


class SqlCourses:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self.seen: list[Course] = []

    async def add(self, course: Course, *, request_id: str | None = None) -> bool:
        """Insert; False if a course with this create request id already exists."""
        row = _course_row(course)
        statement = dialect_insert(self._session, courses).values(
            **row, create_request_id=request_id, created_at=course.created_at
        )
        if not await _inserted(self._session, statement.on_conflict_do_nothing(), courses.c.id):
            return False
        await self._save_prerequisites(course)
        self.seen.append(course)
        return True

    async def get(self, course_id: str, *, lock: bool = False) -> Course | None:
        query = sa.select(courses).where(courses.c.id == course_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        if row is None:
            return None
        required = await self._session.execute(
            sa.select(course_prerequisites.c.required_course_id)
            .where(course_prerequisites.c.course_id == course_id)
            .order_by(course_prerequisites.c.position)
        )
        course = course_from_row(row, tuple(required.scalars()))
        self.seen.append(course)
        return course

    async def get_by_request_id(self, request_id: str) -> Course | None:
        query = sa.select(courses.c.id).where(courses.c.create_request_id == request_id)
        course_id = (await self._session.execute(query)).scalar_one_or_none()
        return await self.get(course_id) if course_id else None

    async def existing_ids(self, course_ids: Iterable[str]) -> set[str]:
        ids = list(set(course_ids))
        if not ids:
            return set()
        query = sa.select(courses.c.id).where(courses.c.id.in_(ids))
        return set((await self._session.execute(query)).scalars())

    async def save(self, course: Course) -> None:
        row = _course_row(course)
        del row["id"]
        await self._session.execute(sa.update(courses).where(courses.c.id == course.id).values(**row))
        await self._save_prerequisites(course)
        if course not in self.seen:
            self.seen.append(course)

    async def _save_prerequisites(self, course: Course) -> None:
        await self._session.execute(
            sa.delete(course_prerequisites).where(course_prerequisites.c.course_id == course.id)
        )
        if course.details.prerequisite_ids:
            await self._session.execute(
                sa.insert(course_prerequisites),
                [
                    {"course_id": course.id, "required_course_id": required, "position": index}
                    for index, required in enumerate(course.details.prerequisite_ids)
                ],
            )

    async def lock_prerequisite_graph(self) -> None:
        """Serialise prerequisite writes, so two concurrent edits cannot close a cycle
        that neither sees alone. SQLite has one writer anyway."""
        if self._session.bind.dialect.name == "postgresql":
            await self._session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('course.prereqs'))"))

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
        return set((await self._session.execute(sa.select(reach.c.id))).scalars())

    async def list_teaching(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Course]:
        """Courses the user owns or co-teaches, any state, newest first (created_at, id)."""
        c = courses.c
        if self._session.bind.dialect.name == "postgresql":
            co_teaches: Any = sa.cast(c.instructor_ids, postgresql.JSONB).contains([user_id])
        else:
            co_teaches = sa.text(
                "EXISTS (SELECT 1 FROM json_each(courses.instructor_ids) WHERE json_each.value = :teacher)"
            ).bindparams(teacher=user_id)
        query = sa.select(courses).where(sa.or_(c.owner_id == user_id, co_teaches))
        if after is not None:
            query = query.where(sa.tuple_(c.created_at, c.id) < sa.tuple_(*after))
        query = query.order_by(c.created_at.desc(), c.id.desc()).limit(limit)
        rows = list((await self._session.execute(query)).mappings())
        required: dict[str, list[str]] = {}
        if rows:
            p = course_prerequisites.c
            found = await self._session.execute(
                sa.select(p.course_id, p.required_course_id)
                .where(p.course_id.in_([row["id"] for row in rows]))
                .order_by(p.course_id, p.position)
            )
            for course_id, required_id in found:
                required.setdefault(course_id, []).append(required_id)
        return [course_from_row(row, tuple(required.get(row["id"], ()))) for row in rows]

    async def count_enrollment(self, course_id: str) -> None:
        await self._session.execute(
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
        await self._session.execute(sa.update(courses).where(c.id == course_id).values(**values))


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


def course_from_row(row: Any, prerequisite_ids: tuple[str, ...] = ()) -> Course:
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
            histogram=tuple(row[f"rating_{i}"] for i in range(1, 6)),  # type: ignore[arg-type]
        ),
        enrollment_count=row["enrollment_count"],
    )


class SqlStructure:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def chapters(self, course_id: str) -> list[Chapter]:
        query = (
            sa.select(chapters)
            .where(chapters.c.course_id == course_id)
            .order_by(chapters.c.position, chapters.c.id)
        )
        return [Chapter(**row) for row in (await self._session.execute(query)).mappings()]

    async def outline(self, course_id: str) -> list[Chapter]:
        """Chapters in order, each with its lectures in order (no article bodies)."""
        found = await self.chapters(course_id)
        by_id = {c.id: c for c in found}
        query = (
            sa.select(*[col for col in lectures.c if col.name != "body"])
            .where(lectures.c.course_id == course_id)
            .order_by(lectures.c.chapter_id, lectures.c.position, lectures.c.id)
        )
        for row in (await self._session.execute(query)).mappings():
            chapter = by_id.get(row["chapter_id"])
            if chapter is not None:
                chapter.lectures.append(_lecture({**row, "body": ""}))
        return found

    async def get_chapter(self, chapter_id: str) -> Chapter | None:
        row = (
            (await self._session.execute(sa.select(chapters).where(chapters.c.id == chapter_id)))
            .mappings()
            .first()
        )
        return Chapter(**row) if row else None

    async def add_chapter(self, chapter: Chapter) -> None:
        await self._session.execute(
            sa.insert(chapters).values(
                id=chapter.id, course_id=chapter.course_id, title=chapter.title, position=chapter.position
            )
        )

    async def save_chapter(self, chapter: Chapter) -> None:
        await self._session.execute(
            sa.update(chapters).where(chapters.c.id == chapter.id).values(title=chapter.title)
        )

    async def delete_chapter(self, chapter_id: str) -> None:
        await self._session.execute(sa.delete(lectures).where(lectures.c.chapter_id == chapter_id))
        await self._session.execute(sa.delete(chapters).where(chapters.c.id == chapter_id))

    async def set_chapter_positions(self, order: dict[str, int]) -> None:
        for chapter_id, position in order.items():
            await self._session.execute(
                sa.update(chapters).where(chapters.c.id == chapter_id).values(position=position)
            )

    async def lecture_ids(self, chapter_id: str) -> list[str]:
        query = (
            sa.select(lectures.c.id)
            .where(lectures.c.chapter_id == chapter_id)
            .order_by(lectures.c.position, lectures.c.id)
        )
        return list((await self._session.execute(query)).scalars())

    async def get_lecture(self, lecture_id: str) -> Lecture | None:
        row = (
            (await self._session.execute(sa.select(lectures).where(lectures.c.id == lecture_id)))
            .mappings()
            .first()
        )
        return _lecture(row) if row else None

    async def add_lecture(self, lecture: Lecture) -> None:
        await self._session.execute(sa.insert(lectures).values(**_lecture_row(lecture)))

    async def save_lecture(self, lecture: Lecture) -> None:
        row = _lecture_row(lecture)
        del row["id"]
        await self._session.execute(sa.update(lectures).where(lectures.c.id == lecture.id).values(**row))

    async def delete_lecture(self, lecture_id: str) -> None:
        await self._session.execute(sa.delete(lectures).where(lectures.c.id == lecture_id))

    async def set_lecture_positions(self, chapter_id: str, order: dict[str, int]) -> None:
        """Put each lecture of `order` in `chapter_id` at its position."""
        for lecture_id, position in order.items():
            await self._session.execute(
                sa.update(lectures)
                .where(lectures.c.id == lecture_id)
                .values(chapter_id=chapter_id, position=position)
            )

    async def lecture_count(self, course_id: str) -> int:
        query = sa.select(sa.func.count()).select_from(lectures).where(lectures.c.course_id == course_id)
        return int((await self._session.execute(query)).scalar_one())


def _lecture_row(lecture: Lecture) -> dict[str, Any]:
    return {
        "id": lecture.id,
        "course_id": lecture.course_id,
        "chapter_id": lecture.chapter_id,
        "title": lecture.title,
        "position": lecture.position,
        "free_preview": lecture.free_preview,
        "kind": lecture.content.kind.value,
        "asset": lecture.content.asset,
        "duration_s": lecture.content.duration_s,
        "body": lecture.content.body,
    }


def _lecture(row: Any) -> Lecture:
    return Lecture(
        id=row["id"],
        course_id=row["course_id"],
        chapter_id=row["chapter_id"],
        title=row["title"],
        position=row["position"],
        free_preview=row["free_preview"],
        content=LectureContent(LectureKind(row["kind"]), row["asset"], row["duration_s"], row["body"]),
    )


class SqlEnrollments:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Enrollment | None:
        query = sa.select(enrollments).where(
            enrollments.c.course_id == course_id, enrollments.c.user_id == user_id
        )
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return _enrollment(row) if row else None

    async def get_by_order(self, order_id: str) -> Enrollment | None:
        query = sa.select(enrollments).where(enrollments.c.order_id == order_id)
        row = (await self._session.execute(query)).mappings().first()
        return _enrollment(row) if row else None

    async def add_if_absent(self, enrollment: Enrollment) -> bool:
        """Insert unless this learner already has a row for the course (or the order id
        is taken): False then. Never fails on a concurrent insert."""
        statement = dialect_insert(self._session, enrollments).values(**_enrollment_row(enrollment))
        return await _inserted(self._session, statement.on_conflict_do_nothing(), enrollments.c.course_id)

    async def save(self, enrollment: Enrollment) -> None:
        row = _enrollment_row(enrollment)
        await self._session.execute(
            sa.update(enrollments)
            .where(
                enrollments.c.course_id == enrollment.course_id, enrollments.c.user_id == enrollment.user_id
            )
            .values(**row)
        )

    async def mark_completed(self, course_id: str, user_id: str, now: datetime) -> bool:
        """Set completed_at once: True only for the call that set it."""
        result = await self._session.execute(
            sa.update(enrollments)
            .where(
                enrollments.c.course_id == course_id,
                enrollments.c.user_id == user_id,
                enrollments.c.completed_at.is_(None),
            )
            .values(completed_at=now)
        )
        return result.rowcount == 1

    async def completed_course_ids(self, user_id: str, course_ids: Iterable[str]) -> set[str]:
        ids = list(course_ids)
        if not ids:
            return set()
        query = sa.select(enrollments.c.course_id).where(
            enrollments.c.user_id == user_id,
            enrollments.c.course_id.in_(ids),
            enrollments.c.completed_at.is_not(None),
        )
        return set((await self._session.execute(query)).scalars())

    async def list_for_user(
        self, user_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        e = enrollments
        query = (
            sa.select(e, courses.c.title.label("course_title"))
            .join(courses, courses.c.id == e.c.course_id)
            .where(e.c.user_id == user_id, e.c.state == EnrollmentState.ACTIVE.value)
        )
        if after is not None:
            query = query.where(sa.tuple_(e.c.enrolled_at, e.c.course_id) < sa.tuple_(*after))
        query = query.order_by(e.c.enrolled_at.desc(), e.c.course_id.desc()).limit(limit)
        return [_enrollment(row) for row in (await self._session.execute(query)).mappings()]

    async def list_for_course(
        self, course_id: str, after: tuple[datetime, str] | None, limit: int
    ) -> list[Enrollment]:
        e = enrollments
        query = (
            sa.select(e, courses.c.title.label("course_title"))
            .join(courses, courses.c.id == e.c.course_id)
            .where(e.c.course_id == course_id, e.c.state == EnrollmentState.ACTIVE.value)
        )
        if after is not None:
            query = query.where(sa.tuple_(e.c.enrolled_at, e.c.user_id) < sa.tuple_(*after))
        query = query.order_by(e.c.enrolled_at.desc(), e.c.user_id.desc()).limit(limit)
        return [_enrollment(row) for row in (await self._session.execute(query)).mappings()]


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


def _enrollment(row: Any) -> Enrollment:
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


class SqlProgress:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def record_position(
        self, user_id: str, course_id: str, lecture_id: str, position_s: int, now: datetime
    ) -> tuple[int, datetime | None]:
        """Raise the stored position to `position_s` if that is further (one upsert:
        duplicates and late heartbeats cannot move it back). Returns (position, completed_at)."""
        p = lecture_progress
        statement = dialect_insert(self._session, p).values(
            user_id=user_id,
            course_id=course_id,
            lecture_id=lecture_id,
            position_s=position_s,
            completed_at=None,
            updated_at=now,
        )
        statement = statement.on_conflict_do_update(
            index_elements=[p.c.user_id, p.c.lecture_id],
            set_={
                "position_s": _greatest(self._session, p.c.position_s, statement.excluded.position_s),
                "updated_at": now,
            },
        ).returning(p.c.position_s, p.c.completed_at)
        row = (await self._session.execute(statement)).one()
        return int(row.position_s), row.completed_at

    async def complete(self, user_id: str, course_id: str, lecture_id: str, now: datetime) -> bool:
        """Mark the lecture completed; True only for the call that completed it."""
        p = lecture_progress
        await self._session.execute(
            dialect_insert(self._session, p)
            .values(
                user_id=user_id,
                course_id=course_id,
                lecture_id=lecture_id,
                position_s=0,
                completed_at=None,
                updated_at=now,
            )
            .on_conflict_do_nothing()
        )
        result = await self._session.execute(
            sa.update(p)
            .where(p.c.user_id == user_id, p.c.lecture_id == lecture_id, p.c.completed_at.is_(None))
            .values(completed_at=now, updated_at=now)
        )
        return result.rowcount == 1

    async def get(self, user_id: str, lecture_id: str) -> tuple[int, datetime | None]:
        p = lecture_progress
        row = (
            await self._session.execute(
                sa.select(p.c.position_s, p.c.completed_at).where(
                    p.c.user_id == user_id, p.c.lecture_id == lecture_id
                )
            )
        ).first()
        return (int(row.position_s), row.completed_at) if row else (0, None)

    async def completed_count(self, user_id: str, course_id: str) -> int:
        """Completed lectures among the course's current lectures."""
        p = lecture_progress
        query = (
            sa.select(sa.func.count())
            .select_from(p.join(lectures, lectures.c.id == p.c.lecture_id))
            .where(p.c.user_id == user_id, p.c.course_id == course_id, p.c.completed_at.is_not(None))
        )
        return int((await self._session.execute(query)).scalar_one())

    async def completed_counts(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """completed_count for many (user, course) pairs in one query."""
        if not pairs:
            return {}
        p = lecture_progress
        query = (
            sa.select(p.c.user_id, p.c.course_id, sa.func.count())
            .select_from(p.join(lectures, lectures.c.id == p.c.lecture_id))
            .where(sa.tuple_(p.c.user_id, p.c.course_id).in_(list(pairs)), p.c.completed_at.is_not(None))
            .group_by(p.c.user_id, p.c.course_id)
        )
        return {(u, c): int(n) for u, c, n in (await self._session.execute(query)).all()}

    async def lecture_counts(self, course_ids: Iterable[str]) -> dict[str, int]:
        ids = list(set(course_ids))
        if not ids:
            return {}
        query = (
            sa.select(lectures.c.course_id, sa.func.count())
            .where(lectures.c.course_id.in_(ids))
            .group_by(lectures.c.course_id)
        )
        return {c: int(n) for c, n in (await self._session.execute(query)).all()}


class SqlReviews:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, review: Review) -> None:
        statement = dialect_insert(self._session, reviews).values(**_review_row(review))
        if not await _inserted(self._session, statement.on_conflict_do_nothing(), reviews.c.course_id):
            raise Conflict("REVIEW_ALREADY_EXISTS", "you already reviewed this course; edit your review")

    async def get(self, course_id: str, user_id: str, *, lock: bool = False) -> Review | None:
        query = sa.select(reviews).where(reviews.c.course_id == course_id, reviews.c.user_id == user_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return Review(**row) if row else None

    async def save(self, review: Review) -> None:
        row = _review_row(review)
        await self._session.execute(
            sa.update(reviews)
            .where(reviews.c.course_id == review.course_id, reviews.c.user_id == review.user_id)
            .values(**row)
        )

    async def list(self, course_id: str, after: tuple[datetime, str] | None, limit: int) -> list[Review]:
        r = reviews
        query = sa.select(r).where(r.c.course_id == course_id)
        if after is not None:
            query = query.where(sa.tuple_(r.c.created_at, r.c.user_id) < sa.tuple_(*after))
        query = query.order_by(r.c.created_at.desc(), r.c.user_id.desc()).limit(limit)
        return [Review(**row) for row in (await self._session.execute(query)).mappings()]


def _review_row(review: Review) -> dict[str, Any]:
    return {
        "course_id": review.course_id,
        "user_id": review.user_id,
        "rating": review.rating,
        "text": review.text,
        "reply": review.reply,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
        "replied_at": review.replied_at,
    }


class SqlUnitOfWork(KitUnitOfWork):
    """The kit's unit of work plus this service's repositories. On commit, the events
    raised by every course it saw (and those recorded with `emit`) go to the outbox in
    the same transaction."""

    categories: SqlCategories
    courses: SqlCourses
    structure: SqlStructure
    enrollments: SqlEnrollments
    progress: SqlProgress
    reviews: SqlReviews
    search: SqlSearch

    def __init__(self, database: Database) -> None:
        super().__init__(database)
        self.committed_events: list[DomainEvent] = []

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.categories = SqlCategories(self.session)
        self.courses = SqlCourses(self.session)
        self.structure = SqlStructure(self.session)
        self.enrollments = SqlEnrollments(self.session)
        self.progress = SqlProgress(self.session)
        self.reviews = SqlReviews(self.session)
        self.search = SqlSearch(self.session)
        self._emitted: list[DomainEvent] = []
        return self

    def emit(self, event: DomainEvent) -> None:
        """Record a domain event that no aggregate raised (enrolment, progress, reviews)."""
        self._emitted.append(event)

    async def commit(self) -> None:
        events = [*self._emitted]
        for course in self.courses.seen:
            events.extend(course.pull_events())
        for event in events:
            self.record(event_to_proto(event))
        self._emitted.clear()
        await super().commit()
        self.committed_events = events
