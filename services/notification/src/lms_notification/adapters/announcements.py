"""Announcements and their audiences (course learners, every known user) in PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from lms_kit.domain import utc_now
from lms_kit.uow import SqlRepository
from lms_notification.adapters.tables import announcements, course_learners, recipients
from lms_notification.domain.model import Announcement
from lms_notification.handlers.ports import IdleLearner


def _announcement(row: Any) -> Announcement:
    return Announcement(
        row.id,
        row.author_id,
        row.request_id,
        row.title,
        row.message,
        row.course_id,
        row.created_at,
        row.cursor,
        row.queued_count,
        row.done,
    )


class SqlAnnouncements(SqlRepository):
    async def add(self, announcement: Announcement) -> Announcement:
        inserted = await self.session.execute(
            insert(announcements)
            .values(
                id=announcement.id,
                author_id=announcement.author_id,
                request_id=announcement.request_id,
                title=announcement.title,
                message=announcement.message,
                course_id=announcement.course_id,
                created_at=announcement.created_at,
            )
            .on_conflict_do_nothing(constraint="announcements_author_request_key")
            .returning(announcements.c.id)
        )
        if inserted.first() is not None:
            return announcement
        row = (
            await self.session.execute(
                sa.select(announcements).where(
                    announcements.c.author_id == announcement.author_id,
                    announcements.c.request_id == announcement.request_id,
                )
            )
        ).one()
        return _announcement(row)

    async def get(self, announcement_id: str) -> Announcement | None:
        row = (
            await self.session.execute(sa.select(announcements).where(announcements.c.id == announcement_id))
        ).first()
        return _announcement(row) if row is not None else None

    async def next_pending(self) -> Announcement | None:
        row = (
            await self.session.execute(
                sa.select(announcements)
                .where(announcements.c.done.is_(False))
                .order_by(announcements.c.created_at)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).first()
        return _announcement(row) if row is not None else None

    async def save(self, announcement: Announcement) -> None:
        await self.session.execute(
            sa.update(announcements)
            .where(announcements.c.id == announcement.id)
            .values(
                cursor=announcement.cursor, queued_count=announcement.queued_count, done=announcement.done
            )
        )


class SqlAudiences(SqlRepository):
    async def add_learner(self, course_id: str, user_id: str) -> None:
        await self.session.execute(
            insert(course_learners)
            .values(course_id=course_id, user_id=user_id, last_active_at=utc_now())
            .on_conflict_do_nothing()
        )

    async def active(self, course_id: str, user_id: str, at: datetime) -> None:
        statement = insert(course_learners).values(course_id=course_id, user_id=user_id, last_active_at=at)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["course_id", "user_id"],
                set_={
                    "last_active_at": sa.func.greatest(course_learners.c.last_active_at, at),
                    "reminders_since_active": 0,
                },
            )
        )

    async def idle(
        self, *, inactive_before: datetime, reminded_before: datetime, max_reminders: int, limit: int
    ) -> list[IdleLearner]:
        c = course_learners.c
        rows = await self.session.execute(
            sa.select(c.course_id, c.user_id, c.reminders_since_active)
            .where(
                c.last_active_at < inactive_before,
                c.reminders_since_active < max_reminders,
                sa.or_(c.reminded_at.is_(None), c.reminded_at < reminded_before),
            )
            .order_by(c.last_active_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [IdleLearner(r.course_id, r.user_id, r.reminders_since_active) for r in rows]

    async def reminded(self, course_id: str, user_id: str, at: datetime) -> None:
        c = course_learners.c
        await self.session.execute(
            sa.update(course_learners)
            .where(c.course_id == course_id, c.user_id == user_id)
            .values(reminded_at=at, reminders_since_active=c.reminders_since_active + 1)
        )

    async def remove_learner(self, course_id: str, user_id: str) -> None:
        await self.session.execute(
            sa.delete(course_learners).where(
                course_learners.c.course_id == course_id, course_learners.c.user_id == user_id
            )
        )

    async def members(self, course_id: str | None, after: str, limit: int) -> list[str]:
        if course_id is None:
            column = recipients.c.user_id
            query = sa.select(column)
        else:
            column = course_learners.c.user_id
            query = sa.select(column).where(course_learners.c.course_id == course_id)
        query = query.where(column > after).order_by(column).limit(limit)
        return list((await self.session.execute(query)).scalars())
