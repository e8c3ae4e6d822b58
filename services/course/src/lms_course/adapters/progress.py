"""Learners' lecture progress in PostgreSQL. Positions only rise (one GREATEST upsert) and
completion is set once (a conditional update), so duplicates and late heartbeats are safe."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_course.adapters.sql import wrote_row
from lms_course.adapters.tables import chapters, lecture_progress, lectures
from lms_kit.uow import SqlRepository


class SqlProgress(SqlRepository):
    async def record_position(
        self, user_id: str, course_id: str, lecture_id: str, position_s: int, now: datetime
    ) -> tuple[int, datetime | None]:
        """Raise the stored position to `position_s` if that is further (one upsert:
        duplicates and late heartbeats cannot move it back). Returns (position, completed_at)."""
        p = lecture_progress
        statement = insert(p).values(
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
                "position_s": sa.func.greatest(p.c.position_s, statement.excluded.position_s),
                "updated_at": now,
            },
        )
        row = (await self.session.execute(statement.returning(p.c.position_s, p.c.completed_at))).one()
        return int(row.position_s), row.completed_at

    async def complete(self, user_id: str, course_id: str, lecture_id: str, now: datetime) -> bool:
        """Mark the lecture completed; True only for the call that completed it."""
        p = lecture_progress
        await self.session.execute(
            insert(p)
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
        statement = (
            sa.update(p)
            .where(p.c.user_id == user_id, p.c.lecture_id == lecture_id, p.c.completed_at.is_(None))
            .values(completed_at=now, updated_at=now)
        )
        return await wrote_row(self.session, statement, p.c.lecture_id)

    async def get(self, user_id: str, lecture_id: str) -> tuple[int, datetime | None]:
        p = lecture_progress
        query = sa.select(p.c.position_s, p.c.completed_at).where(
            p.c.user_id == user_id, p.c.lecture_id == lecture_id
        )
        row = (await self.session.execute(query)).first()
        return (int(row.position_s), row.completed_at) if row else (0, None)

    async def of_course(self, user_id: str, course_id: str) -> list[tuple[str, str, int, datetime | None]]:
        p, lecture, chapter = lecture_progress, lectures, chapters
        own = sa.and_(p.c.lecture_id == lecture.c.id, p.c.user_id == user_id)
        query = (
            sa.select(
                lecture.c.id,
                lecture.c.chapter_id,
                sa.func.coalesce(p.c.position_s, 0).label("position_s"),
                p.c.completed_at,
            )
            .select_from(lecture.join(chapter, chapter.c.id == lecture.c.chapter_id).outerjoin(p, own))
            .where(lecture.c.course_id == course_id)
            .order_by(chapter.c.position, lecture.c.position)
        )
        rows = (await self.session.execute(query)).all()
        return [(r.id, r.chapter_id, int(r.position_s), r.completed_at) for r in rows]

    async def completed_count(self, user_id: str, course_id: str) -> int:
        """Completed lectures among the course's current lectures."""
        p = lecture_progress
        query = (
            sa.select(sa.func.count())
            .select_from(p.join(lectures, lectures.c.id == p.c.lecture_id))
            .where(p.c.user_id == user_id, p.c.course_id == course_id, p.c.completed_at.is_not(None))
        )
        return int((await self.session.execute(query)).scalar_one())

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
        return {(u, c): int(n) for u, c, n in (await self.session.execute(query)).all()}

    async def lecture_counts(self, course_ids: Iterable[str]) -> dict[str, int]:
        ids = list(set(course_ids))
        if not ids:
            return {}
        query = (
            sa.select(lectures.c.course_id, sa.func.count())
            .where(lectures.c.course_id.in_(ids))
            .group_by(lectures.c.course_id)
        )
        return {c: int(n) for c, n in (await self.session.execute(query)).all()}
